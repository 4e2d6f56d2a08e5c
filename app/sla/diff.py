"""The difference between two published documents, and what kind of version change it makes.

major: an entry disappears (removed, its key changed, moved to another section), a field
disappears or changes type; minor: an entry is added or deprecated, a structured value changes;
patch: only prose changes (names, definitions, the registry's prose fields, and translations of any
of these, which are prose too).
"""
import difflib

from markupsafe import Markup, escape

from app.messages import N_, Phrase, Word
from app.sla.sections import PROSE_BASE_FIELDS, SECTION_KEYS, SECTIONS
from app.sla.translations import LANGUAGES, translatable_fields
from app.text import tokens

CHANGE_KINDS = ("patch", "minor", "major")  # in rising order of weight
BASE_LABELS = {name: Word(label) for name, label in (
    ("name", N_("name")), ("definition", N_("definition")), ("team", N_("team")), ("position", N_("position")),
    ("deprecated", N_("deprecation")), ("superseded_by", N_("successor")), ("translations", N_("translations")))}
TRANSLATIONS = "translations"  # absent from an entry without any: its appearing or going is no removal


def heavier(a: str | None, b: str | None) -> str | None:
    """The weightier of two change kinds (None means no change)."""
    if a is None or b is None:
        return a or b
    return a if CHANGE_KINDS.index(a) >= CHANGE_KINDS.index(b) else b


def compare_documents(old: dict, new: dict) -> dict:
    """The structured diff between two documents, with its change kind and breaking changes."""
    old_sections, new_sections = old.get("sections") or {}, new.get("sections") or {}
    section_keys = list(SECTION_KEYS) + sorted((set(old_sections) | set(new_sections)) - set(SECTION_KEYS))
    new_homes = {e["key"]: key for key, entries in new_sections.items() for e in entries}
    sections, breaking, change = {}, [], None
    summary = {"added": 0, "removed": 0, "changed": 0}
    for section_key in section_keys:
        result, section_breaking = _compare_section(
            section_key, old_sections.get(section_key) or [], new_sections.get(section_key) or [], new_homes)
        sections[section_key] = result
        breaking.extend(section_breaking)
        for kind in summary:
            summary[kind] += len(result[kind])
        if result["removed"] or section_breaking:
            change = "major"
        elif result["added"]:
            change = heavier(change, "minor")
        for item in result["changed"]:
            change = heavier(change, item["change"])
    return {"from": old.get("version"), "to": new.get("version"), "change": change,
            "breaking": breaking, "sections": sections, "summary": summary}


def _compare_section(section_key: str, old_entries: list, new_entries: list, new_homes: dict):
    olds = {e["key"]: e for e in old_entries}
    news = {e["key"]: e for e in new_entries}
    added = [e for e in new_entries if e["key"] not in olds]
    removed = [e for e in old_entries if e["key"] not in news]
    changed, breaking = [], []
    for entry in removed:
        breaking.append(_removal_message(section_key, entry, added, new_homes))
    for entry in new_entries:
        if entry["key"] in olds:
            item, messages = compare_entries(section_key, olds[entry["key"]], entry)
            if item is not None:
                changed.append(item)
                breaking.extend(messages)
    return {"added": added, "removed": removed, "changed": changed}, breaking


def compare_entries(section_key: str, old: dict, new: dict) -> tuple[dict | None, list[str]]:
    """One entry's changed fields and change kind (None when equal), and its breaking messages."""
    if old == new and all(type(value) is type(new[name]) for name, value in old.items()):
        return None, []  # most entries of a new version are untouched: no field-by-field walk
    names = list(old) + [name for name in new if name not in old]
    fields, breaking, change = {}, [], None
    for name in names:
        if name == "key":
            continue
        kind, message = _field_change(section_key, old, new, name)
        if kind is None:
            continue
        fields[name] = {"old": old.get(name), "new": new.get(name)}
        change = heavier(change, kind)
        if message:
            breaking.append(message)
    if not fields:
        return None, []
    return {"key": new["key"], "name": new.get("name") or old.get("name"), "change": change,
            "fields": fields}, breaking


