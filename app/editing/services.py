"""Writes on the draft's entries: one verb per thing an editor can do; the request commits (app/transactions.py)."""
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.audit import record_event
from app.editing.queries import referencing_entries, version_keys
from app.extensions import db
from app.messages import N_
from app.models import Entry, Version, VersionState
from app.models.base import utcnow
from app.sla.document import entry_to_dict, sort_entries
from app.sla.sections import SECTIONS, normalise_fields
from app.sla.translations import clean_translations, translation_problems
from app.transactions import savepoint

AUDIT_TEXT_MAX = 200
# Refusals are in the reader's language; the audit log's summaries stay English.
IN_REVIEW_MESSAGE = N_("This version is in review: editing is closed until it is sent back.")
NOT_DRAFT_MESSAGE = N_("This version is no longer a draft: open a new draft to make changes.")


class EditingError(ValueError):
    """An edit that the draft's state or its content refuses, with a readable message."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleEntryError(EditingError):
    """A save made from an older revision than the entry has now; `current` is the entry as it is."""

    def __init__(self, current: Entry):
        super().__init__(_("“%(name)s” was changed by someone else after you opened it.", name=current.name))
        self.current = current


def _lock_draft(version_id: int) -> Version:
    """The version, share-locked against a concurrent submit; refused unless it is a draft."""
    version = db.session.scalar(select(Version).where(Version.id == version_id)
                                .with_for_update(read=True).execution_options(populate_existing=True))
    if version is None or version.state != VersionState.DRAFT.value:
        if version is not None and version.state == VersionState.IN_REVIEW.value:
            raise EditingError(_(IN_REVIEW_MESSAGE))
        raise EditingError(_(NOT_DRAFT_MESSAGE))
    return version


def _values(section_key: str, data: dict) -> dict:
    section, deprecated = SECTIONS[section_key], bool(data.get("deprecated"))
    values = {"key": data["key"], "name": data["name"], "team": data["team"],
              "definition": data.get("definition") or "", "deprecated": deprecated,
              "superseded_by": (data.get("superseded_by") or None) if deprecated else None,
              "fields": normalise_fields(section, data.get("fields") or {})}
    values["translations"] = clean_translations(section, data.get("translations"))
    problems = translation_problems(section, {**values, **values["fields"]}, values["translations"])
    if problems:  # the form says it per field; this is for any other caller
        raise EditingError(_("The translation does not fit the entry: %(problems)s", problems=" ".join(problems)),
                           field="translations")
    return values


def _short(value):
    if isinstance(value, str) and len(value) > AUDIT_TEXT_MAX:
        return value[:AUDIT_TEXT_MAX] + "…"
    if isinstance(value, list):
        return [_short(v) for v in value[:20]]
    return value


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, texts shortened: the audit log's before and after."""
    names = [name for name in after if before.get(name) != after.get(name)]
    return ({name: _short(before.get(name)) for name in names}, {name: _short(after.get(name)) for name in names})


