"""Read endpoints: documents, versions, sections, terms, glossary, compare, schema, OpenAPI (the CRM exports
are in app.api.exports)."""
from flask import request

from app.api import bp
from app.api.http import ApiError, document_response, dump_json, json_response, not_found
from app.api.lookup import current_or_404, published_or_404, requested, version_list
from app.api.openapi import openapi_document
from app.cache import BoundedMemo
from app.markdown import render_markdown_html
from app.sla.document import schema_version_of
from app.sla.schema import document_schema
from app.sla.sections import SCHEMA_VERSION, SCHEMA_VERSIONS, SECTION_LIST, get_section
from app.sla.translations import LANGUAGES, localize_document
from app.versions.published import compared, document_for, published_bytes

# JSON derived from immutable bytes, keyed by their SHA-256: safe with many workers and hosts.
derived = BoundedMemo(256)


@bp.route("/sla")
def sla():
    """The current published document, as its frozen bytes."""
    language = _requested_language()
    version = current_or_404()
    if language is not None:
        return _localized_response(version, language, immutable=False)
    return document_response(version.sha256, lambda: published_bytes(version), last_modified=version.published_at)


@bp.route("/sla/versions")
def versions():
    """Every published version, newest first."""
    return json_response(dump_json({"versions": version_list()}))


@bp.route("/sla/versions/<version>")
def version(version: str):
    """One published version's document (immutable)."""
    language = _requested_language()
    row = published_or_404(version)
    if language is not None:
        return _localized_response(row, language, immutable=True)
    return document_response(row.sha256, lambda: published_bytes(row), last_modified=row.published_at,
                             immutable=True)


def _requested_language() -> str | None:
    """The `?lang=` of a document request, or None; a request without a query string (how tools
    poll) costs one dict lookup here."""
    if not request.environ.get("QUERY_STRING"):
        return None
    language = request.args.get("lang")
    if language is not None and language not in LANGUAGES:
        raise ApiError(400, "Bad Request", f"Unknown language '{language[:20]}'. Languages: {', '.join(LANGUAGES)}.")
    return language


def _localized_response(row, language: str, immutable: bool):
    """The document with its entries in `language` where translated: a view of the canonical bytes
    with an ETag of its own (their SHA-256 and the language), never the signed document itself."""
    def build() -> bytes:
        return derived.get((row.sha256, "lang", language),
                           lambda: dump_json(localize_document(document_for(row).data, language)))
    return document_response(f"{row.sha256}-{language}", build, last_modified=row.published_at,
                             immutable=immutable)


def _derived_response(kind: str, arg: str, build):
    """A view derived from the requested version's document, memoised by its SHA-256."""
    row, immutable = requested(request.args.get("version"))
    data = derived.get((row.sha256, kind, arg), lambda: build(document_for(row).data))
    return json_response(data, last_modified=row.published_at, immutable=immutable)


@bp.route("/sla/sections/<section>")
def section(section: str):
    """One section of the current version (`?version=` for another)."""
    registered = get_section(section)
    if registered is None:
        raise not_found(f"There is no section '{section}'. Sections: {', '.join(s.key for s in SECTION_LIST)}.")

    def build(document):
        return dump_json({"version": document["version"], "section": section, "title": registered.title,
                          "entries": document["sections"].get(section, [])})
    return _derived_response("section", section, build)


@bp.route("/sla/terms/<key>")
def term(key: str):
    """One entry of the current version, with its section (`?version=` for another)."""
    row, _ = requested(request.args.get("version"))
    section_key, entry = document_for(row).entry(key)
    if entry is None:
        raise not_found(f"Version {row.number} has no term '{key}'.")

    def build(document):
        return dump_json({"version": document["version"], "section": section_key, "entry": entry})
    return _derived_response("term", key, build)


def _glossary(document: dict) -> bytes:
    terms = [{
        "key": entry["key"],
        "name": entry["name"],
        "section": section_key,
        "team": entry["team"],
        "deprecated": entry["deprecated"],
        "definition": entry["definition"],
        "definition_html": render_markdown_html(entry["definition"]),
        "synonyms": list(entry.get("synonyms") or []),
    } for section_key, entries in document["sections"].items() for entry in entries]
    terms.sort(key=lambda t: (t["name"].casefold(), t["key"]))
    return dump_json({"version": document["version"], "terms": terms})


@bp.route("/glossary")
def glossary():
    """Every term of the current version, flat and A–Z (`?version=` for another)."""
    return _derived_response("glossary", "", _glossary)


@bp.route("/sla/compare")
def compare():
    """The structured diff between two published versions, with change kind and breaking changes."""
    old_number, new_number = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    if not old_number or not new_number:
        raise ApiError(400, "Bad Request", "Name both versions: /sla/compare?from=A&to=B.")
    old, new = published_or_404(old_number), published_or_404(new_number)
    data = derived.get((old.sha256, "compare", new.sha256), lambda: dump_json(compared(old, new)))
    return json_response(data, immutable=True)


@bp.route("/schema")
def schema():
    """The JSON Schema (2020-12) of published documents: the newest, or `?version=` a schema version (1, 2)
    or a published version's number, for the schema that version was published under."""
    wanted = request.args.get("version", "").strip()
    if not wanted:
        schema_version = SCHEMA_VERSION
    elif wanted.isdigit() and int(wanted) in SCHEMA_VERSIONS:
        schema_version = int(wanted)
    elif "." in wanted:
        schema_version = schema_version_of(document_for(published_or_404(wanted)).data)
    else:
        raise ApiError(400, "Bad Request", f"Unknown schema version '{wanted[:20]}'. Schema versions: "
                       f"{', '.join(map(str, SCHEMA_VERSIONS))}, or a published version's number.")
    return json_response(dump_json(document_schema(schema_version)))


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return json_response(dump_json(openapi_document()))


from app.api import exports  # noqa: E402,F401  (the CRM export routes share `derived`)
