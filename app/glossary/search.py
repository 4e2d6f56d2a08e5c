"""Glossary search on the database's own full-text index: FTS5 on SQLite, tsvector on PostgreSQL.

User input never reaches either query language as written: it is cut into words of letters and
digits, and each word becomes a quoted prefix term, so quotes, operators (NEAR, AND, *, :, &, !),
wildcards (% _) and control characters cannot change the query or make it fail.
Ranking: terms whose name has every word first, then those matched by a synonym or key, then
definitions; within a tier, names starting with the first word, then relevance, then A–Z.
"""
import functools
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import text

from app.extensions import db

QUERY_MAX_CHARS = 200
QUERY_MAX_WORDS = 8
WORD_MAX_CHARS = 64
RESULT_LIMIT = 100
SNIPPET_CHARS = 220
TOKEN = re.compile(r"[^\W_]+")

COLUMNS = ("t.id, t.entry_key, t.section, t.team, t.name, t.letter, t.synonyms, "
           "t.definition_text, t.summary, t.deprecated, t.superseded_by")

SQLITE_SEARCH = f"""
SELECT {COLUMNS},
  CASE WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :name_query) THEN 0
       WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :alias_query) THEN 1
       ELSE 2 END AS tier
FROM glossary_terms_fts JOIN glossary_terms AS t ON t.id = glossary_terms_fts.rowid
WHERE glossary_terms_fts MATCH :query {{filters}}
ORDER BY tier, substr(t.sort_name, 1, :first_length) = :first_word DESC,
         bm25(glossary_terms_fts, 10.0, 5.0, 1.0), t.sort_name, t.entry_key
LIMIT :limit
"""
SQLITE_COUNT = """
SELECT count(*) FROM glossary_terms_fts JOIN glossary_terms AS t ON t.id = glossary_terms_fts.rowid
WHERE glossary_terms_fts MATCH :query {filters}
"""
PG_SEARCH = f"""
SELECT {COLUMNS},
  CASE WHEN t.search_vector @@ to_tsquery('simple', :name_query) THEN 0
       WHEN t.search_vector @@ to_tsquery('simple', :alias_query) THEN 1
       ELSE 2 END AS tier
FROM glossary_terms AS t
WHERE t.search_vector @@ to_tsquery('simple', :query) {{filters}}
ORDER BY tier, left(t.sort_name, :first_length) = :first_word DESC,
         ts_rank(t.search_vector, to_tsquery('simple', :query)) DESC, t.sort_name, t.entry_key
LIMIT :limit
"""
PG_COUNT = """
SELECT count(*) FROM glossary_terms AS t
WHERE t.search_vector @@ to_tsquery('simple', :query) {filters}
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
    """The searchable words of what someone typed: letters and digits only, lowercased, deduplicated."""
    words = TOKEN.findall((query or "")[:QUERY_MAX_CHARS].lower())
    return list(dict.fromkeys(word[:WORD_MAX_CHARS] for word in words))[:QUERY_MAX_WORDS]


def _fts5_queries(words: list[str]) -> dict:
    terms = " ".join(f'"{word}"*' for word in words)
    return {"query": terms, "name_query": f"name : ({terms})",
            "alias_query": f"{{name aliases}} : ({terms})"}


def _tsquery_queries(words: list[str]) -> dict:
    return {"query": " & ".join(f"'{word}':*" for word in words),
            "name_query": " & ".join(f"'{word}':*A" for word in words),
            "alias_query": " & ".join(f"'{word}':*AB" for word in words)}


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
    params.update(filter_params, first_word=words[0], first_length=len(words[0]), limit=limit)
    search_sql, count_sql = (PG_SEARCH, PG_COUNT) if postgres else (SQLITE_SEARCH, SQLITE_COUNT)
    rows = db.session.execute(text(search_sql.format(filters=filters)), params).mappings().all()
    total = db.session.scalar(text(count_sql.format(filters=filters)), params) if len(rows) >= limit else len(rows)
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


@functools.lru_cache(maxsize=256)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def highlight(value: str, words: list[str]) -> Markup:
    """`value` escaped, with each word starting with a searched word wrapped in <mark>."""
    if not value or not words:
        return escape(value or "")
    parts, cursor = [], 0
    for match in _word_pattern(tuple(words)).finditer(value):
        parts.append(escape(value[cursor:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        cursor = match.end()
    parts.append(escape(value[cursor:]))
    return Markup("").join(parts)


def snippet(value: str, words: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of `value` around the first searched word (its start when none is found)."""
    if len(value) <= width:
        return value
    match = _word_pattern(tuple(words)).search(value) if words else None
    start = max(0, (match.start() if match else 0) - width // 3)
    start = value.rfind(" ", 0, start) + 1 if start else 0
    piece = value[start:start + width]
    cut = piece.rfind(" ")
    if start + width < len(value) and cut > width // 2:
        piece = piece[:cut]
    return ("… " if start else "") + piece.strip() + (" …" if start + len(piece) < len(value) else "")
