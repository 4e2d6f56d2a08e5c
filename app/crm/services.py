"""The drift of an uploaded CRM state from the current version's exports."""
import json

from app.sla.drift import DriftInputError, hubspot_drift, salesforce_drift
from app.versions.published import current_version_ref, document_for


def current_document() -> dict | None:
    """The document in force, or None before the first publish."""
    ref = current_version_ref()
    return document_for(ref).data if ref is not None else None


def hubspot_drift_of(files: dict[str, bytes]) -> dict:
    """Each uploaded file read as the JSON HubSpot returned; DriftInputError names the file that is not."""
    sent = {}
    for name, data in files.items():
        try:
            sent[name] = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise DriftInputError(f"The file is not JSON: {error}.", [{"pointer": f"/{name}",
                                                                     "message": f"not JSON: {error}"}]) from None
    return hubspot_drift(current_document(), sent)


def salesforce_drift_of(files: dict[str, bytes]) -> dict:
    return salesforce_drift(current_document(), files)
