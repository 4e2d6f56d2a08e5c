"""Thai glossary search on the real index of each database: every word found, no single-letter
matches, whole-cluster highlights, ranking in both languages, dictionary order and letter groups."""
import html
import re

import pytest

from app.glossary.index import ensure_search_index
from app.glossary.search import search_terms
from app.text import graphemes, word_spans, words
from tests.factories import make_entry, make_published

# One entry in each section, named as the section is called in Thai.
SECTION_NAMES = [
    ("commitments", "th-commitments", "ข้อผูกพันระหว่างทีม", "สิ่งที่ทีมการตลาดและทีมขายสัญญาว่าจะทำให้กัน พร้อมเป้าที่วัดผลได้"),
    ("icp", "th-icp", "โปรไฟล์ลูกค้าในอุดมคติ", "ลักษณะของบริษัทที่เหมาะกับสินค้าของเราที่สุด"),
    ("personas", "th-personas", "เพอร์โซนาผู้ซื้อ", "ภาพตัวแทนของคนในบริษัทเป้าหมายที่มีส่วนในการซื้อ"),
    ("buyer_journey", "th-buyer-journey", "เส้นทางของผู้ซื้อ", "ช่วงรับรู้ พิจารณา และตัดสินใจ ว่าผู้ซื้อสนใจอะไรในแต่ละช่วง"),
    ("lifecycle_stages", "th-lifecycle", "ขั้นตอนวงจรชีวิตลูกค้า", "ตั้งแต่ผู้ติดตามจนเป็นลูกค้า ขั้นที่ใช้สั่งงานระบบอัตโนมัติ"),
    ("lead_types", "th-lead-types", "ประเภทลีด", "ลีดแต่ละแบบที่เดินคนละเส้นทางตามสินค้าหรือบริการ"),
    ("deal_stages", "th-deal-stages", "ขั้นตอนของดีล", "ไปป์ไลน์ตั้งแต่สำรวจความต้องการจนปิดดีล"),
    ("lead_statuses", "th-lead-statuses", "สถานะลีด", "แบ่งกลุ่มลีดและกำหนดเส้นทางการบ่มเพาะที่ทั้งสองทีมเห็นตรงกัน"),
    ("lead_scoring", "th-lead-scoring", "การให้คะแนนลีด", "กฎบวกหรือหักคะแนน ที่ตัดสินว่าเมื่อไรลีดพร้อมส่งให้ฝ่ายขาย"),
    ("connect_attempts", "th-connect-attempts", "ความพยายามติดต่อ", "ลำดับการโทรและอีเมลที่ทีมขายทำกับลีดที่ได้รับมา"),
    ("terms", "th-other-terms", "คำศัพท์อื่น", "คำที่ทั้งสองทีมใช้ร่วมกันนอกเหนือจากหมวดอื่น"),
]

