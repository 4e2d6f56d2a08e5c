"""One place that defines every section of the SLA and its structured fields.

Forms, validation, display, the published JSON and its JSON Schema all follow from these
definitions: adding a field is a change here.
"""
from dataclasses import dataclass

from app.messages import N_

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
NAME_MAX = 200
DEFINITION_MAX = 20_000
TEXT_MAX = 500
LONGTEXT_MAX = 5_000
LIST_MAX_ITEMS = 50

COMPARISON_OPERATORS = ("equals", "not_equals", "in", "contains", "gt", "gte", "lt", "lte", "exists")
# How each operator reads in a sentence, on the pages and in the Markdown export.
OPERATOR_WORDS = {"equals": N_("is"), "not_equals": N_("is not"), "in": N_("is one of"),
                  "contains": N_("contains"), "gt": N_("is more than"), "gte": N_("is at least"),
                  "lt": N_("is less than"), "lte": N_("is at most"), "exists": N_("is known")}
CHANNELS = ("call", "email", "social", "sms", "meeting")
SCORING_KINDS = ("fit", "engagement")
PERIODS = ("hour", "day", "week", "month", "quarter", "year")
MEASURES = ("stage_volume", "response_time", "attempts", "conversion", "prose")
COMPARATORS = ("at_least", "at_most")
WITHIN_UNITS = ("business_hours", "hours", "days")
SCORING_ACTIONS = ("points", "set_stage")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EMAIL_MAX = 254
TIMEZONE_MAX = 64

# The document's schema version: 1 is what part one published; 2 added the fields and sections
# marked `since=2`. Published documents keep the schema they were published under.
SCHEMA_VERSION = 2
SCHEMA_VERSIONS = (1, 2)


@dataclass(frozen=True)
class Field:
    """A structured field of a section.

    kind is one of: text (one line), longtext (Markdown-free prose), int, number, bool,
    choice (one of `choices`), choices (several of `choices`, in their order),
    list (list of short strings), team (a team slug),
    ref (the key of an entry in `ref_section`, or any section when None),
    refs (a list of such keys), criteria (a list of {attribute, operator, value}),
    time ("HH:MM"), dates (a list of "YYYY-MM-DD"), timezone (an IANA name), email.
    `since` is the schema version that added the field.
    """
    name: str
    kind: str
    label: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    ref_section: str | None = None
    help: str = ""
    # Text a tool computes with (a scoring rule's field and value) is structured, not prose.
    structured_text: bool = False
    since: int = 1

    @property
    def is_reference(self) -> bool:
        return self.kind in ("ref", "refs", "team")

    @property
    def is_prose(self) -> bool:
        """Prose changes make a patch version; every other change makes at least a minor one."""
        return self.kind in ("text", "longtext", "list") and not self.structured_text


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    singular: str
    summary: str
    fields: tuple[Field, ...] = ()
    ordered: bool = False  # entries carry a meaningful `position`
    since: int = 1  # the schema version that added the section
    ordered_since: int = 1  # the schema version from which entries carry `position`

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def fields_in(self, schema_version: int) -> tuple[Field, ...]:
        """The fields a document of that schema version has."""
        return tuple(f for f in self.fields if f.since <= schema_version)

    def ordered_in(self, schema_version: int) -> bool:
        return self.ordered and self.ordered_since <= schema_version


