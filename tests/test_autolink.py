"""Auto-linking term mentions in sanitised HTML: every edge case of what may and may not become a link."""
import pytest

from app.markdown import markdown_to_text, render_markdown_html
from app.sla.autolink import LinkTarget, TermLinker, first_sentence, html_to_text

TARGETS = [
    LinkTarget("lead", ("Lead",), "/terms/lead", "Someone who gave us their details."),
    LinkTarget("mql", ("Marketing Qualified Lead", "MQL"), "/terms/mql", "A lead marketing has nurtured."),
    LinkTarget("sql", ("Sales Qualified Lead", "SQL"), "/terms/sql", "An MQL that sales accepted."),
    LinkTarget("closed-won", ("Closed – won",), "/terms/closed-won", "The customer signed."),
    LinkTarget("quote", ("Quote",), "/terms/quote", "Says \"price\" & 'terms' > 2. Then more."),
    LinkTarget("x", ("X",), "/terms/x", "Too short to link."),
]


@pytest.fixture(scope="module")
def linker():
    return TermLinker(TARGETS)


def link(linker, markdown, self_key=None):
    return linker.link_html(render_markdown_html(markdown), self_key)


def test_a_mention_becomes_a_link_with_the_first_sentence_as_title(linker):
    assert link(linker, "Every lead counts.") == (
        '<p>Every <a href="/terms/lead" class="term-link" title="Someone who gave us their details.">lead</a> counts.</p>')


def test_matching_is_case_insensitive_and_keeps_the_text_as_written(linker):
    assert '>mQl</a>' in link(linker, "An mQl today.")


def test_longest_match_wins(linker):
    html = link(linker, "A Marketing Qualified Lead is not a lead yet.")
    assert '<a href="/terms/mql" class="term-link" title="A lead marketing has nurtured.">Marketing Qualified Lead</a>' in html
    assert 'href="/terms/lead"' in html  # the later, separate mention of "lead"
    assert html.count("<a ") == 2


def test_whole_words_only(linker):
    html = link(linker, "Leads, misleading, leadership, lead_score and MQLs are not mentions.")
    assert "<a " not in html


def test_spaces_and_dashes_in_names_match_loosely(linker):
    assert 'href="/terms/closed-won"' in link(linker, "Once closed - won, it stays.")
    assert 'href="/terms/closed-won"' in link(linker, "Once Closed won, it stays.")
    assert 'href="/terms/closed-won"' in link(linker, "Once closed  —  won, it stays.")


def test_never_inside_code_pre_links_or_headings(linker):
    markdown = ("# Lead\n\n## MQL rules\n\nUse `lead` here.\n\n```\nlead\n```\n\n"
                "[the lead page](https://example.com/lead) and [MQL](https://example.com)")
    assert "term-link" not in link(linker, markdown)


def test_text_after_a_skipped_element_is_linked_again(linker):
    html = link(linker, "`MQL` then MQL")
    assert html == ('<p><code>MQL</code> then <a href="/terms/mql" class="term-link" '
                    'title="A lead marketing has nurtured.">MQL</a></p>')


def test_never_to_the_term_itself(linker):
    html = link(linker, "An MQL is a Marketing Qualified Lead, a lead.", self_key="mql")
    assert 'href="/terms/mql"' not in html
    assert 'href="/terms/lead"' in html
    # the term's own name is consumed whole: "Lead" inside it does not link to the lead term
    assert html.count("<a ") == 1


def test_only_the_first_mention_of_each_term_links(linker):
    html = link(linker, "MQL here, MQL there, and a Marketing Qualified Lead.")
    assert html.count('href="/terms/mql"') == 1


def test_titles_are_escaped(linker):
    html = link(linker, "Send a quote.")
    assert 'title="Says &quot;price&quot; &amp; &#x27;terms&#x27; &gt; 2."' in html


def test_text_stays_escaped_and_markup_stays_intact(linker):
    html = link(linker, "A **lead** & <script>alert(1)</script> 1 < 2 MQL")
    assert "<strong><a " in html and "</a></strong>" in html
    assert "<script" not in html
    assert "&amp;" in html and "1 &lt; 2" in html


def test_entities_in_the_input_are_not_unescaped_into_markup(linker):
    html = linker.link_html("<p>&lt;img src=x onerror=alert(1)&gt; lead</p>")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_links_added_by_the_author_keep_their_attributes(linker):
    html = link(linker, "[site](https://example.com) then lead")
    assert '<a href="https://example.com" rel="noopener noreferrer">site</a>' in html


def test_one_character_names_are_not_linked(linker):
    assert "<a " not in link(linker, "Plan X is good.")


def test_lists_tables_and_line_breaks_keep_their_structure(linker):
    html = link(linker, "- a lead\n- an SQL\n\n| a | b |\n|---|---|\n| MQL | x |")
    assert html.count("<li>") == 2 and "<table>" in html and html.count("term-link") == 3


def test_empty_input_and_no_targets():
    assert TermLinker([]).link_html("<p>lead</p>") == "<p>lead</p>"
    assert TermLinker(TARGETS).link_html("") == ""


