"""A small published agreement shared by the reading and glossary tests (no tests of its own)."""
from tests.factories import make_entry, make_published

MQL_DEFINITION = ("A lead that marketing has nurtured until it is ready for sales. "
                  "It becomes a Sales Qualified Lead when sales accepts it.")
MQL_DEFINITION_V2 = ("A lead whose score reached the threshold and that marketing hands to sales. "
                     "It becomes a Sales Qualified Lead when sales accepts it.")


def sample_entries(mql_definition: str = MQL_DEFINITION, extra=()) -> list:
    """Entries in several sections, with cross references, synonyms and a deprecated term."""
    return [
        make_entry("icp", "mid-market", "Mid-market manufacturer", definition="Makers with 200 to 2,000 staff.",
                   criteria=[{"attribute": "employees", "operator": "gte", "value": "200"}]),
        make_entry("personas", "ops-olivia", "Operations Olivia", definition="Runs the plant floor.",
                   job_titles=["Head of operations"], icp="mid-market"),
        make_entry("lifecycle_stages", "lead", "Lead", position=2, owner_team="marketing",
                   entry_criteria="Gave us contact details.", definition="Someone who gave us their details."),
        make_entry("lifecycle_stages", "mql", "Marketing Qualified Lead", position=3, owner_team="marketing",
                   entry_criteria="Score of 50 or more.", score_threshold=50, definition=mql_definition),
        make_entry("lifecycle_stages", "sql", "Sales Qualified Lead", team="sales", position=4,
                   owner_team="sales", entry_criteria="Sales accepted the MQL.",
                   definition="An MQL that sales accepted and works to close. See `Lead` in code."),
        make_entry("lead_statuses", "returned", "Returned – not ready", team="sales", owner_team="sales",
                   lifecycle_stages=["sql"], returns_to="marketing",
                   definition="Sales sent the lead back to marketing for more nurturing."),
        make_entry("deal_stages", "closed-won", "Closed – won", team="sales", position=5, probability=1,
                   is_closed=True, is_won=True, definition="The customer signed."),
        make_entry("terms", "lead-score", "Lead score", synonyms=["Scoring", "Points"], related=["mql"],
                   definition="Points a contact earns for fit and engagement; 50 makes an MQL."),
        make_entry("terms", "handover", "Handover", team="sales", synonyms=["Hand-off"], related=["sql", "mql"],
                   definition="The moment a **Marketing Qualified Lead** passes to sales."),
        _deprecated(make_entry("terms", "hot-lead", "Hot lead", definition="Old name for an MQL."), "mql"),
        *extra,
    ]


def _deprecated(entry, successor: str):
    entry.deprecated, entry.superseded_by = True, successor
    return entry


def publish_sample(number: str = "1.0.0", mql_definition: str = MQL_DEFINITION, approvers=(), extra=()):
    """Publish the sample agreement as `number` and return the version."""
    return make_published(sample_entries(mql_definition, extra), number=number, approvers=approvers)