TERMS = [
    ("th-mql", "ลีดที่ผ่านการคัดกรองทางการตลาด", "ลีดที่ทีมการตลาดดูแลจนพร้อมส่งต่อให้ทีมขาย"),
    ("th-sql", "ลีดที่ฝ่ายขายรับแล้ว", "ลีดที่ทีมขายตรวจแล้วและกำลังติดตามเพื่อปิดการขาย"),
    ("th-funnel", "กรวยการขาย", "ภาพรวมของลูกค้าตั้งแต่รู้จักแบรนด์จนถึงตัดสินใจซื้อ"),
    ("th-lead-score", "คะแนนลีด", "คะแนนที่ลีดได้จากความเหมาะสมและการมีส่วนร่วม"),
    ("th-buyer", "ผู้ซื้อ", "คนที่ตัดสินใจจ่ายเงินในบริษัทลูกค้า"),
    ("th-target", "ลูกค้าเป้าหมาย", "บริษัทที่ตรงกับโปรไฟล์ที่ทีมตกลงกันไว้"),
    ("th-handover", "การส่งต่อลีด", "ช่วงที่ทีมการตลาดส่งลีดให้ทีมขายติดตาม"),
    ("th-follow-up", "การติดตามลูกค้า", "ทีมขายโทรหรือส่งอีเมลหาลูกค้าภายในสองวันทำการ"),
    ("th-conversion", "อัตราการเปลี่ยนเป็นลูกค้า", "สัดส่วนของลีดที่กลายเป็นลูกค้าที่จ่ายเงินจริง"),
    ("th-pipeline", "ไปป์ไลน์การขาย", "ดีลทั้งหมดที่ทีมขายดูแลอยู่ในแต่ละขั้น"),
    ("th-won", "ปิดการขายได้", "ลูกค้าเซ็นสัญญาและจ่ายเงินงวดแรกแล้ว"),
    ("th-lost", "ปิดการขายไม่ได้", "ลูกค้าเลือกคู่แข่งหรือยกเลิกโครงการไป"),
    ("th-nurture", "การบ่มเพาะลีด", "ส่งเนื้อหาที่มีประโยชน์ให้ลีดจนพร้อมคุยกับฝ่ายขาย"),
    ("th-response", "เวลาตอบกลับ", "เวลาตั้งแต่ได้รับลีดจนถึงการติดต่อครั้งแรก"),
    ("th-decision", "ผู้มีอำนาจตัดสินใจ", "คนที่อนุมัติงบประมาณในการซื้อครั้งนี้"),
    ("th-budget", "งบประมาณ", "เงินที่ลูกค้าตั้งไว้สำหรับโครงการ"),
    ("th-campaign", "แคมเปญการตลาด", "กิจกรรมการตลาดที่มีเป้าหมายและระยะเวลาชัดเจน"),
    ("th-landing", "หน้าแลนดิ้งเพจ", "หน้าเว็บที่ลีดกรอกแบบฟอร์มเพื่อดาวน์โหลดเนื้อหา"),
    ("th-quota", "เป้ายอดขาย", "ยอดขายที่พนักงานขายแต่ละคนต้องทำให้ได้ในแต่ละไตรมาส"),
    ("th-churn", "การยกเลิกบริการ", "ลูกค้าหยุดใช้บริการหรือไม่ต่อสัญญา"),
    ("th-upsell", "การขายเพิ่ม", "เสนอแพ็กเกจที่สูงกว่าให้ลูกค้าเดิม"),
    ("th-demo", "การสาธิตสินค้า", "ทีมขายนำเสนอสินค้าให้ลูกค้าดูแบบสด"),
    ("th-proposal", "ใบเสนอราคา", "เอกสารราคาและเงื่อนไขที่ส่งให้ลูกค้าพิจารณา"),
    ("th-contract", "สัญญาบริการ", "ข้อตกลงที่ลูกค้าลงนามก่อนเริ่มใช้บริการ"),
    ("th-journey", "เส้นทางของลูกค้า", "ทุกจุดที่ลูกค้าเจอแบรนด์ของเราก่อนและหลังซื้อ"),
    ("th-contact-rate", "อัตราการติดต่อสำเร็จ", "สัดส่วนของลีดที่ทีมขายได้คุยด้วยจริง"),
    ("th-discovery", "การโทรสำรวจความต้องการ", "สายแรกที่ทีมขายถามปัญหาและงบของลูกค้า"),
    ("th-attribution", "แหล่งที่มาของลีด", "ช่องทางที่ทำให้ลีดรู้จักเราเป็นครั้งแรก"),
    ("th-renewal", "การต่อสัญญา", "ลูกค้าเดิมตกลงใช้บริการต่ออีกหนึ่งปี"),
    ("th-meeting", "นัดประชุมสำเร็จ", "ลีดตอบรับนัดคุยกับทีมขายในปฏิทินแล้ว"),
    ("th-service-level", "ข้อตกลงระดับการให้บริการ", "เอกสารที่ทีมการตลาดและทีมขายเซ็นร่วมกัน"),
    ("th-score-rule", "กฎการให้คะแนน", "เงื่อนไขที่บวกคะแนนลีดเมื่อเปิดอีเมลหรือเข้าชมเว็บ"),
]

ENGLISH = [
    ("mql", "Marketing Qualified Lead", "A lead that marketing hands to sales.", ["MQL"]),
    ("mql-volume", "Monthly MQL volume", "How many MQLs marketing hands over each month.", []),
    ("lead", "Lead", "Someone who gave us their details.", []),
    ("lead-source", "Lead source", "Where a lead came from.", []),
]


def corpus_entries() -> list:
    entries = [make_entry(section, key, name, definition=definition)
               for section, key, name, definition in SECTION_NAMES]
    entries += [make_entry("terms", key, name, definition=definition) for key, name, definition in TERMS]
    entries += [make_entry("terms", key, name, definition=definition, synonyms=synonyms)
                for key, name, definition, synonyms in ENGLISH]
    return entries


