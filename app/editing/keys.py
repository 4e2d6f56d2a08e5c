"""A key for a new entry, suggested from its name as the editor types it (Thai names transliterated)."""
from flask import request
from wtforms import Form

from app.auth.access import role_required
from app.editing import bp
from app.editing.forms import EntryForm
from app.editing.queries import version_keys
from app.htmx import page_or_block
from app.sla.sections import NAME_MAX
from app.text import KEY_MAX, suggest_key
from app.versions.services import get_open_version

# The ids of the new-entry form's fields (its prefix is "new", app/editing/context.py entry_form).
NAME_ID, KEY_ID = "new-name", "new-key"


class _KeyForm(Form):
    """The entry form's key field alone, to hand it back filled with the suggestion."""
    key = EntryForm.key


@bp.get("/draft/key-suggestion")
@role_required("editor")
def key_suggestion():
    """A key suggested from ?name= while ?key= (what the editor typed) is empty; with ?use=1, the
    key input filled with it, unless the editor has typed a key meanwhile (that one is kept)."""
    typed = request.args.get("key", "").strip()
    suggestion = "" if typed else free_key(suggest_key(request.args.get("name", "")[:NAME_MAX]))
    key_form = None
    if request.args.get("use"):
        key_form = _KeyForm(data={"key": typed or suggestion})
        key_form.key.id = KEY_ID
    return page_or_block("editing/key_suggestion.html", "key_input" if key_form else "suggestion",
                         suggestion=suggestion, key_form=key_form, name_id=NAME_ID, key_id=KEY_ID)


def free_key(key: str) -> str:
    """`key`, or with the first number that makes it a key the open draft does not hold yet."""
    version = get_open_version()
    taken = version_keys(version.id) if key and version is not None else {}
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        ending = f"-{number}"
        candidate = key[:KEY_MAX - len(ending)].rstrip("-") + ending
    return candidate