SECTION_LIST: tuple[Section, ...] = (
    Section(
        "commitments", N_("Commitments"), N_("commitment"),
        N_("The SLA itself: what each team promises the other, with a measurable target."),
        (
            Field("from_team", "team", N_("From team"), required=True,
                  help=N_("The team that makes the promise.")),
            Field("to_team", "team", N_("To team"), required=True, help=N_("The team that relies on it.")),
            Field("metric", "text", N_("Metric"), required=True,
                  help=N_("What is measured, e.g. 'MQLs delivered'.")),
            Field("target", "number", N_("Target"), required=True, minimum=0, maximum=1e9),
            Field("unit", "text", N_("Unit"), help=N_("e.g. leads, hours, attempts.")),
            Field("period", "choice", N_("Period"), required=True, choices=PERIODS),
            Field("measure", "choice", N_("Measure"), choices=MEASURES, since=2,
                  help=N_("How lead data measures it; prose is not measured.")),
            Field("comparator", "choice", N_("Comparator"), choices=COMPARATORS, since=2,
                  help=N_("Whether the target is a floor or a ceiling.")),
            Field("stage", "ref", N_("Stage"), ref_section="lifecycle_stages", since=2,
                  help=N_("The lifecycle stage the leads measured are in (or leave, for a conversion).")),
            Field("to_stage", "ref", N_("To stage"), ref_section="lifecycle_stages", since=2,
                  help=N_("For a conversion: the stage the leads should reach.")),
            Field("within", "number", N_("Within"), minimum=0, maximum=1e6, since=2,
                  help=N_("The response window, e.g. 4 (with its unit).")),
            Field("within_unit", "choice", N_("Within unit"), choices=WITHIN_UNITS, since=2),
            Field("share", "number", N_("Share of leads"), minimum=0, maximum=1, since=2,
                  help=N_("A fraction from 0 to 1: 0.95 means 95 of every 100 leads.")),
            Field("calendar", "ref", N_("Calendar"), ref_section="calendars", since=2,
                  help=N_("The office hours that business hours count in.")),
            Field("lead_types", "refs", N_("Lead types"), ref_section="lead_types", since=2,
                  help=N_("Optional: only leads of these types are measured.")),
            Field("owner", "email", N_("Owner"), since=2,
                  help=N_("The email address of the person answerable for it.")),
        ),
    ),
    Section(
        "icp", N_("Ideal customer profiles"), N_("ideal customer profile"),
        N_("The companies to target: the traits that make a business a good fit."),
        (
            Field("criteria", "criteria", N_("Criteria"), required=True,
                  choices=COMPARISON_OPERATORS,
                  help=N_("Attribute, operator and value, e.g. employees gte 200.")),
        ),
    ),
    Section(
        "personas", N_("Buyer personas"), N_("persona"),
        N_("Semi-fictional portraits of the people inside ICP companies."),
        (
            Field("job_titles", "list", N_("Job titles")),
            Field("goals", "list", N_("Goals")),
            Field("pains", "list", N_("Pains")),
            Field("objections", "list", N_("Objections")),
            Field("channels", "list", N_("Channels"),
                  help=N_("Where they learn: events, trade press, LinkedIn …")),
            Field("icp", "ref", N_("ICP"), ref_section="icp", help=N_("The ICP this persona works in.")),
        ),
    ),
    Section(
        "buyer_journey", N_("Buyer journey"), N_("journey stage"),
        N_("Awareness, consideration, decision: what matters to a prospect at each stage."),
        (
            Field("buyer_questions", "list", N_("Buyer questions")),
            Field("content", "list", N_("Content"), help=N_("What we offer at this stage.")),
            Field("exit_signal", "text", N_("Exit signal"), help=N_("What shows the buyer moved on.")),
        ),
        ordered=True,
    ),
    Section(
        "lifecycle_stages", N_("Lifecycle stages"), N_("lifecycle stage"),
        N_("Subscriber to customer: the stages that trigger automation and sales actions."),
        (
            Field("owner_team", "team", N_("Owner team"), required=True),
            Field("entry_criteria", "longtext", N_("Entry criteria"), required=True),
            Field("exit_criteria", "longtext", N_("Exit criteria")),
            Field("score_threshold", "number", N_("Score threshold"), minimum=0, maximum=1e6,
                  help=N_("Optional: the lead score at which a contact enters this stage.")),
            Field("crm_value", "text", N_("CRM value"), structured_text=True, since=2,
                  help=N_("The CRM's internal value, e.g. marketingqualifiedlead in HubSpot.")),
            Field("min_fit", "number", N_("Minimum fit score"), minimum=-1e6, maximum=1e6, since=2,
                  help=N_("Optional: points from fit rules a lead needs besides the threshold.")),
            Field("min_engagement", "number", N_("Minimum engagement score"), minimum=-1e6, maximum=1e6,
                  since=2, help=N_("Optional: points from engagement rules a lead needs besides the threshold.")),
            Field("may_return_to", "refs", N_("May return to"), ref_section="lifecycle_stages", since=2,
                  help=N_("Earlier stages a contact may go back to.")),
        ),
        ordered=True,
    ),
    Section(
        "lead_types", N_("Lead types"), N_("lead type"),
        N_("Kinds of lead that follow different product or service paths."),
        (
            Field("routing", "text", N_("Routing"), required=True, help=N_("Who handles it.")),
            Field("journey_notes", "longtext", N_("Journey notes")),
        ),
    ),
    Section(
        "deal_stages", N_("Deal stages"), N_("deal stage"),
        N_("The pipeline from discovery to closed, so both teams see where a handed-over lead is."),
        (
            Field("probability", "number", N_("Probability"), required=True, minimum=0, maximum=1,
                  help=N_("A fraction from 0 to 1, as CRMs take it.")),
            Field("is_closed", "bool", N_("Closed stage")),
            Field("is_won", "bool", N_("Won stage")),
            Field("crm_value", "text", N_("CRM value"), structured_text=True, since=2,
                  help=N_("The CRM's internal value, e.g. closedwon in HubSpot.")),
            Field("forecast_category", "choice", N_("Forecast category"), choices=FORECAST_CATEGORIES,
                  since=2),
            Field("entry_criteria", "longtext", N_("Entry criteria"), since=2),
            Field("exit_criteria", "longtext", N_("Exit criteria"), since=2),
        ),
        ordered=True,
    ),
    Section(
        "lead_statuses", N_("Lead statuses"), N_("lead status"),
        N_("Segments leads and gives them nurturing paths both teams can see."),
        (
            Field("owner_team", "team", N_("Owner team"), required=True),
            Field("lifecycle_stages", "refs", N_("Lifecycle stages"), ref_section="lifecycle_stages",
                  help=N_("The stages where this status applies.")),
            Field("returns_to", "team", N_("Returns to"), help=N_("Optional: the team a lead goes back to.")),
            Field("crm_value", "text", N_("CRM value"), structured_text=True, since=2,
                  help=N_("The CRM's spelling, e.g. ATTEMPTED_TO_CONTACT.")),
            Field("is_return", "bool", N_("Returns the lead"), since=2,
                  help=N_("Sales gives the lead back to marketing with this status.")),
            Field("pauses_clock", "bool", N_("Pauses the clock"), since=2,
                  help=N_("While a lead has this status (on hold), response times stop counting.")),
        ),
        ordered=True, ordered_since=2,  # exports list statuses in the agreed order
    ),
    Section(
        "lead_scoring", N_("Lead scoring"), N_("scoring rule"),
        N_("Rules that add or subtract points, and so decide when an MQL becomes an SQL."),
        (
            Field("kind", "choice", N_("Kind"), required=True, choices=SCORING_KINDS),
            Field("field", "text", N_("Field"), required=True, structured_text=True,
                  help=N_("A lead field (fit) or an event name (engagement).")),
            Field("operator", "choice", N_("Operator"), required=True, choices=COMPARISON_OPERATORS),
            Field("value", "text", N_("Value"), structured_text=True,
                  help=N_("Compared with the field; a comma-separated list for 'in'.")),
            Field("points", "int", N_("Points"), required=True, minimum=-1000, maximum=1000),
            Field("within_days", "int", N_("Within days"), minimum=1, maximum=3650, since=2,
                  help=N_("Optional: an event counts only if it happened this many days ago or less.")),
            Field("max_occurrences", "int", N_("Maximum occurrences"), minimum=1, maximum=1000, since=2,
                  help=N_("Optional: points for each event, up to this many times.")),
            Field("lead_types", "refs", N_("Lead types"), ref_section="lead_types", since=2,
                  help=N_("Optional: the rule scores only leads of these types.")),
            Field("action", "choice", N_("Action"), choices=SCORING_ACTIONS, since=2,
                  help=N_("Add points, or set a stage at once (a hand-raiser).")),
            Field("stage", "ref", N_("Stage"), ref_section="lifecycle_stages", since=2,
                  help=N_("For set stage: the lifecycle stage the lead reaches.")),
        ),
    ),
    Section(
        "connect_attempts", N_("Connect attempts"), N_("connect attempt"),
        N_("The sequence sales runs on a handed-over lead, and what counts as a connect."),
        (
            Field("day", "int", N_("Day"), required=True, minimum=0, maximum=365),
            Field("channel", "choice", N_("Channel"), required=True, choices=CHANNELS),
            Field("counts_as_connect", "bool", N_("Counts as a connect")),
            Field("lead_types", "refs", N_("Lead types"), ref_section="lead_types", since=2,
                  help=N_("Optional: the lead types this step's sequence is for.")),
        ),
        ordered=True,
    ),
    Section(
        "connect_outcomes", N_("Connect outcomes"), N_("connect outcome"),
        N_("What can come of a connect attempt, and which outcomes count as a connect."),
        (
            Field("counts_as_connect", "bool", N_("Counts as a connect"),
                  help=N_("A conversation with the lead, as opposed to no answer or a voicemail.")),
        ),
        ordered=True, since=2,
    ),
    Section(
        "calendars", N_("Calendars"), N_("calendar"),
        N_("Office hours and holidays, so that business hours mean the same to everyone."),
        (
            Field("timezone", "timezone", N_("Time zone"), required=True,
                  help=N_("An IANA time zone, e.g. Asia/Bangkok.")),
            Field("workdays", "choices", N_("Workdays"), required=True, choices=WEEKDAYS),
            Field("start", "time", N_("Opens at"), required=True, help=N_("24-hour time, e.g. 09:00.")),
            Field("end", "time", N_("Closes at"), required=True, help=N_("24-hour time, e.g. 18:00.")),
            Field("holidays", "dates", N_("Holidays"), help=N_("Dates the office is closed, e.g. 2026-12-31.")),
        ),
        since=2,
    ),
    Section(
        "terms", N_("Other terms"), N_("term"),
        N_("Any other glossary term both teams use."),
        (
            Field("synonyms", "list", N_("Synonyms")),
            Field("related", "refs", N_("Related terms"),
                  help=N_("Keys of related entries, in any section.")),
        ),
    ),
)

SECTIONS: dict[str, Section] = {s.key: s for s in SECTION_LIST}
SECTION_KEYS: tuple[str, ...] = tuple(SECTIONS)
ENTRY_BASE_FIELDS = ("key", "name", "team", "definition", "deprecated", "superseded_by")
PROSE_BASE_FIELDS = ("name", "definition")  # the other base fields are structured


def get_section(key: str) -> Section | None:
    """The section with this key, or None."""
    return SECTIONS.get(key)


def empty_value(f: Field):
    """The value a field holds when nothing was entered."""
    if f.kind in ("list", "refs", "criteria", "choices", "dates"):
        return []
    if f.kind == "bool":
        return False
    return None


def normalise_fields(section: Section, values: dict) -> dict:
    """Every field of the section, in declared order, missing ones set empty."""
    return {f.name: value if (value := values.get(f.name)) is not None else empty_value(f)
            for f in section.fields}
