"""A term's history across published versions: which versions added, changed, deprecated or removed it.

Built from each version's frozen document. The result depends only on the key and the hashes of
the published versions, so it is cached on exactly that (a new publish makes a new cache key).
"""
from dataclasses import dataclass

from markupsafe import Markup

from app.cache import BoundedMemo
from app.messages import N_
from app.versions.published import VersionRef, document_for, published_versions
from app.sla.diff import compare_entries, format_value, is_prose, value_diff_html, word_diff_html
from app.sla.sections import SECTIONS

CACHE_SIZE = 512
# Every entry's own fields, as pages name them; the registry names the others.
BASE_FIELD_TITLES = {"name": N_("Name"), "definition": N_("Definition"), "team": N_("Team"),
                     "position": N_("Position"), "deprecated": N_("Deprecation"),
                     "superseded_by": N_("Successor"), "section": N_("Section")}


def field_title(section_key: str, name: str) -> str:
    """A field's label as the catalogue knows it: histories are cached for every reader, so pages
    translate it when they show it."""
    if name in BASE_FIELD_TITLES:
        return BASE_FIELD_TITLES[name]
    section = SECTIONS.get(section_key)
    if section is None or name not in section.field_names:
        return name.replace("_", " ")
    return section.field(name).label


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str  # a msgid: see field_title
    old: str
    new: str
    diff_html: Markup


@dataclass(frozen=True)
class HistoryEvent:
    """What one published version did to the term."""
    version: VersionRef
    previous: VersionRef | None
    change: str  # added, changed, deprecated, removed, restored
    entry: dict | None
    fields: tuple[FieldChange, ...]


_histories = BoundedMemo(CACHE_SIZE)  # by key and the published versions' hashes
_known = BoundedMemo(1)  # every key ever published, for the current set of published versions


def ever_published(key: str) -> bool:
    """Whether any published version had an entry with this key (one pass per set of versions)."""
    versions = published_versions()
    signature = tuple((v.id, v.sha256) for v in versions)
    known = _known.get(signature, lambda: frozenset(k for v in versions for k in document_for(v).entries))
    return key in known


def term_history(key: str) -> list[HistoryEvent]:
    """Every published version that changed the term, newest first."""
    versions = published_versions()
    return _histories.get((key, tuple((v.id, v.sha256) for v in versions)), lambda: _compute(key, versions))


def _compute(key: str, versions: list[VersionRef]) -> list[HistoryEvent]:
    events: list[HistoryEvent] = []
    seen = False
    previous_version, previous_section, previous_entry = None, None, None
    for version in versions:
        section, entry = document_for(version).entry(key)
        event = _event(version, previous_version, previous_section, previous_entry, section, entry, seen)
        if event is not None:
            events.append(event)
        seen = seen or entry is not None
        previous_version, previous_section, previous_entry = version, section, entry
    return list(reversed(events))


def _event(version, previous_version, old_section, old, section, new, seen) -> HistoryEvent | None:
    if old is None and new is None:
        return None
    if old is None:
        return HistoryEvent(version, previous_version, "restored" if seen else "added", new, ())
    if new is None:
        return HistoryEvent(version, previous_version, "removed", old, ())
    item, _ = compare_entries(section, old, new)
    moved = old_section != section
    if item is None and not moved:
        return None
    fields = [field_change(section, name, change["old"], change["new"])
              for name, change in (item["fields"].items() if item else [])]
    if moved:
        fields.insert(0, FieldChange("section", field_title(section, "section"), old_section, section,
                                     value_diff_html(old_section, section)))
    change = "deprecated" if new.get("deprecated") and not old.get("deprecated") else "changed"
    return HistoryEvent(version, previous_version, change, new, tuple(fields))


def field_change(section: str, name: str, old, new) -> FieldChange:
    """One field's change as a history row; the term page shows translated fields with it too."""
    if is_prose(section, name) and isinstance(old, str | None) and isinstance(new, str | None):
        diff = word_diff_html(old or "", new or "")
    else:
        diff = value_diff_html(old, new)
    return FieldChange(name, field_title(section, name), format_value(old), format_value(new), diff)
