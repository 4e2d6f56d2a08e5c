"""Words the pages show for versions and fields, in the reader's language: a version's state and kind
of change (the stored values stay English), and the labels of the base fields and the registry's.

app.sla.diff keeps its own English labels for the sentences it writes; these are for page headings,
badges and tables (the conflict view, a deletion's referrers, the diff of two versions).
"""
from flask_babel import gettext as _

from app.messages import N_
from app.sla.sections import SECTIONS

STATE_LABELS = {"draft": N_("draft"), "in_review": N_("in review"), "published": N_("published"),
                "superseded": N_("superseded")}
CHANGE_LABELS = {"major": N_("major"), "minor": N_("minor"), "patch": N_("patch")}
# The fields every entry has, named as the entry form names them.
BASE_LABELS = {"key": N_("Key"), "name": N_("Name"), "team": N_("Owner team"), "definition": N_("Definition"),
               "position": N_("Position"), "deprecated": N_("Deprecated"), "superseded_by": N_("Superseded by")}


def field_title(section_key: str, name: str) -> str:
    """The label of a base or registry field, translated; an unknown field's name as words."""
    if name in BASE_LABELS:
        return _(BASE_LABELS[name])
    section = SECTIONS.get(section_key)
    if section is not None and name in section.field_names:
        return _(section.field(name).label)
    return name.replace("_", " ")


def state_label(state: str) -> str:
    """A version's state as a badge names it."""
    return _(STATE_LABELS[state]) if state in STATE_LABELS else state.replace("_", " ")


def change_label(change: str) -> str:
    """A kind of change (major, minor, patch) as a badge names it."""
    return _(CHANGE_LABELS[change]) if change in CHANGE_LABELS else change
