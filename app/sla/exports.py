"""CRM-shaped exports of a published document: the values a CRM stores, HubSpot API v3 bodies, and the
legacy JSON exports (a HubSpot pipeline and properties, Salesforce records) kept for the tools that read them."""
from app.markdown import markdown_to_text

SALESFORCE_DESCRIPTION_MAX = 255
DEFAULT_LEAD_STATUS = "new"
CONVERSION_STAGE = "opportunity"

# HubSpot's internal values of its standard stages, by an entry key that names them. An entry without
# a crm_value exports as the value here, else as its key. Keys are matched without dashes and underscores
# (closed-won, closed_won and closedwon are all HubSpot's closedwon).
HUBSPOT_LIFECYCLE_STAGES = {
    "subscriber": "subscriber", "lead": "lead", "mql": "marketingqualifiedlead",
    "marketingqualifiedlead": "marketingqualifiedlead", "sql": "salesqualifiedlead",
    "salesqualifiedlead": "salesqualifiedlead", "opportunity": "opportunity", "customer": "customer",
    "evangelist": "evangelist", "other": "other",
}
HUBSPOT_DEAL_STAGES = {value: value for value in (
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
    "contractsent", "closedwon", "closedlost")}
HUBSPOT_LEAD_STATUSES = {value.replace("_", "").lower(): value for value in (
    "NEW", "OPEN", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT", "CONNECTED", "BAD_TIMING")}
HUBSPOT_STANDARD_VALUES = {"lifecycle_stages": HUBSPOT_LIFECYCLE_STAGES, "deal_stages": HUBSPOT_DEAL_STAGES,
                           "lead_statuses": HUBSPOT_LEAD_STATUSES}
# The two contact properties whose options the SLA defines, and the section each comes from.
HUBSPOT_PROPERTIES = {"lifecyclestage": "lifecycle_stages", "hs_lead_status": "lead_statuses"}


def by_position(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("position") or 0, e["key"]))


def probability(entry: dict) -> float:
    value = entry.get("probability")
    return min(max(float(value), 0.0), 1.0) if isinstance(value, (int, float)) else 0.0


def hubspot_value(section: str, entry: dict) -> str:
    """What HubSpot stores for an entry: its crm_value, else HubSpot's value of the standard stage or
    status its key names, else the key."""
    if entry.get("crm_value"):
        return entry["crm_value"]
    return HUBSPOT_STANDARD_VALUES.get(section, {}).get(entry["key"].replace("-", "").replace("_", ""), entry["key"])


def ordered_lead_statuses(document: dict) -> list[dict]:
    """Lead statuses in the agreed order: by position where every status has one (schema 2), else (older
    documents) by the earliest lifecycle stage they apply to, then by name."""
    statuses = document["sections"]["lead_statuses"]
    if statuses and all(s.get("position") for s in statuses):
        return by_position(statuses)
    positions = {s["key"]: s.get("position") or 0 for s in document["sections"]["lifecycle_stages"]}
    far = max(positions.values(), default=0) + 1

    def earliest(status):
        applies = [positions[k] for k in status.get("lifecycle_stages") or [] if k in positions]
        return min(applies, default=far)
    return sorted(statuses, key=lambda s: (earliest(s), s["name"].casefold(), s["key"]))


def ordered_entries(document: dict, section: str) -> list[dict]:
    """A CRM section's entries in the order a CRM lists them."""
    if section == "lead_statuses":
        return ordered_lead_statuses(document)
    return by_position(document["sections"].get(section) or [])


def default_status_key(statuses: list[dict]) -> str | None:
    keys = [s["key"] for s in statuses]
    if DEFAULT_LEAD_STATUS in keys:
        return DEFAULT_LEAD_STATUS
    return keys[0] if keys else None


def is_converted(status: dict, document: dict) -> bool:
    """A status is a converted one when it applies at or past the opportunity stage (or the last stage)."""
    stages = document["sections"]["lifecycle_stages"]
    positions = {s["key"]: s.get("position") or 0 for s in stages}
    if not positions:
        return False
    threshold = positions.get(CONVERSION_STAGE, max(positions.values()))
    return any(positions.get(k, -1) >= threshold for k in status.get("lifecycle_stages") or [])


def hubspot_probability(entry: dict) -> str:
    return str(round(probability(entry), 6))


def hubspot_stage(stage: dict, order: int) -> dict:
    """A PipelineStageInput: label, displayOrder, metadata with probability and isClosed as strings."""
    return {"label": stage["name"], "displayOrder": order,
            "metadata": {"probability": hubspot_probability(stage),
                         "isClosed": "true" if stage.get("is_closed") else "false"}}


def hubspot_pipeline(document: dict) -> dict:
    """The deal stages as a HubSpot pipelines API v3 PipelineInput (POST or PUT /crm/v3/pipelines/deals)."""
    return {"label": document["title"], "displayOrder": 0,
            "stages": [hubspot_stage(stage, order)
                       for order, stage in enumerate(ordered_entries(document, "deal_stages"))]}


def hubspot_option(section: str, entry: dict, order: int) -> dict:
    """An OptionInput: the CRM's value, the name as label, the definition as plain text, deprecated hidden."""
    return {"label": entry["name"], "value": hubspot_value(section, entry), "displayOrder": order,
            "description": markdown_to_text(entry["definition"]), "hidden": bool(entry.get("deprecated"))}


def hubspot_property(document: dict, name: str) -> dict:
    """A contact property's options as a properties API v3 PropertyUpdate body
    (PATCH /crm/v3/properties/contacts/<name>)."""
    section = HUBSPOT_PROPERTIES[name]
    return {"options": [hubspot_option(section, entry, order)
                        for order, entry in enumerate(ordered_entries(document, section))]}


# --- the legacy JSON exports (deprecated; kept as they were for the tools that read them) -------------

def _legacy_option(entry: dict, order: int) -> dict:
    return {"label": entry["name"], "value": entry["key"], "displayOrder": order,
            "description": markdown_to_text(entry["definition"]), "hidden": bool(entry.get("deprecated"))}


def hubspot_export(document: dict) -> dict:
    """Deal stages as a HubSpot pipeline; lifecycle stages and lead statuses as options valued by key."""
    return {
        "version": document["version"],
        "pipeline": hubspot_pipeline(document),
        "properties": {
            "lifecyclestage": {"options": [
                _legacy_option(stage, order)
                for order, stage in enumerate(by_position(document["sections"]["lifecycle_stages"]))]},
            "hs_lead_status": {"options": [
                _legacy_option(status, order) for order, status in enumerate(ordered_lead_statuses(document))]},
        },
    }


def percent(fraction: float) -> int | float:
    value = round(fraction * 100, 2)
    return int(value) if value.is_integer() else value


def salesforce_export(document: dict) -> dict:
    """Deal stages as OpportunityStage records and lead statuses as LeadStatus records."""
    statuses = ordered_lead_statuses(document)
    default_key = default_status_key(statuses)
    return {
        "version": document["version"],
        "OpportunityStage": [{
            "MasterLabel": stage["name"],
            "ApiName": stage["key"],
            "SortOrder": order,
            "IsActive": not stage.get("deprecated"),
            "IsClosed": bool(stage.get("is_closed")),
            "IsWon": bool(stage.get("is_won")),
            "DefaultProbability": percent(probability(stage)),
            "Description": markdown_to_text(stage["definition"], SALESFORCE_DESCRIPTION_MAX),
        } for order, stage in enumerate(by_position(document["sections"]["deal_stages"]), start=1)],
        "LeadStatus": [{
            "MasterLabel": status["name"],
            "ApiName": status["key"],
            "SortOrder": order,
            "IsConverted": is_converted(status, document),
            "IsDefault": status["key"] == default_key,
        } for order, status in enumerate(statuses, start=1)],
    }
