"""Loads the demo SLA: version 1.0.0 signed by both teams, and an open draft of the next version.

Everything happens in one transaction and through the same steps as real use (draft, review,
approvals by the demo approvers, publish, a new draft edited by the demo editors), so the
audit log, the numbering and the self-approval rule see a realistic history.
"""
from datetime import datetime

from sqlalchemy import func, select

from app.audit import record_event
from app.demo import DEMO_DOMAIN
from app.extensions import db
from app.models import Entry, User, Version
from app.models.base import utcnow
from app.sla.document import entry_to_dict
from app.sla.sections import SECTIONS, normalise_fields
from app.sla.translations import clean_translations, translation_problems
from app.versions.services import add_approval, add_draft, mark_submitted

BASE_ATTRIBUTES = ("name", "team", "definition", "position", "deprecated", "superseded_by")
DRAFT_PART = "draft"  # in a translation file: the translations of what the draft's updates rewrite


class DemoContentError(RuntimeError):
    """The demo content or the demo users are not what the loader needs."""


def load_demo_content(published: dict | None = None, draft_changes: list | None = None,
                      translations: dict | None = None) -> bool:
    """Publish the demo SLA as 1.0.0 and open the next draft; False (nothing done) if a version exists.

    `translations` ({"th": <a translation file>}) defaults to the demo's own files with its own content,
    and to none with content given."""
    # Published versions are kept for ever, so the demo is never loaded over them.
    if published is None or draft_changes is None or translations is None:
        from app.demo.content import DRAFT_CHANGES, PUBLISHED, TRANSLATIONS  # read from app/demo/data on first use
        if translations is None:
            translations = TRANSLATIONS if published is None else {}
        published = PUBLISHED if published is None else published
        draft_changes = DRAFT_CHANGES if draft_changes is None else draft_changes
    if db.session.scalar(select(func.count()).select_from(Version)):
        return False
    people = demo_people()
    first = _publish_first_version(published, people, translations)
    _open_next_draft(first, draft_changes, people, translations)
    db.session.flush()  # the command that loads the demo commits it, or nothing (app/transactions.py)
    # No version_published_committed: it only mails people and kicks webhooks, neither of which a demo has.
    return True


def demo_people() -> dict[str, User]:
    """The demo editors and approvers of marketing and sales, by '<team>-<role>'."""
    people = {}
    for team in ("marketing", "sales"):
        for role in ("editor", "approver"):
            email = f"{team}-{role}@{DEMO_DOMAIN}"
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise DemoContentError(f"The demo user {email} is missing: create the demo users first.")
            people[f"{team}-{role}"] = user
    return people


def _editor_for(team: str, people: dict) -> User:
    return people.get(f"{team}-editor", people["marketing-editor"])


def _publish_first_version(published: dict, people: dict, translations: dict) -> Version:
    draft = add_draft(None, people["marketing-editor"])
    for section_key, items in published.items():
        for index, item in enumerate(items, start=1):
            _add_entry(draft, section_key, item, index, people, translations)
    db.session.flush()
    mark_submitted(draft, people["marketing-editor"])
    # Signed when the demo's lead data begins, so that adherence has months to measure against it.
    signed = first_demo_month()
    draft.effective_from = signed.date()
    add_approval(draft, people["marketing-approver"], at=signed)
    if not add_approval(draft, people["sales-approver"], at=signed):
        raise DemoContentError("The approval policy needs more than marketing and sales to publish the demo.")
    return draft


def first_demo_month() -> datetime:
    """The first day of the first month of the demo's lead data (app/demo/leads.py)."""
    from app.demo.leads import month_starts
    return month_starts(utcnow())[0]


def _open_next_draft(current: Version, changes: list, people: dict, translations: dict) -> Version:
    draft = add_draft(current, people["marketing-editor"])  # with the translations of 1.0.0
    for change in changes:
        if change["op"] == "add":
            items = [e for e in draft.entries if e.section == change["section"]]
            position = max((e.position for e in items), default=0) + 1
            _add_entry(draft, change["section"], change["entry"], position, people, translations)
        elif change["op"] == "update":
            _update_entry(draft, change["key"], change["changes"], people, translations)
        else:
            raise DemoContentError(f"Unknown demo change '{change['op']}'.")
    db.session.flush()
    return draft


