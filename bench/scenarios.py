"""The measurements of one database kind: build the data, time the in-process paths, load the
HTTP endpoints, and turn everything into rows with their targets."""
import json
import logging
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from flask import Flask
from sqlalchemy import text

from app import create_app
from app.extensions import db
from bench import builders
from bench.data import QUERY_WORD, THAI_QUERY_WORD, build_entries, build_mixed_entries, query_hits
from bench.databases import Databases
from bench.httpbench import USER_AGENT, Endpoint, Settings, measure_endpoints
from bench.report import Row, judge, ratio_row, skipped_row

RSS_LIMIT_MB = 150


@dataclass
class Scale:
    """How much data each measurement uses."""
    sizes: tuple[int, ...] = (200, 2_000, 20_000)
    main: int = 2_000
    glossary_terms: int = 10_000
    history: int = 500
    history_entries: int = 100
    publish_rounds: dict[int, int] = field(default_factory=lambda: {200: 5, 2_000: 5, 20_000: 1})
    fetch_requests: int = 40
    fetch_rounds: int = 8
    compare_repeats: int = 5

    def rounds_for(self, size: int) -> int:
        return self.publish_rounds.get(size, 1)


QUICK_SCALE = Scale(sizes=(100, 400, 1_000), main=400, glossary_terms=1_000, history=20, history_entries=50,
                    publish_rounds={100: 2, 400: 2, 1_000: 1}, fetch_requests=10, fetch_rounds=2,
                    compare_repeats=2)


