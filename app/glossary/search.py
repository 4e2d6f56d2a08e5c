"""Glossary search on the database's own full-text index: FTS5 on SQLite, tsvector on PostgreSQL.

Both indexes hold text already cut into words by app.text (Thai by dictionary, joined by spaces),
and a query is cut the same way. User input never reaches either query language as written: each
word (letters, digits and their marks only) becomes a quoted prefix term, so quotes, operators
(NEAR, AND, *, :, &, !), wildcards (% _) and control characters cannot change the query or make
it fail. A Thai word of one character cluster (ก, ที่) must match a whole word: as a prefix it
would match nearly every Thai term.
Ranking: an exact key, name or synonym first; then terms whose name has every word, then those
matched by a synonym or key, then definitions; within a tier, names starting with the first
word, then relevance, then dictionary order.
"""
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from app import text as thai_text
from app.extensions import db

QUERY_MAX_CHARS = 200
QUERY_MAX_WORDS = 8
WORD_MAX_CHARS = 64
RESULT_LIMIT = 100  # for callers that ask for no other limit (the glossary page pages by 25)
SNIPPET_CHARS = 220

COLUMNS = ("t.id, t.entry_key, t.section, t.team, t.name, t.letter, t.synonyms, "
           "t.definition_text, t.summary, t.deprecated, t.superseded_by")

SQLITE_SEARCH = f"""
WITH matched AS (
  SELECT rowid AS id, bm25(glossary_terms_fts, 10.0, 5.0, 1.0) AS rank
  FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :query
)
SELECT {COLUMNS},
  CASE WHEN lower(t.entry_key) = :exact_key OR lower(t.name) = :exact
            OR instr(char(10) || lower(t.synonyms) || char(10), char(10) || :exact || char(10)) > 0 THEN 0
       ELSE 1 END AS inexact,
  CASE WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :name_query) THEN 0
       WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :alias_query) THEN 1
       ELSE 2 END AS tier,
  count(*) OVER () AS total
FROM matched JOIN glossary_terms AS t ON t.id = matched.id
WHERE 1 = 1 {{filters}}
ORDER BY inexact, tier, lower(substr(t.name, 1, :first_length)) = :first_word DESC, matched.rank, t.sort_name, t.entry_key
LIMIT :limit
"""
PG_SEARCH = f"""
SELECT {COLUMNS},
  CASE WHEN lower(t.entry_key) = :exact_key OR lower(t.name) = :exact
            OR strpos(E'\\n' || lower(t.synonyms) || E'\\n', E'\\n' || :exact || E'\\n') > 0 THEN 0
       ELSE 1 END AS inexact,
  CASE WHEN t.search_vector @@ to_tsquery('simple', :name_query) THEN 0
       WHEN t.search_vector @@ to_tsquery('simple', :alias_query) THEN 1
       ELSE 2 END AS tier,
  count(*) OVER () AS total
FROM glossary_terms AS t
WHERE t.search_vector @@ to_tsquery('simple', :query) {{filters}}
ORDER BY inexact, tier, lower(left(t.name, :first_length)) = :first_word DESC,
         ts_rank(t.search_vector, to_tsquery('simple', :query)) DESC, t.sort_name, t.entry_key
LIMIT :limit
"""


@dataclass
class SearchHit:
    """A term found by search, with what matched marked up for display."""
    key: str
    section: str
    team: str
    name: str
    letter: str
    synonyms: list[str]
    summary: str
    deprecated: bool
    superseded_by: str | None
    tier: int
    name_html: Markup
    key_html: Markup
    synonyms_html: Markup
    snippet_html: Markup


def query_words(query: str | None) -> list[str]:
    """The searchable words of what someone typed, cut as the index is cut: lowercased, deduplicated."""
    words = thai_text.words((query or "")[:QUERY_MAX_CHARS].lower())
    return list(dict.fromkeys(word[:WORD_MAX_CHARS] for word in words))[:QUERY_MAX_WORDS]


def matches_as_prefix(word: str) -> bool:
    """Whether `word` also finds longer words: not a Thai word of a single character cluster (ก, ที่)."""
    return not (thai_text.is_thai(word) and len(thai_text.graphemes(word)) < 2)


def _fts5_queries(words: list[str]) -> dict:
    terms = " ".join(f'"{word}"*' if matches_as_prefix(word) else f'"{word}"' for word in words)
    return {"query": terms, "name_query": f"name : ({terms})",
            "alias_query": f"{{name aliases}} : ({terms})"}


def _tsquery_queries(words: list[str]) -> dict:
    def term(word: str, weights: str = "") -> str:
        return f"'{word}':*{weights}" if matches_as_prefix(word) else f"'{word}'" + (f":{weights}" if weights else "")
    return {"query": " & ".join(term(word) for word in words),
            "name_query": " & ".join(term(word, "A") for word in words),
            "alias_query": " & ".join(term(word, "AB") for word in words)}


def _exact(query: str) -> dict:
    """The whole query as a key, name or synonym would be written, for the exact-match tier."""
    shown = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in query[:QUERY_MAX_CHARS])  # no NUL
    exact = " ".join(shown.split()).lower()
    return {"exact": exact, "exact_key": exact.replace(" ", "-")}


def _filters(section: str | None, team: str | None) -> tuple[str, dict]:
    clauses, params = [], {}
    if section:
        clauses.append("AND t.section = :section")
        params["section"] = section
    if team:
        clauses.append("AND t.team = :team")
        params["team"] = team
    return " ".join(clauses), params


