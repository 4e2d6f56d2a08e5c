"""The demo SLA, read from JSON files so that new demo content is an edit to data, not to code.

`data/published/<section>.json` holds the entries of version 1.0.0 for one section, in the shape of
the published document (`deprecated` and `superseded_by` may be left out; they keep their
defaults). `data/draft.json` lists the changes of the open draft of the next version: `add` an
entry to a section, or `update` fields of a published entry by key; it only adds entries and
rewrites prose, so publishing it makes a minor version. Markdown is stored as it is published,
with one line per paragraph or bullet. tests/test_demo_content.py checks the files against the
section registry and the published JSON Schema.

`data/translations/<language>.json` holds the demo in another language: `{"<section>": {"<key>":
{"name", "definition", "<prose field>": …}}}` for the entries of 1.0.0 and those the draft adds, and
under `"draft"` the same for the prose the draft's updates rewrite. The loader gives them to the
entries as their translations; the pinned English files above stay as they are.
"""
import json
from pathlib import Path

from app.sla.sections import SECTION_KEYS

DATA = Path(__file__).with_name("data")


class DemoDataError(ValueError):
    """A demo data file is not valid JSON of the expected shape."""


def _read(path: Path) -> list[dict]:
    """A data file's list of objects, or DemoDataError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:  # bad UTF-8 or bad JSON
        raise DemoDataError(f"{path.name}: {error}") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DemoDataError(f"{path.name}: expected a JSON list of objects")
    return data


def read_published(directory: Path = DATA / "published") -> dict[str, list[dict]]:
    """Every section file's entries by section key, in the registry's order (unknown files last)."""
    files = {path.stem: path for path in directory.glob("*.json")}
    order = [key for key in SECTION_KEYS if key in files] + sorted(set(files) - set(SECTION_KEYS))
    return {key: _read(files[key]) for key in order}


def read_draft_changes(path: Path = DATA / "draft.json") -> list[dict]:
    """The changes that make the open draft of the next version."""
    return _read(path)


def read_translations(directory: Path = DATA / "translations") -> dict[str, dict]:
    """Every translation file by language (its name): {"th": {"<section>": {"<key>": {…}}, "draft": …}}."""
    translations = {}
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise DemoDataError(f"{path.name}: {error}") from error
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise DemoDataError(f"{path.name}: expected a JSON object of sections")
        translations[path.stem] = data
    return translations


PUBLISHED: dict[str, list[dict]] = read_published()
DRAFT_CHANGES: list[dict] = read_draft_changes()
TRANSLATIONS: dict[str, dict] = read_translations()
