"""Consistency checks over a version's document: the rules an SLA must keep before it is signed.

Each rule reads the whole document and reports what it finds as a `Check`: a code tools can act
on, a severity (errors block submitting a draft; warnings inform approvers), a message in English
with its parameters (pages translate the same message, marked with N_ for the catalogue), and the
entries it concerns. Nothing here imports Flask: the API, /draft and /review all call `run_checks`.
"""
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator

from app.messages import N_, Phrase, Word
from app.sla.commitments import MEASURE_WORDS, NEEDS, missing_fields, number
from app.sla.sections import PROSE_BASE_FIELDS, SECTIONS

ERROR, WARNING = "error", "warning"
# A number that text quotes as a lead score: "a lead score of 50", "reaches 60 points", "คะแนน 50".
SCORE_NUMBER = re.compile(r"(?:score|points?|threshold|คะแนน)\D{0,24}?(?<![\d.])(\d{1,6})(?![\d.])|"
                          r"(?<![\d.])(\d{1,6})\s*(?:points?|คะแนน)", re.IGNORECASE)
PLAIN_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d{1,9})(?![\d]|[.,]\d)")
PERCENT_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:%|percent|เปอร์เซ็นต์)", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Check:
    """One finding: `message % params` in English; pages show `phrase|translated` (Word params translated too)."""
    code: str
    severity: str
    message: str
    params: dict = field(default_factory=dict)
    section: str | None = None
    entries: tuple[str, ...] = ()

    @property
    def phrase(self) -> Phrase:
        return Phrase(self.message, **self.params)

    @property
    def text(self) -> str:
        return str(self.phrase)

    @property
    def section_title(self) -> str | None:
        """The title of the section the finding is in (an N_ msgid), for a link to it."""
        section = SECTIONS.get(self.section or "")
        return section.title if section else None

    def as_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.text, "section": self.section,
                "entries": list(self.entries)}


_number = number  # a number the rules can compare, or None (a draft may hold anything its checks must survive)


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
                    yield _unresolved(section_key, entry, Word(f.label), missing)
            if entry.get("superseded_by") and entry["superseded_by"] not in every_key:
                yield _unresolved(section_key, entry, Word(N_("Superseded by")), entry["superseded_by"])


def _unresolved(section: str, entry: dict, label: str, missing: str) -> Check:
    return Check("reference.unresolved", ERROR,
                 N_("“%(name)s” names “%(missing)s” in %(field)s, but this version has no entry with that key."),
                 {"name": entry["name"], "missing": missing, "field": label}, section, (entry["key"],))


def _field_word(section: str, name: str) -> Word:
    """A field's label inside a sentence: lower-case in English, translated from the label's own msgid."""
    try:
        label = SECTIONS[section].field(name).label
    except KeyError:
        return Word(name.replace("_", " "))
    return Word(label.lower(), msgid=label)


def _commitment_fields(document: dict) -> Iterator[Check]:
    """A measured commitment has what its measure needs, and its share is a fraction."""
    for entry in _live(document, "commitments"):
        missing = missing_fields(entry)
        if missing and entry.get("measure") in NEEDS:
            yield Check("commitment.incomplete", ERROR,
                        N_("Commitment “%(name)s” measures %(measure)s, so it needs %(fields)s."),
                        {"name": entry["name"], "measure": Word(MEASURE_WORDS[entry["measure"]]),
                         "fields": tuple(_field_word("commitments", f) for f in missing)},
                        "commitments", (entry["key"],))
        elif missing:
            yield Check("commitment.incomplete", ERROR, N_("Commitment “%(name)s” needs %(fields)s."),
                        {"name": entry["name"], "fields": tuple(_field_word("commitments", f) for f in missing)},
                        "commitments", (entry["key"],))
        share = _number(entry.get("share"))
        if share is not None and not 0 <= share <= 1:
            yield Check("commitment.share_range", ERROR,
                        N_("Commitment “%(name)s” has a share of %(share)s: a share is a fraction from 0 to 1 "
                           "(0.95 is 95 %%)."),
                        {"name": entry["name"], "share": share}, "commitments", (entry["key"],))


def _live(document: dict, section: str) -> list[dict]:
    return [e for e in _entries(document, section) if not e.get("deprecated")]


