"""The `markdown` filter: Markdown rendered, then sanitised; nothing active survives."""
import re

import pytest
from markupsafe import Markup

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
