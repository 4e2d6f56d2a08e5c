"""Markdown rendered, then sanitised: the one way user text becomes HTML."""
import markdown as md
import nh3
from markupsafe import Markup

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


def render_markdown_html(text: str | None) -> str:
    """Markdown source to sanitised HTML, as a plain string (for JSON and further processing)."""
    if not text:
        return ""
    # Raw HTML passes through Markdown untouched; nh3 then removes all but the allowed tags.
    html = md.markdown(text.replace("\x00", ""), extensions=EXTENSIONS, output_format="html")
    return sanitise_html(html)


def render_markdown(text: str | None) -> Markup:
    """The Jinja filter `markdown`: the only place user text is marked safe."""
    return Markup(render_markdown_html(text))
