"""The side-by-side comparison shown when a save is refused as stale."""
from flask_babel import gettext as _

from app.editing.validation import format_criteria
from app.sla.sections import Section, normalise_fields
from app.versions.display import field_title

BASE_ROWS = ("name", "key", "team", "definition", "deprecated", "superseded_by")


def describe(value) -> str:
    """A field value as plain text for the comparison table."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            return format_criteria(value)
        return "\n".join(str(v) for v in value)
    return str(value)


def conflict_rows(section: Section, mine: dict, theirs: dict) -> list[dict]:
    """One row per field: its label, the editor's text, the current text, and whether they differ."""
    flat_mine = {**mine, **normalise_fields(section, mine.get("fields") or {})}
    rows = []
    for name in [*BASE_ROWS, *section.field_names]:
        mine_value, their_value = flat_mine.get(name), theirs.get(name)
        rows.append({"name": name, "label": field_title(section.key, name), "mine": describe(mine_value),
                     "theirs": describe(their_value), "differs": describe(mine_value) != describe(their_value)})
    return rows
