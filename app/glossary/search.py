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
RESULT_LIMIT = 100  # for callers that ask for no other limit (the glossary page pages by 25)
SNIPPET_CHARS = 220
TOKEN = re.compile(r"[^\W_]+")
ENTITY = r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);"  # what markupsafe.escape writes

COLUMNS = ("t.id, t.entry_key, t.section, t.team, t.name, t.letter, t.synonyms, "
           "t.definition_text, t.summary, t.deprecated, t.superseded_by")

SQLITE_SEARCH = f"""
WITH matched AS (
  SELECT rowid AS id, bm25(glossary_terms_fts, 10.0, 5.0, 1.0) AS rank
  FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :query
)
SELECT {COLUMNS},
  CASE WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :name_query) THEN 0
       WHEN t.id IN (SELECT rowid FROM glossary_terms_fts WHERE glossary_terms_fts MATCH :alias_query) THEN 1
       ELSE 2 END AS tier,
  count(*) OVER () AS total
FROM matched JOIN glossary_terms AS t ON t.id = matched.id
WHERE 1 = 1 {{filters}}
ORDER BY tier, substr(t.sort_name, 1, :first_length) = :first_word DESC, matched.rank, t.sort_name, t.entry_key
LIMIT :limit
"""
PG_SEARCH = f"""
SELECT {COLUMNS},
  CASE WHEN t.search_vector @@ to_tsquery('simple', :name_query) THEN 0
       WHEN t.search_vector @@ to_tsquery('simple', :alias_query) THEN 1
       ELSE 2 END AS tier,
  count(*) OVER () AS total
FROM glossary_terms AS t
WHERE t.search_vector @@ to_tsquery('simple', :query) {{filters}}
ORDER BY tier, left(t.sort_name, :first_length) = :first_word DESC,
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


@functools.lru_cache(maxsize=256)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _escaped_word_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Like _word_pattern, over escaped text: an entity (&amp; &#39; …) is matched whole first, so
    a searched word is never found inside one."""
    return re.compile(rf"{ENTITY}|({_word_pattern(words).pattern})", re.IGNORECASE)


def _mark(match: re.Match) -> str:
    return f"<mark>{match.group(1)}</mark>" if match.group(1) else match.group(0)


def highlight(value: str, words: list[str]) -> Markup:
    """`value` escaped, with each word starting with a searched word wrapped in <mark>."""
    escaped = escape(value or "")
    if not value or not words:
        return escaped
    return Markup(_escaped_word_pattern(tuple(words)).sub(_mark, str(escaped)))


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
