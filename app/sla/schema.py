"""The JSON Schema (2020-12) of the published document, generated from the section registry."""
from app.sla.sections import (
    DATE_PATTERN, DEFINITION_MAX, EMAIL_MAX, KEY_PATTERN, LIST_MAX_ITEMS, LONGTEXT_MAX, NAME_MAX, SCHEMA_VERSION,
    SECTION_LIST, TEXT_MAX, TIME_PATTERN, TIMEZONE_MAX, Field, Section,
)
from app.sla.translations import LANGUAGES, translatable_fields
from app.versions.semver import VERSION_NUMBER_PATTERN

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TEAM_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SEMVER_PATTERN = VERSION_NUMBER_PATTERN
KEY = {"type": "string", "pattern": KEY_PATTERN}
TEAM = {"type": "string", "pattern": TEAM_PATTERN, "maxLength": 40}
TIMESTAMP = {"type": "string", "format": "date-time"}


def _nullable(schema: dict) -> dict:
    """Allow null as well (for optional fields, which the document holds as null when empty)."""
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    return schema


def _bounded(kind: str, f: Field) -> dict:
    schema: dict = {"type": kind}
    if f.minimum is not None:
        schema["minimum"] = int(f.minimum) if kind == "integer" else f.minimum
    if f.maximum is not None:
        schema["maximum"] = int(f.maximum) if kind == "integer" else f.maximum
    return schema


def field_schema(f: Field) -> dict:
    """The schema of one structured field's value."""
    if f.kind == "text":
        schema = {"type": "string", "maxLength": TEXT_MAX}
    elif f.kind == "longtext":
        schema = {"type": "string", "maxLength": LONGTEXT_MAX}
    elif f.kind == "int":
        schema = _bounded("integer", f)
    elif f.kind == "number":
        schema = _bounded("number", f)
    elif f.kind == "bool":
        return {"type": "boolean", "description": f.label}
    elif f.kind == "choice":
        schema = {"type": "string", "enum": list(f.choices)}
    elif f.kind == "choices":
        return {"type": "array", "items": {"enum": list(f.choices)}, "uniqueItems": True,
                "minItems": 1 if f.required else 0, "description": f.label}
    elif f.kind == "dates":
        return {"type": "array", "items": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                "uniqueItems": True, "maxItems": LIST_MAX_ITEMS, "description": f.help or f.label}
    elif f.kind == "time":
        schema = {"type": "string", "pattern": TIME_PATTERN}
    elif f.kind == "timezone":
        schema = {"type": "string", "maxLength": TIMEZONE_MAX}
    elif f.kind == "email":
        schema = {"type": "string", "format": "email", "maxLength": EMAIL_MAX}
    elif f.kind == "team":
        schema = dict(TEAM)
    elif f.kind == "ref":
        schema = dict(KEY)
    elif f.kind in ("list", "refs"):
        item = KEY if f.kind == "refs" else {"type": "string", "maxLength": TEXT_MAX}
        return {"type": "array", "items": item, "maxItems": LIST_MAX_ITEMS, "description": f.label}
    elif f.kind == "criteria":
        return {"type": "array", "maxItems": LIST_MAX_ITEMS, "description": f.label, "items": {
            "type": "object",
            "required": ["attribute", "operator", "value"],
            "properties": {
                "attribute": {"type": "string", "maxLength": TEXT_MAX},
                "operator": {"type": "string", "enum": list(f.choices)},
                "value": {"type": ["string", "number", "boolean", "null"]},
            },
            "additionalProperties": False,
        }}
    else:
        raise ValueError(f"No schema for field kind {f.kind!r}")
    schema["description"] = f.help or f.label
    return schema if f.required else _nullable(schema)


