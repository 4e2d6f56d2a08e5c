"""Helpers shared by the editing tests: valid form data for any section, built from the registry."""
from app.extensions import db
from app.models import AuditEvent, Entry
from app.sla.sections import SECTION_LIST, SECTIONS, Field
from tests.factories import make_draft, make_entry

TARGET_SUFFIX = "-target"


def target_key(section_key: str) -> str:
    """The key of the entry that stands ready in each section for references to point at."""
    return section_key.replace("_", "-") + TARGET_SUFFIX


def reference_targets() -> list[Entry]:
    """One unsaved entry per section, for ref and refs fields to point at."""
    return [make_entry(s.key, target_key(s.key), position=1) for s in SECTION_LIST]


def draft_with_targets(*extra, by=None):
    """A draft holding one target entry per section, plus `extra` entries."""
    return make_draft([*reference_targets(), *extra], by=by)


def _middle(f: Field, whole: bool):
    low = f.minimum if f.minimum is not None else 0
    high = f.maximum if f.maximum is not None else low + 10
    value = low + (high - low) / 2
    return int(value) if whole else value


def valid_form_value(f: Field):
    """A value a person could type for this field that the form accepts."""
    if f.kind == "text":
        return f"Plain {f.label.lower()}"
    if f.kind == "longtext":
        return f"Some prose about {f.label.lower()}.\nOn two lines."
    if f.kind == "int":
        return str(_middle(f, whole=True))
    if f.kind == "number":
        return repr(float(_middle(f, whole=False)))
    if f.kind == "bool":
        return "y"
    if f.kind == "choice":
        return f.choices[-1]
    if f.kind == "list":
        return "First item\nSecond item"
    if f.kind == "team":
        return "sales"
    if f.kind == "ref":
        return target_key(f.ref_section or "terms")
    if f.kind == "refs":
        return [target_key(f.ref_section or "terms")]
    if f.kind == "criteria":
        return "employees gte 200\nindustry in food, beverages\nwebsite exists"
    if f.kind == "choices":
        return list(f.choices[:2])
    if f.kind == "dates":
        return "2026-12-31\n2026-12-05"
    samples = {"time": "09:30", "timezone": "Asia/Bangkok", "email": "owner@example.com"}
    assert f.kind in samples, f"no sample for kind {f.kind}"
    return samples[f.kind]


def stored_value(f: Field):
    """What the entry holds after saving valid_form_value(f)."""
    if f.kind == "int":
        return _middle(f, whole=True)
    if f.kind == "number":
        return float(_middle(f, whole=False))
    if f.kind == "bool":
        return True
    if f.kind == "list":
        return ["First item", "Second item"]
    if f.kind == "longtext":
        return f"Some prose about {f.label.lower()}.\nOn two lines."
    if f.kind == "dates":
        return ["2026-12-05", "2026-12-31"]
    if f.kind == "criteria":
        return [{"attribute": "employees", "operator": "gte", "value": "200"},
                {"attribute": "industry", "operator": "in", "value": "food, beverages"},
                {"attribute": "website", "operator": "exists", "value": None}]
    return valid_form_value(f)


def valid_post(section_key: str, key: str = "new-entry", **overrides) -> dict:
    """Form data that adds (or, with a revision, saves) a valid entry of the section."""
    data = {"key": key, "name": "A new entry", "team": "marketing",
            "definition": "Agreed by **both** teams."}
    for f in SECTIONS[section_key].fields:
        data[f.name] = valid_form_value(f)
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def entry_by_key(version, key: str) -> Entry | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Entry).where(Entry.version_id == version.id, Entry.key == key))


def audit_actions() -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def html_of(response) -> str:
    return response.get_data(as_text=True)
