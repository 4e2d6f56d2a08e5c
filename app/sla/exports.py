"""CRM-shaped exports of a published document: a HubSpot pipeline and properties, Salesforce records."""
from app.markdown import markdown_to_text

SALESFORCE_DESCRIPTION_MAX = 255
DEFAULT_LEAD_STATUS = "new"
CONVERSION_STAGE = "opportunity"


def _by_position(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda e: (e.get("position") or 0, e["key"]))


def _probability(entry: dict) -> float:
    value = entry.get("probability")
    return min(max(float(value), 0.0), 1.0) if isinstance(value, (int, float)) else 0.0


def ordered_lead_statuses(document: dict) -> list[dict]:
    """Lead statuses in funnel order: by the earliest lifecycle stage they apply to, then by name."""
    positions = {s["key"]: s.get("position") or 0 for s in document["sections"]["lifecycle_stages"]}
    far = max(positions.values(), default=0) + 1

    def earliest(status):
        applies = [positions[k] for k in status.get("lifecycle_stages") or [] if k in positions]
        return min(applies, default=far)
    return sorted(document["sections"]["lead_statuses"], key=lambda s: (earliest(s), s["name"].casefold(), s["key"]))


def _default_status_key(statuses: list[dict]) -> str | None:
    keys = [s["key"] for s in statuses]
    if DEFAULT_LEAD_STATUS in keys:
        return DEFAULT_LEAD_STATUS
    return keys[0] if keys else None


def _converted(status: dict, document: dict) -> bool:
    """A status is a converted one when it applies at or past the opportunity stage (or the last stage)."""
    stages = document["sections"]["lifecycle_stages"]
    positions = {s["key"]: s.get("position") or 0 for s in stages}
    if not positions:
        return False
    threshold = positions.get(CONVERSION_STAGE, max(positions.values()))
    return any(positions.get(k, -1) >= threshold for k in status.get("lifecycle_stages") or [])


def _hubspot_option(entry: dict, order: int) -> dict:
    return {"label": entry["name"], "value": entry["key"], "displayOrder": order,
            "description": markdown_to_text(entry["definition"]), "hidden": bool(entry.get("deprecated"))}


def hubspot_export(document: dict) -> dict:
    """Deal stages as a HubSpot pipeline; lifecycle stages and lead statuses as property options."""
    deal_stages = _by_position(document["sections"]["deal_stages"])
    return {
        "version": document["version"],
        "pipeline": {
            "label": document["title"],
            "displayOrder": 0,
            "stages": [{
                "label": stage["name"],
                "displayOrder": order,
                "metadata": {"probability": str(round(_probability(stage), 6)),
                             "isClosed": "true" if stage.get("is_closed") else "false"},
            } for order, stage in enumerate(deal_stages)],
        },
        "properties": {
            "lifecyclestage": {"options": [
                _hubspot_option(stage, order)
                for order, stage in enumerate(_by_position(document["sections"]["lifecycle_stages"]))]},
            "hs_lead_status": {"options": [
                _hubspot_option(status, order) for order, status in enumerate(ordered_lead_statuses(document))]},
        },
    }


def _percent(fraction: float) -> int | float:
    percent = round(fraction * 100, 2)
    return int(percent) if percent.is_integer() else percent


def salesforce_export(document: dict) -> dict:
    """Deal stages as OpportunityStage records and lead statuses as LeadStatus records."""
    statuses = ordered_lead_statuses(document)
    default_key = _default_status_key(statuses)
    return {
        "version": document["version"],
        "OpportunityStage": [{
            "MasterLabel": stage["name"],
            "ApiName": stage["key"],
            "SortOrder": order,
            "IsActive": not stage.get("deprecated"),
            "IsClosed": bool(stage.get("is_closed")),
            "IsWon": bool(stage.get("is_won")),
            "DefaultProbability": _percent(_probability(stage)),
            "Description": markdown_to_text(stage["definition"], SALESFORCE_DESCRIPTION_MAX),
        } for order, stage in enumerate(_by_position(document["sections"]["deal_stages"]), start=1)],
        "LeadStatus": [{
            "MasterLabel": status["name"],
            "ApiName": status["key"],
            "SortOrder": order,
            "IsConverted": _converted(status, document),
            "IsDefault": status["key"] == default_key,
        } for order, status in enumerate(statuses, start=1)],
    }