def _sequence(document: dict, lead_type: str | None) -> list[dict]:
    """The connect attempts a lead of `lead_type` gets: those for every type and those for its own."""
    return [a for a in _live(document, "connect_attempts")
            if not a.get("lead_types") or lead_type in a.get("lead_types")]


def _attempts_fit_sequence(document: dict) -> Iterator[Check]:
    """An `attempts` commitment asks no more attempts, and no longer, than the connect sequence of each
    lead type it covers has."""
    every_type = [t["key"] for t in _live(document, "lead_types")] or [None]
    for entry in _live(document, "commitments"):
        target, within = _number(entry.get("target")), _number(entry.get("within"))
        if entry.get("measure") != "attempts" or (target is None and within is None):
            continue
        days = within if entry.get("within_unit") == "days" else None
        for lead_type in entry.get("lead_types") or every_type:
            sequence = _sequence(document, lead_type)
            last_day = max((_number(a.get("day")) or 0 for a in sequence), default=0)
            keys = (entry["key"], *(a["key"] for a in sequence))
            params = {"name": entry["name"], "target": _plain(target) if target is not None else "",
                      "count": len(sequence), "lead_type": _lead_type_name(document, lead_type)}
            if target is not None and target > len(sequence):
                yield Check("commitment.attempts_exceed_sequence", ERROR,
                            N_("Commitment “%(name)s” asks for %(target)s connect attempts, but the connect sequence "
                               "for %(lead_type)s has %(count)s."),
                            params, "commitments", keys)
                break
            if days is not None and days > last_day and sequence:
                yield Check("commitment.attempts_outlast_sequence", ERROR,
                            N_("Commitment “%(name)s” runs over %(days)s days, but the connect sequence for "
                               "%(lead_type)s ends on day %(last_day)s."),
                            params | {"days": _plain(days), "last_day": _plain(last_day)}, "commitments", keys)
                break


def _lead_type_name(document: dict, key: str | None) -> str:
    if key is None:
        return Word(N_("every lead"))
    return next((t["name"] for t in _entries(document, "lead_types") if t["key"] == key), key)


def _set_stage_rules(document: dict) -> Iterator[Check]:
    """A scoring rule that sets a stage names the stage it sets."""
    for rule in _live(document, "lead_scoring"):
        if rule.get("action") == "set_stage" and not rule.get("stage"):
            yield Check("lead_scoring.set_stage_without_stage", ERROR,
                        N_("Scoring rule “%(name)s” sets a lifecycle stage but does not say which."),
                        {"name": rule["name"]}, "lead_scoring", (rule["key"],))


def _stage_minimums(document: dict) -> Iterator[Check]:
    """A stage's fit minimum is one the fit rules can give, and its minimums do not outgrow its threshold."""
    rules = _live(document, "lead_scoring")
    best_fit = sum(max(_number(r.get("points")) or 0, 0) * (_number(r.get("max_occurrences")) or 1)
                   for r in rules if r.get("kind") == "fit" and r.get("action") in (None, "points"))
    for stage in _live(document, "lifecycle_stages"):
        min_fit, min_engagement = _number(stage.get("min_fit")), _number(stage.get("min_engagement"))
        threshold = _number(stage.get("score_threshold"))
        params = {"name": stage["name"], "min_fit": _plain(min_fit or 0), "best_fit": _plain(best_fit)}
        if rules and min_fit is not None and min_fit > best_fit:
            yield Check("lifecycle_stage.min_fit_unreachable", WARNING,
                        N_("“%(name)s” needs %(min_fit)s fit points, but the fit rules give at most %(best_fit)s."),
                        params, "lifecycle_stages", (stage["key"],))
        if threshold is not None and (min_fit or 0) + (min_engagement or 0) > threshold:
            yield Check("lifecycle_stage.minimums_above_threshold", WARNING,
                        N_("“%(name)s” needs %(min_fit)s fit and %(min_engagement)s engagement points, more than "
                           "its score threshold of %(threshold)s."),
                        params | {"min_engagement": _plain(min_engagement or 0), "threshold": _plain(threshold)},
                        "lifecycle_stages", (stage["key"],))


