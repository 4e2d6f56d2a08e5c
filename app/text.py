"""Text as words in Thai and English: ICU word breaks, grapheme clusters and collation, in one place.

Thai is written without spaces between words and its vowel and tone marks are combining
characters, so a `\\w+` split cuts it at every mark; everything that splits, matches, highlights,
sorts or truncates text goes through here instead. Offsets returned are Python string indexes.
"""
import functools
import re
import threading
import unicodedata
from typing import Iterator

import icu

LOCALE = icu.Locale("th")  # its rules break Thai by dictionary and every other script by UAX #29
# Thai dictionary order; Latin before Thai, as the letter index lists A–Z before ก–ฮ.
COLLATION_LOCALE = icu.Locale("th@colReorder=latn-thai")
WORD_STATUS_MIN = 100  # ICU rule status of a segment made of letters or digits (below: spaces, punctuation)
LATIN_LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
THAI_LETTERS = tuple(chr(code) for code in range(0x0E01, 0x0E2F))  # ก–ฮ, the 46 consonants in order
LEADING_VOWELS = frozenset("เแโใไ")  # written before the consonant they follow in speech
OTHER_GROUP = "#"
COMPOUND_MAX = 3  # Thai words written together that the index also holds as one
# Thai vowel and tone marks: combining characters that belong to the letter before them.
THAI_MARKS = "\u0E31" + "".join(map(chr, range(0x0E34, 0x0E3B))) + "".join(map(chr, range(0x0E47, 0x0E4F)))

# Thai loanwords of sales and marketing that ICU's dictionary lacks, kept whole when a leading
# vowel is not before them and no vowel or mark that would belong to their last letter follows.
LEXICON = ("ลีด", "ดีล", "ไปป์ไลน์", "แคมเปญ", "แพ็กเกจ", "เพอร์โซนา", "แลนดิ้งเพจ", "อีเมล", "แบรนด์",
           "ฟอร์ม", "คอนเทนต์", "เซลส์", "มาร์เก็ตติ้ง", "ดาวน์โหลด", "เว็บไซต์", "เว็บ", "ออนไลน์", "ดีมานด์")
_LEXICON_PATTERN = re.compile(
    "(?<![\u0E40-\u0E44])(?:" + "|".join(sorted(map(re.escape, LEXICON), key=len, reverse=True)) +
    ")(?![\u0E30-\u0E3A\u0E45\u0E47-\u0E4E])")

_local = threading.local()


def _transliterator() -> icu.Transliterator:
    """This thread's Thai (and any script) to plain ASCII Latin transliterator, as ICU's are not shared."""
    transliterator = getattr(_local, "latin", None)
    if transliterator is None:
        transliterator = _local.latin = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
    return transliterator


def _iterator(kind: str) -> icu.BreakIterator:
    """A break iterator of this thread (ICU iterators keep state, so threads never share one)."""
    iterator = getattr(_local, kind, None)
    if iterator is None:
        create = icu.BreakIterator.createWordInstance if kind == "word" else icu.BreakIterator.createCharacterInstance
        iterator = create(LOCALE)
        setattr(_local, kind, iterator)
    return iterator


def _python_offsets(text: str) -> list[int] | None:
    """Python index of each UTF-16 offset ICU reports, or None when they are the same (no astral characters)."""
    if text.isascii() or max(text) <= "\uffff":
        return None
    offsets = []
    for index, char in enumerate(text):
        offsets.extend([index] * (2 if ord(char) > 0xFFFF else 1))
    offsets.append(len(text))
    return offsets


