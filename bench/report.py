"""Result rows, the printed table and bench/results/<date>-<database>.json."""
import json
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One measured figure, its baseline from the same run, and the target on their ratio."""
    id: str
    metric: str
    value: float | None
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    target: str = ""          # e.g. ">= 0.9", "<= 3"; empty when only reported
    met: bool | None = None
    note: str = ""


def judge(ratio: float | None, target: str) -> bool | None:
    """Whether `ratio` meets a target written as '>= x' or '<= x' (None when not measured)."""
    if ratio is None or not target:
        return None
    operator, threshold = target.split()
    return ratio >= float(threshold) if operator == ">=" else ratio <= float(threshold)


def ratio_row(id: str, metric: str, value: float | None, unit: str, baseline: str,
              baseline_value: float | None, target: str = "", note: str = "") -> Row:
    """A row whose ratio is value / baseline_value, judged against the target."""
    ratio = value / baseline_value if value is not None and baseline_value else None
    return Row(id, metric, value, unit, baseline, baseline_value, ratio, target, judge(ratio, target), note)


def skipped_row(id: str, metric: str, target: str, reason: str) -> Row:
    return Row(id, metric, None, "", target=target, note=f"not measured: {reason}")


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if float(value).is_integer() and abs(value) < 100:
        return f"{int(value)} {unit}".strip()
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def format_table(rows: list[Row]) -> str:
    """Plain-text table: metric, value, baseline, ratio, target, met?"""
    header = ("metric", "value", "baseline", "ratio", "target", "met?")
    lines = [header]
    for row in rows:
        baseline = f"{row.baseline} {_fmt(row.baseline_value, row.unit)}".strip() if row.baseline else ""
        met = "–" if row.met is None else "yes" if row.met else "NO"
        lines.append((row.metric, _fmt(row.value, row.unit), baseline,
                      "–" if row.ratio is None else f"{row.ratio:.2f}", row.target or "–", met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  - {row.metric}: {row.note}" for row in rows if row.note]
    return "\n".join(out + (["notes:"] + notes if notes else []))


def markdown_table(rows: list[Row]) -> str:
    """The same table in Markdown, for the README."""
    lines = ["| metric | value | baseline | ratio | target | met? |", "|---|---|---|---|---|---|"]
    for row in rows:
        baseline = f"{row.baseline} {_fmt(row.baseline_value, row.unit)}".strip() if row.baseline else ""
        met = "–" if row.met is None else "yes" if row.met else "**no**"
        lines.append(f"| {row.metric} | {_fmt(row.value, row.unit)} | {baseline} | "
                     f"{'–' if row.ratio is None else f'{row.ratio:.2f}'} | {row.target or '–'} | {met} |")
    return "\n".join(lines)


def combined_markdown(rows_by_database: dict[str, list[Row]], only_targets: bool = True) -> str:
    """One Markdown table across databases: each cell is the ratio (or value) and whether it is met."""
    databases = list(rows_by_database)
    order, by_id = [], {}
    for database, rows in rows_by_database.items():
        for row in rows:
            if only_targets and not row.target:
                continue
            if row.id not in by_id:
                order.append(row.id)
                by_id[row.id] = {}
            by_id[row.id][database] = row
    lines = ["| metric | target | " + " | ".join(databases) + " |", "|---|---|" + "---|" * len(databases)]
    for id in order:
        cells = by_id[id]
        first = next(iter(cells.values()))
        shown = []
        for database in databases:
            row = cells.get(database)
            if row is None or (row.ratio is None and row.value is None):
                shown.append("not measured")
                continue
            figure = f"{row.ratio:.2f}" if row.ratio is not None else _fmt(row.value, row.unit)
            if row.ratio is not None and row.baseline:
                figure += f" ({_fmt(row.value, row.unit)} ÷ {_fmt(row.baseline_value, row.unit)})"
            shown.append(figure + ("" if row.met is None else " ✓" if row.met else " ✗"))
        lines.append(f"| {first.metric} | {first.target or '–'} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=RESULTS_DIR.parent.parent, timeout=10).stdout.strip() or None
    except OSError:
        return None


def write_results(database: str, rows: list[Row], details: dict, settings: dict,
                  folder: Path = RESULTS_DIR) -> Path:
    """bench/results/<YYYY-MM-DD>-<database>.json with every row and the raw measurements."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{date.today().isoformat()}-{database}.json"
    payload = {
        "date": date.today().isoformat(),
        "database": database,
        "commit": _git_commit(),
        "machine": {"python": platform.python_version(), "cpus": _cpu_count(), "system": platform.system()},
        "settings": settings,
        "rows": [asdict(row) for row in rows],
        "details": details,
    }
    path.write_text(json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n")
    return path


def _cpu_count() -> int | None:
    import os

    return os.cpu_count()


def rows_from_file(path: Path) -> tuple[str, list[Row]]:
    """The database and rows of a results file."""
    payload = json.loads(Path(path).read_text())
    return payload["database"], [Row(**row) for row in payload["rows"]]


if __name__ == "__main__":  # python -m bench.report bench/results/<date>-*.json: the README table
    import sys

    loaded = dict(rows_from_file(Path(arg)) for arg in sys.argv[1:])
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(combined_markdown({names.get(k, k): v for k, v in loaded.items()}))
