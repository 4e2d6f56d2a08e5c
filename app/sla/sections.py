"""One place that defines every section of the SLA and its structured fields.

Forms, validation, display, the published JSON and its JSON Schema all follow from these
definitions: adding a field is a change here.
"""
from dataclasses import dataclass

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
NAME_MAX = 200
DEFINITION_MAX = 20_000
TEXT_MAX = 500
LONGTEXT_MAX = 5_000
LIST_MAX_ITEMS = 50

COMPARISON_OPERATORS = ("equals", "not_equals", "in", "contains", "gt", "gte", "lt", "lte", "exists")
# How each operator reads in a sentence, on the pages and in the Markdown export.
OPERATOR_WORDS = {"equals": "is", "not_equals": "is not", "in": "is one of", "contains": "contains",
                  "gt": "is more than", "gte": "is at least", "lt": "is less than", "lte": "is at most",
                  "exists": "is known"}
CHANNELS = ("call", "email", "social", "sms", "meeting")
SCORING_KINDS = ("fit", "engagement")
PERIODS = ("hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Field:
    """A structured field of a section.

    kind is one of: text (one line), longtext (Markdown-free prose), int, number, bool,
    choice (one of `choices`), list (list of short strings), team (a team slug),
    ref (the key of an entry in `ref_section`, or any section when None),
    refs (a list of such keys), criteria (a list of {attribute, operator, value}).
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

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


SECTION_LIST: tuple[Section, ...] = (
    Section(
        "commitments", "Commitments", "commitment",
        "The SLA itself: what each team promises the other, with a measurable target.",
        (
            Field("from_team", "team", "From team", required=True, help="The team that makes the promise."),
            Field("to_team", "team", "To team", required=True, help="The team that relies on it."),
            Field("metric", "text", "Metric", required=True, help="What is measured, e.g. 'MQLs delivered'."),
            Field("target", "number", "Target", required=True, minimum=0, maximum=1e9),
            Field("unit", "text", "Unit", help="e.g. leads, hours, attempts."),
            Field("period", "choice", "Period", required=True, choices=PERIODS),
        ),
    ),
    Section(
        "icp", "Ideal customer profiles", "ideal customer profile",
        "The companies to target: the traits that make a business a good fit.",
        (
            Field("criteria", "criteria", "Criteria", required=True,
                  choices=COMPARISON_OPERATORS,
                  help="Attribute, operator and value, e.g. employees gte 200."),
        ),
    ),
    Section(
        "personas", "Buyer personas", "persona",
        "Semi-fictional portraits of the people inside ICP companies.",
        (
            Field("job_titles", "list", "Job titles"),
            Field("goals", "list", "Goals"),
            Field("pains", "list", "Pains"),
            Field("objections", "list", "Objections"),
            Field("channels", "list", "Channels", help="Where they learn: events, trade press, LinkedIn …"),
            Field("icp", "ref", "ICP", ref_section="icp", help="The ICP this persona works in."),
        ),
    ),
    Section(
        "buyer_journey", "Buyer journey", "journey stage",
        "Awareness, consideration, decision: what matters to a prospect at each stage.",
        (
            Field("buyer_questions", "list", "Buyer questions"),
            Field("content", "list", "Content", help="What we offer at this stage."),
            Field("exit_signal", "text", "Exit signal", help="What shows the buyer moved on."),
        ),
        ordered=True,
    ),
    Section(
        "lifecycle_stages", "Lifecycle stages", "lifecycle stage",
        "Subscriber to customer: the stages that trigger automation and sales actions.",
        (
            Field("owner_team", "team", "Owner team", required=True),
            Field("entry_criteria", "longtext", "Entry criteria", required=True),
            Field("exit_criteria", "longtext", "Exit criteria"),
            Field("score_threshold", "number", "Score threshold", minimum=0, maximum=1e6,
                  help="Optional: the lead score at which a contact enters this stage."),
        ),
        ordered=True,
    ),
    Section(
        "lead_types", "Lead types", "lead type",
        "Kinds of lead that follow different product or service paths.",
        (
            Field("routing", "text", "Routing", required=True, help="Who handles it."),
            Field("journey_notes", "longtext", "Journey notes"),
        ),
    ),
    Section(
        "deal_stages", "Deal stages", "deal stage",
        "The pipeline from discovery to closed, so both teams see where a handed-over lead is.",
        (
            Field("probability", "number", "Probability", required=True, minimum=0, maximum=1,
                  help="A fraction from 0 to 1, as CRMs take it."),
            Field("is_closed", "bool", "Closed stage"),
            Field("is_won", "bool", "Won stage"),
        ),
        ordered=True,
    ),
    Section(
        "lead_statuses", "Lead statuses", "lead status",
        "Segments leads and gives them nurturing paths both teams can see.",
        (
            Field("owner_team", "team", "Owner team", required=True),
            Field("lifecycle_stages", "refs", "Lifecycle stages", ref_section="lifecycle_stages",
                  help="The stages where this status applies."),
            Field("returns_to", "team", "Returns to", help="Optional: the team a lead goes back to."),
        ),
    ),
    Section(
        "lead_scoring", "Lead scoring", "scoring rule",
        "Rules that add or subtract points, and so decide when an MQL becomes an SQL.",
        (
            Field("kind", "choice", "Kind", required=True, choices=SCORING_KINDS),
            Field("field", "text", "Field", required=True, structured_text=True,
                  help="A lead field (fit) or an event name (engagement)."),
            Field("operator", "choice", "Operator", required=True, choices=COMPARISON_OPERATORS),
            Field("value", "text", "Value", structured_text=True,
                  help="Compared with the field; a comma-separated list for 'in'."),
            Field("points", "int", "Points", required=True, minimum=-1000, maximum=1000),
        ),
    ),
    Section(
        "connect_attempts", "Connect attempts", "connect attempt",
        "The sequence sales runs on a handed-over lead, and what counts as a connect.",
        (
            Field("day", "int", "Day", required=True, minimum=0, maximum=365),
            Field("channel", "choice", "Channel", required=True, choices=CHANNELS),
            Field("counts_as_connect", "bool", "Counts as a connect"),
        ),
        ordered=True,
    ),
    Section(
        "terms", "Other terms", "term",
        "Any other glossary term both teams use.",
        (
            Field("synonyms", "list", "Synonyms"),
            Field("related", "refs", "Related terms", help="Keys of related entries, in any section."),
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
    if f.kind in ("list", "refs", "criteria"):
        return []
    if f.kind == "bool":
        return False
    return None


def normalise_fields(section: Section, values: dict) -> dict:
    """Every field of the section, in declared order, missing ones set empty."""
    return {f.name: value if (value := values.get(f.name)) is not None else empty_value(f)
            for f in section.fields}
