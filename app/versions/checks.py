"""The consistency checks of a version, against the version it follows: one call for pages, API and submit."""
from app.models import Version
from app.sla.checks import Check, run_checks
from app.versions.queries import document_of


def version_checks(version: Version) -> list[Check]:
    """Findings over `version`'s document; stale prose is judged against the version it was based on."""
    previous = version.based_on
    return run_checks(document_of(version), document_of(previous) if previous is not None else None)
