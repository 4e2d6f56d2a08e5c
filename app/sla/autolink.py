"""Mentions of glossary terms in rendered definitions become links to those terms.

Works on sanitised HTML: it is tokenised with html.parser, only text outside links, code,
pre and headings is looked at, and everything written back is escaped again, so the output
is as safe as the input. Matching is case-insensitive, longest phrase first; each term is
linked at its first mention only, and a term never links to itself.

Whole words only, by the words of app/text.py (ICU's dictionary in Thai, which has no spaces):
a mention starts where a word of the text starts and ends where a word of the text ends, and
touches no underscore (lead_score is one identifier). Between those edges the text's words,
written together, must spell the phrase's: ลูกค้าเป้าหมาย is found in ทีมขายติดตามลูกค้าเป้าหมายทุกราย
(…|ติดตาม|ลูกค้า|เป้า|หมาย|ทุก|…) whichever way the phrase alone is cut, while ฝ่ายขาย is not found
in ฝ่ายขายส่งต่อ, where ICU reads ฝ่าย|ขายส่ง (wholesale): the mention would end inside a word.
"""
import re
import unicodedata
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from app.markdown import markdown_to_text
from app.text import needs_dictionary, word_spans

# Between the words of a name, any run of spaces or dashes matches any other such run.
SEPARATOR = re.compile(r"[\s\-\u2010-\u2015]+")
SKIPPED_TAGS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "meta", "link", "source"})
MIN_PHRASE_LENGTH = 2
TITLE_MAX = 200

Span = tuple[int, int]


@dataclass(frozen=True)
class LinkTarget:
    """A term that mentions may link to: its key, the phrases that name it, its page and its definition."""
    key: str
    phrases: tuple[str, ...]
    href: str
    definition: str = ""  # Markdown source; its first sentence is the link's title

    @property
    def title(self) -> str:
        """The first sentence of the definition as plain text (worked out only for terms linked)."""
        return first_sentence(markdown_to_text(self.definition)) or (self.phrases[0] if self.phrases else self.key)


def _gap(text: str) -> str:
    """What separates two words, normalised: any run of spaces and dashes is one space."""
    stripped = text.strip()
    if not stripped or SEPARATOR.fullmatch(stripped):
        return " "
    return "".join(stripped.split()).casefold()


# Connector punctuation (_ and its kin) joins words into one identifier: no mention begins or ends at one.
CONNECTORS = frozenset(chr(code) for code in range(0x10000) if unicodedata.category(chr(code)) == "Pc")


@dataclass(frozen=True)
class _Phrase:
    """A phrase as the runs of words written together (chunks) and the gaps between them, so
    matching needs no regex of its own and does not depend on how the phrase alone is cut."""
    chunks: tuple[str, ...]
    gaps: tuple[str, ...]
    suffix: str  # punctuation the phrase ends with, e.g. the ")" of "SQL (sales qualified lead)"
    size: int
    target: LinkTarget
    # Looked up by first letter, not first word: the text may cut a Thai first chunk into other
    # words than the phrase alone is cut into (a first word in Latin script is always the same).
    by_letter: bool

    @classmethod
    def parse(cls, phrase: str, target: LinkTarget) -> "_Phrase | None":
        phrase = phrase.strip()
        spans = word_spans(phrase)
        if len(phrase) < MIN_PHRASE_LENGTH or not spans or spans[0][0] != 0:
            return None
        chunks, gaps, run_start = [], [], 0
        for (_, end), (start, _) in zip(spans, spans[1:]):
            if start != end:
                chunks.append(phrase[run_start:end].casefold())
                gaps.append(_gap(phrase[end:start]))
                run_start = start
        chunks.append(phrase[run_start:spans[-1][1]].casefold())
        suffix = "".join(phrase[spans[-1][1]:].split()).casefold()
        return cls(tuple(chunks), tuple(gaps), suffix, len(phrase), target, needs_dictionary(chunks[0]))

    def match(self, text: str, spans: list[Span], i: int) -> int | None:
        """Where a mention of this phrase starting at spans[i] ends in `text`, or None."""
        # Found by its first word, that word is its first chunk already; found by its first
        # letter, the text must at least start with it (casefolding never shortens) before its words are spelled.
        if not self.by_letter:
            j = i + 1
        elif text[spans[i][0]:spans[i][0] + len(self.chunks[0])].casefold().startswith(self.chunks[0]):
            j = _spelled(text, spans, i, self.chunks[0])
        else:
            return None
        for k in range(1, len(self.chunks)):
            if j is None or j >= len(spans):
                return None
            following = _spelled(text, spans, j, self.chunks[k])
            if following is None or _gap(text[spans[j - 1][1]:spans[j][0]]) != self.gaps[k - 1]:
                return None
            j = following
        if j is None:
            return None
        end = spans[j - 1][1]
        if self.suffix:
            if text[end:end + len(self.suffix)].casefold() != self.suffix:
                return None
            end += len(self.suffix)
            if j < len(spans) and spans[j][0] == end:
                return None
        return None if text[end:end + 1] in CONNECTORS else end


