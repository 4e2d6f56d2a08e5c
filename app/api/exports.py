"""CRM exports: HubSpot API v3 bodies, the Salesforce Metadata API package, the drift of a CRM from them,
and the legacy JSON exports (deprecated)."""
from flask import Response, request

from app.api import bp
from app.api.http import (VARY, ApiError, dump_json, etag_of, immutable_cache_control, json_response,
                          revalidate_cache_control)
from app.api.lookup import requested
from app.api.score import read_json_body
from app.api.views import derived
from app.sla.drift import DriftInputError, hubspot_drift, salesforce_drift
from app.sla.exports import hubspot_export, hubspot_pipeline, hubspot_property, salesforce_export
from app.sla.salesforce import package_zip
from app.versions.published import document_for

DEPRECATED_SINCE = "@1796083200"  # 2026-12-01T00:00:00Z, as RFC 9745's Deprecation header writes a date
PACKAGE_NAME = "accord-salesforce-{version}.zip"
XML_TYPES = ("application/xml", "text/xml")


def _derived(kind: str, build) -> tuple[bytes, object, bool]:
    """Bytes built from the requested version's document, memoised by its SHA-256; the version row and
    whether the answer is immutable."""
    row, immutable = requested(request.args.get("version"))
    return derived.get((row.sha256, kind, ""), lambda: build(document_for(row).data)), row, immutable


def _json(kind: str, build) -> Response:
    data, row, immutable = _derived(kind, lambda document: dump_json(build(document)))
    return json_response(data, last_modified=row.published_at, immutable=immutable)


def _deprecated(response: Response, *successors: str) -> Response:
    """Mark a legacy export: a Deprecation date and Link headers to what replaces it."""
    response.headers["Deprecation"] = DEPRECATED_SINCE
    response.headers["Link"] = ", ".join(f'<{bp.url_prefix}{path}>; rel="successor-version"' for path in successors)
    return response


@bp.route("/sla/exports/hubspot/pipeline")
def export_hubspot_pipeline():
    """The deal stages as a HubSpot pipelines API v3 PipelineInput (POST /crm/v3/pipelines/deals)."""
    return _json("hubspot-pipeline", hubspot_pipeline)


@bp.route("/sla/exports/hubspot/properties/lifecyclestage")
def export_hubspot_lifecyclestage():
    """The lifecycle stages as options of HubSpot's lifecyclestage contact property (a PropertyUpdate)."""
    return _json("hubspot-lifecyclestage", lambda document: hubspot_property(document, "lifecyclestage"))


@bp.route("/sla/exports/hubspot/properties/hs_lead_status")
def export_hubspot_lead_status():
    """The lead statuses as options of HubSpot's hs_lead_status contact property (a PropertyUpdate)."""
    return _json("hubspot-hs_lead_status", lambda document: hubspot_property(document, "hs_lead_status"))


@bp.route("/sla/exports/salesforce/package.zip")
def export_salesforce_package():
    """A Metadata API package to deploy: package.xml and the OpportunityStage and LeadStatus StandardValueSets."""
    data, row, immutable = _derived("salesforce-package", package_zip)
    response = Response(data, mimetype="application/zip")
    response.set_etag(etag_of(data))
    response.last_modified = row.published_at
    response.headers["Cache-Control"] = immutable_cache_control() if immutable else revalidate_cache_control()
    response.headers["Vary"] = VARY
    response.headers["Content-Disposition"] = f'attachment; filename="{PACKAGE_NAME.format(version=row.number)}"'
    return response.make_conditional(request)


@bp.route("/sla/exports/hubspot")
def export_hubspot():
    """Deprecated: deal stages as a HubSpot pipeline; lifecycle stages and lead statuses as property options."""
    return _deprecated(_json("hubspot", hubspot_export), "/sla/exports/hubspot/pipeline",
                       "/sla/exports/hubspot/properties/lifecyclestage",
                       "/sla/exports/hubspot/properties/hs_lead_status")


@bp.route("/sla/exports/salesforce")
def export_salesforce():
    """Deprecated: deal stages as OpportunityStage records and lead statuses as LeadStatus records."""
    return _deprecated(_json("salesforce", salesforce_export), "/sla/exports/salesforce/package.zip")


def _drift_response(compute) -> Response:
    """The drift as JSON, never stored (it answers what was sent); 422 when what was sent cannot be read."""
    row, _ = requested(request.args.get("version"))
    try:
        result = compute(document_for(row).data)
    except DriftInputError as error:
        raise ApiError(422, "Unprocessable Content", error.detail, errors=error.errors) from None
    response = json_response(dump_json(result))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/sla/exports/hubspot/drift", methods=["POST"])
def drift_hubspot():
    """What a sync would change in HubSpot, from the JSON its pipelines and properties APIs return now."""
    sent = read_json_body()
    return _drift_response(lambda document: hubspot_drift(document, sent))


def _value_set_files() -> dict[str, bytes]:
    """Retrieved StandardValueSet files: multipart parts named by value set, or one XML body named by ?set=."""
    if request.mimetype == "multipart/form-data":
        return {name: part.read() for name, part in request.files.items()}
    if request.mimetype in XML_TYPES:
        name = request.args.get("set", "").strip()
        if not name:
            raise ApiError(422, "Unprocessable Content", "Name the value set of an XML body: "
                           "?set=OpportunityStage or ?set=LeadStatus.", errors=[])
        return {name: request.get_data(cache=False)}
    raise ApiError(415, "Unsupported Media Type", "Send the retrieved StandardValueSet files as multipart/form-data "
                   "(parts OpportunityStage and LeadStatus), or one as application/xml with ?set=.")


@bp.route("/sla/exports/salesforce/drift", methods=["POST"])
def drift_salesforce():
    """What a deploy would change in Salesforce, from the StandardValueSet files a retrieve gives now."""
    files = _value_set_files()
    return _drift_response(lambda document: salesforce_drift(document, files))
