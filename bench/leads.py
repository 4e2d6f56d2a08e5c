"""`make bench`, lead data: ingest through POST /api/v1/events against a raw bulk insert of the same
rows, and adherence for a month against one raw SQL count of the same stage entries.

    python -m bench.leads [--database sqlite|postgresql|all] [--quick] [--events N]

Events go in as tools send them: batches of 10,000 over HTTP-shaped requests (the WSGI app through
Flask's test client, with an events:write token), each batch a transaction. The baseline inserts the
very same rows into the same table with one executemany per batch. Adherence evaluates every
measurable commitment of a demo-like SLA for one month; its baseline is a single SQL COUNT of the
leads that entered the stage that month. Growth is shown at 10 %, 100 % of the events.
"""
import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-secret-key-fixed-for-comparable-runs")
os.environ.setdefault("ACCORD_ENV", "development")

from bench.databases import Databases, postgres_server_url  # noqa: E402
from bench.report import Row, format_table, ratio_row  # noqa: E402

BATCH = 10_000
STAGES = ("lead", "mql", "sql", "opportunity")
MONTH_START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def synthetic_events(count: int, seed: int = 11) -> list[dict]:
    """Events as the API takes them: ten per lead, a funnel of stage entries, attempts and engagement."""
    rng, events = random.Random(seed), []
    leads = max(1, count // 10)
    for lead in range(leads):
        at = MONTH_START - timedelta(days=60) + timedelta(minutes=rng.randint(0, 60 * 24 * 85))
        for index in range(10):
            at += timedelta(hours=rng.randint(1, 30))
            if index < 4:
                event = {"kind": "stage_entered", "stage": STAGES[index]}
            elif index < 7:
                event = {"kind": "connect_attempt", "channel": rng.choice(("call", "email")),
                         "outcome": rng.choice(("no-answer", "conversation"))}
            else:
                event = {"kind": "engagement", "name": rng.choice(("webinar", "pricing_page_visit"))}
            events.append({"id": f"{lead}-{index}", "lead": f"L{lead}", "at": at.isoformat(), **event})
            if len(events) == count:
                return events
    return events


def app_for(url: str):
    from app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "ACCORD_BASE_URL": "http://localhost"})


def ingest_over_api(url: str, events: list[dict]) -> float:
    """Seconds to send every event through POST /api/v1/events in batches."""
    from app.api.tokens import EVENTS_WRITE, READ, create_token
    from app.extensions import db
    app = app_for(url)
    with app.app_context():
        plaintext = create_token("bench", scopes=(READ, EVENTS_WRITE))[1]
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plaintext}"}
    started = time.perf_counter()
    for start in range(0, len(events), BATCH):
        response = client.post("/api/v1/events", headers=headers,
                               json={"source": "bench", "events": events[start:start + BATCH]})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return time.perf_counter() - started


def raw_insert(url: str, events: list[dict]) -> float:
    """Seconds to insert the same leads and rows with one executemany per batch (no validation)."""
    from sqlalchemy import create_engine, insert

    from app.models import Lead, LeadEvent
    engine = create_engine(url)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    leads = sorted({e["lead"] for e in events})
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Lead), [{"id": i + 1, "source": "bench", "external_id": key, "fields": {},
                                     "created_at": now, "updated_at": now} for i, key in enumerate(leads)])
    ids = {key: i + 1 for i, key in enumerate(leads)}
    for start in range(0, len(events), BATCH):
        rows = [{"lead_id": ids[e["lead"]], "source": "bench", "source_event_id": e["id"], "kind": e["kind"],
                 "value": e.get("stage") or e.get("outcome") or e.get("name"), "channel": e.get("channel"),
                 "outcome": e.get("outcome"),
                 "occurred_at": datetime.fromisoformat(e["at"]).astimezone(timezone.utc).replace(tzinfo=None),
                 "received_at": now} for e in events[start:start + BATCH]]
        with engine.begin() as conn:
            conn.execute(insert(LeadEvent), rows)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def adherence_times(url: str) -> tuple[float, float]:
    """(seconds for every commitment's November, seconds for one raw COUNT of November's SQL entries)."""
    from sqlalchemy import func, select

    from app.adherence.engine import Evaluation, History, measurable, period_bounds, zone_of
    from app.extensions import db
    from app.models import LeadEvent
    app = app_for(url)
    with app.app_context():
        publish_in_the_past(commitments(), datetime(2026, 1, 1))
        now = MONTH_START + timedelta(days=45)
        started = time.perf_counter()
        history = History()
        document = history.current()
        for commitment in document["sections"]["commitments"]:
            if measurable(commitment):
                name, start, end = period_bounds("month", MONTH_START + timedelta(days=3),
                                                 zone_of(document, commitment))
                Evaluation(commitment["key"], history, now).period(name, start, end)
        engine_seconds = time.perf_counter() - started
        started = time.perf_counter()
        db.session.scalar(select(func.count(func.distinct(LeadEvent.lead_id))).where(
            LeadEvent.kind == "stage_entered", LeadEvent.value == "sql",
            LeadEvent.occurred_at >= datetime(2026, 11, 1), LeadEvent.occurred_at < datetime(2026, 12, 1)))
        raw_seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return engine_seconds, raw_seconds


