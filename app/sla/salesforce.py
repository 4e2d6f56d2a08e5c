"""Salesforce Metadata API: the deal stages and lead statuses as StandardValueSet files in a deployable
package, and the StandardValueSet XML a retrieve gives back, read for the drift."""
import io
import zipfile
from xml.etree import ElementTree

from app.sla.exports import default_status_key, is_converted, ordered_entries, percent, probability

NAMESPACE = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "62.0"
VALUE_SETS = ("OpportunityStage", "LeadStatus")  # the package's members, in the order package.xml lists them
SECTIONS = {"OpportunityStage": "deal_stages", "LeadStatus": "lead_statuses"}
# Our forecast categories and Salesforce's names for them ("commit" is Salesforce's Forecast).
FORECAST_CATEGORIES = {"pipeline": "Pipeline", "best_case": "BestCase", "commit": "Forecast", "closed": "Closed",
                       "omitted": "Omitted"}
SALESFORCE_FORECAST_CATEGORIES = ("Omitted", "Pipeline", "BestCase", "MostLikely", "Forecast", "Closed")
# standardValue children in the order of the Metadata API's schema (CustomValue's, then StandardValue's),
# which is also the order a retrieve writes them in; with the type each holds.
STANDARD_VALUE_FIELDS = {
    "OpportunityStage": (("fullName", str), ("default", bool), ("label", str), ("closed", bool),
                         ("forecastCategory", str), ("probability", int), ("won", bool)),
    "LeadStatus": (("fullName", str), ("default", bool), ("label", str), ("converted", bool)),
}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries' timestamp: the same document gives the same bytes


class ValueSetError(ValueError):
    """A StandardValueSet file that cannot be read; the message says why, for the person who sent it."""


def salesforce_value(entry: dict) -> str:
    """A picklist value's API name (fullName): the entry's crm_value, else its name, as Salesforce
    names a value after its label."""
    return entry.get("crm_value") or entry["name"]


def forecast_category(stage: dict) -> str:
    """The stage's forecast category in Salesforce's words; unset: Closed when won, Omitted when lost,
    else Pipeline."""
    category = stage.get("forecast_category")
    if category in FORECAST_CATEGORIES:
        return FORECAST_CATEGORIES[category]
    if stage.get("is_closed"):
        return "Closed" if stage.get("is_won") else "Omitted"
    return "Pipeline"


def value_set(document: dict, name: str) -> list[dict]:
    """The standardValue entries of OpportunityStage or LeadStatus, in order, as typed values. Deprecated
    entries are left out: a deploy deactivates the values it does not list."""
    entries = [e for e in ordered_entries(document, SECTIONS[name]) if not e.get("deprecated")]
    if name == "OpportunityStage":
        return [{"fullName": salesforce_value(stage), "default": False, "label": stage["name"],
                 "closed": bool(stage.get("is_closed")), "forecastCategory": forecast_category(stage),
                 "probability": round(percent(probability(stage))), "won": bool(stage.get("is_won"))}
                for stage in entries]
    default_key = default_status_key(entries)
    return [{"fullName": salesforce_value(status), "default": status["key"] == default_key,
             "label": status["name"], "converted": is_converted(status, document)} for status in entries]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _indent(element: ElementTree.Element) -> bytes:
    ElementTree.indent(element, space="    ")
    body = ElementTree.tostring(element, encoding="unicode", default_namespace=NAMESPACE)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _child(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{NAMESPACE}}}{tag}").text = text


def value_set_xml(document: dict, name: str) -> bytes:
    """A StandardValueSet file as a retrieve writes it: sorted false, one standardValue per value."""
    root = ElementTree.Element(f"{{{NAMESPACE}}}StandardValueSet")
    _child(root, "sorted", "false")
    for value in value_set(document, name):
        element = ElementTree.SubElement(root, f"{{{NAMESPACE}}}standardValue")
        for field, _ in STANDARD_VALUE_FIELDS[name]:
            _child(element, field, _text(value[field]))
    return _indent(root)


def package_xml() -> bytes:
    """The package manifest: the two standard value sets, at the API version they are written for."""
    root = ElementTree.Element(f"{{{NAMESPACE}}}Package")
    types = ElementTree.SubElement(root, f"{{{NAMESPACE}}}types")
    for name in VALUE_SETS:
        _child(types, "members", name)
    _child(types, "name", "StandardValueSet")
    _child(root, "version", API_VERSION)
    return _indent(root)


def value_set_path(name: str) -> str:
    """Where a Metadata API package keeps a standard value set: standardValueSets/<name>.standardValueSet."""
    return f"standardValueSets/{name}.standardValueSet"


def package_zip(document: dict) -> bytes:
    """The deployable package as zip bytes, identical for the same document (fixed times and order)."""
    files = [("package.xml", package_xml())] + [(value_set_path(n), value_set_xml(document, n)) for n in VALUE_SETS]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- reading what a retrieve gives back ------------------------------------------------------------

def _parse_value(name: str, field: str, kind: type, text: str):
    text = (text or "").strip()
    if kind is bool:
        if text not in ("true", "false"):
            raise ValueSetError(f"{name}: <{field}> is '{text[:40]}', not true or false.")
        return text == "true"
    if kind is int:
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            raise ValueSetError(f"{name}: <{field}> is '{text[:40]}', not a number.") from None
    return text


def read_value_set(name: str, data: bytes) -> list[dict]:
    """The standardValue entries of a retrieved StandardValueSet file, in their order, typed as
    value_set() types them (fields a file leaves out are absent); ValueSetError when it is not one."""
    if name not in STANDARD_VALUE_FIELDS:
        raise ValueSetError(f"'{name[:40]}' is not a value set Accord exports. Value sets: {', '.join(VALUE_SETS)}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueSetError(f"{name}: the file is not UTF-8 text.") from None
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueSetError(f"{name}: the file declares a DOCTYPE or entities; a StandardValueSet has none.")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ValueSetError(f"{name}: the file is not well-formed XML ({error}).") from None
    if root.tag != f"{{{NAMESPACE}}}StandardValueSet":
        raise ValueSetError(f"{name}: the root element is <{root.tag.split('}')[-1][:40]}>, not a StandardValueSet "
                            f"in the namespace {NAMESPACE}.")
    fields = dict(STANDARD_VALUE_FIELDS[name])
    values = []
    for number, element in enumerate(root.findall(f"{{{NAMESPACE}}}standardValue"), start=1):
        value = {}
        for child in element:
            field = child.tag.split("}")[-1]
            if field in fields:
                value[field] = _parse_value(name, field, fields[field], child.text)
        if not value.get("fullName"):
            raise ValueSetError(f"{name}: standardValue number {number} has no <fullName>.")
        values.append(value)
    return values
