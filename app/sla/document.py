"""The published document: the JSON that tools read, built from a version's entries."""
import hashlib

from app.canonical import canonical_json as canonical_bytes
from app.sla.sections import SCHEMA_VERSION, SECTION_KEYS, SECTIONS, normalise_fields
from app.sla.translations import DEFAULT_LANGUAGE, clean_translations


def isoformat_z(moment) -> str | None:
    """An ISO 8601 UTC timestamp ending in Z (stored datetimes are naive UTC)."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"


def entry_to_dict(entry) -> dict:
    """One entry as it appears in the published document."""
    section = SECTIONS[entry.section]
    data = {
        "key": entry.key,
        "name": entry.name,
        "team": entry.team,
        "definition": entry.definition,
        "deprecated": bool(entry.deprecated),
        "superseded_by": entry.superseded_by,
    }
    if section.ordered:
        data["position"] = entry.position
    data.update(normalise_fields(section, entry.fields or {}))
    translations = clean_translations(section, entry.translations)
    if translations:  # absent otherwise, so entries without translations keep their bytes
        data["translations"] = translations
    return data


def sort_entries(entries) -> list:
    """Entries in document order: by position in ordered sections, else by name."""
    def sort_key(e):
        section = SECTIONS[e.section]
        return (e.position, e.key) if section.ordered else (e.name.casefold(), e.key)
    return sorted(entries, key=sort_key)


def sections_dict(entries) -> dict:
    """Every section key mapped to its entries as dicts (empty lists included)."""
    grouped: dict[str, list] = {key: [] for key in SECTION_KEYS}
    for entry in entries:
        grouped[entry.section].append(entry)
    return {key: [entry_to_dict(e) for e in sort_entries(items)] for key, items in grouped.items()}


def stated_language(primary: str, sections: dict) -> str | None:
    """The `language` a document states: omitted (None) only when it is English without any
    translation, so that such documents keep the bytes they had before languages existed."""
    if primary != DEFAULT_LANGUAGE or any("translations" in e for entries in sections.values() for e in entries):
        return primary
    return None


def build_document(version, approvals=(), sections: dict | None = None, language: str | None = None) -> dict:
    """The whole document of a version (the number and dates are those it has now).

    `sections`, when given, is the version's sections_dict already built (publishing builds it once);
    `language` is what stated_language() gives for them (None: not stated, English)."""
    document = {
        "schema_version": SCHEMA_VERSION,  # absent from documents published before it existed (1)
        "version": version.number,
        "published_at": isoformat_z(version.published_at),
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "title": version.title,
        "approvals": [
            {"team": a.team, "by": a.user.name, "at": isoformat_z(a.at)}
            for a in sorted(approvals, key=lambda a: a.team)
        ],
        "sections": sections if sections is not None else sections_dict(version.entries),
    }
    if language is not None:
        document["language"] = language
    return document


def document_bytes(version, approvals, sections_bytes: bytes, language: str | None = None) -> bytes:
    """canonical_bytes(build_document(version, approvals, sections)) from the sections' canonical
    bytes, so that publishing serialises the sections once. Every other value is a JSON string,
    number, null or list, in which an unescaped `"sections":{}` cannot occur."""
    head = canonical_bytes(build_document(version, approvals, sections={}, language=language))
    return head.replace(b'"sections":{}', b'"sections":' + sections_bytes, 1)


def content_hash(version, sections: dict | None = None) -> str:
    """SHA-256 of a version's content alone (what an approver signs), without dates or number."""
    return hashlib.sha256(canonical_bytes(sections if sections is not None else sections_dict(version.entries))
                          ).hexdigest()


def schema_version_of(document: dict) -> int:
    """The schema version a document was published under (documents of part one do not say: 1)."""
    return document.get("schema_version", 1)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
