"""Consistency checks over a version's document: the rules an SLA must keep before it is signed.

Each rule reads the whole document and reports what it finds as a `Check`: a code tools can act
on, a severity (errors block submitting a draft; warnings inform approvers), a message in English
with its parameters (pages translate the same message, marked with N_ for the catalogue), and the
entries it concerns. Nothing here imports Flask: the API, /draft and /review all call `run_checks`.
"""
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from app.messages import N_
from app.sla.sections import PROSE_BASE_FIELDS, SECTIONS

ERROR, WARNING = "error", "warning"
# A number that text quotes as a lead score: "a lead score of 50", "reaches 60 points", "คะแนน 50".
SCORE_NUMBER = re.compile(r"(?:score|points?|threshold|คะแนน)\D{0,24}?(?<![\d.])(\d{1,6})(?![\d.])|"
                          r"(?<![\d.])(\d{1,6})\s*(?:points?|คะแนน)", re.IGNORECASE)
PERCENT_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:%|percent|เปอร์เซ็นต์)", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Check:
    """One finding: `message % params` in English; pages show `_(message, **params)`."""
    code: str
    severity: str
    message: str
    params: dict = field(default_factory=dict)
    section: str | None = None
    entries: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return self.message % self.params if self.params else self.message

    def as_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.text, "section": self.section,
                "entries": list(self.entries)}


def _number(value) -> float | None:
    """A number the rules can compare, or None (a draft may hold anything its checks must survive)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _entries(document: dict, section: str) -> list[dict]:
    return list(document.get("sections", {}).get(section) or [])


def _ordered(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("position") or 0, e["key"]))


def _deal_stages(document: dict) -> Iterator[Check]:
    """Won stages are closed; closed-won is certain, closed-lost is nothing, open stages are neither."""
    for stage in _deal_stages_of(document):
        key, probability = stage["key"], _number(stage.get("probability"))
        closed, won = bool(stage.get("is_closed")), bool(stage.get("is_won"))
        params = {"name": stage["name"], "probability": probability}
        if won and not closed:
            yield Check("deal_stage.won_not_closed", ERROR, N_("Deal stage “%(name)s” is won but not closed."),
                        params, "deal_stages", (key,))
        if probability is None:
            continue
        if closed and won and probability != 1:
            yield Check("deal_stage.won_probability", ERROR,
                        N_("Deal stage “%(name)s” is closed-won, so its probability must be 1, not %(probability)s."),
                        params, "deal_stages", (key,))
        elif closed and not won and probability != 0:
            yield Check("deal_stage.lost_probability", ERROR,
                        N_("Deal stage “%(name)s” is closed-lost, so its probability must be 0, not %(probability)s."),
                        params, "deal_stages", (key,))
        elif not closed and probability >= 1:
            yield Check("deal_stage.open_probability", ERROR,
                        N_("Deal stage “%(name)s” is open, so its probability must be below 1."),
                        params, "deal_stages", (key,))


def _deal_stages_of(document: dict) -> list[dict]:
    return [s for s in _entries(document, "deal_stages") if not s.get("deprecated")]


def _thresholds(document: dict) -> Iterator[Check]:
    """A later lifecycle stage never needs a lower lead score than an earlier one."""
    previous = None
    for stage in _ordered(_entries(document, "lifecycle_stages")):
        threshold = _number(stage.get("score_threshold"))
        if threshold is None or stage.get("deprecated"):
            continue
        if previous is not None and threshold <= _number(previous["score_threshold"]):
            yield Check("lifecycle_stage.threshold_order", ERROR,
                        N_("“%(name)s” needs a lead score of %(threshold)s, not more than “%(earlier)s” "
                           "(%(earlier_threshold)s) before it: thresholds must rise with the stages."),
                        {"name": stage["name"], "threshold": threshold, "earlier": previous["name"],
                         "earlier_threshold": previous["score_threshold"]},
                        "lifecycle_stages", (previous["key"], stage["key"]))
        previous = stage


def _references(document: dict) -> Iterator[Check]:
    """Every key a field names, and every `superseded_by`, is an entry of this version."""
    keys_by_section = {section: {e["key"] for e in entries} for section, entries in document.get("sections", {}).items()}
    every_key = set().union(*keys_by_section.values()) if keys_by_section else set()
    for section_key, entries in document.get("sections", {}).items():
        section = SECTIONS.get(section_key)
        if section is None:
            continue
        for entry in entries:
            for f in section.fields:
                if f.kind not in ("ref", "refs"):
                    continue
                named = entry.get(f.name) or []
                known = keys_by_section.get(f.ref_section, set()) if f.ref_section else every_key
                for missing in [k for k in ([named] if isinstance(named, str) else named) if k not in known]:
                    yield _unresolved(section_key, entry, f.label, missing)
            if entry.get("superseded_by") and entry["superseded_by"] not in every_key:
                yield _unresolved(section_key, entry, N_("Superseded by"), entry["superseded_by"])


def _unresolved(section: str, entry: dict, label: str, missing: str) -> Check:
    return Check("reference.unresolved", ERROR,
                 N_("“%(name)s” names “%(missing)s” in %(field)s, but this version has no entry with that key."),
                 {"name": entry["name"], "missing": missing, "field": label}, section, (entry["key"],))


def _icp_scored(document: dict) -> Iterator[Check]:
    """An ICP trait that no fit rule scores is a profile the lead score cannot see."""
    scored = {rule.get("field") for rule in _entries(document, "lead_scoring")
              if rule.get("kind") == "fit" and not rule.get("deprecated")}
    for profile in _entries(document, "icp"):
        unscored = [c.get("attribute") for c in profile.get("criteria") or []
                    if c.get("attribute") and c.get("attribute") not in scored]
        if unscored and not profile.get("deprecated"):
            yield Check("icp.unscored", WARNING,
                        N_("ICP “%(name)s” looks at %(attributes)s, but no fit rule of the lead scoring scores them."),
                        {"name": profile["name"], "attributes": ", ".join(dict.fromkeys(unscored))}, "icp",
                        (profile["key"],))


def _prose(section_key: str, entry: dict) -> Iterator[str]:
    """The entry's prose: name, definition and every prose field, item by item for lists."""
    section = SECTIONS.get(section_key)
    names = list(PROSE_BASE_FIELDS) + ([f.name for f in section.fields if f.is_prose] if section else [])
    for name in names:
        value = entry.get(name)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and text:
                yield text