def _segments(text: str, kind: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, rule status) of each segment of `text` between ICU boundaries of `kind`."""
    if not text:
        return
    iterator = _iterator(kind)
    iterator.setText(text)
    offsets = _python_offsets(text)
    start = iterator.first()
    for end in iterator:
        status = iterator.getRuleStatus() if kind == "word" else 0
        if offsets is None:
            yield start, end, status
        else:
            yield offsets[start], offsets[end], status
        start = end


def _word_segments(text: str) -> Iterator[tuple[int, int, int]]:
    """ICU word segments, except that the words of LEXICON are kept whole: ICU's dictionary lacks
    the loanwords sales and marketing teams write every day (ลีด, ดีล), and cuts the words around
    them wrongly (ที่ลีดกรอก: ที่|ลี|ดก|รอก)."""
    done = 0
    for match in _LEXICON_PATTERN.finditer(text):
        for start, end, status in _segments(text[done:match.start()], "word"):
            yield done + start, done + end, status
        yield match.start(), match.end(), WORD_STATUS_MIN + 100
        done = match.end()
    for start, end, status in _segments(text[done:], "word"):
        yield done + start, done + end, status


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


# Below U+0300 (Latin, with its accented letters) and in General Punctuation (… – “ ”), every word
# is a run of letters, digits and marks: no dictionary is needed to find where it ends.
# Superscripts and fractions (² ½) are left to ICU, which does not join them to a neighbouring digit.
_OTHER_NUMBERS = "".join(re.escape(chr(code)) for code in range(0x0300) if unicodedata.category(chr(code)) == "No")
_SIMPLE_TEXT = re.compile(f"[^\\x00-\\u02ff\\u2000-\\u206f]|[{_OTHER_NUMBERS}]")
_SIMPLE_WORD = re.compile("[" + "".join(re.escape(chr(code)) for code in range(0x0300)
                                        if unicodedata.category(chr(code)) in ("Nd",) or
                                        unicodedata.category(chr(code))[0] in "LM") + "]+")


def needs_dictionary(text: str) -> bool:
    """Whether finding the words of `text` takes ICU (Thai and other scripts), not a pattern."""
    return not text.isascii() and _SIMPLE_TEXT.search(text) is not None  # isascii() is O(1) in CPython


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` is: letters, digits and their marks, cut by dictionary in Thai
    and at word boundaries elsewhere; punctuation inside a segment (it's, 3.5) splits it too."""
    if not needs_dictionary(text):
        # The same words ICU finds, without stepping a break iterator through English text (most
        # of what search highlights).
        return [match.span() for match in _SIMPLE_WORD.finditer(text)]
    return _icu_word_spans(text)


def _icu_word_spans(text: str) -> list[tuple[int, int]]:
    """word_spans() by ICU's break iterator, for any script."""
    spans = []
    for start, end, status in _word_segments(text or ""):
        if status < WORD_STATUS_MIN and not any(_is_word_char(c) for c in text[start:end]):
            continue
        piece_start = None
        for index in range(start, end + 1):
            inside = index < end and _is_word_char(text[index])
            if inside and piece_start is None:
                piece_start = index
            elif not inside and piece_start is not None:
                spans.append((piece_start, index))
                piece_start = None
    return _attach_lone_consonants(text, spans)


