"""The consistency checks of a version, against the version it follows: one call for pages, API and submit."""
from app.cache import BoundedMemo
from app.models import Version
from app.sla.checks import Check, run_checks
from app.versions.queries import document_of

# A published version's findings never change: kept per worker by the SHA-256 of its bytes and of the
# bytes of the version it followed.
_published = BoundedMemo(64)


def version_checks(version: Version) -> list[Check]:
    """Findings over `version`'s document; stale prose is judged against the version it was based on."""
    previous = version.based_on

    def build() -> tuple[Check, ...]:
        return tuple(run_checks(document_of(version), document_of(previous) if previous is not None else None))
    if version.is_frozen and version.sha256 and (previous is None or previous.sha256):
        return list(_published.get((version.sha256, previous.sha256 if previous is not None else None), build))
    return list(build())