ALL_THAI = [(key, name, definition) for _section, key, name, definition in SECTION_NAMES] + TERMS


@pytest.fixture
def corpus(app):
    version = make_published(corpus_entries())
    ensure_search_index()
    return version


def found(query: str) -> list[str]:
    return [hit.key for hit in search_terms(query, limit=1000)[0]]


def test_the_corpus_is_thai_and_big_enough():
    assert len(SECTION_NAMES) >= 10 and len(TERMS) >= 30
    positions = {"start", "middle", "end"}
    seen = set()
    for _key, name, _definition in ALL_THAI:
        parts = words(name)
        assert "".join(parts) == name.replace(" ", "")  # the breaker loses nothing
        seen |= {"start"} | ({"middle"} if len(parts) > 2 else set()) | ({"end"} if len(parts) > 1 else set())
    assert seen == positions


def test_every_word_of_every_name_is_found_alone(corpus):
    """Each word of a name, searched on its own, finds that term: whether it starts, ends or
    sits inside the name."""
    missing = [(key, word) for key, name, _definition in ALL_THAI for word in words(name) if key not in found(word)]
    assert missing == []


def test_every_word_of_every_definition_is_found_alone(corpus):
    missing = [(key, word) for key, _name, definition in ALL_THAI for word in words(definition)
               if key not in found(word)]
    assert missing == []


def test_whole_names_and_two_word_pieces_are_found(corpus):
    for key, name, _definition in ALL_THAI:
        assert key in found(name), name
        parts = words(name)
        for first, second in zip(parts, parts[1:]):
            assert key in found(first + second), (name, first + second)


@pytest.mark.parametrize("query, key", [
    ("การตลาด", "th-mql"),           # in the middle of ลีดที่ผ่านการคัดกรองทางการตลาด
    ("ขาย", "th-funnel"),            # the end of กรวยการขาย
    ("กรวย", "th-funnel"),           # its start
    ("ลูกค้า", "th-follow-up"),
    ("ลูก", "th-follow-up"),         # typed so far
    ("ผู้ซื้อ", "th-buyer"),
    ("ซื้อ", "th-buyer"),
    ("โปรไฟล์", "th-icp"),
    ("เส้นทาง", "th-journey"),
])
def test_thai_words_inside_names_are_found(corpus, query, key):
    assert key in found(query)


@pytest.mark.parametrize("consonant", [chr(code) for code in range(0x0E01, 0x0E2F)])
def test_a_single_thai_consonant_matches_no_term(corpus, consonant):
    assert search_terms(consonant) == ([], 0)


@pytest.mark.parametrize("query", ["ลี", "ที", "ก่", "เ"])
def test_one_character_cluster_is_not_a_prefix(corpus, query):
    """A cluster of a consonant with its marks is not a prefix of every word starting so."""
    assert found(query) == []


MARK = re.compile(r"<mark>(.*?)</mark>")


