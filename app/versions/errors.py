"""The one error the version life cycle raises."""


class VersionError(ValueError):
    """An action the version's state or the approval policy refuses, with a readable message."""