def entry_schema(section: Section, schema_version: int = SCHEMA_VERSION) -> dict:
    """The schema of one entry of a section: base fields, position when ordered, structured fields
    (those of `schema_version`)."""
    properties = {
        "key": {**KEY, "description": "Stable slug, unique in the version."},
        "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
        "team": {**TEAM, "description": "The owner team."},
        "definition": {"type": "string", "maxLength": DEFINITION_MAX, "description": "Markdown."},
        "deprecated": {"type": "boolean"},
        "superseded_by": _nullable({**KEY, "description": "The key of the entry that replaces this one."}),
    }
    if section.ordered_in(schema_version):
        properties["position"] = {"type": "integer", "description": "Order within the section."}
    for f in section.fields_in(schema_version):
        properties[f.name] = field_schema(f)
    required = list(properties)
    names = tuple(name for name in translatable_fields(section) if name in properties)
    properties["translations"] = translations_schema(section, properties, names)
    properties["untranslated"] = {
        "type": "array", "items": {"enum": list(names)}, "minItems": 1, "uniqueItems": True,
        "description": "Only with `?lang=`: the fields still in the document's primary language."}
    return {
        "title": f"{section.title}: one {section.singular}",
        "description": section.summary,
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


def translations_schema(section: Section, properties: dict, names: tuple[str, ...]) -> dict:
    """Optional: the name, definition and prose fields in another language, only those translated."""
    fields = {}
    for name in names:
        schema = {key: value for key, value in properties[name].items() if key != "description"}
        schema["type"] = "array" if schema["type"] in ("array", ["array", "null"]) else "string"
        schema["minItems" if schema["type"] == "array" else "minLength"] = 1
        fields[name] = schema
    return {
        "type": "object",
        "description": "Present only when the entry has translations: by language, the translated "
                       "fields (a list item by item, as many items as the original).",
        "propertyNames": {"enum": list(LANGUAGES)},
        "minProperties": 1,
        "additionalProperties": {"type": "object", "properties": fields, "minProperties": 1,
                                 "additionalProperties": False},
    }


def entry_definition_name(section_key: str, suffix: str = "") -> str:
    return f"Entry_{section_key}{suffix}"


def sections_in(schema_version: int) -> list[Section]:
    """The sections a document of that schema version has."""
    return [s for s in SECTION_LIST if s.since <= schema_version]


def definitions(schema_version: int = SCHEMA_VERSION, suffix: str = "") -> dict:
    """Every reusable definition: one entry schema per section (named with `suffix`), and an approval."""
    defs = {entry_definition_name(s.key, suffix): entry_schema(s, schema_version)
            for s in sections_in(schema_version)}
    defs["Approval"] = {
        "type": "object",
        "required": ["team", "by", "at"],
        "properties": {"team": TEAM, "by": {"type": "string"}, "at": TIMESTAMP},
        "additionalProperties": False,
    }
    return defs


def document_body_schema(ref_prefix: str = "#/$defs/", schema_version: int = SCHEMA_VERSION,
                         suffix: str = "") -> dict:
    """The document's schema whose references point at `ref_prefix` + a definition name (+ `suffix`)."""
    sections = {s.key: {"type": "array", "items": {"$ref": ref_prefix + entry_definition_name(s.key, suffix)},
                        "description": s.summary}
                for s in sections_in(schema_version)}
    stated = {"schema_version": {"const": schema_version, "description": "The schema this document follows."}
              } if schema_version > 1 else {}
    return {
        "title": f"Published SLA document (schema {schema_version})",
        "type": "object",
        "required": [*stated, "version", "published_at", "effective_from", "title", "approvals", "sections"],
        "properties": {
            **stated,
            "version": {"type": "string", "pattern": SEMVER_PATTERN},
            "published_at": TIMESTAMP,
            "effective_from": {"type": ["string", "null"], "format": "date"},
            "title": {"type": "string"},
            "approvals": {"type": "array", "items": {"$ref": ref_prefix + "Approval"}},
            "language": {"enum": list(LANGUAGES),
                         "description": "The primary language of the entries; absent means en."},
            "primary_language": {"enum": list(LANGUAGES),
                                 "description": "Only with `?lang=` (where `language` is the one asked "
                                                "for): the document's primary language."},
            "sections": {"type": "object", "required": list(sections), "properties": sections,
                         "additionalProperties": False},
        },
        "additionalProperties": False,
    }


def document_schema(schema_version: int = SCHEMA_VERSION) -> dict:
    """The standalone JSON Schema (2020-12) that documents published under `schema_version` validate
    against (documents that state no schema_version are of version 1)."""
    return {"$schema": DIALECT, **document_body_schema(schema_version=schema_version),
            "$defs": definitions(schema_version)}