def _outcomes_connect(document: dict) -> Iterator[Check]:
    """Listed outcomes of a connect attempt include one that counts as a connect, or no lead is ever connected."""
    outcomes = _live(document, "connect_outcomes")
    if outcomes and not any(o.get("counts_as_connect") for o in outcomes):
        yield Check("connect_outcome.none_connects", WARNING,
                    N_("No connect outcome counts as a connect, so no attempt can ever connect with a lead."),
                    {}, "connect_outcomes", tuple(o["key"] for o in outcomes))


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


# The numbers prose quotes: (section, field, how they are quoted, whether other entries that name the
# entry quote it too). A commitment's target is any number, so only its own prose is read for it.
QUOTED_NUMBERS = (
    ("lifecycle_stages", "score_threshold", "score", True), ("lifecycle_stages", "min_fit", "score", True),
    ("lifecycle_stages", "min_engagement", "score", True), ("deal_stages", "probability", "percent", True),
    ("commitments", "target", "plain", False), ("commitments", "within", "plain", False),
    ("commitments", "share", "percent", False))


def _changed_numbers(document: dict, previous: dict | None) -> list[tuple[dict, str, str, bool, float]]:
    """(entry, field, how it is quoted, read elsewhere, old value) for each quoted number `previous` had otherwise."""
    if not previous:
        return []
    changed = []
    for section, field_name, quoting, elsewhere in QUOTED_NUMBERS:
        before = {e["key"]: e.get(field_name) for e in _entries(previous, section)}
        for entry in _live(document, section):
            old, new = _number(before.get(entry["key"])), _number(entry.get(field_name))
            if old is not None and new is not None and old != new:
                changed.append((entry, field_name, quoting, elsewhere, old))
    return changed


def _quoted(sentence: str, quoting: str) -> list[float]:
    """The numbers a sentence quotes the way `quoting` says (percentages as fractions)."""
    if quoting == "percent":
        return [int(q) / 100 for q in PERCENT_NUMBER.findall(sentence)]
    if quoting == "score":
        return [int(a or b) for a, b in SCORE_NUMBER.findall(sentence)]
    return [float(n.replace(",", "")) for n in PLAIN_NUMBER.findall(sentence)]


def _stale_numbers(document: dict, previous: dict | None = None) -> Iterator[Check]:
    """Prose that still quotes a number as it was before this version changed it: in the entry's own
    prose, and for thresholds and probabilities in any sentence that names the entry."""
    changed = _changed_numbers(document, previous)
    if not changed:
        return
    seen = set()
    for section_key, entry, sentence in _sentences(document):
        for target, field_name, quoting, elsewhere, old in changed:
            own = entry["key"] == target["key"]
            if not own and not (elsewhere and _mentions(sentence, {target["name"].casefold(): target,
                                                                   target["key"].casefold(): target})):
                continue
            if not any(abs(old - q) < 1e-9 for q in _quoted(sentence, quoting)) or (
                    entry["key"], target["key"], field_name) in seen:
                continue
            seen.add((entry["key"], target["key"], field_name))
            shown = _percent if quoting == "percent" else _plain
            yield Check("prose.stale_number", WARNING,
                        N_("“%(name)s” still says %(quoted)s, but “%(target)s” now has %(current)s: “%(sentence)s”"),
                        {"name": entry["name"], "quoted": shown(old), "target": target["name"],
                         "current": shown(target[field_name]), "sentence": sentence.strip()[:200]},
                        section_key, tuple(dict.fromkeys((entry["key"], target["key"]))))


def _percent(fraction) -> str:
    return f"{_plain(round(fraction * 100, 2))} %"


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


RULES: tuple[Callable[[dict], Iterator[Check]], ...] = (
    _deal_stages, _thresholds, _references, _icp_scored, _commitment_fields, _attempts_fit_sequence,
    _set_stage_rules, _stage_minimums, _outcomes_connect)


def run_checks(document: dict, previous: dict | None = None) -> list[Check]:
    """Every finding over the document (and, against the version it follows, prose left behind by a
    changed number), errors first, then by section and code."""
    found = [check for rule in RULES for check in rule(document)]
    found += _stale_numbers(document, previous)
    return sorted(found, key=lambda c: (c.severity != ERROR, c.section or "", c.code, c.entries))


def blocking(checks: list[Check]) -> list[Check]:
    """The findings that stop a draft from being submitted."""
    return [c for c in checks if c.severity == ERROR]
