"""Markdown rendered, then sanitised: the one way user text becomes HTML (or plain text)."""
import hashlib
import html
import re

import markdown as md
import nh3
from markupsafe import Markup, escape

from app.cache import BoundedMemo

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]


def sanitise_html(html: str) -> str:
    """Strip everything but harmless markup; links get rel=noopener noreferrer."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


# Python-Markdown scans to the end of a block for every "[", "](" or "<" that is not closed
# nearby (20,000 of them took over a minute) and recurses once per nested list marker. Text that
# would take those paths is shown as plain paragraphs instead: the same words, without markup.
UNCLOSED_LIMIT = 10
NEAR = 1_000


def _unclosed_openers(text: str) -> int:
    """How many '[', '](' and '<' have no closing character within NEAR characters."""
    count = 0
    for opener, closer in (("[", "]"), ("](", ")"), ("<", ">")):
        start = text.find(opener)
        while start != -1 and count <= UNCLOSED_LIMIT:
            if text.find(closer, start + len(opener), start + NEAR) == -1:
                count += 1
            start = text.find(opener, start + 1)
    return count


# Python-Markdown parses text in blocks (runs of lines without a blank line). A heading (`#`, or
# a line underlined with `=`/`-`) or a rule splits its block: the rest goes back to the parser as a
# new block, and every block processor scans it again from the start (the `#` heading and the rule
# searches read to its end). A block of n such lines costs n scans of the block: `"a\n=\n" * 5000`
# took seconds. A blank line after each of those lines gives the same HTML from short blocks.
# Blocks inside lists and quotes are left as they are (a blank line would loosen a list); a block
# still longer than MAX_BLOCK_LINES is shown as plain paragraphs, so the work per render is bounded.
MAX_BLOCK_LINES = 400
FENCE = re.compile(r"(`{3,}|~{3,})")
SETEXT_UNDERLINE = re.compile(r"(=+|-+)[ ]*$")
THEMATIC_BREAK = re.compile(r"[ ]{0,3}(?:(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,})[ ]*$")
NESTED_BLOCK = re.compile(r"[ ]{0,3}(?:[*+-][ ]|\d+\.[ ]|>)|[ ]{4}|\t")
TABLE_SEPARATOR = re.compile(r"[ |:]*-[ |:-]*$")


def _ends_block(line: str, position: int, following: str) -> bool:
    """Whether Python-Markdown ends the block after `line`, the block's line number `position` (from 0)."""
    if position == 1 and SETEXT_UNDERLINE.match(line):
        return True
    if line.startswith("#"):
        return True
    # A rule as a block's first line is a heading's text when the next line underlines it.
    return THEMATIC_BREAK.match(line) is not None and not (position == 0 and SETEXT_UNDERLINE.match(following))


def split_blocks(text: str) -> tuple[str, int]:
    """The text with a blank line after every line that ends a block, and its longest block in lines."""
    lines, out = text.split("\n"), []
    fence, block_start, position, longest, kind = None, None, 0, 0, None
    for number, line in enumerate(lines):
        out.append(line)
        if fence is not None:  # fenced code is kept verbatim
            fence = None if line.rstrip() == fence else fence
            continue
        opener = FENCE.match(line)
        if opener:
            fence, block_start = opener.group(1), None
            continue
        if not line.strip():
            block_start = None
            continue
        if block_start is None:
            block_start, position = line, 0
            kind = "nested" if NESTED_BLOCK.match(line) else None  # lists, quotes and code stay whole
        else:
            position += 1
            if kind is None and position == 1 and "|" in block_start + line and TABLE_SEPARATOR.match(line):
                kind = "table"  # a table's rows may look like rules, underlines or headings
        longest = max(longest, position + 1)
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following.strip() and kind is None and _ends_block(line, position, following):
            out.append("")
            block_start = None
    return "\n".join(out), longest


def _plain_paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs)


# Each entry revision and comment is rendered once per worker: its HTML is kept by the source's hash.
_rendered = BoundedMemo(2_000, max_size=16 * 1024 * 1024)


def render_markdown_html(text: str | None) -> str:
    """Markdown source to sanitised HTML, as a plain string (for JSON and further processing)."""
    if not text:
        return ""
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _rendered.get(key, lambda: _render(text))


def _render(text: str) -> str:
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if _unclosed_openers(text) > UNCLOSED_LIMIT:
        return sanitise_html(_plain_paragraphs(text))
    text, longest_block = split_blocks(text)
    if longest_block > MAX_BLOCK_LINES:
        return sanitise_html(_plain_paragraphs(text))
    try:
        # Raw HTML passes through Markdown untouched; nh3 then removes all but the allowed tags.
        html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    except RecursionError:
        html = _plain_paragraphs(text)
    return sanitise_html(html)


def render_markdown(text: str | None) -> Markup:
    """The Jinja filter `markdown`: the only place user text is marked safe."""
    return Markup(render_markdown_html(text))


def markdown_to_text(text: str | None, limit: int | None = None) -> str:
    """Markdown as readers see it, without markup (search, titles, CRM descriptions): rendered, tags
    stripped, entities decoded, whitespace collapsed; cut at `limit` characters with an ellipsis."""
    plain = re.sub(r"\s+", " ", html.unescape(nh3.clean(render_markdown_html(text), tags=set()))).strip()
    if limit is not None and len(plain) > limit:
        plain = plain[:limit - 1].rstrip() + "…"
    return plain