def marked_spans(markup: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text of highlighted HTML and where its marks are in it."""
    plain, spans, done = [], [], 0
    for match in MARK.finditer(markup):
        plain.append(html.unescape(markup[done:match.start()]))
        start = len("".join(plain))
        plain.append(html.unescape(match.group(1)))
        spans.append((start, len("".join(plain))))
        done = match.end()
    plain.append(html.unescape(markup[done:]))
    return "".join(plain), spans


def cluster_boundaries(value: str) -> set[int]:
    offsets, position = {0}, 0
    for cluster in graphemes(value):
        position += len(cluster)
        offsets.add(position)
    return offsets


def test_highlights_never_split_a_character_cluster(corpus):
    for _key, name, _definition in ALL_THAI:
        for word in words(name):
            for hit in search_terms(word, limit=1000)[0]:
                for markup, value in ((hit.name_html, hit.name), (hit.snippet_html, None)):
                    plain, spans = marked_spans(str(markup))
                    if value is not None:
                        assert plain == value
                    bounds = cluster_boundaries(plain)
                    assert all(s in bounds and e in bounds for s, e in spans)
                    word_starts = {start for start, _end in word_spans(plain)}
                    word_ends = {end for _start, end in word_spans(plain)}
                    assert all(s in word_starts and e in word_ends for s, e in spans), (word, str(markup))


def test_highlight_marks_whole_words():
    from app.glossary.search import highlight
    assert str(highlight("คะแนนลีด", ["ลีด"])) == "คะแนน<mark>ลีด</mark>"
    assert str(highlight("คะแนนลีด", ["ลี"])) == "คะแนนลีด"  # never "คะแนน<mark>ลี</mark>ด"
    assert str(highlight("ลีดที่ผ่านการคัดกรอง", ["กรอง"])) == "ลีดที่ผ่านการคัด<mark>กรอง</mark>"
    assert str(highlight("ทีมขาย <ลูกค้า>", ["ลูก"])) == "ทีมขาย &lt;<mark>ลูกค้า</mark>&gt;"
    assert str(highlight("ลูกค้าเป้าหมาย", ["ลูกค้า", "เป้า", "หมาย"])) == "<mark>ลูกค้าเป้าหมาย</mark>"  # one mark


def test_snippets_are_cut_between_words():
    from app.glossary.search import snippet
    text = "ทีมขายติดตามลูกค้าเป้าหมายทุกราย" * 20
    piece = snippet(text, ["ราย"], width=50)
    inner = piece.removeprefix("… ").removesuffix(" …")
    assert inner and text.index(inner) in cluster_boundaries(text)
    assert words(inner)[0] in words(text) and words(inner)[-1] in words(text)


@pytest.mark.parametrize("query, first, later", [
    ("mql", "mql", "mql-volume"),                 # the key before "Monthly MQL volume"
    ("MQL", "mql", "mql-volume"),                 # and the synonym
    ("marketing qualified lead", "mql", None),
    ("lead", "lead", "lead-source"),
    ("คะแนนลีด", "th-lead-score", "th-lead-scoring"),  # before การให้คะแนนลีด
    ("ผู้ซื้อ", "th-buyer", "th-personas"),             # before เพอร์โซนาผู้ซื้อ
    ("ลูกค้าเป้าหมาย", "th-target", None),
])
def test_an_exact_key_name_or_synonym_comes_first(corpus, query, first, later):
    keys = found(query)
    assert keys[0] == first and (later is None or later in keys)


def test_browsing_lists_thai_in_dictionary_order_under_thai_letters(corpus, login_as):
    page = login_as("reader").get("/glossary").get_data(as_text=True)
    order = [page.index(f">{name}</a>") for name in ("Lead", "Marketing Qualified Lead", "กรวยการขาย",
                                                     "คะแนนลีด", "โปรไฟล์ลูกค้าในอุดมคติ", "เส้นทางของลูกค้า")]
    assert order == sorted(order)
    nav = page.split('aria-label="Letters"')[1].split("</nav>")[0]
    assert 'href="#letter-ก"' in nav and 'href="#letter-ป"' in nav and 'href="#letter-ส"' in nav
    assert ">ฮ<" not in nav  # Thai letters with no term are left out; A–Z are all listed
    assert ">Z<" in nav and nav.index(">Z<") < nav.index('href="#letter-ก"')
    group = page.split('<h2 id="letter-ป">')[1].split("</section>")[0]
    assert "โปรไฟล์ลูกค้าในอุดมคติ" in group and "ไปป์ไลน์การขาย" in group and "เป้ายอดขาย" in group
    group = page.split('<h2 id="letter-ส">')[1].split("</section>")[0]
    assert "เส้นทางของลูกค้า" in group and "สัญญาบริการ" in group


@pytest.mark.parametrize("hx", [False, True])
def test_one_thai_letter_at_a_time(corpus, login_as, hx):
    headers = {"HX-Request": "true"} if hx else {}
    response = login_as("reader").get("/glossary?letter=ป", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "โปรไฟล์ลูกค้าในอุดมคติ" in page and "กรวยการขาย" not in page


@pytest.mark.parametrize("hx", [False, True])
def test_the_search_page_finds_thai_words(corpus, login_as, hx):
    headers = {"HX-Request": "true"} if hx else {}
    page = login_as("reader").get("/glossary", query_string={"q": "การตลาด"}, headers=headers).get_data(as_text=True)
    assert "ลีดที่ผ่าน<mark>การ</mark>คัดกรองทางการ<mark>ตลาด</mark>" in page
    assert "<mark>ตลาด</mark>" in page and "ลี</mark>" not in page