def _field_change(section_key: str, old: dict, new: dict, name: str) -> tuple[str | None, str | None]:
    """The change kind of one field, and a breaking-change message when it is major."""
    singular, key = _singular(section_key), new["key"]
    if name == TRANSLATIONS:
        return ("patch" if translation_changes(section_key, old.get(name), new.get(name)) else None), None
    if name not in new:
        return "major", Phrase(N_("%(singular)s '%(key)s': the field '%(field)s' was removed."),
                               singular=Word(singular.capitalize(), singular), key=key, field=name)
    before, after = old.get(name), new.get(name)
    if name in old and before == after and json_type(before) == json_type(after):
        return None, None
    if name not in old and (after is None or after is False or after in ("", [])):
        return None, None  # a field the registry gained (schema 2), still empty: nothing a reader would see
    old_type, new_type = json_type(before), json_type(after)
    if name in old and old_type and new_type and old_type != new_type:
        return "major", Phrase(N_("%(singular)s '%(key)s': the field '%(field)s' changed type from "
                                  "%(old_type)s to %(new_type)s (%(old)s → %(new)s)."),
                               singular=Word(singular.capitalize(), singular), key=key,
                               field=name, old_type=Word(old_type), new_type=Word(new_type), old=_short(before),
                               new=_short(after))
    return ("patch" if is_prose(section_key, name) else "minor"), None


def _removal_message(section_key: str, entry: dict, added: list, new_homes: dict) -> str:
    singular, key, name = _singular(section_key), entry["key"], entry.get("name") or entry["key"]
    if key in new_homes:
        target = SECTIONS.get(new_homes[key])
        target_title = Word(target.title) if target else new_homes[key]
        return Phrase(N_("The %(singular)s '%(key)s' (%(name)s) moved to %(target)s: tools that read it from "
                         "%(source)s no longer find it."), singular=singular, key=key, name=name,
                      target=target_title, source=_title(section_key))
    for other in added:
        if (other.get("name") or "").casefold() == name.casefold():
            return Phrase(N_("The key of the %(singular)s '%(name)s' changed from '%(key)s' to '%(new_key)s'."),
                          singular=singular, name=name, key=key, new_key=other["key"])
    return Phrase(N_("The %(singular)s '%(key)s' (%(name)s) was removed."), singular=singular, key=key, name=name)


def is_prose(section_key: str, field_name: str) -> bool:
    """Whether a change to this field alone makes only a patch version."""
    if field_name in PROSE_BASE_FIELDS or field_name == TRANSLATIONS:
        return True
    section = SECTIONS.get(section_key)
    if section is None or field_name not in section.field_names:
        return False
    return section.field(field_name).is_prose


def translation_changes(section_key: str, old: dict | None, new: dict | None) -> list[tuple[str, str, object, object]]:
    """(language, field, old, new) for each translated field that differs, by language, in field order."""
    old, new = old or {}, new or {}
    names = translatable_fields(SECTIONS.get(section_key))
    rows = []
    for language in LANGUAGES:
        before, after = old.get(language) or {}, new.get(language) or {}
        for name in names:
            if before.get(name) != after.get(name):
                rows.append((language, name, before.get(name), after.get(name)))
    return rows


def json_type(value) -> str | None:
    """The JSON type of a value as a reader would name it (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return N_("boolean")
    if isinstance(value, (int, float)):
        return N_("number")
    if isinstance(value, str):
        return N_("text")
    if isinstance(value, list):
        return N_("list")
    return N_("object")


def change_reasons(diff: dict) -> list[tuple[str, str]]:
    """(kind, sentence) for every change in a diff, weightiest first: why the number moves. Sentences
    are Phrases: English as text, translated where a page shows them."""
    reasons = [("major", message) for message in diff["breaking"]]
    for section_key, result in diff["sections"].items():
        singular = _singular(section_key)
        for entry in result["added"]:
            reasons.append(("minor", Phrase(N_("adds the %(singular)s '%(name)s'"), singular=singular,
                                            name=entry.get("name") or entry["key"])))
        for item in result["changed"]:
            minor_fields = [f for f in item["fields"] if not is_prose(section_key, f)]
            prose_fields = [f for f in item["fields"] if is_prose(section_key, f)]
            what = {"singular": singular, "name": item["name"]}
            if item["fields"].get("deprecated", {}).get("new") is True:
                reasons.append(("minor", Phrase(N_("deprecates the %(singular)s '%(name)s'"), **what)))
                minor_fields.remove("deprecated")
            if minor_fields:
                reasons.append(("minor", Phrase(N_("changes the %(fields)s of the %(singular)s '%(name)s'"),
                                                fields=_labels(section_key, minor_fields), **what)))
            if prose_fields:
                reasons.append(("patch", Phrase(N_("rewords the %(fields)s of the %(singular)s '%(name)s'"),
                                                fields=_labels(section_key, prose_fields), **what)))
    return sorted(reasons, key=lambda reason: -CHANGE_KINDS.index(reason[0]))


def field_label(section_key: str, field_name: str) -> Word:
    """A field's human label, lower case unless it is an acronym (translated from its registry label)."""
    if field_name in BASE_LABELS:
        return BASE_LABELS[field_name]
    section = SECTIONS.get(section_key)
    if section is None or field_name not in section.field_names:
        return Word(field_name.replace("_", " "))
    label = section.field(field_name).label
    return Word(label if label.isupper() else label.lower(), label)


