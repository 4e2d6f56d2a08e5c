"""Markdown rendered, then sanitised: the one way user text becomes HTML."""
import markdown as md
import nh3
from markupsafe import Markup, escape

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


def _plain_paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in paragraphs)


def render_markdown_html(text: str | None) -> str:
    """Markdown source to sanitised HTML, as a plain string (for JSON and further processing)."""
    if not text:
        return ""
    text = text.replace("\x00", "")
    if _unclosed_openers(text) > UNCLOSED_LIMIT:
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
