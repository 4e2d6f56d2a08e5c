"""The CRM drift page: admins upload what HubSpot or Salesforce holds now and read a table of what a sync
would change; a bad upload is an error on the form, in the reader's language."""
import io
import json
import re
import zipfile

import pytest

from tests.factories import make_published
from tests.test_crm_exports import FIXTURES, crm_entries, crm_published  # noqa: F401

THAI_LETTERS = re.compile("[\u0e00-\u0e7f]")
PAGE = "/admin/crm/drift"


def upload(name: str, data: bytes | None = None) -> tuple:
    return io.BytesIO(data if data is not None else (FIXTURES / name).read_bytes()), name


def rows(page: str) -> list[list[str]]:
    """The drift tables' rows as the cells' text."""
    body = page.split('class="drift"', 1)[1]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "<td>" in row]


@pytest.mark.parametrize("role, status", [("reader", 403), ("editor", 403), ("approver", 403), ("admin", 200)])
def test_only_admins_see_the_drift_page(login_as, crm_published, role, status):
    response = login_as(role).get(PAGE)
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert 'enctype="multipart/form-data"' in page and page.count('type="file"') == 5
        assert 'href="/admin/crm/drift" aria-current="page"' in page
        assert 'href="/api/v1/sla/exports/salesforce/package.zip"' in page


def test_hubspot_uploads_read_as_a_table(login_as, crm_published):
    admin = login_as("admin")
    response = admin.post(f"{PAGE}/hubspot", content_type="multipart/form-data", data={
        "hubspot-pipelines": upload("hubspot_pipelines_deals.json"),
        "hubspot-hs_lead_status": upload("hubspot_property_hs_lead_status.json")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Drift of HubSpot from version 1.0.0" in page
    assert "Deal pipeline stages" in page and "pipeline Sales Pipeline" in page
    assert "Lifecycle stage options" not in page, "only what was uploaded"
    table = rows(page)
    assert ["Update", "appointmentscheduled", "Discovery",
            "label : “Appointment Scheduled” → “Discovery” probability : 0.2 → 0.1"] in table
    assert ["Remove", "qualifiedtobuy", "Qualified To Buy", "at position 2 in the CRM"] in table
    assert ["Move", "OPEN_DEAL", "Converted", "after BAD_TIMING"] in table, "the same number on both sides is left out"


def test_salesforce_uploads_read_as_a_table(login_as):
    make_published(crm_entries(discovery={"crm_value": "Prospecting"}))
    response = login_as("admin").post(f"{PAGE}/salesforce", content_type="multipart/form-data", data={
        "salesforce-OpportunityStage": upload("OpportunityStage.standardValueSet")})
    assert response.status_code == 200
    table = rows(response.get_data(as_text=True))
    assert ["Add", "presentationscheduled", "Quote presented",
            "at position 2, default false , closed false , forecastCategory “BestCase”, probability 60, won false"] in table
    assert ["Update", "Prospecting", "Discovery", "label : “Prospecting” → “Discovery”"] in table


def test_an_export_uploaded_back_is_in_sync(login_as, crm_published):
    admin = login_as("admin")
    package = admin.get("/api/v1/sla/exports/salesforce/package.zip")
    xml = zipfile.ZipFile(io.BytesIO(package.data)).read("standardValueSets/LeadStatus.standardValueSet")
    response = admin.post(f"{PAGE}/salesforce", content_type="multipart/form-data",
                          data={"salesforce-LeadStatus": upload("LeadStatus.standardValueSet", xml)})
    assert "In sync: a sync would change nothing." in response.get_data(as_text=True)


def field_errors(page: str) -> dict[str, str]:
    return dict(re.findall(r'<small id="(?:hubspot|salesforce)-(\w+)-error" class="field-error">(.*?)</small>',
                           page, re.S))


@pytest.mark.parametrize("crm, data, field, message", [
    ("hubspot", {"hubspot-lifecyclestage": upload("x.json", b"{not json")}, "lifecyclestage", "not JSON"),
    ("hubspot", {"hubspot-pipelines": upload("x.json", b'{"results": [{"stages": [{"label": "A"}]}]}')},
     "pipelines", "/pipelines/results/0/stages/0 &#39;id&#39; is a required property"),
    ("salesforce", {"salesforce-LeadStatus": upload("x.xml", b"<x/>")}, "LeadStatus", "not a StandardValueSet"),
])
def test_a_bad_upload_is_an_error_beside_its_file(login_as, crm_published, crm, data, field, message):
    response = login_as("admin").post(f"{PAGE}/{crm}", content_type="multipart/form-data", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_errors(page)[field]
    assert 'class="form-errors" role="alert"' in page and "What was uploaded cannot be compared" in page


@pytest.mark.parametrize("crm", ["hubspot", "salesforce"])
def test_no_file_is_an_error_on_the_form(login_as, crm_published, crm):
    response = login_as("admin").post(f"{PAGE}/{crm}", content_type="multipart/form-data", data={})
    assert response.status_code == 400
    assert "Choose at least one file." in response.get_data(as_text=True)


def test_before_the_first_publish_there_is_nothing_to_compare(login_as):
    admin = login_as("admin")
    assert "nothing to compare with" in admin.get(PAGE).get_data(as_text=True)
    response = admin.post(f"{PAGE}/hubspot", content_type="multipart/form-data",
                          data={"hubspot-lifecyclestage": upload("hubspot_property_lifecyclestage.json")})
    assert response.status_code == 400 and "nothing to compare with" in response.get_data(as_text=True)


def test_the_page_and_its_table_read_in_thai(login_as, crm_published):
    admin = login_as("admin")
    thai = {"Accept-Language": "th"}
    page = admin.get(PAGE, headers=thai).get_data(as_text=True)
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert '<html lang="th"' in page and THAI_LETTERS.search(heading)
    labels = re.findall(r'<label for="[\w-]+">(.*?)</label>', page)
    assert labels and all(THAI_LETTERS.search(label) for label in labels), labels
    response = admin.post(f"{PAGE}/hubspot", headers=thai, content_type="multipart/form-data",
                          data={"hubspot-lifecyclestage": upload("hubspot_property_lifecyclestage.json")})
    table = rows(response.get_data(as_text=True))
    assert table and all(THAI_LETTERS.search(row[0]) for row in table), table
    bad = admin.post(f"{PAGE}/hubspot", headers=thai, content_type="multipart/form-data", data={})
    assert THAI_LETTERS.search(bad.get_data(as_text=True).split('class="form-errors"', 1)[1].split("</p>")[0])


def test_a_move_names_both_positions_when_they_differ_and_first_for_the_top(login_as, crm_published):
    sent = json.loads((FIXTURES / "hubspot_property_lifecyclestage.json").read_text())
    sent["options"][0]["displayOrder"], sent["options"][1]["displayOrder"] = 1, 0  # Lead before Subscriber
    response = login_as("admin").post(f"{PAGE}/hubspot", content_type="multipart/form-data", data={
        "hubspot-lifecyclestage": upload("lifecyclestage.json", json.dumps(sent).encode())})
    moves = [row for row in rows(response.get_data(as_text=True)) if row[0] == "Move"]
    assert moves == [["Move", "subscriber", "Subscriber", "from position 2 to 1, first"]]
