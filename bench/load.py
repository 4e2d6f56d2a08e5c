"""Load from a separate process: wrk when installed, else a small Python load generator.

Both run for a fixed duration with a fixed number of keep-alive connections and report the same
figures: requests, throughput, p50/p95/p99 latency and errors. Only 127.0.0.1 is ever a target.

    python -m bench.load URL --duration 5 --connections 4 [--header "Name: value"]...
"""
import argparse
import http.client
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

MAX_REQUESTS = 2_000_000  # a bound on count as well as on time
LOOPBACK = {"127.0.0.1", "localhost"}


def check_target(url: str) -> None:
    """Refuse any target that is not on this machine."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"The load generator only targets 127.0.0.1, not {host}.")


def available_tool(preferred: str | None = None) -> str:
    """'wrk' when it is installed (and not overridden by BENCH_LOADGEN=python), else 'python'."""
    if preferred == "python":
        return "python"
    return "wrk" if shutil.which("wrk") else "python"


def run_load(url: str, duration: float, connections: int = 4, headers: dict | None = None,
             tool: str = "wrk") -> dict:
    """Drive `url` for `duration` seconds from another process; returns the figures as a dict."""
    check_target(url)
    headers = headers or {}
    if tool == "wrk":
        result = _run_wrk(url, duration, connections, headers)
    else:
        result = _run_python(url, duration, connections, headers)
    result["tool"] = tool
    result["connections"] = connections
    return result


# --- wrk ---------------------------------------------------------------------------------------

_WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"errors":%d,"bytes":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, summary.bytes))
end
"""


def _wrk_script(headers: dict) -> str:
    lines = ['wrk.method = "GET"']
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n" + _WRK_DONE


def _run_wrk(url: str, duration: float, connections: int, headers: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_wrk_script(headers))
    try:
        command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   "--timeout", "30s", "-s", script.name, url]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {completed.stdout[-500:]} {completed.stderr[-500:]}")
    raw = json.loads(line[len("BENCH "):])
    seconds = raw["duration_us"] / 1e6
    return {"requests": raw["requests"], "seconds": seconds, "rps": raw["requests"] / seconds,
            "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "errors": raw["errors"], "bytes": raw["bytes"]}


# --- the Python load generator -----------------------------------------------------------------

def _run_python(url: str, duration: float, connections: int, headers: dict) -> dict:
    command = [sys.executable, "-m", "bench.load", url, "--duration", str(duration),
               "--connections", str(connections)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                               cwd=Path(__file__).resolve().parent.parent)
    if completed.returncode != 0:
        raise RuntimeError(f"the load generator failed: {completed.stderr[-800:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _worker(url: str, headers: dict, deadline: float, budget: list, latencies: list, counters: dict,
            lock: threading.Lock) -> None:
    """One connection: request after request until the deadline, reconnecting when the server closes."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    local: list[float] = []
    errors = received = 0
    while time.perf_counter() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            received += len(response.read())
            if response.status >= 400:
                errors += 1
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            continue
        local.append(time.perf_counter() - started)
    conn.close()
    with lock:
        latencies.extend(local)
        counters["errors"] += errors
        counters["bytes"] += received


def generate_load(url: str, duration: float, connections: int, headers: dict) -> dict:
    """Run the Python generator in this process (the CLI below runs it in a separate one)."""
    check_target(url)
    latencies: list[float] = []
    counters = {"errors": 0, "bytes": 0}
    lock = threading.Lock()
    budget = [MAX_REQUESTS]
    started = time.perf_counter()
    deadline = started + duration
    threads = [threading.Thread(target=_worker, args=(url, headers, deadline, budget, latencies, counters, lock))
               for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return summarise(latencies, seconds, counters["errors"], counters["bytes"])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def summarise(latencies: list[float], seconds: float, errors: int = 0, received: int = 0) -> dict:
    """Throughput and latency percentiles (in ms) of a list of request durations (in s)."""
    ordered = sorted(latencies)
    return {"requests": len(ordered), "seconds": seconds, "rps": len(ordered) / seconds if seconds else 0.0,
            "p50_ms": percentile(ordered, 0.50) * 1000, "p95_ms": percentile(ordered, 0.95) * 1000,
            "p99_ms": percentile(ordered, 0.99) * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000 if ordered else 0.0,
            "errors": errors, "bytes": received}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in args.header)
    print(json.dumps(generate_load(args.url, args.duration, args.connections, headers)))


if __name__ == "__main__":
    main()
