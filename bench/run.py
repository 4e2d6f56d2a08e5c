"""`make bench`: measure Accord's performance targets on SQLite and on PostgreSQL.

    python -m bench.run [--database sqlite|postgresql|all] [--quick] [--api-only] [--loadgen wrk|python]

PostgreSQL is measured when BENCH_DATABASE_URL names a server or the local one (127.0.0.1:5432)
answers; scratch databases accord_bench_<pid>_* are created there and dropped at the end.
Results go to bench/results/<date>-<database>.json and a table is printed.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

# A fixed key and the development environment, before the app is imported (the config reads them).
os.environ["SECRET_KEY"] = "bench-secret-key-fixed-for-comparable-runs"
os.environ["ACCORD_ENV"] = "development"
os.environ["ACCORD_PUBLIC_API"] = "1"

from bench.databases import postgres_server_url  # noqa: E402
from bench.httpbench import Settings  # noqa: E402
from bench.load import available_tool  # noqa: E402
from bench.report import RESULTS_DIR, combined_markdown, format_table, write_results  # noqa: E402
from bench.scenarios import QUICK_SCALE, Backend, Scale  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--quick", action="store_true",
                        help="small data and one-second loads: checks the harness, proves nothing")
    parser.add_argument("--api-only", action="store_true",
                        help="only GET /api/v1/sla and its 304, with an API token and without, on the demo "
                             "document and the 2,000-entry one (about a minute per database)")
    parser.add_argument("--loadgen", choices=("wrk", "python"), default=os.environ.get("BENCH_LOADGEN"),
                        help="wrk when installed (default), else the Python load generator")
    parser.add_argument("--duration", type=float, help="seconds per round of a headline load measurement (default 3)")
    parser.add_argument("--output", type=Path, help="folder for the JSON results (default bench/results; "
                                                    "a --quick or --api-only run keeps none unless this is given)")
    return parser.parse_args(argv)


def settings_from(args) -> Settings:
    settings = Settings(tool=available_tool(args.loadgen))
    if args.quick:
        settings = Settings(duration=1, rounds=1, growth_duration=1, growth_rounds=1, warmup=1, tool=settings.tool)
    if args.duration:
        settings.duration = args.duration
        settings.growth_duration = min(settings.growth_duration, args.duration)
    return settings


def backends_to_run(choice: str) -> list[tuple[str, str | None]]:
    kinds = []
    if choice in ("sqlite", "all"):
        kinds.append(("sqlite", None))
    if choice in ("postgresql", "all"):
        server = postgres_server_url()
        if server is None:
            print("PostgreSQL: no server answers (set BENCH_DATABASE_URL); measured on SQLite only.")
        else:
            kinds.append(("postgresql", server))
    return kinds


def main(argv=None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    scale = QUICK_SCALE if args.quick else Scale()
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    output = args.output or (workdir / "results" if args.quick or args.api_only else RESULTS_DIR)
    rows_by_database = {}
    try:
        for kind, server in backends_to_run(args.database):
            print(f"== {kind}")
            backend_started = time.perf_counter()
            backend = Backend(kind, server, settings, scale, workdir / kind)
            (workdir / kind).mkdir(parents=True, exist_ok=True)
            rows = backend.run_api_only() if args.api_only else backend.run()
            rows_by_database["SQLite" if kind == "sqlite" else "PostgreSQL"] = rows
            path = write_results(kind, rows, backend.details, {**asdict(settings), "scale": asdict(scale),
                                                               "quick": args.quick}, output)
            table = format_table(rows)
            print(f"\n{kind}: {time.perf_counter() - backend_started:.0f} s, written to "
                  f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else 'a temporary folder'}"
                  f"\n{table}\n")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if rows_by_database:
        print("Targets, Markdown (ratio, its value ÷ baseline, met):\n" + combined_markdown(rows_by_database))
    print(f"bench finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