def publish_in_the_past(items: list[tuple[str, dict]], published_at: datetime) -> None:
    """A published version in force since `published_at`: written as a draft, frozen in one UPDATE."""
    import hashlib

    from app.demo.loader import entry_from_item
    from app.extensions import db
    from app.models import Version, VersionState
    from app.sla.document import build_document, canonical_bytes
    version = Version(state=VersionState.DRAFT.value, title="Bench SLA")
    version.entries.extend(entry_from_item(section, item, position)
                           for position, (section, item) in enumerate(items, start=1))
    db.session.add(version)
    db.session.flush()
    version.number, version.state, version.change = "1.0.0", VersionState.PUBLISHED.value, "major"
    version.published_at, version.effective_from = published_at, published_at.date()
    with db.session.no_autoflush:
        version.document = canonical_bytes(build_document(version))
    version.sha256 = hashlib.sha256(version.document).hexdigest()
    db.session.commit()


def commitments() -> list[tuple[str, dict]]:
    """A demo-like SLA: a calendar, the funnel's stages, one commitment of three measures."""
    def item(key, **fields):
        return {"key": key, "name": key.title(), "team": "sales", "definition": f"The {key}.", **fields}
    stage = {"owner_team": "marketing", "entry_criteria": "Enters."}
    common = {"from_team": "sales", "to_team": "marketing", "metric": "m", "period": "month",
              "comparator": "at_least"}
    return [
        ("calendars", item("office", timezone="Europe/Berlin", workdays=["mon", "tue", "wed", "thu", "fri"],
                           start="08:00", end="18:00", holidays=[])),
        *[("lifecycle_stages", item(key, position=i, **stage)) for i, key in enumerate(STAGES, 1)],
        ("commitments", item("volume", target=100, measure="stage_volume", stage="mql", **common)),
        ("commitments", item("response", target=4, measure="response_time", stage="sql", within=4,
                             within_unit="business_hours", share=0.95, calendar="office", **common)),
        ("commitments", item("conversion", target=50, measure="conversion", stage="mql", to_stage="sql", within=30,
                             within_unit="days", share=0.5, **common)),
    ]


def measure(kind: str, server: str | None, sizes: list[int], workdir: Path) -> list[Row]:
    databases = Databases(kind, workdir, server)
    rows = []
    try:
        for size in sizes:
            events = synthetic_events(size)
            api_url, raw_url = databases.create(f"leads_api_{size}"), databases.create(f"leads_raw_{size}")
            api_seconds, raw_seconds = ingest_over_api(api_url, events), raw_insert(raw_url, events)
            rows.append(ratio_row(f"ingest_{size}", f"ingest {size:,} events: events/s via POST /api/v1/events",
                                  size / api_seconds, "ev/s", "raw executemany", size / raw_seconds, ">= 0.5"))
            engine_seconds, count_seconds = adherence_times(api_url)
            rows.append(ratio_row(f"adherence_{size}", f"adherence, one month over {size:,} events (s)",
                                  engine_seconds, "s", "one raw COUNT", count_seconds, "<= 5"))
    finally:
        databases.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.leads", description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--quick", action="store_true", help="a few thousand events: checks the harness")
    parser.add_argument("--events", type=int, default=100_000, help="the largest run (default 100,000)")
    args, _unknown = parser.parse_known_args(argv)
    sizes = [2_000] if args.quick else sorted({max(1_000, args.events // 10), args.events})
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-leads-"))
    try:
        for kind in ("sqlite", "postgresql"):
            if args.database not in (kind, "all"):
                continue
            server = postgres_server_url() if kind == "postgresql" else None
            if kind == "postgresql" and server is None:
                print("PostgreSQL: no server answers; lead data measured on SQLite only.")
                continue
            print(f"== lead data on {kind}")
            print(format_table(measure(kind, server, sizes, workdir)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