def test_plain_text_helpers():
    assert markdown_to_text("# Title\n\nA **bold** [link](http://x) in lead_score.\n\n- item") == \
        "Title A bold link in lead_score. item"
    assert first_sentence("An MQL is a lead. Sales accepts it.") == "An MQL is a lead."
    assert first_sentence("x" * 300).endswith("…") and len(first_sentence("x" * 300)) == 200
    assert html_to_text("<p>a &amp; b</p><ul><li>c</li></ul>") == "a & b c"


@pytest.mark.parametrize("markdown, text", [
    ("Score 2 * 3, or *x*", "Score 2 * 3, or x"),  # a lone asterisk is text, as the page shows it
    ("Fish &amp; chips <b>now</b>", "Fish & chips now"),
    ("A line\n- not a list without a blank line", "A line - not a list without a blank line"),
    ("`code_name` and __strong__", "code_name and strong"),
])
def test_plain_text_is_what_the_rendered_page_shows(markdown, text):
    assert markdown_to_text(markdown) == text
    assert html_to_text(render_markdown_html(markdown)) == text


# --- Thai: no spaces between words, so mentions are found by ICU's words (app/text.py) ---------

THAI_TARGETS = [
    LinkTarget("target-customer", ("ลูกค้าเป้าหมาย",), "/terms/target-customer", "ลูกค้าที่เราตั้งใจขายให้"),
    LinkTarget("sales-team", ("ฝ่ายขาย",), "/terms/sales-team", "ทีมที่ปิดการขาย"),
    LinkTarget("mql", ("Marketing Qualified Lead", "MQL", "ลีดที่ผ่านการคัดกรอง"), "/terms/mql", "A lead."),
    LinkTarget("lead", ("Lead", "ลีด"), "/terms/lead", "Someone who gave us their details."),
    LinkTarget("spaced", ("ส่งต่อ เอกสาร",), "/terms/spaced", "A name written with a space."),
]


@pytest.fixture(scope="module")
def thai_linker():
    return TermLinker(THAI_TARGETS)


def test_a_thai_term_is_linked_inside_unspaced_thai_text(thai_linker):
    html = thai_linker.link_html("<p>ทีมขายติดตามลูกค้าเป้าหมายทุกราย</p>")
    assert html == ('<p>ทีมขายติดตาม<a href="/terms/target-customer" class="term-link" '
                    'title="ลูกค้าที่เราตั้งใจขายให้">ลูกค้าเป้าหมาย</a>ทุกราย</p>')


def test_a_thai_mention_must_end_where_a_word_ends(thai_linker):
    # ICU reads ฝ่าย|ขายส่ง|ต่อ here (ขายส่ง, wholesale): ฝ่ายขาย would end inside a word.
    assert "<a " not in thai_linker.link_html("<p>ฝ่ายขายส่งต่อเอกสาร</p>")
    html = thai_linker.link_html("<p>ทีมการตลาดส่งลีดให้ฝ่ายขายภายในสองวัน</p>")
    assert '>ฝ่ายขาย</a>ภายใน' in html and '>ลีด</a>ให้' in html


def test_a_thai_mention_must_start_where_a_word_starts():
    linker = TermLinker([LinkTarget("slope", ("ลาด",), "/terms/slope", "A slope.")])
    assert "<a " not in linker.link_html("<p>ทีมการตลาดส่งลีด</p>")  # ทีม|การ|ตลาด|…: ลาด is inside ตลาด
    assert 'href="/terms/slope"' in linker.link_html("<p>ถนนลาดลงเขา</p>")


def test_the_longest_thai_phrase_wins_over_its_first_word(thai_linker):
    html = thai_linker.link_html("<p>ทุกลีดที่ผ่านการคัดกรองต้องติดต่อภายในหนึ่งวัน</p>")
    assert '<a href="/terms/mql" class="term-link" title="A lead.">ลีดที่ผ่านการคัดกรอง</a>' in html
    assert 'href="/terms/lead"' not in html


def test_a_space_in_a_thai_name_is_optional_in_the_text(thai_linker):
    assert 'href="/terms/spaced"' in thai_linker.link_html("<p>ฝ่ายบัญชีส่งต่อเอกสารทุกวัน</p>")
    assert 'href="/terms/spaced"' in thai_linker.link_html("<p>ฝ่ายบัญชีส่งต่อ เอกสารทุกวัน</p>")


def test_thai_and_english_mentions_in_one_text_link_once_each(thai_linker):
    html = thai_linker.link_html("<p>Every ลูกค้าเป้าหมาย is a lead; ลีด และ MQL ที่ลูกค้าเป้าหมายส่งมา</p>")
    assert html.count('href="/terms/target-customer"') == 1 and html.count('href="/terms/lead"') == 1
    assert '>MQL</a>' in html


def test_a_thai_term_never_links_to_itself(thai_linker):
    assert "<a " not in thai_linker.link_html("<p>ลูกค้าเป้าหมายคือใคร</p>", "target-customer")