def _write(entry_id: int, revision: int, values: dict, by) -> bool:
    """Update an entry only if it still has `revision` (one atomic statement); True when it did."""
    statement = (update(Entry).where(Entry.id == entry_id, Entry.revision == revision)
                 .values(**values, revision=Entry.revision + 1, updated_at=utcnow(),
                         updated_by_id=getattr(by, "id", None))
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


def _refuse_stale(entry_id: int):
    current = db.session.get(Entry, entry_id, populate_existing=True)
    if current is None:
        raise EditingError(_("This entry was deleted after you opened it."))
    raise StaleEntryError(current)


def _key_taken(key: str) -> EditingError:
    return EditingError(_("Another entry of this draft already has the key '%(key)s'.", key=key), field="key")


def add_entry(version: Version, section_key: str, data: dict, by=None) -> Entry:
    """Add an entry to a section of the draft (last in ordered sections)."""
    version = _lock_draft(version.id)
    section = SECTIONS[section_key]
    position = 0
    if section.ordered:
        last = db.session.scalar(select(func.max(Entry.position)).where(
            Entry.version_id == version.id, Entry.section == section_key))
        position = (last or 0) + 1
    entry = Entry(version_id=version.id, section=section_key, position=position, revision=1,
                  updated_at=utcnow(), updated_by_id=getattr(by, "id", None), **_values(section_key, data))
    try:
        with savepoint():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise _key_taken(data["key"]) from None
    record_event("entry.created", user=by, version=version, entry_key=entry.key,
                 summary=f"Added the {section.singular} “{entry.name}” ({entry.key})",
                 after={k: _short(v) for k, v in entry_to_dict(entry).items()})
    db.session.flush()
    return entry


def update_entry(entry: Entry, data: dict, revision: int, by=None) -> Entry:
    """Save an entry's new values, only if nobody saved it since `revision` (else StaleEntryError)."""
    version = _lock_draft(entry.version_id)
    entry_id, before = entry.id, entry_to_dict(entry)
    values = _values(entry.section, data)
    if _values(entry.section, {**before, "fields": before}) == values:
        return entry  # nothing to save, so nothing can be lost either
    if values["key"] != entry.key and referencing_entries(version.id, entry.key):
        raise EditingError(_("Other entries refer to '%(key)s': a key in use cannot change.", key=entry.key),
                           field="key")
    try:
        with savepoint():
            written = _write(entry_id, revision, values, by)
    except IntegrityError:
        raise _key_taken(values["key"]) from None
    if not written:
        _refuse_stale(entry_id)
    db.session.expire(entry)
    old, new = _changes(before, entry_to_dict(entry))
    record_event("entry.changed", user=by, version=version, entry_key=entry.key,
                 summary=f"Changed “{entry.name}” ({entry.key}): {', '.join(new) or 'nothing'}",
                 before=old, after=new)
    db.session.flush()
    return entry


def deprecate_entry(entry: Entry, successor: str | None, revision: int, by=None) -> Entry:
    """Mark an entry deprecated, naming the entry that supersedes it (optional)."""
    version = _lock_draft(entry.version_id)
    entry_id, key = entry.id, entry.key
    if successor and (successor == key or successor not in version_keys(version.id)):
        raise EditingError(_("There is no other entry '%(key)s' in this draft.", key=successor), field="successor")
    before = {"deprecated": entry.deprecated, "superseded_by": entry.superseded_by}
    if not _write(entry_id, revision, {"deprecated": True, "superseded_by": successor or None}, by):
        _refuse_stale(entry_id)
    db.session.expire(entry)
    record_event("entry.deprecated", user=by, version=version, entry_key=key,
                 summary=f"Deprecated “{entry.name}” ({key})" + (f", superseded by {successor}" if successor else ""),
                 before=before, after={"deprecated": True, "superseded_by": successor or None})
    db.session.flush()
    return entry


def delete_entry(entry: Entry, by=None) -> list[str]:
    """Delete an entry and remove the references to it; returns the keys of the entries that lost one."""
    version = _lock_draft(entry.version_id)
    key, before = entry.key, entry_to_dict(entry)
    cleaned = []
    for other, _fields in referencing_entries(version.id, key):
        if not _write(other.id, other.revision, _without_reference(other, key), by):
            raise EditingError(_("“%(name)s” changed while deleting; please try again.", name=other.name))
        cleaned.append(other.key)
    db.session.delete(entry)
    db.session.flush()
    record_event("entry.deleted", user=by, version=version, entry_key=key,
                 summary=f"Deleted “{before['name']}” ({key})" +
                 (f"; removed references from {', '.join(cleaned)}" if cleaned else ""),
                 before={k: _short(v) for k, v in before.items()},
                 after={"references_removed_from": cleaned} if cleaned else None)
    db.session.flush()
    return cleaned


def _without_reference(entry: Entry, key: str) -> dict:
    section = SECTIONS[entry.section]
    fields = dict(entry.fields or {})
    for f in section.fields:
        value = fields.get(f.name)
        if f.kind == "ref" and value == key:
            fields[f.name] = None
        elif f.kind == "refs" and isinstance(value, list):
            fields[f.name] = [v for v in value if v != key]
    values = {"fields": normalise_fields(section, fields)}
    if entry.superseded_by == key:
        values["superseded_by"] = None
    return values


def move_entry(entry: Entry, direction: str, by=None) -> Entry:
    """Move an entry of an ordered section one place up or down."""
    version = _lock_draft(entry.version_id)
    section = SECTIONS[entry.section]
    if not section.ordered:
        raise EditingError(_("%(section)s have no order to change.", section=_(section.title)))
    siblings = sort_entries(db.session.scalars(select(Entry).where(
        Entry.version_id == version.id, Entry.section == entry.section)))
    index = next(i for i, e in enumerate(siblings) if e.id == entry.id)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(siblings):
        raise EditingError(_("“%(name)s” is already first.", name=entry.name) if direction == "up"
                           else _("“%(name)s” is already last.", name=entry.name))
    old_positions = {e.key: e.position for e in siblings}
    siblings[index], siblings[target] = siblings[target], siblings[index]
    # Positions are renumbered 1..n only when duplicates make a plain swap meaningless.
    positions = sorted(old_positions.values())
    if len(set(positions)) < len(positions):
        positions = list(range(1, len(siblings) + 1))
    for sibling, position in zip(siblings, positions):
        if sibling.position != position and not _write(sibling.id, sibling.revision, {"position": position}, by):
            raise EditingError(_("The order changed meanwhile: reload the page and try again."))
    moved = {e.key: p for e, p in zip(siblings, positions) if old_positions[e.key] != p}
    record_event("entry.reordered", user=by, version=version, entry_key=entry.key,
                 summary=f"Moved “{entry.name}” ({entry.key}) {direction}",
                 before={k: old_positions[k] for k in moved}, after=moved)
    db.session.flush()
    db.session.expire_all()
    return entry