def search_terms(query: str, section: str | None = None, team: str | None = None,
                 limit: int = RESULT_LIMIT) -> tuple[list[SearchHit], int]:
    """The best matches for `query` in the index (at most `limit`), and how many match in all."""
    words = query_words(query)
    if not words:
        return [], 0
    postgres = db.session.get_bind().dialect.name == "postgresql"
    params = _tsquery_queries(words) if postgres else _fts5_queries(words)
    filters, filter_params = _filters(section, team)
    params.update(filter_params, **_exact(query), first_word=words[0], first_length=len(words[0]), limit=limit)
    search_sql = PG_SEARCH if postgres else SQLITE_SEARCH
    rows = db.session.execute(text(search_sql.format(filters=filters)), params).mappings().all()
    total = rows[0]["total"] if rows else 0  # every match, counted by the same query before its LIMIT
    return [_hit(row, words) for row in rows], total


def _hit(row, words: list[str]) -> SearchHit:
    synonyms = [s for s in (row["synonyms"] or "").split("\n") if s]
    return SearchHit(
        key=row["entry_key"], section=row["section"], team=row["team"], name=row["name"],
        letter=row["letter"], synonyms=synonyms, summary=row["summary"],
        deprecated=bool(row["deprecated"]), superseded_by=row["superseded_by"], tier=row["tier"],
        name_html=highlight(row["name"], words), key_html=highlight(row["entry_key"], words),
        synonyms_html=Markup(", ").join(highlight(s, words) for s in synonyms),
        snippet_html=highlight(snippet(row["definition_text"] or "", words), words),
    )


def _marked_spans(value: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words of `value` that a searched word finds are: whole words (or Thai words
    written together, as the index holds them), so a mark never splits a character from its
    vowel or tone marks."""
    lowered = value.lower()
    wanted = [(word, matches_as_prefix(word)) for word in words if word in lowered]
    if not wanted:  # most fields of a hit hold none of the words: no need to cut them
        return []

    if not thai_text.needs_dictionary(value) and len(lowered) == len(value):
        return _marked_simple_spans(lowered, words_spans=thai_text.word_spans(value), wanted=wanted)
    if len(lowered) != len(value):  # lowering moved the offsets: cut the whole value
        return _marked_word_spans(value, wanted)
    # White space always ends a word, so each piece between spaces is cut on its own, and only
    # the pieces holding a searched word are cut at all (a Thai definition is long; cutting all
    # of it by dictionary for every hit was most of a Thai search's time).
    marked = []
    for start, end in _pieces_holding(lowered, [word for word, _ in wanted]):
        marked.extend((start + a, start + b) for a, b in _marked_word_spans(value[start:end], wanted))
    return marked


def _pieces_holding(lowered: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of non-space characters of `lowered` in which one of `words` occurs, in order."""
    found = sorted({index for word in words for index in _occurrences(lowered, word)})
    pieces: list[tuple[int, int]] = []
    for index in found:
        if pieces and index < pieces[-1][1]:
            continue
        start, end = index, index
        while start > 0 and not lowered[start - 1].isspace():
            start -= 1
        while end < len(lowered) and not lowered[end].isspace():
            end += 1
        pieces.append((start, end))
    return pieces


def _occurrences(text: str, word: str):
    index = text.find(word)
    while index >= 0:
        yield index
        index = text.find(word, index + 1)


def _marked_word_spans(value: str, wanted: list[tuple[str, bool]]) -> list[tuple[int, int]]:
    """_marked_spans() by walking the words of `value` (cut by dictionary), and the Thai words written together."""
    def found(start: int, end: int) -> bool:
        candidate = value[start:end].lower()
        return any(candidate.startswith(w) if prefix else candidate == w for w, prefix in wanted)

    spans = thai_text.word_spans(value)
    runs = {}
    for start, end in thai_text.joined_runs(value, spans):
        runs.setdefault(start, []).append(end)
    marked, done = [], 0
    for start, end in spans:
        if start < done:
            continue
        end = next((stop for stop in [end, *runs.get(start, [])] if found(start, stop)), None)
        if end is not None:
            marked.append((start, end))
            done = end
    return marked


def _marked_simple_spans(lowered: str, words_spans: list[tuple[int, int]], wanted) -> list[tuple[int, int]]:
    """_marked_spans() for text without Thai: each place a searched word occurs that starts a word
    and, unless it is a prefix search, ends it too (no word-by-word walk)."""
    word_end = dict(words_spans)
    marked = set()
    for word, prefix in wanted:
        for match in re.finditer(re.escape(word), lowered):
            end = word_end.get(match.start())
            if end is not None and (end == match.end() or (prefix and end > match.end())):
                marked.add((match.start(), end))
    return sorted(marked)


def highlight(value: str, words: list[str]) -> Markup:
    """`value` escaped, with each word that a searched word finds wrapped in <mark>."""
    if not value or not words:
        return escape(value or "")
    value = unicodedata.normalize("NFC", value)
    spans: list[tuple[int, int]] = []
    for start, end in _marked_spans(value, words):  # words marked side by side make one mark
        spans[-1:] = [(spans[-1][0], end)] if spans and spans[-1][1] == start else [*spans[-1:], (start, end)]
    parts, done = [], 0
    for start, end in spans:
        parts.append(escape(value[done:start]))
        parts.append(Markup("<mark>%s</mark>") % value[start:end])
        done = end
    parts.append(escape(value[done:]))
    return Markup("").join(parts)


def snippet(value: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of `value` around the first searched word (its start when none is found), cut at
    word boundaries."""
    if len(value) <= width:
        return value
    spans = _marked_spans(value, words) if words else []
    start = thai_text.boundary_before(value, max(0, (spans[0][0] if spans else 0) - width // 3))
    end = thai_text.boundary_before(value, start + width)
    if end <= start:
        end = thai_text.boundary_after(value, start + width)
    piece = value[start:end]
    return ("… " if start else "") + piece.strip() + (" …" if end < len(value) else "")
