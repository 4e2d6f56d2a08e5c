"""Mentions of glossary terms in rendered definitions become links to those terms.

Works on sanitised HTML: it is tokenised with html.parser, only text outside links, code,
pre and headings is looked at, and everything written back is escaped again, so the output
is as safe as the input. Matching is case-insensitive, whole words only, longest phrase first;
each term is linked at its first mention only, and a term never links to itself.
"""
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from app.markdown import markdown_to_text

WORD = re.compile(r"\w+")
# Between the words of a name, any run of spaces or dashes matches any other such run.
SEPARATOR = re.compile(r"[\s\-\u2010-\u2015]+")
SKIPPED_TAGS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col", "area", "input", "meta", "link", "source"})
MIN_PHRASE_LENGTH = 2
TITLE_MAX = 200


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


@dataclass(frozen=True)
class _Phrase:
    """A phrase as words and the gaps between them, so matching needs no regex of its own."""
    words: tuple[str, ...]
    gaps: tuple[str, ...]
    suffix: str  # punctuation the phrase ends with, e.g. the ")" of "SQL (sales qualified lead)"
    size: int
    target: LinkTarget

    @classmethod
    def parse(cls, phrase: str, target: LinkTarget) -> "_Phrase | None":
        phrase = phrase.strip()
        words = list(WORD.finditer(phrase))
        if len(phrase) < MIN_PHRASE_LENGTH or not words or words[0].start() != 0:
            return None
        gaps = tuple(_gap(phrase[a.end():b.start()]) for a, b in zip(words, words[1:]))
        suffix = "".join(phrase[words[-1].end():].split()).casefold()
        return cls(tuple(w.group().casefold() for w in words), gaps, suffix, len(phrase), target)

    def match(self, text: str, words: list[re.Match], i: int) -> int | None:
        """Where a mention of this phrase starting at words[i] ends in `text`, or None."""
        n = len(self.words)
        if i + n > len(words):
            return None
        for k in range(1, n):
            if words[i + k].group().casefold() != self.words[k] or \
                    _gap(text[words[i + k - 1].end():words[i + k].start()]) != self.gaps[k - 1]:
                return None
        end = words[i + n - 1].end()
        if self.suffix:
            if text[end:end + len(self.suffix)].casefold() != self.suffix:
                return None
            end += len(self.suffix)
            if end < len(text) and WORD.match(text, end):
                return None
        return end


class TermLinker:
    """Finds term mentions in text by their first word, then tries that word's phrases longest first."""

    def __init__(self, targets):
        candidates: dict[str, list[_Phrase]] = {}
        for target in targets:
            for phrase in dict.fromkeys(p.strip() for p in target.phrases if p):
                parsed = _Phrase.parse(phrase, target)
                if parsed is not None:
                    candidates.setdefault(parsed.words[0], []).append(parsed)
        for options in candidates.values():
            options.sort(key=lambda option: -option.size)
        self._candidates = candidates

    def link_html(self, html: str, self_key: str | None = None) -> str:
        """The HTML with the first mention of each other term wrapped in a link to it."""
        if not html or not self._candidates:
            return html or ""
        rewriter = _Rewriter(self, self_key)
        rewriter.feed(html)
        rewriter.close()
        return "".join(rewriter.out)

    def link_text(self, text: str, self_key: str | None, linked: set[str]) -> str:
        """Plain text to escaped HTML with links; `linked` holds the keys already linked."""
        out, cursor = [], 0
        words = list(WORD.finditer(text))
        for i, word in enumerate(words):
            if word.start() < cursor:
                continue
            end, target = self._match_at(text, words, i)
            if target is None:
                continue
            mention = text[word.start():end]
            out.append(escape(text[cursor:word.start()], quote=False))
            if target.key == self_key or target.key in linked:
                out.append(escape(mention, quote=False))
            else:
                linked.add(target.key)
                out.append(f'<a href="{escape(target.href)}" class="term-link" '
                           f'title="{escape(target.title)}">{escape(mention, quote=False)}</a>')
            cursor = end
        out.append(escape(text[cursor:], quote=False))
        return "".join(out)

    def _match_at(self, text: str, words: list[re.Match], i: int):
        for phrase in self._candidates.get(words[i].group().casefold(), ()):
            end = phrase.match(text, words, i)
            if end is not None:
                return end, phrase.target
        return None, None


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
