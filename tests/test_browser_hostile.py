"""In Chromium: the most dangerous strings, stored as names, definitions and comments, stay inert.

The strings go in through the services (no form validation in front of them, the worst case),
and the pages that render them are opened in a real browser: no dialog may fire, and the DOM
must hold no element, attribute, script or link that a payload tried to inject.
"""
import pytest

from app.editing.services import add_entry, update_entry
from app.transactions import transaction
from app.extensions import db
from app.models import Entry, User, Version
from app.review.services import add_comment
from app.versions.services import approve_version, open_draft, submit_version
from tests.conftest import PASSWORD
from tests.factories import make_entry, make_published
from tests.hostile_strings import BROWSER_SAMPLE, MARKER_ID

pytestmark = pytest.mark.browser

# What a payload would leave behind if it got out of its text.
INJECTED = """() => {
  const found = [];
  if (document.getElementById(%(marker)r) || document.body.id === %(marker)r) found.push('element #%(marker)s');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      if (name.startsWith('hx-') && !el.closest('[data-app-htmx]') && /alert|pwned|logout|admin\\/users/.test(attr.value))
        found.push(el.tagName + ' ' + name + '=' + attr.value);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)
          && /^\\s*(javascript|vbscript|data):/i.test(attr.value)) found.push(el.tagName + ' ' + name);
    }
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]', 'svg script', 'math', 'marquee',
                     'details[ontoggle]', 'video', 'audio', 'form[action^="javascript"]'])
    if (document.querySelector(tag)) found.push('<' + tag + '>');
  for (const script of document.querySelectorAll('script'))
    if (!script.src && /alert|pwned|fetch/.test(script.textContent)) found.push('inline script');
  return found;
}""" % {"marker": MARKER_ID}


def hostile_world(app) -> dict:
    """1.1.0 holds a term per dangerous string; the draft under review changes each and discusses it."""
    from tests.conftest import _PASSWORD_HASH
    from app.models import Team
    with app.app_context(), transaction():
        teams = {t.slug: t for t in db.session.scalars(db.select(Team))}
        users = {}
        for name, role, team in (("editor", "editor", "marketing"), ("marketing", "approver", "marketing"),
                                 ("sales", "approver", "sales"), ("admin", "admin", "sales"),
                                 ("editor2", "editor", "sales"), ("editor3", "editor", "marketing")):
            users[name] = User(email=f"{name}@example.com", name=f"{name.title()} <b>{BROWSER_SAMPLE[0]}</b>",
                               team=teams[team], role=role, password_hash=_PASSWORD_HASH)
            db.session.add(users[name])
        db.session.commit()
        make_published([make_entry("terms", "lead", definition="Anyone who left an address.")], number="1.0.0")
        draft = open_draft(by=users["editor"])
        for i, text in enumerate(BROWSER_SAMPLE):
            add_entry(draft, "terms", {"key": f"x{i}", "name": text[:200], "team": "marketing",
                                       "definition": f"{text}\n\nSee also [[lead]] and x{i}.",
                                       "deprecated": False, "superseded_by": None,
                                       "fields": {"synonyms": [text[:200]], "related": ["lead"]}},
                      by=users["editor"])
        submit_version(draft, users["editor"])
        approve_version(draft, users["marketing"])
        approve_version(draft, users["sales"])
        published = db.session.get(Version, draft.id)
        assert published.state == "published", published.state
        second = open_draft(by=users["editor"])
        for entry in db.session.scalars(db.select(Entry).where(Entry.version_id == second.id,
                                                               Entry.key.like("x%"))).all():
            data = {"key": entry.key, "name": entry.name, "team": entry.team, "deprecated": False,
                    "superseded_by": None, "definition": entry.definition.replace("See also", "Now see"),
                    "fields": dict(entry.fields)}
            update_entry(entry, data, entry.revision, by=users["editor"])
        submit_version(second, users["editor"])
        # Six people share the discussion: one person may post only COMMENTS_PER_MINUTE a minute.
        people = list(users.values())
        for i, text in enumerate(BROWSER_SAMPLE):
            add_comment(second, people[i % len(people)], text, entry_key=f"x{i}" if i % 2 else None)
        return {"number": published.number, "count": len(BROWSER_SAMPLE)}


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def assert_inert(page, url: str, dialogs: list) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = page.evaluate(INJECTED)
    assert not dialogs, f"{url}: a dialog fired: {dialogs[:3]}"
    assert not found, f"{url}: injected {found[:10]}"


def test_dangerous_strings_stay_text_on_every_page_that_shows_them(page, live_server):
    world = hostile_world(live_server.app)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "admin@example.com")
    urls = ["/", "/glossary", "/draft", "/draft/terms", "/review", "/print", f"/print?version={world['number']}",
            "/versions", "/admin/users", "/admin/audit"]
    urls += [f"/draft/terms/x{i}/edit" for i in range(0, world["count"], 9)]
    for url in urls:
        assert_inert(page, url, dialogs)
    for i in range(0, world["count"], 3):
        assert_inert(page, f"/terms/x{i}", dialogs)
        # the payload is there, shown as the text it is
        assert BROWSER_SAMPLE[i].split()[0] in page.locator("h1").first.text_content(), BROWSER_SAMPLE[i]


def test_dangerous_search_queries_stay_text(page, live_server):
    hostile_world(live_server.app)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "admin@example.com")
    page.goto("/glossary")
    search = page.get_by_role("searchbox").first
    for text in BROWSER_SAMPLE[::4]:
        search.fill(text[:200])
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # the search fires after its keyup delay
        assert not dialogs, f"searching {text!r} fired a dialog"
        assert not page.evaluate(INJECTED), text
    from urllib.parse import quote
    for text in BROWSER_SAMPLE[1::4]:
        assert_inert(page, "/glossary?q=" + quote(text[:200]), dialogs)
