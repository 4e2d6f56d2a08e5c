"""The benchmark harness's pieces work (make bench itself is not part of the suite; nothing here times anything)."""
import threading

import jsonschema
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.models import Entry, Version
from app.sla.document import build_document
from app.sla.schema import document_schema
from app.sla.sections import SECTION_KEYS
from bench import builders
from bench.data import QUERY_WORD, build_entries, query_hits, section_counts
from bench.floor import create_floor_app
from bench.load import check_target, generate_load, percentile, summarise
from bench.report import Row, format_table, judge, ratio_row


@pytest.mark.parametrize("total", [len(SECTION_KEYS), 200, 2_000])
def test_data_builder_makes_exactly_n_entries_over_every_section(total):
    specs = build_entries(total)
    assert len(specs) == total
    assert {s.section for s in specs} == set(SECTION_KEYS)
    assert len({s.key for s in specs}) == total
    assert sum(section_counts(total).values()) == total


def test_data_builder_is_deterministic_and_searchable():
    assert [s.columns() for s in build_entries(50)] == [s.columns() for s in build_entries(50)]
    assert query_hits(build_entries(2_000), QUERY_WORD) > 0


def test_data_builder_refuses_fewer_entries_than_sections():
    with pytest.raises(ValueError):
        build_entries(len(SECTION_KEYS) - 1)


def test_built_entries_make_a_document_valid_against_the_schema(app):
    document = build_document(builders._DocumentStub(build_entries(300)), ())
    document.update(version="1.0.0", published_at="2026-01-01T00:00:00Z", effective_from="2026-01-01")
    jsonschema.validate(document, document_schema())


def test_publish_through_the_life_cycle_and_baseline_insert(app, db):
    people = builders.seed_people()
    specs = build_entries(40)
    version, seconds = builders.publish_entries(specs, people)
    assert version.state == "published" and version.number == "1.0.0" and seconds > 0
    assert db.session.scalar(select(func.count()).select_from(Entry).where(Entry.version_id == version.id)) == 40

    assert builders.raw_insert_seconds(specs, people) > 0
    assert db.session.scalar(select(func.count()).select_from(Version)) == 1  # the scratch rows are gone

    for round_number in (1, 2):  # revisions add and change, never remove: minor versions
        specs = builders.revise(specs, round_number)
        version, _ = builders.publish_entries(specs, people, submit=False)
        assert version.state == "published" and version.number == f"1.{round_number}.0"
    assert builders.timed_open_draft(people) > 0


def test_history_is_inserted_as_superseded_versions(app, db):
    people = builders.seed_people()
    builders.insert_history(3, build_entries(20), people)
    versions = db.session.scalars(select(Version).order_by(Version.id)).all()
    assert [v.state for v in versions] == ["superseded"] * 3
    assert all(v.document and v.sha256 for v in versions)


def test_floor_serves_the_bytes_and_a_304():
    body = b'{"version":"1.0.0"}'
    client = create_floor_app({"sla": (body, "application/json", "abc")}).test_client()
    response = client.get("/sla")
    assert response.status_code == 200 and response.data == body and response.headers["ETag"] == '"abc"'
    assert client.get("/sla", headers={"If-None-Match": '"abc"'}).status_code == 304
    assert client.get("/missing").status_code == 404


def test_python_load_generator_against_the_floor():
    app = create_floor_app({"hello": (b"hello", "text/plain", "e")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = generate_load(f"http://127.0.0.1:{server.server_port}/hello", 0.3, 2, {})
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    assert result["requests"] > 0 and result["errors"] == 0
    assert result["p50_ms"] <= result["p95_ms"]


def test_load_generator_only_targets_this_machine():
    with pytest.raises(ValueError):
        check_target("http://192.0.2.1/")


def test_percentiles_and_summary():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5) == 5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert percentile([], 0.5) == 0.0
    summary = summarise([0.001, 0.002, 0.003], 1.0)
    assert summary["requests"] == 3 and summary["rps"] == 3


def test_targets_and_table():
    assert judge(0.95, ">= 0.9") is True and judge(3.5, "<= 3") is False and judge(None, "<= 3") is None
    row = ratio_row("x", "metric x", 9.0, "req/s", "floor", 10.0, ">= 0.9")
    assert row.ratio == pytest.approx(0.9) and row.met is True
    table = format_table([row, Row("y", "metric y", None, "", target="<= 3", note="not measured: reason")])
    assert "metric x" in table and "not measured: reason" in table


def _measured(rps_app: float, rps_floor: float) -> dict:
    return {"app": {"rps": rps_app, "p95_ms": 1.0}, "floor": {"rps": rps_floor, "p95_ms": 1.0}}


def test_token_figures_are_headline_targets_on_the_demo_and_the_main_document(tmp_path):
    from bench.httpbench import Settings
    from bench.scenarios import Backend, Scale

    backend = Backend("sqlite", None, Settings(tool="python"), Scale(sizes=(200,), main=200), tmp_path, log=lambda _: None)
    names = [e.name for e in backend._document_endpoints("acc_x")]
    assert names == ["sla", "sla_304", "sla_token", "sla_token_304"]
    assert all(e.headers == {"Authorization": "Bearer acc_x"} for e in backend._document_endpoints("acc_x")[2:])
    results = {"endpoints": {name: _measured(95, 100) for name in names}}
    demo = {"endpoints": {"sla_token": _measured(80, 100), "sla_token_304": _measured(91, 100)}}
    backend._token_rows(results, demo)
    rows = {row.id: row for row in backend.rows}
    assert {i: (rows[i].target, rows[i].met) for i in ("sla_token_demo", "sla_token_304_demo", "sla_token_main",
                                                      "sla_token_304_main")} == {
        "sla_token_demo": (">= 0.9", False), "sla_token_304_demo": (">= 0.9", True),
        "sla_token_main": (">= 0.9", True), "sla_token_304_main": (">= 0.9", True)}


def test_the_lead_data_bench_measures_ingest_and_adherence(tmp_path):
    from bench.leads import measure
    rows = measure("sqlite", None, [1_000], tmp_path)
    assert [row.id for row in rows] == ["ingest_1000", "adherence_1000"]
    assert all(row.value and row.baseline_value and row.ratio for row in rows)
