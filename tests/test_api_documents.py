"""Published documents over the API: frozen bytes, ETags, caching, versions, sections, terms, glossary, compare."""
import hashlib
import json
from email.utils import format_datetime
from datetime import timezone

import pytest

from app.sla.sections import SECTION_KEYS
from tests.factories import make_published
from tests.test_api_support import auth, body_json, published, sla_entries, token  # noqa: F401

# Every GET endpoint that answers with a published version's data, and whether it names the version.
VERSIONED_GETS = [
    ("/api/v1/sla", False),
    ("/api/v1/sla/versions", False),
    ("/api/v1/sla/versions/1.0.0", True),
    ("/api/v1/sla/sections/lifecycle_stages", False),
    ("/api/v1/sla/sections/lifecycle_stages?version=1.0.0", True),
    ("/api/v1/sla/terms/mql", False),
    ("/api/v1/sla/terms/mql?version=1.0.0", True),
    ("/api/v1/glossary", False),
    ("/api/v1/glossary?version=1.0.0", True),
    ("/api/v1/sla/compare?from=1.0.0&to=1.0.0", True),
    ("/api/v1/sla/exports/hubspot", False),
    ("/api/v1/sla/exports/salesforce?version=1.0.0", True),
    ("/api/v1/schema", False),
    ("/api/v1/openapi.json", False),
]


def test_current_document_is_the_frozen_bytes_with_their_sha256_as_etag(client, published, auth):
    response = client.get("/api/v1/sla", headers=auth)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.data == published.document
    assert hashlib.sha256(response.data).hexdigest() == published.sha256
    assert response.headers["ETag"] == f'"{published.sha256}"'
    assert response.headers["Last-Modified"] == format_datetime(
        published.published_at.replace(microsecond=0, tzinfo=timezone.utc), usegmt=True)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["Vary"] == "Authorization, Cookie"
    document = body_json(response)
    assert document["version"] == "1.0.0"
    assert set(document["sections"]) == set(SECTION_KEYS)
    assert [a["team"] for a in document["approvals"]] == ["marketing", "sales"]


@pytest.mark.parametrize("header", [
    '"{sha}"', 'W/"{sha}"', '"0000", "{sha}"', 'W/"0000", W/"{sha}"', "*",
])
def test_if_none_match_gives_304_without_a_body(client, published, auth, header):
    response = client.get("/api/v1/sla", headers={**auth, "If-None-Match": header.format(sha=published.sha256)})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{published.sha256}"'
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_a_different_etag_gets_the_whole_document(client, published, auth):
    response = client.get("/api/v1/sla", headers={**auth, "If-None-Match": '"' + "0" * 64 + '"'})
    assert response.status_code == 200
    assert response.data == published.document