def entry_from_item(section_key: str, item: dict, position: int, translations: dict | None = None) -> Entry:
    """An unsaved entry from one item of the demo data (tests build the published document with it),
    with its translations when given ({"th": {"name": …}})."""
    section = SECTIONS.get(section_key)
    if section is None:
        raise DemoContentError(f"Unknown section '{section_key}' in the demo content.")
    return Entry(section=section_key, key=item["key"], name=item["name"], team=item["team"],
                 definition=item.get("definition", ""),
                 position=item.get("position", position) if section.ordered else 0,
                 deprecated=bool(item.get("deprecated", False)), superseded_by=item.get("superseded_by"),
                 fields=normalise_fields(section, item), revision=1,
                 translations=checked_translations(section_key, {**item, **normalise_fields(section, item)},
                                                   translations))


def translations_of(translations: dict, section_key: str, key: str, part: str | None = None) -> dict:
    """One entry's translations from the translation files: {"th": {…}} (`part` "draft": the updates')."""
    found = {}
    for language, data in translations.items():
        values = ((data.get(part) or {}) if part else data).get(section_key, {}).get(key)
        if values:
            found[language] = values
    return found


def checked_translations(section_key: str, primary: dict, translations: dict | None) -> dict | None:
    """Translations as an entry stores them, or DemoContentError when they do not fit the entry."""
    problems = translation_problems(SECTIONS[section_key], primary, translations)
    if problems:
        raise DemoContentError(f"The translation of '{primary.get('key')}' does not fit: {' '.join(problems)}")
    return clean_translations(SECTIONS[section_key], translations)


def _add_entry(version: Version, section_key: str, item: dict, position: int, people: dict,
               translations: dict) -> Entry:
    entry = entry_from_item(section_key, item, position, translations_of(translations, section_key, item["key"]))
    section = SECTIONS[section_key]
    editor = _editor_for(item["team"], people)
    entry.updated_at, entry.updated_by_id = utcnow(), editor.id
    version.entries.append(entry)
    if version.based_on is not None:  # entries of the first version come with the version itself
        db.session.flush()
        record_event("entry.created", user=editor, version=version, entry_key=entry.key,
                     summary=f"Added the {section.singular} “{entry.name}” ({entry.key})")
    return entry


def _update_entry(version: Version, key: str, changes: dict, people: dict, translations: dict) -> Entry:
    entry = next((e for e in version.entries if e.key == key), None)
    if entry is None:
        raise DemoContentError(f"The demo draft changes '{key}', which is not in the published content.")
    editor = _editor_for(entry.team, people)
    before = entry_to_dict(entry)
    fields = dict(entry.fields or {})
    for name, value in changes.items():
        if name in BASE_ATTRIBUTES:
            setattr(entry, name, value)
        else:
            fields[name] = value
    entry.fields = normalise_fields(SECTIONS[entry.section], fields)
    rewritten = translations_of(translations, entry.section, key, DRAFT_PART)
    if rewritten:
        merged = {language: {**(entry.translations or {}).get(language, {}), **values}
                  for language, values in rewritten.items()}
        entry.translations = checked_translations(
            entry.section, {**entry_to_dict(entry), "key": key}, {**(entry.translations or {}), **merged})
    entry.revision, entry.updated_at, entry.updated_by_id = entry.revision + 1, utcnow(), editor.id
    after = entry_to_dict(entry)
    names = [name for name in after if before.get(name) != after.get(name)]
    db.session.flush()
    record_event("entry.changed", user=editor, version=version, entry_key=key,
                 summary=f"Changed “{entry.name}” ({key}): {', '.join(names)}",
                 before={n: before.get(n) for n in names}, after={n: after.get(n) for n in names})
    return entry
