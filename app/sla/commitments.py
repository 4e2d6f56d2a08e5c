"""A commitment as one plain sentence a reader can hold a team to, in English and in Thai.

Each measure has whole-sentence templates (Thai puts the noun before its quantity and the period
last, so fragments glued in English order would read wrongly); the pieces inside them — a quantity,
a duration — are sentences of their own that translate whole. Names of stages, lead types and
calendars come from the document in the reader's language; numbers are formatted for it. A
commitment without a measure, or one missing what its measure needs, reads as metric and target.
"""
from typing import Mapping

from babel.numbers import format_decimal

from app.messages import N_, Phrase, Word
from app.sla.translations import document_language, localized

MEASURES = ("stage_volume", "response_time", "attempts", "conversion", "prose")
MEASURE_WORDS = {"stage_volume": N_("stage volume"), "response_time": N_("response time"),
                 "attempts": N_("attempts"), "conversion": N_("conversion"), "prose": N_("prose")}
# What each measure needs before it can be measured, and so said as a sentence.
NEEDS = {"stage_volume": ("stage",), "response_time": ("stage", "within", "within_unit"),
         "attempts": ("stage",), "conversion": ("stage", "to_stage", "share")}

QUANTITY = {"at_least": N_("at least %(number)s"), "at_most": N_("at most %(number)s")}
PERCENT = N_("%(number)s %%")
EACH_PERIOD = {"hour": N_("each hour"), "day": N_("each day"), "week": N_("each week"), "month": N_("each month"),
               "quarter": N_("each quarter"), "year": N_("each year")}
REPORTED = {"hour": N_("reported hourly"), "day": N_("reported daily"), "week": N_("reported weekly"),
            "month": N_("reported monthly"), "quarter": N_("reported quarterly"), "year": N_("reported yearly")}
# (one, more than one) of each unit of `within`.
DURATIONS = {"business_hours": (N_("%(number)s business hour"), N_("%(number)s business hours")),
             "hours": (N_("%(number)s hour"), N_("%(number)s hours")),
             "days": (N_("%(number)s day"), N_("%(number)s days"))}
IN_CALENDAR = N_("%(duration)s (%(calendar)s)")
# The core teams' display names (CORE_TEAMS in app/models/accounts.py), so that a sentence names them in Thai too; other
# teams read as the team table names them.
CORE_TEAM_NAMES = (N_("Marketing"), N_("Sales"))

SENTENCES = {
    "stage_volume": N_("%(team)s delivers %(quantity)s %(stages)s %(each_period)s."),
    "response_time": N_("%(team)s makes a first connect attempt on %(quantity)s of %(stages)s within %(within)s, "
                        "%(reported)s."),
    ("response_time", "every"): N_("%(team)s makes a first connect attempt on every %(stage)s within %(within)s, "
                                   "%(reported)s."),
    "attempts": N_("%(team)s makes %(quantity)s connect attempts on every %(stage)s before returning it, "
                   "%(reported)s."),
    ("attempts", "within"): N_("%(team)s makes %(quantity)s connect attempts over %(within)s on every %(stage)s "
                               "before returning it, %(reported)s."),
    "conversion": N_("%(team)s ensures that %(quantity)s of %(stages)s become %(to_stages)s, %(reported)s."),
    ("conversion", "within"): N_("%(team)s ensures that %(quantity)s of %(stages)s become %(to_stages)s within "
                                 "%(within)s, %(reported)s."),
}
# As the entry display read before commitments had measures.
PLAIN = N_("%(from_team)s → %(to_team)s: %(metric)s, target %(target)s per %(period)s.")
PLAIN_NO_PERIOD = N_("%(from_team)s → %(to_team)s: %(metric)s, target %(target)s.")
FOR_LEAD_TYPES = N_("For %(lead_types)s: %(sentence)s")
WITH_OWNER = N_("%(sentence)s Owner: %(owner)s.")


class Sentence(Phrase):
    """A Phrase whose values may be Phrases themselves (a quantity inside a commitment), translated inside out."""

    def translated(self, gettext) -> str:
        inner = {name: value.translated(gettext) if isinstance(value, Phrase) else value
                 for name, value in self.values.items()}
        return Phrase(self.template, **inner).translated(gettext)


