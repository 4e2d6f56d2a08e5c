"""The 12-period chart, drawn on the server as SVG (no script), with a text alternative."""
from markupsafe import Markup, escape

WIDTH, HEIGHT, GAP = 360, 120, 4
STATUS_CLASS = {"met": "met", "on_track": "on-track", "at_risk": "at-risk", "missed": "missed", "no_data": "no-data"}


def _value(result) -> float:
    return float(result.actual or 0)


def period_chart(periods: list) -> Markup:
    """Bars of each period's actual (coloured by status) and a line at the target, as inline SVG."""
    if not periods:
        return Markup("")
    top = max([_value(p) for p in periods] + [p.target for p in periods] + [1e-9]) * 1.1
    step = WIDTH / len(periods)
    parts = []
    for index, result in enumerate(periods):
        height = HEIGHT * _value(result) / top
        label = f"{result.period}: {_format(result.actual, result.unit)} / {_format(result.target, result.unit)}"
        parts.append(
            f'<rect class="bar {STATUS_CLASS[result.status]}" x="{index * step + GAP / 2:.1f}" '
            f'y="{HEIGHT - height:.1f}" width="{step - GAP:.1f}" height="{height:.1f}">'
            f"<title>{escape(label)}</title></rect>")
    target_y = HEIGHT - HEIGHT * periods[-1].target / top
    parts.append(f'<line class="target" x1="0" x2="{WIDTH}" y1="{target_y:.1f}" y2="{target_y:.1f}"/>')
    return Markup(f'<svg class="adherence-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-hidden="true" '
                  f'focusable="false" preserveAspectRatio="none">{"".join(parts)}</svg>')


def _format(value, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f} %" if unit == "share" else f"{value:g}"