def _labels(section_key: str, names: list[str]) -> tuple[Word, ...]:
    return tuple(field_label(section_key, name) for name in names)


def _singular(section_key: str) -> Word:
    section = SECTIONS.get(section_key)
    return Word(section.singular) if section else Word(N_("entry"))


def _title(section_key: str) -> str:
    section = SECTIONS.get(section_key)
    return Word(section.title) if section else section_key


def _short(value) -> str:
    text = format_value(value)
    return text if len(text) <= 40 else text[:39] + "…"


def format_value(value) -> str:
    """A field value as plain text: lists joined, booleans as yes/no, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "; ".join(format_value(item) for item in value)
    if isinstance(value, dict):
        return " ".join(str(value.get(part, "")) for part in ("attribute", "operator", "value")).strip() \
            if "attribute" in value else ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    return str(value)


def word_diff_html(old: str, new: str) -> Markup:
    """Escaped text with deleted words in <del> and inserted words in <ins> (Thai words by dictionary)."""
    before, after = tokens(str(old or "")), tokens(str(new or ""))
    return _diff_tokens(before, after, "")


def value_diff_html(old, new) -> Markup:
    """Old → new of any field value: words for text, items for lists, whole values otherwise."""
    if isinstance(old, str) and isinstance(new, str):
        return word_diff_html(old, new)
    if isinstance(old, list) and isinstance(new, list):
        return _diff_tokens([format_value(i) for i in old], [format_value(i) for i in new], "; ")
    parts = []
    if old is not None:
        parts.append(Markup("<del>{}</del>").format(format_value(old)))
    if new is not None:
        parts.append(Markup("<ins>{}</ins>").format(format_value(new)))
    return Markup(" → ").join(parts) if parts else Markup("—")


def _diff_tokens(before: list[str], after: list[str], separator: str) -> Markup:
    out = []
    for op, old, new in _merged_opcodes(before, after):
        if op == "equal":
            out.append(escape(separator.join(old)))
            continue
        if old:
            out.append(Markup("<del>{}</del>").format(separator.join(old)))
        if new:
            out.append(Markup("<ins>{}</ins>").format(separator.join(new)))
    return Markup(escape(separator)).join(out) if separator else Markup("").join(out)


def _merged_opcodes(before: list[str], after: list[str]) -> list[tuple[str, list, list]]:
    """Opcodes as (op, old tokens, new tokens), with lone spaces between two changes folded in.

    Without the folding, "clearly wants" → "is ready" reads as four alternating marks.
    """
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    chunks = [("equal" if op == "equal" else "change", before[i1:i2], after[j1:j2])
              for op, i1, i2, j1, j2 in matcher.get_opcodes()]
    merged: list[tuple[str, list, list]] = []
    for index, chunk in enumerate(chunks):
        between_changes = (chunk[0] == "equal" and 0 < index < len(chunks) - 1
                           and all(not token.strip() for token in chunk[1]) and merged
                           and merged[-1][0] == "change")
        if between_changes:
            chunk = ("change", chunk[1], chunk[2])
        if chunk[0] == "change" and merged and merged[-1][0] == "change":
            previous = merged.pop()
            chunk = ("change", previous[1] + chunk[1], previous[2] + chunk[2])
        merged.append(chunk)
    return merged