def test_if_modified_since_gives_304_when_nothing_was_published_since(client, published, auth):
    response = client.get("/api/v1/sla", headers=auth)
    again = client.get("/api/v1/sla", headers={**auth, "If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code == 304


@pytest.mark.parametrize("public, scope", [(False, "private"), (True, "public")])
def test_a_versioned_url_is_immutable_for_a_year(app, client, published, auth, public, scope):
    app.config["ACCORD_PUBLIC_API"] = public
    response = client.get("/api/v1/sla/versions/1.0.0", headers=auth)
    assert response.status_code == 200
    assert response.data == published.document
    assert response.headers["Cache-Control"] == f"{scope}, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{published.sha256}"'


@pytest.mark.parametrize("path, immutable", VERSIONED_GETS)
def test_every_read_has_an_etag_and_honours_if_none_match(client, published, auth, path, immutable):
    response = client.get(path, headers=auth)
    assert response.status_code == 200, response.data
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert etag.strip('"') == hashlib.sha256(response.data).hexdigest()
    assert response.headers["Vary"] == "Authorization, Cookie"
    expected = "private, max-age=31536000, immutable" if immutable else "private, no-cache"
    assert response.headers["Cache-Control"] == expected
    cached = client.get(path, headers={**auth, "If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""


def test_a_new_version_supersedes_the_current_one_and_the_old_bytes_stay(client, published, auth, make_user):
    newer = make_published(sla_entries(mql_threshold=60), number="1.1.0")
    current = client.get("/api/v1/sla", headers={**auth, "If-None-Match": f'"{published.sha256}"'})
    assert current.status_code == 200, "the old ETag must not match the new current version"
    assert current.data == newer.document
    old = client.get("/api/v1/sla/versions/1.0.0", headers=auth)
    assert old.data == published.document
    assert body_json(old)["sections"]["lifecycle_stages"][2]["score_threshold"] == 50


def test_version_list_has_every_published_version_newest_first(client, published, auth):
    make_published(sla_entries(mql_threshold=60), number="1.1.0")
    versions = body_json(client.get("/api/v1/sla/versions", headers=auth))["versions"]
    assert [v["version"] for v in versions] == ["1.1.0", "1.0.0"]
    assert [v["state"] for v in versions] == ["published", "superseded"]
    assert versions[1]["sha256"] == published.sha256
    assert versions[1]["change"] == "major" and versions[0]["change"] == "minor"
    assert [a["team"] for a in versions[1]["approvals"]] == ["marketing", "sales"]
    assert versions[1]["published_at"].endswith("Z")


def test_before_the_first_publish_reads_are_404_and_the_list_is_empty(client, auth):
    assert client.get("/api/v1/sla/versions", headers=auth).json == {"versions": []}
    for path in ("/api/v1/sla", "/api/v1/glossary", "/api/v1/sla/terms/mql", "/api/v1/sla/exports/hubspot"):
        response = client.get(path, headers=auth)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.json["detail"] == "No version of the SLA has been published yet."


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_each_section_is_served_from_the_document(client, published, auth, section):
    response = client.get(f"/api/v1/sla/sections/{section}", headers=auth)
    body = body_json(response)
    assert body["version"] == "1.0.0" and body["section"] == section
    assert body["entries"] == json.loads(published.document)["sections"][section]
    assert body["entries"], "the test SLA fills every section"


def test_a_section_or_term_of_another_version(client, published, auth):
    make_published(sla_entries(mql_threshold=60), number="1.1.0")
    now = body_json(client.get("/api/v1/sla/terms/mql", headers=auth))
    then = body_json(client.get("/api/v1/sla/terms/mql?version=1.0.0", headers=auth))
    assert (now["version"], now["entry"]["score_threshold"]) == ("1.1.0", 60)
    assert (then["version"], then["entry"]["score_threshold"]) == ("1.0.0", 50)
    assert then["section"] == "lifecycle_stages"
    stages = body_json(client.get("/api/v1/sla/sections/lifecycle_stages?version=1.0.0", headers=auth))
    assert stages["entries"][2]["score_threshold"] == 50


@pytest.mark.parametrize("path, detail", [
    ("/api/v1/sla/versions/9.9.9", "There is no published version '9.9.9'."),
    ("/api/v1/sla/sections/nope", "There is no section 'nope'."),
    ("/api/v1/sla/sections/icp?version=0.0.1", "There is no published version '0.0.1'."),
    ("/api/v1/sla/terms/nope", "Version 1.0.0 has no term 'nope'."),
    ("/api/v1/sla/terms/mql?version=2.0.0", "There is no published version '2.0.0'."),
    ("/api/v1/glossary?version=2.0.0", "There is no published version '2.0.0'."),
    ("/api/v1/sla/exports/salesforce?version=x", "There is no published version 'x'."),
    ("/api/v1/sla/compare?from=1.0.0&to=3.0.0", "There is no published version '3.0.0'."),
    ("/api/v1/sla/versions/1.0.0%00", "There is no published version"),
    ("/api/v1/sla/terms/mql?version=%00%ff", "There is no published version"),
    ("/api/v1/sla/compare?from=1.0.0&to=" + "9" * 300, "There is no published version"),
    ("/api/v1/nothing-here", None),
])
def test_unknown_things_are_404_problems(client, published, auth, path, detail):
    response = client.get(path, headers=auth)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == 404 and problem["title"] == "Not Found" and problem["type"]
    if detail:
        assert problem["detail"].startswith(detail)


def test_a_draft_is_not_served_as_a_version(client, published, auth, db):
    from tests.factories import make_draft
    make_draft(sla_entries(mql_threshold=70))
    assert client.get("/api/v1/sla", headers=auth).json["version"] == "1.0.0"
    assert client.get("/api/v1/sla/versions", headers=auth).json["versions"][0]["version"] == "1.0.0"


def test_glossary_is_flat_a_to_z_with_rendered_definitions(client, published, auth):
    body = body_json(client.get("/api/v1/glossary", headers=auth))
    terms = body["terms"]
    assert body["version"] == "1.0.0"
    names = [t["name"] for t in terms]
    assert names == sorted(names, key=str.casefold)
    document = json.loads(published.document)
    assert len(terms) == sum(len(entries) for entries in document["sections"].values())
    mql = next(t for t in terms if t["key"] == "mql")
    assert mql["section"] == "lifecycle_stages"
    assert mql["definition"].startswith("A lead **marketing**")
    assert "<strong>marketing</strong>" in mql["definition_html"]
    assert 'rel="noopener noreferrer"' in mql["definition_html"]
    assert {"key", "name", "section", "definition", "definition_html", "synonyms"} <= set(mql)
    assert next(t for t in terms if t["key"] == "sla")["synonyms"] == ["SLA", "service agreement"]
    assert mql["synonyms"] == []


def test_glossary_html_is_sanitised(client, auth, make_user):
    from tests.factories import make_entry
    make_published([make_entry("terms", "xss", "Evil", definition="Hi <script>alert(1)</script> [x](javascript:alert(1))")])
    html = client.get("/api/v1/glossary", headers=auth).json["terms"][0]["definition_html"]
    assert "<script" not in html and "javascript:" not in html


def test_compare_two_versions_gives_the_change_and_the_diff(client, published, auth):
    make_published(sla_entries(mql_threshold=60), number="1.1.0")
    response = client.get("/api/v1/sla/compare?from=1.0.0&to=1.1.0", headers=auth)
    diff = body_json(response)
    assert (diff["from"], diff["to"], diff["change"], diff["breaking"]) == ("1.0.0", "1.1.0", "minor", [])
    changed = diff["sections"]["lifecycle_stages"]["changed"]
    assert [c["key"] for c in changed] == ["mql"]
    assert changed[0]["fields"]["score_threshold"] == {"old": 50, "new": 60}
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_compare_reports_a_removal_as_breaking(client, published, auth):
    make_published(sla_entries(drop=("fit-student",)), number="2.0.0")
    diff = client.get("/api/v1/sla/compare?from=1.0.0&to=2.0.0", headers=auth).json
    assert diff["change"] == "major"
    assert len(diff["breaking"]) == 1 and "fit-student" in diff["breaking"][0]
    assert [e["key"] for e in diff["sections"]["lead_scoring"]["removed"]] == ["fit-student"]


def test_compare_of_a_version_with_itself_changes_nothing(client, published, auth):
    diff = client.get("/api/v1/sla/compare?from=1.0.0&to=1.0.0", headers=auth).json
    assert diff["change"] is None and diff["breaking"] == []


@pytest.mark.parametrize("query", ["", "?from=1.0.0", "?to=1.0.0", "?from=&to=1.0.0"])
def test_compare_without_both_versions_is_400(client, published, auth, query):
    response = client.get(f"/api/v1/sla/compare{query}", headers=auth)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "from=A&to=B" in response.json["detail"]


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/sla"), ("delete", "/api/v1/sla/versions/1.0.0"), ("put", "/api/v1/glossary"),
    ("get", "/api/v1/score"),
])
def test_wrong_method_is_a_405_problem_with_allow(client, published, auth, method, path):
    response = getattr(client, method)(path, headers=auth)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 405
    assert response.headers["Allow"]