def _sentences(document: dict) -> Iterator[tuple[str, dict, str]]:
    for section_key, entries in document.get("sections", {}).items():
        for entry in entries:
            if entry.get("deprecated"):
                continue
            for text in _prose(section_key, entry):
                for sentence in SENTENCE_END.split(text):
                    yield section_key, entry, sentence


def _mentions(sentence: str, names: dict[str, dict]) -> list[dict]:
    """The stages a sentence names, by name or key (whole words, any case), longest names first."""
    found, lowered = [], sentence.casefold()
    for name in sorted(names, key=len, reverse=True):
        index = lowered.find(name)
        if index >= 0 and _whole(lowered, index, len(name)) and names[name] not in found:
            found.append(names[name])
            lowered = lowered[:index] + " " * len(name) + lowered[index + len(name):]
    return found


def _whole(text: str, index: int, length: int) -> bool:
    before = text[index - 1] if index > 0 else " "
    after = text[index + length] if index + length < len(text) else " "
    return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())


def _changed_numbers(document: dict, previous: dict | None) -> list[tuple[str, dict, str, float]]:
    """(section, entry, field, old value) for each threshold or probability that differs from `previous`."""
    if not previous:
        return []
    changed = []
    for section, field_name in (("lifecycle_stages", "score_threshold"), ("deal_stages", "probability")):
        before = {e["key"]: e.get(field_name) for e in _entries(previous, section)}
        for entry in _entries(document, section):
            old, new = _number(before.get(entry["key"])), _number(entry.get(field_name))
            if old is not None and new is not None and old != new and not entry.get("deprecated"):
                changed.append((section, entry, field_name, old))
    return changed


def _stale_numbers(document: dict, previous: dict | None = None) -> Iterator[Check]:
    """Prose that still quotes a threshold or probability as it was before this version changed it."""
    changed = _changed_numbers(document, previous)
    if not changed:
        return
    seen = set()
    for section_key, entry, sentence in _sentences(document):
        for target_section, target, field_name, old in changed:
            if entry["key"] != target["key"] and not _mentions(sentence, {target["name"].casefold(): target,
                                                                        target["key"].casefold(): target}):
                continue
            if field_name == "probability":
                quoted, stale, current = PERCENT_NUMBER.findall(sentence), round(old * 100), f"{round(target[field_name] * 100)} %"
                quoted = [int(q) for q in quoted]
            else:
                quoted, stale, current = [int(a or b) for a, b in SCORE_NUMBER.findall(sentence)], old, _plain(target[field_name])
            if stale not in quoted or (entry["key"], target["key"]) in seen:
                continue
            seen.add((entry["key"], target["key"]))
            yield Check("prose.stale_number", WARNING,
                        N_("“%(name)s” still says %(quoted)s, but “%(target)s” now has %(current)s: “%(sentence)s”"),
                        {"name": entry["name"], "quoted": f"{stale} %" if field_name == "probability" else _plain(old),
                         "target": target["name"], "current": current, "sentence": sentence.strip()[:200]},
                        section_key, tuple(dict.fromkeys((entry["key"], target["key"]))))


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


RULES: tuple[Callable[[dict], Iterator[Check]], ...] = (_deal_stages, _thresholds, _references, _icp_scored)


def run_checks(document: dict, previous: dict | None = None) -> list[Check]:
    """Every finding over the document (and, against the version it follows, prose left behind by a
    changed number), errors first, then by section and code."""
    found = [check for rule in RULES for check in rule(document)]
    found += _stale_numbers(document, previous)
    return sorted(found, key=lambda c: (c.severity != ERROR, c.section or "", c.code, c.entries))


def blocking(checks: list[Check]) -> list[Check]:
    """The findings that stop a draft from being submitted."""
    return [c for c in checks if c.severity == ERROR]