def _spelled(text: str, spans: list[Span], j: int, chunk: str) -> int | None:
    """The index after the words from spans[j] on, written together, that spell `chunk`
    exactly (so it ends where a word ends), or None."""
    built = text[spans[j][0]:spans[j][1]].casefold()
    j += 1
    while len(built) < len(chunk) and j < len(spans) and spans[j][0] == spans[j - 1][1]:
        built += text[spans[j][0]:spans[j][1]].casefold()
        j += 1
    return j if built == chunk else None


class TermLinker:
    """Finds term mentions in text by their first word (a Thai one by its first letter), then
    tries that word's phrases longest first."""

    def __init__(self, targets):
        by_word: dict[str, list[_Phrase]] = {}
        by_letter: dict[str, list[_Phrase]] = {}
        for target in targets:
            for phrase in dict.fromkeys(p.strip() for p in target.phrases if p):
                parsed = _Phrase.parse(phrase, target)
                if parsed is None:
                    continue
                if parsed.by_letter:
                    by_letter.setdefault(parsed.chunks[0][0], []).append(parsed)
                else:
                    by_word.setdefault(parsed.chunks[0], []).append(parsed)
        for options in (*by_word.values(), *by_letter.values()):
            options.sort(key=_longest_first)
        self._by_word, self._by_letter = by_word, by_letter

    def link_html(self, html: str, self_key: str | None = None) -> str:
        """The HTML with the first mention of each other term wrapped in a link to it."""
        if not html or not (self._by_word or self._by_letter):
            return html or ""
        rewriter = _Rewriter(self, self_key)
        rewriter.feed(html)
        rewriter.close()
        return "".join(rewriter.out)

    def link_text(self, text: str, self_key: str | None, linked: set[str]) -> str:
        """Plain text to escaped HTML with links; `linked` holds the keys already linked."""
        out, cursor = [], 0
        spans = word_spans(text)
        by_word, by_letter = self._by_word, self._by_letter
        for i, (start, stop) in enumerate(spans):
            if start < cursor:
                continue
            word = text[start:stop].casefold()
            options = by_word.get(word)
            if by_letter and word[0] in by_letter:
                by_first_letter = by_letter[word[0]]
                options = sorted((*options, *by_first_letter), key=_longest_first) if options else by_first_letter
            if options is None or text[start - 1:start] in CONNECTORS:
                continue  # most words start no phrase
            end, target = _match_at(text, spans, i, options)
            if target is None:
                continue
            mention = text[start:end]
            out.append(escape(text[cursor:start], quote=False))
            if target.key == self_key or target.key in linked:
                out.append(escape(mention, quote=False))
            else:
                linked.add(target.key)
                out.append(f'<a href="{escape(target.href)}" class="term-link" '
                           f'title="{escape(target.title)}">{escape(mention, quote=False)}</a>')
            cursor = end
        out.append(escape(text[cursor:], quote=False))
        return "".join(out)


def _match_at(text: str, spans: list[Span], i: int, options: list[_Phrase]):
    """The end and target of the first of `options` (longest first) mentioned from spans[i] on."""
    for phrase in options:
        end = phrase.match(text, spans, i)
        if end is not None:
            return end, phrase.target
    return None, None


def _longest_first(phrase: _Phrase) -> int:
    return -phrase.size


class _Rewriter(HTMLParser):
    """Copies sanitised HTML through, linking term mentions in the text it may touch."""

    def __init__(self, linker: TermLinker, self_key: str | None):
        super().__init__(convert_charrefs=True)
        self.linker, self.self_key = linker, self_key
        self.out: list[str] = []
        self.open_tags: list[str] = []
        self.linked: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.open_tags:
            del self.open_tags[len(self.open_tags) - 1 - self.open_tags[::-1].index(tag):]

    def handle_data(self, data):
        if SKIPPED_TAGS.intersection(self.open_tags):
            self.out.append(escape(data, quote=False))
        else:
            self.out.append(self.linker.link_text(data, self.self_key, self.linked))


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"):
            self.parts.append(" ")


def html_to_text(html: str) -> str:
    """The text of an HTML fragment, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    return " ".join("".join(collector.parts).split())


SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str, limit: int = TITLE_MAX) -> str:
    """The first sentence of plain text, cut at `limit` characters."""
    sentence = SENTENCE_END.split(text.strip(), maxsplit=1)[0] if text else ""
    return sentence if len(sentence) <= limit else sentence[:limit - 1].rstrip() + "…"
