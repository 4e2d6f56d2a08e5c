"""Read queries for editing: entries of a section, keys of a version, who refers to whom."""
import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Entry, Team
from app.sla.document import sort_entries
from app.sla.sections import KEY_PATTERN, SECTIONS
from app.versions.display import field_title


def section_entries(version, section_key: str) -> list[Entry]:
    """The entries of one section of a version, in document order."""
    rows = db.session.scalars(select(Entry).where(Entry.version_id == version.id,
                                                  Entry.section == section_key))
    return sort_entries(rows)


def section_counts(version) -> dict[str, int]:
    """Number of entries per section key (sections without entries are missing)."""
    rows = db.session.execute(select(Entry.section, func.count()).where(Entry.version_id == version.id)
                              .group_by(Entry.section))
    return {section: count for section, count in rows}


def find_entry(version, section_key: str, key: str) -> Entry | None:
    """The entry with this key in this section of the version, or None."""
    if not re.fullmatch(KEY_PATTERN, key):  # never a key; a NUL would not even reach PostgreSQL
        return None
    return db.session.scalar(select(Entry).where(Entry.version_id == version.id,
                                                 Entry.section == section_key, Entry.key == key))


def version_keys(version_id: int) -> dict[str, tuple[str, str]]:
    """Every key of a version mapped to (section, name)."""
    rows = db.session.execute(select(Entry.key, Entry.section, Entry.name)
                              .where(Entry.version_id == version_id).order_by(Entry.name))
    return {key: (section, name) for key, section, name in rows}


def team_slugs() -> dict[str, str]:
    """Every team's slug mapped to its name, by name."""
    return {slug: name for slug, name in db.session.execute(select(Team.slug, Team.name).order_by(Team.name))}


def reference_fields(entry: Entry, key: str) -> list[str]:
    """Labels of the fields of `entry` that point at `key` (superseded_by, ref and refs fields), translated."""
    section = SECTIONS[entry.section]
    found = [field_title(entry.section, "superseded_by")] if entry.superseded_by == key else []
    values = entry.fields or {}
    for f in section.fields:
        value = values.get(f.name)
        if (f.kind == "ref" and value == key) or (f.kind == "refs" and isinstance(value, list) and key in value):
            found.append(field_title(entry.section, f.name))
    return found


def referencing_entries(version_id: int, key: str) -> list[tuple[Entry, list[str]]]:
    """The other entries of a version that refer to `key`, each with the fields that do."""
    entries = db.session.scalars(select(Entry).where(Entry.version_id == version_id, Entry.key != key)
                                 .order_by(Entry.section, Entry.name))
    return [(entry, fields) for entry in entries if (fields := reference_fields(entry, key))]
