"""The signed agreement as one Markdown file, built from a version's frozen document."""
import re

from app.reading.services import Agreement
from app.sla.diff import format_value
from app.sla.sections import OPERATOR_WORDS, Field

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_markdown(text) -> str:
    """Plain text made inert in Markdown (names, field values): specials escaped, one line."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "").split()))


def agreement_markdown(agreement: Agreement) -> str:
    """The whole agreement: title, version, dates, signatures, then every section with its entries."""
    data, version = agreement.document.data, agreement.version
    lines = [f"# {escape_markdown(agreement.title)}", ""]
    facts = [f"Version {escape_markdown(version.number)}"]
    if data.get("effective_from"):
        facts.append(f"effective from {data['effective_from']}")
    if data.get("published_at"):
        facts.append(f"published {data['published_at']}")
    lines += [" · ".join(facts), "", f"SHA-256 of the published document: `{version.sha256}`", ""]
    lines += ["## Signatures", ""]
    if agreement.signatures:
        lines += ["| Team | Signed by | At |", "|---|---|---|"]
        lines += [f"| {escape_markdown(s.team_name)} | {escape_markdown(s.by)} | {escape_markdown(s.when)} |"
                  for s in agreement.signatures]
    else:
        lines.append("No signatures are recorded for this version.")
    for section, entries in agreement.sections:
        lines += ["", f"## {escape_markdown(section.title)}", "", f"_{escape_markdown(section.summary)}_", ""]
        if not entries:
            lines.append("No entries in this section.")
        for entry in entries:
            lines += _entry_lines(agreement, section, entry)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _entry_lines(agreement: Agreement, section, entry: dict) -> list[str]:
    lines = [f"### {escape_markdown(entry.get('name'))} (`{entry['key']}`)", ""]
    meta = [f"Maintained by {escape_markdown(agreement.team_names.get(entry.get('team'), entry.get('team')))}"]
    if section.ordered and entry.get("position") is not None:
        meta.append(f"position {entry['position']}")
    if entry.get("deprecated"):
        successor = f", superseded by `{entry['superseded_by']}`" if entry.get("superseded_by") else ""
        meta.append(f"**deprecated**{successor}")
    lines += [" · ".join(meta), ""]
    definition = (entry.get("definition") or "").strip()
    if definition:
        lines += [definition, ""]
    for f in section.fields:
        value = entry.get(f.name)
        if f.kind != "bool" and value in (None, "", []):
            continue
        lines.append(f"- **{escape_markdown(f.label)}:** {_field_text(agreement, f, value, entry)}")
    if lines[-1] != "":
        lines.append("")
    return lines


def _field_text(agreement: Agreement, f: Field, value, entry: dict) -> str:
    if f.kind == "bool":
        return "yes" if value else "no"
    if f.kind == "team":
        return escape_markdown(agreement.team_names.get(value, value))
    if f.kind in ("ref", "refs"):
        keys = value if isinstance(value, list) else [value]
        return ", ".join(_term_name(agreement, key) for key in keys)
    if f.kind == "criteria":
        return "; ".join(escape_markdown(f"{row.get('attribute', '')} {OPERATOR_WORDS.get(row.get('operator'), row.get('operator', ''))} {format_value(row.get('value')) if row.get('operator') != 'exists' else ''}".strip())
                         for row in value if isinstance(row, dict))
    if f.name == "probability" and isinstance(value, int | float):
        return f"{value:g} ({value * 100:g} %)"
    if f.name == "target" and entry.get("unit"):
        return f"{escape_markdown(format_value(value))} {escape_markdown(entry['unit'])}"
    return escape_markdown(format_value(value))


def _term_name(agreement: Agreement, key) -> str:
    _, entry = agreement.document.entry(key) if isinstance(key, str) else (None, None)
    return f"{escape_markdown(entry.get('name'))} (`{key}`)" if entry else f"`{key}`"
