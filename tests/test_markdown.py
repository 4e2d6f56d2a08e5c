"""The `markdown` filter: Markdown rendered, then sanitised; nothing active survives."""
import re
import time

import markdown as md
import pytest
from markupsafe import Markup

from app import markdown as rendering
from app.markdown import render_markdown, render_markdown_html

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=\"alert(1)\">click</p>",
    "<a href=\"javascript:alert(1)\">link</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">link</a>",
    "<a href=\"java&#x09;script:alert(1)\">link</a>",
    "<a href=\"&#106;avascript:alert(1)\">link</a>",
    "[link](javascript:alert(1))",
    "[link](vbscript:msgbox(1))",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<style>body { display: none }</style>",
    "<p style=\"background:url(javascript:alert(1))\">styled</p>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<form action=\"https://evil.example\"><input name=x><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<details open ontoggle=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "![x](javascript:alert(1))",
    "<a href=\"https://example.com\" onmouseover=\"alert(1)\">hover</a>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
]
FORBIDDEN = [r"<script", r"<iframe", r"<object", r"<embed", r"<style", r"<svg", r"<math", r"<form", r"<input",
             r"<button", r"<meta", r"<base", r"<link", r"<img", r"<template", r"<details",
             r"\son[a-z]+\s*=", r"style\s*=", r"javascript:", r"vbscript:", r"data:text"]


@pytest.mark.parametrize("payload", XSS)
def test_active_content_never_survives(payload):
    rendered = render_markdown_html(payload).lower()
    for pattern in FORBIDDEN:
        assert not re.search(pattern, rendered), (pattern, rendered)


@pytest.mark.parametrize("payload", XSS)
def test_the_filter_marks_only_sanitised_text_safe(payload):
    rendered = render_markdown(payload)
    assert isinstance(rendered, Markup)
    assert str(rendered) == render_markdown_html(payload)


def test_code_keeps_html_as_visible_text():
    rendered = render_markdown_html("`<script>alert(1)</script>`")
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in rendered


def test_links_get_noopener_noreferrer():
    rendered = render_markdown_html("[Accord](https://example.com/sla) and <https://example.org>")
    assert rendered.count('rel="noopener noreferrer"') == 2
    assert '<a href="https://example.com/sla" rel="noopener noreferrer">Accord</a>' in rendered


def test_mailto_links_are_kept():
    assert 'href="mailto:revops@example.com"' in render_markdown_html("[mail](mailto:revops@example.com)")


def test_tables_render():
    rendered = render_markdown_html("| Stage | Probability |\n|---|---:|\n| Quote | 60% |")
    assert "<table>" in rendered and "<th>Stage</th>" in rendered
    assert '<td align="right">60%</td>' in rendered or "<td>60%</td>" in rendered


def test_fenced_code_renders():
    rendered = render_markdown_html("```python\nscore = 50\n```")
    assert "<pre><code" in rendered and "score = 50" in rendered


def test_ordinary_markdown_renders():
    rendered = render_markdown_html("# Title\n\n**bold**, *it*, ~~no~~\n\n1. one\n2. two\n\n> quote")
    for tag in ("<h1>Title</h1>", "<strong>bold</strong>", "<em>it</em>", "<ol>", "<li>one</li>", "<blockquote>"):
        assert tag in rendered


@pytest.mark.parametrize("empty", [None, ""])
def test_nothing_renders_as_nothing(empty):
    assert render_markdown_html(empty) == "" and str(render_markdown(empty)) == ""


def test_nul_bytes_are_dropped():
    assert "\x00" not in render_markdown_html("a\x00b")


# --- work per render ------------------------------------------------------------------------
SIZE = 20_000
# Lines that end a block in Python-Markdown; without blank lines between them each one made the
# parser scan the rest of the block again.
HOSTILE = {"setext": "a\n=\n", "setext-dash": "a\n-\n", "atx": "#a\n", "rule": "***\n",
           "dash-rule": "---\n", "atx-and-text": "#a\nb\n"}


def repeat(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def separated(unit: str) -> str:
    """The same lines as `repeat(unit)`, each block ended by a blank line as a person would write it."""
    lines = repeat(unit).split("\n")
    return "\n\n".join(lines)


def cpu_seconds(text: str) -> float:
    """CPU time of one uncached render (the best of three, to shrug off a busy machine)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        rendering._render(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.fixture
def scanned(monkeypatch):
    """Counts the characters Python-Markdown's block processors test: the parser's work."""
    work = {"chars": 0}

    def counting(text, **kwargs):
        converter = md.Markdown(**kwargs)
        for processor in converter.parser.blockprocessors:
            def test(parent, block, _test=processor.test):
                work["chars"] += len(block)
                return _test(parent, block)
            processor.test = test
        return converter.convert(text)

    monkeypatch.setattr(md, "markdown", counting)
    return work


@pytest.mark.parametrize("name", HOSTILE)
def test_block_ending_lines_cost_work_in_proportion_to_the_text(scanned, name):
    rendering._render(repeat(HOSTILE[name]))
    assert scanned["chars"] <= 40 * SIZE, scanned["chars"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_render_costs_about_what_the_same_text_written_normally_costs(name):
    hostile, normal = cpu_seconds(repeat(HOSTILE[name])), cpu_seconds(separated(HOSTILE[name]))
    assert hostile <= 5 * normal + 0.01, (hostile, normal)


SAMPLES = [
    "Title\n=====\nFirst paragraph.\nSecond line.\n\nSub\n---\n- a\n- b\n",
    "# One\n## Two\ntext\n***\nmore text\n---\nA heading?\n",
    "a\n=\nb\n=\nc\n-\nd",
    "x\na\n=\nb",  # not a heading: the underline is not the block's second line
    "***\n===\n\n___\n---\n",  # a rule underlined is a heading's text
    "| a | b |\n|---|---|\n| --- | # |\n\nafter",
    "- item\n# not split inside a list\n- item\n",
    "> quote\n# h\n> more",
    "    code\n    ===\n\n```\na\n=\n# h\n```\nafter\n=\n",
    "Lead\n====\nA person who **asked**.\n\n1. one\n2. two\n\n| Stage | % |\n|---|--:|\n| SQL | 20 |",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_splitting_blocks_gives_the_html_python_markdown_would(text):
    options = {"extensions": rendering.EXTENSIONS, "output_format": "html"}
    split, _ = rendering.split_blocks(text)
    assert md.markdown(split, **options) == md.markdown(text, **options)


def test_a_block_too_long_to_parse_safely_is_shown_as_plain_text():
    text = "- item\n" + "#a\n" * (rendering.MAX_BLOCK_LINES + 1)
    rendered = render_markdown_html(text)
    assert "<h1>" not in rendered and "<p>- item<br>#a<br>" in rendered


def test_each_source_is_rendered_once(monkeypatch):
    calls = []
    real = md.markdown
    monkeypatch.setattr(md, "markdown", lambda text, **kw: calls.append(text) or real(text, **kw))
    text = "Rendered **once** " + str(time.time_ns())
    first = render_markdown_html(text)
    assert render_markdown_html(text) == first and len(calls) == 1
    render_markdown_html(text + " changed")
    assert len(calls) == 2