def number(value) -> float | None:
    """A number a sentence or a rule can use, or None (a draft may hold anything)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def missing_fields(entry: dict) -> list[str]:
    """The fields the commitment's measure needs that it lacks: a business-hours limit needs a calendar,
    a limit needs its unit and a unit its limit."""
    needed = list(NEEDS.get(entry.get("measure"), ()))
    if entry.get("within") is not None or entry.get("within_unit"):
        needed += ["within", "within_unit"]
    if entry.get("within_unit") == "business_hours":
        needed.append("calendar")
    return [name for name in dict.fromkeys(needed) if _blank(entry.get(name))]


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def commitment_sentence(entry: dict, document: dict, language: str = "en", team_names: Mapping[str, str] = None,
                        people: Mapping[str, str] = None) -> Sentence:
    """The commitment as a sentence (str: English; `translated(gettext)`: the page's language), with its
    lead-type scope and owner; `team_names` by slug and `people` (names by email) as the pages know them."""
    words = _Words(document, language, team_names or {})
    sentence = _measured(entry, words) or _plain(entry, words)
    lead_types = tuple(words.name("lead_types", key) for key in entry.get("lead_types") or [])
    if lead_types:
        sentence = Sentence(FOR_LEAD_TYPES, lead_types=lead_types, sentence=sentence)
    owner = entry.get("owner")
    if owner:
        name = (people or {}).get(owner)
        sentence = Sentence(WITH_OWNER, sentence=sentence, owner=f"{name} ({owner})" if name else owner)
    return sentence


def _measured(entry: dict, words: "_Words") -> Sentence | None:
    measure = entry.get("measure")
    if measure not in NEEDS or missing_fields(entry) or entry.get("period") not in REPORTED:
        return None
    target, share, within = number(entry.get("target")), number(entry.get("share")), number(entry.get("within"))
    comparator = QUANTITY.get(entry.get("comparator"), QUANTITY["at_least"])
    values = {"team": Word(words.team(entry.get("from_team"))), "stage": words.name("lifecycle_stages", entry["stage"]),
              "stages": words.name("lifecycle_stages", entry["stage"], plural=True),
              "each_period": Word(EACH_PERIOD[entry["period"]]), "reported": Word(REPORTED[entry["period"]])}
    if within is not None:
        values["within"] = words.duration(within, entry["within_unit"], entry.get("calendar"))
    if measure == "response_time" and share is None:
        return Sentence(SENTENCES[measure, "every"], **values)
    if measure in ("response_time", "conversion"):
        if share is None:
            return None
        values["quantity"] = Sentence(comparator, number=Sentence(PERCENT, number=words.number(round(share * 100, 4))))
    elif target is None:
        return None
    else:
        values["quantity"] = Sentence(comparator, number=words.number(target))
    if measure == "conversion":
        values["to_stages"] = words.name("lifecycle_stages", entry["to_stage"], plural=True)
    template = SENTENCES.get((measure, "within")) if within is not None else None
    return Sentence(template or SENTENCES[measure], **values)


def _plain(entry: dict, words: "_Words") -> Sentence:
    target = words.number(number(entry.get("target"))) if number(entry.get("target")) is not None else "—"
    unit = words.text(entry, "unit")
    values = {"from_team": Word(words.team(entry.get("from_team"))), "to_team": Word(words.team(entry.get("to_team"))),
              "metric": words.text(entry, "metric") or "—", "target": f"{target} {unit}" if unit else target}
    if entry.get("period"):
        return Sentence(PLAIN, period=Word(entry["period"]), **values)
    return Sentence(PLAIN_NO_PERIOD, **values)


class _Words:
    """Names, texts and numbers of one document as a reader of `language` sees them."""

    def __init__(self, document: dict, language: str, team_names: Mapping[str, str]):
        self.language, self.primary, self.team_names = language, document_language(document), team_names
        self.entries = {(section, e.get("key")): e for section, entries in (document.get("sections") or {}).items()
                        for e in entries or []}

    def team(self, slug) -> str:
        return self.team_names.get(slug) or slug or "—"

    def text(self, entry: dict, name: str) -> str:
        value = localized(entry, name, self.language, self.primary)[0]
        return value if isinstance(value, str) else ""

    def name(self, section: str, key: str, plural: bool = False) -> str:
        """An entry's name (its key when this version has no such entry), plural when asked in an English
        sentence (a Thai sentence keeps an untranslated English name as it is)."""
        entry = self.entries.get((section, key))
        if entry is None:
            return key
        value, language = localized(entry, "name", self.language, self.primary)
        return english_plural(value) if plural and language == self.language == "en" else value

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language, decimal_quantization=False)

    def duration(self, within: float, unit: str, calendar: str | None) -> Sentence:
        one, more = DURATIONS.get(unit, DURATIONS["days"])
        duration = Sentence(one if within == 1 else more, number=self.number(within))
        if not calendar:
            return duration
        return Sentence(IN_CALENDAR, duration=duration, calendar=self.name("calendars", calendar))


def english_plural(name: str) -> str:
    """'Sales Qualified Lead' → 'Sales Qualified Leads', 'Opportunity' → 'Opportunities' (names are nouns)."""
    last = name[-1:].lower()
    if last == "y" and name[-2:-1].lower() not in "aeiou":
        return name[:-1] + "ies"
    if last in ("s", "x") or name.lower().endswith(("ch", "sh")):
        return name + "es"
    return name + "s" if last.isalpha() else name