def _attach_lone_consonants(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A Thai consonant the breaker left alone inside a run of letters (แพ็ก|เก|จ, from a word
    missing in its dictionary) joins the word before it, or after it: alone it is no word, and
    as one it would match a search for that letter."""
    merged: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(spans):
        if end - start == 1 and text[start] in THAI_LETTERS:
            if merged and merged[-1][1] == start and is_thai(text[merged[-1][0]:start]):
                merged[-1] = (merged[-1][0], end)
                continue
            following = spans[index + 1] if index + 1 < len(spans) else None
            if following and following[0] == end and is_thai(text[following[0]:following[1]]):
                spans[index + 1] = (start, following[1])
                continue
        merged.append((start, end))
    return merged


def words(text: str | None) -> list[str]:
    """The words of `text`, in order (never `\\w+`: Thai is cut by dictionary, marks stay on their letters)."""
    text = unicodedata.normalize("NFC", text or "")
    return [text[start:end] for start, end in word_spans(text)]


_GAP_TOKEN = re.compile(r"\s+|\S")


def tokens(text: str | None) -> list[str]:
    """`text` cut into words, runs of white space and single other characters, which join back
    into it: what a word-level diff compares, so a changed Thai word is one token, never a
    fragment of a cluster nor the whole unspaced run."""
    text = text or ""
    pieces, cursor = [], 0
    for start, end in word_spans(text):
        pieces.extend(_GAP_TOKEN.findall(text, cursor, start))
        pieces.append(text[start:end])
        cursor = end
    pieces.extend(_GAP_TOKEN.findall(text, cursor))
    return pieces if text.isascii() else _whole_clusters(text, pieces)


def _whole_clusters(text: str, pieces: list[str]) -> list[str]:
    """The pieces, each one that would begin inside a grapheme cluster (a stray mark after a
    space, a joiner after a word) joined to the piece before it."""
    starts = {start for start, _, _ in _segments(text, "character")}
    merged: list[str] = []
    position = 0
    for piece in pieces:
        if merged and position not in starts:
            merged[-1] += piece
        else:
            merged.append(piece)
        position += len(piece)
    return merged


def joined_runs(text: str, spans: list[tuple[int, int]], longest: int = COMPOUND_MAX) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of 2 to `longest` Thai words written together: a dictionary word
    is sometimes cut in two in context (ประเภทลีด: ประ|เภท|ลีด) though alone it is one (ประเภท)."""
    thai = [is_thai(text[start:end]) for start, end in spans]  # once per word, not per run tried
    for first in range(len(spans)):
        last = first
        while thai[first] and last + 1 < len(spans) and last + 1 - first < longest \
                and spans[last + 1][0] == spans[last][1] and thai[last + 1]:
            last += 1
            yield spans[first][0], spans[last][1]


def search_text(text: str | None) -> str:
    """`text` as lowercase words joined by spaces, what a full-text index cuts at spaces; Thai words
    written together are added joined too, so a word the breaker cut in context is still found."""
    text = unicodedata.normalize("NFC", (text or "").lower())
    spans = word_spans(text)
    joined = [text[start:end] for start, end in joined_runs(text, spans)]
    return " ".join([text[start:end] for start, end in spans] + joined)


def graphemes(text: str | None) -> list[str]:
    """The user-perceived characters of `text` (a Thai consonant with its vowel and tone marks is one)."""
    text = text or ""
    return [text[start:end] for start, end, _ in _segments(text, "character")]


_THAI = re.compile("[\u0E00-\u0E7F]")


def is_thai(text: str) -> bool:
    return _THAI.search(text) is not None


def boundary_before(text: str, index: int) -> int:
    """The nearest word boundary at or before `index`, so a cut there never splits a word or a cluster."""
    if index <= 0:
        return 0
    start, end = _independent_piece(text, index)
    best = 0
    for segment_start, segment_end, _ in _word_segments(text[start:end]):
        if segment_start > index - start:
            break
        best = segment_start
        if segment_end == index - start:
            best = segment_end
    return start + best


def boundary_after(text: str, index: int) -> int:
    """The nearest word boundary at or after `index`."""
    if index >= len(text):
        return len(text)
    index = max(index, 0)
    start, end = _independent_piece(text, index)
    if start == index > 0:
        return index  # the piece starts there, so a word does
    for _segment_start, segment_end, _ in _word_segments(text[start:end]):
        if segment_end >= index - start:
            return start + segment_end
    return end


def _independent_piece(text: str, index: int) -> tuple[int, int]:
    """The stretch of `text` around `index` between two places where a letter or digit follows
    white space (or the ends): no word rule nor the Thai dictionary looks across such a place,
    so the stretch is cut into words exactly as the whole text is there, without cutting all of
    a long definition to find one boundary near its end."""
    def independent(position: int) -> bool:
        return position < len(text) and text[position - 1].isspace() and text[position].isalnum()

    start = min(index, len(text))
    while start > 0 and not independent(start):
        start -= 1
    end = min(index + 1, len(text))
    while end < len(text) and not independent(end):
        end += 1
    return start, end


@functools.cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(COLLATION_LOCALE)


def sort_key(text: str | None, length: int = 200) -> str:
    """A string whose plain (binary) order is Thai dictionary order, Latin A–Z first: the hex of
    the ICU `th` collation key, cut to `length` (ties after the cut fall back to other columns)."""
    return _collator().getSortKey(unicodedata.normalize("NFC", text or "")).hex()[:length]


def letter_group(name: str | None) -> str:
    """The letter a name is filed under: A–Z, the Thai consonant it starts with (after a leading
    vowel, the consonant that follows it: โปรไฟล์ under ป), or # for digits and anything else."""
    for index, char in enumerate((name or "").strip()):
        if char in LEADING_VOWELS:
            following = name.strip()[index + 1:index + 2]
            return following if following in THAI_LETTERS else OTHER_GROUP
        if char in THAI_LETTERS:
            return char
        base = unicodedata.normalize("NFKD", char)[:1].upper()
        if base in LATIN_LETTERS:
            return base
        if _is_word_char(char):
            return OTHER_GROUP
    return OTHER_GROUP


def letter_order(letter: str) -> tuple[int, str]:
    """Where a letter group is listed: A–Z, then ก–ฮ, then #."""
    if letter in LATIN_LETTERS:
        return 0, letter
    if letter in THAI_LETTERS:
        return 1, letter
    return 2, letter


KEY_MAX = 64  # app/sla/sections.py KEY_PATTERN: ^[a-z0-9][a-z0-9_-]{0,63}$
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def suggest_key(name: str | None) -> str:
    """A key for an entry named `name`: its words in plain Latin letters (Thai by ICU's
    transliteration, ลีดที่ผ่านการคัดกรอง → lid-thi-phan-kar-khad-krxng), lower case, joined by
    dashes, cut at a dash to fit the key pattern; empty when nothing of the name is a letter or digit."""
    latin = _transliterator().transliterate(unicodedata.normalize("NFC", name or "")).lower()
    slug = _NOT_KEY.sub("-", latin).strip("-")
    if len(slug) > KEY_MAX:
        cut = slug.rfind("-", 0, KEY_MAX + 1)
        slug = slug[:cut if cut > 0 else KEY_MAX].rstrip("-")
    return slug
