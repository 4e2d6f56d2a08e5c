"""HTTP measurements: Accord under gunicorn against the floor app serving the same bytes.

For each endpoint the body Accord answers is captured once and handed to the floor, then the two
servers are loaded in alternating rounds (app, floor, floor, app …) so that a burst of noise from
other work on the machine hits both; the best round of each is kept.
"""
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import run_load
from bench.servers import Gunicorn, accord_environment, fetch

USER_AGENT = "accord-bench"


@dataclass
class Endpoint:
    name: str                # the floor serves the captured body at /<body>
    path: str                # Accord's URL
    headers: dict = field(default_factory=dict)
    expect: int = 200
    body: str | None = None  # the captured body this endpoint's floor serves (default: its own)
    duration: float | None = None
    rounds: int | None = None
    signed_in: bool = False  # a reading page: sent with a reader's session cookie (tools send none)

    @property
    def floor_path(self) -> str:
        return "/" + (self.body or self.name)


@dataclass
class Settings:
    duration: float = 3.0         # seconds per round of a headline measurement
    rounds: int = 2               # rounds of each headline measurement (app and floor alternate)
    growth_duration: float = 2.0  # growth points and reported-only figures: two shorter rounds
    growth_rounds: int = 2
    warmup: float = 1.0
    connections: int = 4
    tool: str = "wrk"


def best_of(rounds: list[dict]) -> dict:
    """The best figures over rounds: highest throughput, lowest latencies."""
    return {"rps": max(r["rps"] for r in rounds), "p50_ms": min(r["p50_ms"] for r in rounds),
            "p95_ms": min(r["p95_ms"] for r in rounds), "requests": sum(r["requests"] for r in rounds),
            "errors": sum(r["errors"] for r in rounds)}


def _headers(endpoint: Endpoint, base_headers: dict, cookie: str | None) -> dict:
    headers = {**base_headers, **endpoint.headers}
    if endpoint.signed_in and cookie:
        headers["Cookie"] = cookie
    return headers


def _capture(app_url: str, endpoints: list[Endpoint], base_headers: dict, cookie: str | None,
             floor_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Write each captured body for the floor; returns why an endpoint cannot be measured, and the
    ETag Accord gave each body."""
    floor_dir.mkdir(parents=True, exist_ok=True)
    skipped, etags = {}, {}
    for endpoint in endpoints:
        if endpoint.body is not None:
            continue
        status, headers, body = fetch(app_url + endpoint.path, _headers(endpoint, base_headers, cookie))
        if status != 200:
            skipped[endpoint.name] = f"GET {endpoint.path} answered {status}, not 200"
            continue
        if "set-cookie" in headers:  # measured all the same: writing the session is part of its cost
            etags[f"{endpoint.name}:note"] = "answers with Set-Cookie for a signed-in reader's session"
        etags[endpoint.name] = headers.get("etag", "")
        (floor_dir / f"{endpoint.name}.body").write_bytes(body)
        (floor_dir / f"{endpoint.name}.type").write_text(headers.get("content-type", "application/octet-stream"))
    return skipped, etags


def _check(app_url: str, floor_url: str, endpoint: Endpoint, headers: dict) -> str | None:
    """Both servers must answer the expected status, with the same bytes."""
    app_status, _, app_body = fetch(app_url + endpoint.path, headers)
    floor_status, _, floor_body = fetch(floor_url + endpoint.floor_path, headers)
    if app_status != endpoint.expect or floor_status != endpoint.expect:
        return f"expected {endpoint.expect}; Accord answered {app_status}, the floor {floor_status}"
    if endpoint.expect == 200 and len(app_body) != len(floor_body):
        return f"Accord's body changed between requests ({len(app_body)} then {len(floor_body)} bytes)"
    return None


def measure_endpoints(label: str, database_url: str, endpoints: list[Endpoint], settings: Settings,
                      workdir: Path, cookie: str | None = None, log=print) -> dict:
    """Serve the database with Accord and the captured bodies with the floor; load both.

    Returns {"endpoints": {name: {"app":…, "floor":…, "rounds":[…]} or {"skipped": reason}},
             "peak_rss_mb": …, "floor_peak_rss_mb": …}."""
    base_headers = {"User-Agent": USER_AGENT}
    results: dict = {"endpoints": {}}
    floor_dir = workdir / f"floor-{label}"
    with Gunicorn("wsgi:app", accord_environment(database_url), workdir / f"accord-{label}.log") as app:
        skipped, etags = _capture(app.url, endpoints, base_headers, cookie, floor_dir)
        with Gunicorn("bench.floor:app", {"BENCH_FLOOR_DIR": str(floor_dir)}, workdir / f"floor-{label}.log") as floor:
            for endpoint in endpoints:
                source = endpoint.body or endpoint.name
                if source in skipped:
                    results["endpoints"][endpoint.name] = {"skipped": skipped[source]}
                    log(f"    {endpoint.name}: not measured ({skipped[source]})")
                    continue
                headers = _headers(endpoint, base_headers, cookie)
                if endpoint.expect == 304:  # a conditional GET presents the ETag Accord gave for that body
                    headers["If-None-Match"] = etags[source]
                problem = _check(app.url, floor.url, endpoint, headers)
                if problem:
                    results["endpoints"][endpoint.name] = {"skipped": problem}
                    log(f"    {endpoint.name}: not measured ({problem})")
                    continue
                measured = _load_pair(app.url + endpoint.path, floor.url + endpoint.floor_path, headers,
                                      endpoint.duration or settings.duration, endpoint.rounds or settings.rounds,
                                      settings, log, endpoint.name)
                if f"{source}:note" in etags:
                    measured["note"] = etags[f"{source}:note"]
                results["endpoints"][endpoint.name] = measured
            results["floor_peak_rss_mb"] = floor.peak_rss_mb()
        results["peak_rss_mb"] = app.peak_rss_mb()
    return results


def _load_pair(app_url: str, floor_url: str, headers: dict, duration: float, rounds: int, settings: Settings,
               log, name: str) -> dict:
    started = time.perf_counter()
    run_load(app_url, settings.warmup, settings.connections, headers, settings.tool)  # caches, both workers
    for _ in range(5):  # the floor has nothing to warm
        fetch(floor_url, headers)
    app_rounds, floor_rounds = [], []
    for index in range(rounds):
        order = [(app_url, app_rounds), (floor_url, floor_rounds)]
        for url, bucket in (order if index % 2 == 0 else order[::-1]):
            bucket.append(run_load(url, duration, settings.connections, headers, settings.tool))
    app_best, floor_best = best_of(app_rounds), best_of(floor_rounds)
    log(f"    {name}: Accord {app_best['rps']:.0f} req/s p95 {app_best['p95_ms']:.1f} ms | "
        f"floor {floor_best['rps']:.0f} req/s p95 {floor_best['p95_ms']:.1f} ms "
        f"({time.perf_counter() - started:.0f} s)")
    return {"app": app_best, "floor": floor_best, "rounds": {"app": app_rounds, "floor": floor_rounds},
            "seconds_each": duration, "url": app_url.split("/", 3)[-1]}
