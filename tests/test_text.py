"""The one text module: Thai cut into dictionary words, whole character clusters, dictionary order, letter groups."""
import pytest

from app.text import (boundary_after, boundary_before, graphemes, letter_group, search_text, sort_key, tokens,
                      word_spans, words)


@pytest.mark.parametrize("text, expected", [
    ("ผู้ซื้อ", ["ผู้", "ซื้อ"]),                      # never ผ / ซ / อ
    ("กรวยการขาย", ["กรวย", "การ", "ขาย"]),
    ("ลีดที่ผ่านการคัดกรองทางการตลาด", ["ลีด", "ที่", "ผ่าน", "การ", "คัด", "กรอง", "ทางการ", "ตลาด"]),
    ("หน้าเว็บที่ลีดกรอกแบบฟอร์ม", ["หน้า", "เว็บ", "ที่", "ลีด", "กรอก", "แบบ", "ฟอร์ม"]),  # loanwords kept whole
    ("บริการที่ดีลูกค้าพอใจ", ["บริการ", "ที่", "ดี", "ลูกค้า", "พอใจ"]),  # ดี + ลูกค้า, not ดีล
    ("Marketing Qualified Lead (MQL)", ["Marketing", "Qualified", "Lead", "MQL"]),
    ("hand-off, it's 3.5", ["hand", "off", "it", "s", "3", "5"]),
    ("😀ลีด😀 Café", ["ลีด", "Café"]),                 # offsets right after characters outside the BMP
    ("", []),
    (None, []),
])
def test_words(text, expected):
    assert words(text) == expected


def test_a_lone_consonant_joins_a_neighbouring_word():
    assert "จ" not in words("เสนอแพ็กเกจที่สูงกว่า")
    assert "".join(words("เสนอแพ็กเกจที่สูงกว่า")) == "เสนอแพ็กเกจที่สูงกว่า"


def test_search_text_adds_thai_words_written_together():
    indexed = search_text("ประเภทลีด Lead-Score").split()
    assert {"ประเภท", "ลีด", "ประเภทลีด", "lead", "score"} <= set(indexed)
    assert "leadscore" not in indexed  # Latin words are never joined


def test_graphemes_keep_marks_on_their_letter():
    assert graphemes("ผู้ซื้อ") == ["ผู้", "ซื้", "อ"]
    assert graphemes("คะแนนลีด")[5] == "ลี"


def test_boundaries_never_cut_inside_a_word():
    text = "ทีมขายติดตามลูกค้าเป้าหมาย"
    starts = {start for start, _ in word_spans(text)} | {len(text)}
    for index in range(len(text) + 1):
        assert boundary_before(text, index) in starts and boundary_before(text, index) <= index
        assert boundary_after(text, index) in starts and boundary_after(text, index) >= index


def test_sort_key_is_thai_dictionary_order_after_latin():
    names = ["เส้นทางของลูกค้า", "Zebra", "ฮาร์ดแวร์", "lead", "โปรไฟล์ลูกค้า", "กรวยการขาย", "Account",
             "ก้อน", "อัตรา", "กอ", "Émile", "คะแนนลีด", "ก่อน"]
    assert sorted(names, key=sort_key) == [
        "Account", "Émile", "lead", "Zebra", "กรวยการขาย", "กอ", "ก่อน", "ก้อน", "คะแนนลีด", "โปรไฟล์ลูกค้า",
        "เส้นทางของลูกค้า", "อัตรา", "ฮาร์ดแวร์"]
    assert sort_key("x" * 500) and len(sort_key("x" * 500)) <= 200


@pytest.mark.parametrize("name, letter", [
    ("โปรไฟล์ลูกค้า", "ป"), ("เส้นทาง", "ส"), ("ไปป์ไลน์", "ป"), ("แคมเปญ", "ค"), ("ใบเสนอราคา", "บ"),
    ("กรวยการขาย", "ก"), ("ฮาร์ดแวร์", "ฮ"), ("อัตรา", "อ"),
    ("mql", "M"), ("Émile", "E"), ("  zebra", "Z"), ("“Lead”", "L"),
    ("123 leads", "#"), ("๑๒๓", "#"), ("Ωmega", "#"), ("", "#"), ("เ", "#"),
])
def test_letter_group(name, letter):
    assert letter_group(name) == letter


@pytest.mark.parametrize("text", [
    "Marketing Qualified Lead (MQL)", "hand-off, it's 3.5", "snake_case and CamelCase9", "a.b.c  x--y",
    "e-mail: sales@example.com, 50% of SQLs in 4h", "  ", "<script>alert(1)</script>", "x" * 300,
    "velocity velocity-based re:velocity", "#1 'quoted' \"twice\" [[lead]] {score_threshold}",
    "… naïve Café — l’homme “quoted” ½ 2² µs 3×4 ÷ ªº", "Ærø Straße œuvre ǅ ʼn", "… ends –",
])
def test_english_words_are_the_words_icu_finds(text):
    """Latin text takes a shortcut past the break iterator; it must find exactly the same words."""
    from app.text import _icu_word_spans

    assert word_spans(text) == _icu_word_spans(text)


@pytest.mark.parametrize("text, expected", [
    ("ทีมขายติดตามลูกค้า", ["ทีม", "ขาย", "ติดตาม", "ลูกค้า"]),
    ("Lead (MQL), 50%", ["Lead", " ", "(", "MQL", ")", ",", " ", "50", "%"]),
    ("ลีด  ใหม่\r\nแล้ว", ["ลีด", "  ", "ใหม่", "\r\n", "แล้ว"]),
    ("a \u0301b", ["a", " \u0301", "b"]),                # a stray accent stays with its space
    ("ok👍🏽!", ["ok", "👍🏽", "!"]),                       # an emoji with its skin tone is one
    ("x\u200dy", ["x\u200d", "y"]),                      # a joiner stays with what it joins
    ("", []),
    (None, []),
])
def test_tokens_are_words_spaces_and_whole_clusters(text, expected):
    assert tokens(text) == expected
    assert "".join(tokens(text)) == (text or "")


@pytest.mark.parametrize("text", [
    "ทีมขายติดตามลูกค้าเป้าหมายทุกราย และส่งต่อให้ฝ่ายการตลาด ภายใน 2 วัน",
    "A lead\u00a0 ที่ผ่านการคัดกรอง  can't wait, 3.5 days \u0301x 😀ลีด\tแล้ว\r\nok",
    "ลีด" + " ".join(["ที่ลีดกรอก"] * 30),
])
def test_boundaries_near_an_index_are_those_of_the_whole_text(text):
    """Boundaries are found in the stretch around the index only; they must be the whole text's."""
    from app.text import _word_segments

    edges = sorted({edge for start, end, _ in _word_segments(text) for edge in (start, end)})
    for index in range(1, len(text)):
        assert boundary_before(text, index) == max(edge for edge in edges if edge <= index)
        assert boundary_after(text, index) == min(edge for edge in edges if edge >= index)