def in_process_app(url: str) -> Flask:
    """The app as gunicorn would build it, for work done without HTTP."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ACCORD_PUBLIC_API": True,
                      "SECRET_KEY": "bench-secret-key-fixed-for-comparable-runs"})
    logging.getLogger("accord.mail").setLevel(logging.WARNING)  # the log is the mail outbox here
    return app


def release(app: Flask) -> None:
    """Close the app's connections so servers and DROP DATABASE do not wait on them."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Backend:
    """Everything measured on one kind of database."""

    def __init__(self, kind: str, server_url: str | None, settings: Settings, scale: Scale, workdir: Path,
                 log=print):
        self.kind, self.settings, self.scale, self.workdir, self.log = kind, settings, scale, workdir, log
        self.databases = Databases(kind, workdir, server_url)
        self.details: dict = {}
        self.rows: list[Row] = []
        self.specs = {size: build_entries(size) for size in set(scale.sizes) | {scale.main}}

    # --- building --------------------------------------------------------------------------

    def build_published(self, label: str, size: int, specs: list | None = None) -> tuple[str, Flask, builders.People]:
        """A database whose current version (1.0.0) holds `size` entries (or these `specs`), published the real way."""
        started = time.perf_counter()
        url = self.databases.create(label)
        app = in_process_app(url)
        with app.app_context():
            people = builders.seed_people()
            _, publish_seconds = builders.publish_entries(specs or self.specs.get(size) or build_entries(size), people)
        self.details.setdefault("build", {})[label] = {
            "entries": size, "first_publish_s": publish_seconds, "total_s": time.perf_counter() - started}
        self.log(f"  built {label}: {size:,} entries, 1.0.0 published in {publish_seconds:.2f} s "
                 f"({time.perf_counter() - started:.1f} s in all)")
        return url, app, people

    def build_demo(self) -> tuple[str, str]:
        """A database holding the demo SLA (1.0.0 published, a draft open) and a tool's API token."""
        from app.demo import load_demo

        started = time.perf_counter()
        url = self.databases.create("demo")
        app = in_process_app(url)
        with app.app_context():
            load_demo()
            db.session.commit()
        token = self._token(app)
        release(app)
        self.log(f"  built demo ({time.perf_counter() - started:.1f} s)")
        return url, token

    def build_history(self) -> tuple[str, Flask, builders.People]:
        """scale.history versions: history - 1 superseded ones inserted cheaply, then the main
        version published the real way on top of them."""
        started = time.perf_counter()
        url = self.databases.create("history")
        app = in_process_app(url)
        with app.app_context():
            people = builders.seed_people()
            builders.insert_history(self.scale.history - 1, build_entries(self.scale.history_entries, seed=11), people)
            builders.publish_entries(self.specs[self.scale.main], people)
        self.log(f"  built history: {self.scale.history} versions ({time.perf_counter() - started:.1f} s)")
        return url, app, people

    # --- in-process measurements -----------------------------------------------------------

    def measure_fetch_with_history(self, one: Flask, many: Flask, cookies: dict[str, str]) -> None:
        """Ratio 6: GET /api/v1/sla through the whole app (test client), 500 versions against 1, in
        alternating blocks. The pages people open on the current version are timed the same way and
        reported: they must not grow with the history either."""
        clients = {"one": one.test_client(), "many": many.test_client()}
        for label, client in clients.items():
            name, _, value = cookies[label].partition("=")
            client.set_cookie(name, value, domain="localhost")
        history = self.scale.history
        checks = [
            ("fetch_history", f"current document fetch, {history} versions (in-process median)", "/api/v1/sla",
             self.scale.fetch_requests, self.scale.fetch_rounds, "<= 1.1"),
            ("home_history", f"home page / (current agreement), {history} versions (reported)", "/",
             max(2, self.scale.fetch_requests // 8), 2, ""),
            ("versions_history", f"/versions page, {history} versions (reported)", "/versions",
             max(2, self.scale.fetch_requests // 8), 2, ""),
        ]
        for id, metric, path, requests, rounds, target in checks:
            samples = self._alternate(clients, path, requests, rounds)
            one_ms, many_ms = (statistics.median(samples[k]) * 1000 for k in ("one", "many"))
            self.details.setdefault("history", {})[path] = {"median_ms": {"one": one_ms, "many": many_ms},
                                                            "requests_each": len(samples["one"])}
            self.rows.append(ratio_row(id, metric, many_ms, "ms", "1 version", one_ms, target))
            self.log(f"  GET {path}: {one_ms:.2f} ms with 1 version, {many_ms:.2f} ms with {history}")

    @staticmethod
    def _alternate(clients: dict, path: str, requests: int, rounds: int) -> dict[str, list[float]]:
        """Per-request seconds of GET `path` on each client, in alternating blocks after a warm-up."""
        samples: dict[str, list[float]] = {label: [] for label in clients}
        for client in clients.values():
            for _ in range(2):
                client.get(path, headers={"User-Agent": USER_AGENT}).get_data()
        for index in range(rounds):
            order = list(clients) if index % 2 == 0 else list(clients)[::-1]
            for label in order:
                for _ in range(requests):
                    started = time.perf_counter()
                    response = clients[label].get(path, headers={"User-Agent": USER_AGENT})
                    response.get_data()
                    samples[label].append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {path} answered {response.status_code}")
        return samples

    def measure_publishing(self, size: int, app: Flask, people: builders.People) -> None:
        """Ratio 5: publish_version of a `size`-entry version against a raw bulk insert of its rows,
        in alternating rounds; the medians are compared. Each round's draft is written cheaply with
        a few entries revised and one added, then signed and published through the services."""
        raw, published = [], []
        specs = self.specs[size]
        with app.app_context():
            for round_number in range(1, self.scale.rounds_for(size) + 1):
                raw.append(builders.raw_insert_seconds(specs, people))
                specs = builders.revise(specs, round_number)
                _, publish_seconds = builders.publish_entries(specs, people, submit=False)
                published.append(publish_seconds)
            opened = builders.timed_open_draft(people) if size == self.scale.main else None
        publish_s, raw_s = statistics.median(published), statistics.median(raw)
        self.details.setdefault("publish", {})[size] = {"publish_s": published, "raw_insert_s": raw,
                                                        "open_draft_s": opened}
        self.log(f"  publish {size:,}: {publish_s:.3f} s, raw insert {raw_s:.3f} s"
                 + (f", open_draft {opened:.3f} s" if opened is not None else ""))
        self.rows.append(ratio_row(f"publish_{size}", f"publish_version, {size:,} entries", publish_s, "s",
                                   "raw bulk insert", raw_s, "<= 3"))
        if opened is not None:
            self.rows.append(Row(f"open_draft_{size}", f"open_draft (copies {size:,} entries), reported",
                                 opened, "s", "raw bulk insert", raw_s, opened / raw_s if raw_s else None))

    def measure_compare(self, app: Flask) -> dict:
        """Ratio 7, the in-process half: compare_documents on the first and the latest version,
        and a cold GET /api/v1/sla/compare (its memo emptied before each request)."""
        from app.api.views import derived
        from app.sla.diff import compare_documents
        from app.versions.published import forget_all
        from app.versions.queries import list_versions

        with app.app_context():
            versions = [v for v in list_versions() if v.number]
            newest, oldest = versions[0], versions[-1]
            old_doc, new_doc = json.loads(oldest.document), json.loads(newest.document)
            numbers = (oldest.number, newest.number)
        compute = []
        for _ in range(self.scale.compare_repeats):
            started = time.perf_counter()
            diff = compare_documents(old_doc, new_doc)
            compute.append(time.perf_counter() - started)
        client, cold = app.test_client(), []
        path = f"/api/v1/sla/compare?from={numbers[0]}&to={numbers[1]}"
        for _ in range(self.scale.compare_repeats):
            derived.clear()
            forget_all()  # cold: the documents are read and parsed again, the comparison computed
            started = time.perf_counter()
            response = client.get(path)
            response.get_data()
            cold.append(time.perf_counter() - started)
        result = {"from": numbers[0], "to": numbers[1], "compute_ms": statistics.median(compute) * 1000,
                  "cold_request_ms": statistics.median(cold) * 1000, "path": path,
                  "summary": diff.get("summary")}
        self.details["compare"] = result
        self.log(f"  compare {numbers[0]} -> {numbers[1]}: compute {result['compute_ms']:.1f} ms, "
                 f"cold request {result['cold_request_ms']:.1f} ms")
        return result

    # --- HTTP --------------------------------------------------------------------------------

    def serve(self, label: str, url: str, endpoints: list[Endpoint], cookie: str | None = None) -> dict:
        self.log(f"  serving {label} with gunicorn ({self.settings.tool}, {self.settings.connections} connections)")
        result = measure_endpoints(label, url, endpoints, self.settings, self.workdir, cookie, self.log)
        self.details.setdefault("http", {})[label] = result
        return result

    # --- the whole run -----------------------------------------------------------------------

    def run_api_only(self) -> list[Row]:
        """Only the current document with an API token (and without), on the demo and the main size."""
        try:
            demo = self.measure_token_api_on_demo()
            url, app, _ = self.build_published(f"n{self.scale.main}", self.scale.main)
            token = self._token(app)
            release(app)
            main_http = self.serve(f"n{self.scale.main}", url, self._document_endpoints(token))
            self._token_rows(main_http, demo)
        finally:
            self.databases.close()
        return self.rows

    def measure_token_api_on_demo(self) -> dict:
        url, token = self.build_demo()
        return self.serve("demo", url, self._document_endpoints(token))

    def run(self) -> list[Row]:
        scale = self.scale
        try:
            demo_http = self.measure_token_api_on_demo()
            _, history_app, history_people = self.build_history()
            urls, apps, people = {}, {}, {}
            for size in scale.sizes:
                urls[size], apps[size], people[size] = self.build_published(f"n{size}", size)
            self.measure_fetch_with_history(apps[scale.main], history_app, {
                "one": self._cookie(apps[scale.main], people[scale.main]),
                "many": self._cookie(history_app, history_people)})
            release(history_app)
            for size in scale.sizes:
                self.measure_publishing(size, apps[size], people[size])
            compare = self.measure_compare(apps[scale.main])
            glossary_url, glossary_app, glossary_people = self.build_published("glossary", scale.glossary_terms)
            thai_url, thai_app, thai_people = self.build_thai_glossary()
            self.measure_search_indexes({"english": glossary_app, "mixed": thai_app})
            thai_cookie = self._cookie(thai_app, thai_people)
            release(thai_app)
            self.details["glossary_query"] = {"q": QUERY_WORD, "name_hits": {
                str(n): query_hits(build_entries(n)) for n in (*scale.sizes, scale.glossary_terms)}}
            cookies = {size: self._cookie(apps[size], people[size]) for size in scale.sizes}
            token = self._token(apps[scale.main])
            glossary_cookie = self._cookie(glossary_app, glossary_people)
            for app in (*apps.values(), glossary_app):
                release(app)

            main_http = self.serve(f"n{scale.main}", urls[scale.main],
                                   self._main_endpoints(compare["path"], token), cookies[scale.main])
            glossary_http = self.serve("glossary", glossary_url, [self._search_endpoint()], glossary_cookie)
            thai_http = self.serve("glossary_thai", thai_url, [self._thai_search_endpoint()], thai_cookie)
            growth_http = {}
            for size in scale.sizes:
                if size != scale.main:
                    growth_http[size] = self.serve(f"n{size}", urls[size], [
                        self._growth(Endpoint("sla", "/api/v1/sla")), self._growth(self._search_endpoint())],
                        cookies[size])
            self._http_rows(main_http, glossary_http, growth_http, compare, demo_http)
            self._thai_search_rows(thai_http, main_http)
        finally:
            self.databases.close()
        return self.rows

    # --- Thai: a mixed Thai/English glossary against the all-English one ---------------------

    def build_thai_glossary(self) -> tuple[str, Flask, builders.People]:
        """A database whose current version holds scale.glossary_terms terms, half of them Thai."""
        terms = self.scale.glossary_terms
        specs = build_mixed_entries(terms)
        self.details["glossary_thai_query"] = {"q": THAI_QUERY_WORD, "name_hits": sum(
            1 for spec in specs if THAI_QUERY_WORD in spec.name)}
        return self.build_published("glossary_thai", terms, specs)

    def measure_search_indexes(self, apps: dict[str, Flask], repeats: int = 3) -> None:
        """Each glossary's search index: its size on disk (compacted first) and the median time
        to rebuild it whole from the current version (cutting every text into words included)."""
        from app.glossary.index import rebuild_search_index
        from app.versions.published import current_version_ref

        results = {}
        for label, app in apps.items():
            with app.app_context():
                version = current_version_ref()
                seconds = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    rebuild_search_index(version)
                    db.session.commit()
                    seconds.append(time.perf_counter() - started)
                results[label] = {"rebuild_s": statistics.median(seconds), "rebuilds": seconds,
                                  "size_mb": _search_index_mb()}
            self.log(f"  search index ({label}): {results[label]['size_mb']:.1f} MB, "
                     f"rebuilt in {results[label]['rebuild_s']:.2f} s")
        self.details["search_index"] = results

    def _thai_search_endpoint(self) -> Endpoint:
        return Endpoint("search_thai", f"/glossary?q={quote(THAI_QUERY_WORD)}", {"HX-Request": "true"},
                        signed_in=True)

    def _thai_search_rows(self, thai: dict, main: dict) -> None:
        """Thai search p95 ÷ the floor (the same floor as the English search row), and the mixed
        index's size and build time against the all-English one (reported)."""
        terms = f"{self.scale.glossary_terms:,}"
        floor_doc = _endpoint(main, "sla")
        floor_doc_p95 = floor_doc["floor"]["p95_ms"] if floor_doc and "floor" in floor_doc else None
        self.rows.append(_p95_row("search_thai", f"Thai glossary search fragment p95, {terms} terms (half Thai)",
                                  thai, "search_thai", "<= 3", floor_doc_p95))
        indexes = self.details.get("search_index", {})
        english, mixed = indexes.get("english"), indexes.get("mixed")
        if english and mixed:
            self.rows.append(ratio_row("search_index_size_thai", f"search index size, {terms} terms half Thai (reported)",
                                       mixed["size_mb"], "MB", "all English", english["size_mb"]))
            self.rows.append(ratio_row("search_index_build_thai",
                                       f"search index rebuild, {terms} terms half Thai (reported)",
                                       mixed["rebuild_s"], "s", "all English", english["rebuild_s"]))

    def _cookie(self, app: Flask, people: builders.People) -> str:
        with app.app_context():
            return builders.session_cookie(app, people.reader, USER_AGENT)

    @staticmethod
    def _token(app: Flask) -> str:
        """An API token, as a tool on a private API would send (the server checks it per request)."""
        from app.api.tokens import create_token

        with app.app_context():
            plaintext = create_token("bench")[1]
            db.session.commit()
            return plaintext

    def _search_endpoint(self) -> Endpoint:
        return Endpoint("search", f"/glossary?q={QUERY_WORD}", {"HX-Request": "true"}, signed_in=True)

    def _growth(self, endpoint: Endpoint) -> Endpoint:
        """A growth point or a reported-only figure: shorter rounds."""
        endpoint.duration, endpoint.rounds = self.settings.growth_duration, self.settings.growth_rounds
        return endpoint

    @staticmethod
    def _document_endpoints(token: str) -> list[Endpoint]:
        """GET /api/v1/sla and its 304, as a tool with an API token and without credentials."""
        bearer = {"Authorization": f"Bearer {token}"}
        return [
            Endpoint("sla", "/api/v1/sla"),
            Endpoint("sla_304", "/api/v1/sla", expect=304, body="sla"),
            Endpoint("sla_token", "/api/v1/sla", bearer, body="sla"),
            Endpoint("sla_token_304", "/api/v1/sla", bearer, expect=304, body="sla"),
        ]

    def _main_endpoints(self, compare_path: str, token: str) -> list[Endpoint]:
        return [
            *self._document_endpoints(token),
            Endpoint("glossary_page", "/glossary", signed_in=True),
            self._growth(self._search_endpoint()),
            self._growth(Endpoint("compare", compare_path)),
            self._growth(Endpoint("compare_page", compare_path.replace("/api/v1/sla/compare", "/compare"),
                                  signed_in=True)),
        ]

    def _token_rows(self, main: dict, demo: dict) -> None:
        """The headline figures: the current document and its 304 with an API token, demo and main size,
        then the same without credentials."""
        n = f"{self.scale.main:,}"
        for label, source, suffix in (("demo document", demo, "demo"), (f"{n} entries", main, "main")):
            self.rows.append(_throughput_row(f"sla_token_{suffix}", f"GET /api/v1/sla with an API token, {label}",
                                             source, "sla_token", ">= 0.9"))
            self.rows.append(_throughput_row(f"sla_token_304_{suffix}", f"304 with an API token, {label}",
                                             source, "sla_token_304", ">= 0.9"))
        self.rows.append(_throughput_row("sla", f"GET /api/v1/sla throughput, {n} entries", main, "sla", ">= 0.9"))
        self.rows.append(_throughput_row("sla_304", "conditional GET /api/v1/sla (304) throughput", main,
                                         "sla_304", ">= 0.9"))

    def _http_rows(self, main: dict, glossary: dict, growth: dict, compare: dict, demo: dict) -> None:
        scale = self.scale
        n = f"{scale.main:,}"
        self._token_rows(main, demo)
        # The floor of ratios 3 and 4 is the bare app's GET of the 2,000-entry document (the brief's
        # floor); the same-bytes floor, stricter, is given in the note.
        floor_doc = _endpoint(main, "sla")
        floor_doc_p95 = floor_doc["floor"]["p95_ms"] if floor_doc and "floor" in floor_doc else None
        self.rows.append(_p95_row("search", f"glossary search fragment p95, {scale.glossary_terms:,} terms",
                                  glossary, "search", "<= 3", floor_doc_p95))
        self.rows.append(_p95_row("glossary_page", f"/glossary full page p95, {n} terms", main,
                                  "glossary_page", "<= 10", floor_doc_p95))
        compare_floor = main["endpoints"].get("compare", {})
        floor_ms = compare_floor.get("floor", {}).get("p50_ms")
        self.rows.append(Row("compare_per_entry", f"compare_documents, two {n}-entry versions, per entry",
                             compare["compute_ms"] * 1000 / scale.main, "µs",
                             note=f"{compare['compute_ms']:.1f} ms in all"))
        self.rows.append(ratio_row("compare_cold", "cold GET /api/v1/sla/compare (in-process)",
                                   compare["cold_request_ms"], "ms", "floor request p50", floor_ms))
        self.rows.append(_throughput_row("compare_warm", "GET /api/v1/sla/compare throughput (memoised)",
                                         main, "compare", ""))
        self.rows.append(_p95_row("compare_page", f"/compare page p95, two {n}-entry versions (reported)", main,
                                  "compare_page", "", floor_doc_p95))
        rss = [r for r in (main.get("peak_rss_mb"), glossary.get("peak_rss_mb")) if r is not None]
        peak = max(rss) if rss else None
        self.rows.append(Row("worker_rss", "peak RSS of a worker after the run", peak, "MB",
                             "floor worker", main.get("floor_peak_rss_mb"), None, f"<= {RSS_LIMIT_MB} MB",
                             None if peak is None else peak <= RSS_LIMIT_MB))
        # Growth: ratios 1, 3 and 5 at every size.
        growth_rows = []
        for size in scale.sizes:
            source = main if size == scale.main else growth[size]
            growth_rows.append(_throughput_row(f"growth_sla_{size}", f"growth: GET /api/v1/sla ratio, {size:,}",
                                               source, "sla", ">= 0.9"))
            growth_rows.append(_p95_row(f"growth_search_{size}", f"growth: search p95 ratio, {size:,} terms",
                                        source, "search", "<= 3", floor_doc_p95))
            publish = next(r for r in self.rows if r.id == f"publish_{size}")
            growth_rows.append(Row(f"growth_publish_{size}", f"growth: publish ratio, {size:,}", publish.value,
                                   publish.unit, publish.baseline, publish.baseline_value, publish.ratio,
                                   publish.target, publish.met))
        self.rows.extend(growth_rows)
        judged = [r for r in growth_rows if r.met is not None]
        failing = [r.metric.removeprefix("growth: ") for r in judged if not r.met]
        self.rows.append(Row("growth", "growth: ratios 1, 3, 5 hold at every size",
                             float(len(judged) - len(failing)), f"of {len(judged)}", target="all",
                             met=bool(judged) and not failing,
                             note=("outside target: " + "; ".join(failing)) if failing else ""))


def _search_index_mb() -> float:
    """The glossary search index's size in MB after compaction: its table and indexes (GIN,
    TOAST) on PostgreSQL; on SQLite the table, its indexes and the FTS5 shadow tables."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("VACUUM FULL glossary_terms"))
            size = connection.scalar(text("SELECT pg_total_relation_size('glossary_terms')"))
        else:
            connection.execute(text("VACUUM"))
            size = connection.scalar(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name LIKE 'glossary_terms%')"))
    return (size or 0) / 1_000_000


def _endpoint(result: dict, name: str) -> dict | None:
    return result.get("endpoints", {}).get(name)


def _throughput_row(id: str, metric: str, result: dict, name: str, target: str) -> Row:
    measured = _endpoint(result, name)
    if measured is None or "skipped" in measured:
        return skipped_row(id, metric, target, (measured or {}).get("skipped", "endpoint not served"))
    return ratio_row(id, metric, measured["app"]["rps"], "req/s", "floor", measured["floor"]["rps"], target,
                     measured.get("note", ""))


def _p95_row(id: str, metric: str, result: dict, name: str, target: str, floor_doc_p95: float | None) -> Row:
    """p95 against the floor's document GET; the note gives the ratio against the floor serving the
    very same bytes, which isolates what the app adds."""
    measured = _endpoint(result, name)
    if measured is None or "skipped" in measured:
        return skipped_row(id, metric, target, (measured or {}).get("skipped", "endpoint not served"))
    app_p95, same_bytes_p95 = measured["app"]["p95_ms"], measured["floor"]["p95_ms"]
    note = f"against the floor serving the same bytes ({same_bytes_p95:.1f} ms): {app_p95 / same_bytes_p95:.1f}x"
    if measured.get("note"):
        note += "; " + measured["note"]
    return ratio_row(id, metric, app_p95, "ms", "floor document", floor_doc_p95, target, note)


__all__ = ["Backend", "Scale", "QUICK_SCALE", "judge"]
