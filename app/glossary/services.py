"""Reads for the glossary: the A–Z listing, one term with its back-links, the auto-linker."""
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select

from app.cache import BoundedMemo
from app.extensions import db
from app.glossary.history import FieldChange, HistoryEvent, field_change, field_title
from app.glossary.index import ensure_search_index, index_fact
from app.glossary.models import GlossaryTerm
from app.glossary.search import SearchHit, search_terms
from app.i18n import current_language
from app.markdown import markdown_to_text, render_markdown_html
from app.models import Team
from app.versions.published import PublishedDocument, current_version_ref, document_for
from app.sla.autolink import LinkTarget, TermLinker, first_sentence
from app.sla.diff import translation_changes
from app.sla.schema import TEAM, TEAM_PATTERN
from app.sla.sections import SECTIONS
from app.sla.translations import DEFAULT_LANGUAGE, document_language, localized
from app.versions.language import Shown, localized_field
from app.text import LATIN_LETTERS, OTHER_GROUP, THAI_LETTERS

TEAM_SLUG = re.compile(TEAM_PATTERN)
LETTERS = LATIN_LETTERS + THAI_LETTERS + (OTHER_GROUP,)
BROWSE_ALL_LIMIT = 400  # more terms than this are listed one letter at a time
RESULT_PAGE = 25  # search results shown at first, and added by each "Show more"
MAX_PAGES = 20


@dataclass
class GlossaryQuery:
    """What the glossary page was asked for, cleaned: unknown sections and teams are dropped."""
    q: str = ""
    section: str | None = None
    team: str | None = None
    letter: str | None = None  # A–Z, ก–ฮ, or # for names that start otherwise ("other" in URLs)
    pages: int = 1  # how many pages of search results to show ("Show more" adds one)

    @classmethod
    def from_args(cls, args) -> "GlossaryQuery":
        q = " ".join((args.get("q") or "").replace("\x00", "").split())[:200]
        pages = args.get("pages", "")
        pages = max(1, min(int(pages), MAX_PAGES)) if pages.isascii() and pages.isdigit() else 1
        section = args.get("section") or None
        team = args.get("team") or None
        letter = (args.get("letter") or "").upper()
        letter = "#" if letter == "OTHER" else letter
        return cls(q=q, section=section if section in SECTIONS else None,
                   team=team if team and len(team) <= TEAM["maxLength"] and TEAM_SLUG.fullmatch(team) else None,
                   letter=letter if letter in LETTERS else None, pages=pages)

    @property
    def filtered(self) -> bool:
        return bool(self.section or self.team)


@dataclass
class GlossaryListing:
    """The terms to show: search hits, or every term A–Z grouped by letter."""
    version: object = None
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    more: int = 0  # how many more hits "Show more" would add (0: no link)
    groups: dict[str, list[GlossaryTerm]] = field(default_factory=dict)
    letter_counts: dict[str, int] = field(default_factory=dict)
    letter: str | None = None  # set when one letter is shown at a time (large glossaries)
    searching: bool = False

    @cached_property
    def document(self) -> PublishedDocument | None:
        """The listed version's document: the index holds primary names only, pages take the reader's from here."""
        return document_for(self.version) if self.version is not None else None

    @cached_property
    def primary(self) -> str:
        """The language the listed version is written in."""
        return document_language(self.document.data) if self.document is not None else DEFAULT_LANGUAGE

    def name(self, key: str, primary_name: str) -> Shown:
        """A listed term's name in the reader's language where translated (the document is memoised by hash)."""
        entry = self.document.entry(key)[1] if self.document is not None else None
        return localized_field(entry or {"name": primary_name}, "name", self.primary)

    def summary(self, key: str, primary_summary: str) -> Shown:
        """A listed term's first sentence, from its definition in the reader's language where translated."""
        entry = (self.document.entry(key)[1] if self.document is not None else None) or {}
        definition = localized_field(entry, "definition", self.primary)
        if definition.language == self.primary:
            return Shown(primary_summary, self.primary, definition.fallback)
        return Shown(first_sentence(markdown_to_text(definition.value)), definition.language, False)

    @property
    def letters(self) -> tuple[str, ...]:
        """A–Z and # always; of the 46 Thai consonants, only those some name is filed under."""
        return tuple(letter for letter in LETTERS if letter not in THAI_LETTERS or letter in self.letter_counts)


def find_terms(query: GlossaryQuery) -> GlossaryListing:
    """Search when there is a query, else every term A–Z; both within the filters."""
    version = ensure_search_index()
    listing = GlossaryListing(version=version, searching=bool(query.q))
    if version is None:
        return listing
    if query.q:
        listing.hits, listing.total = search_terms(query.q, query.section, query.team,
                                                   limit=RESULT_PAGE * query.pages)
        if query.pages < MAX_PAGES:
            listing.more = min(RESULT_PAGE, listing.total - len(listing.hits))
        return listing
    filters = [GlossaryTerm.section == query.section] if query.section else []
    filters += [GlossaryTerm.team == query.team] if query.team else []
    listing.letter_counts = index_fact(("letters", query.section, query.team), lambda: dict(
        db.session.execute(select(GlossaryTerm.letter, func.count()).where(*filters).group_by(GlossaryTerm.letter))
        .all()))
    listing.total = sum(listing.letter_counts.values())
    if listing.total > BROWSE_ALL_LIMIT or query.letter:
        # Thousands of terms on one page help nobody: show one letter at a time.
        listing.letter = query.letter if query.letter in listing.letter_counts else next(
            (letter for letter in LETTERS if letter in listing.letter_counts), None)
        filters.append(GlossaryTerm.letter == listing.letter)
    statement = select(GlossaryTerm).where(*filters).order_by(GlossaryTerm.sort_name, GlossaryTerm.entry_key)
    for term in db.session.scalars(statement):
        listing.groups.setdefault(term.letter, []).append(term)
    return listing


def team_choices() -> list[tuple[str, str]]:
    """(slug, name) of every team that owns a term, plus every known team."""
    names = dict(db.session.execute(select(Team.slug, Team.name)).all())  # admins rename teams at any time
    owners = index_fact("owners", lambda: frozenset(db.session.scalars(select(GlossaryTerm.team).distinct())))
    return sorted(((slug, names.get(slug, slug)) for slug in owners | set(names)), key=lambda t: t[1].casefold())


@dataclass
class Backlink:
    key: str
    name: str
    section: str
    via: str  # the field that points here
    language: str = "en"  # the language `name` is in

    @property
    def via_label(self) -> str:
        """How the other term points here, in the reader's language (asked at display: terms are cached)."""
        if self.via == "superseded_by":
            return _("replaced by this term")
        label = _(field_title(self.section, self.via))
        return _("its %(field)s", field=label if label.isupper() else label.lower())


@dataclass
class TermView:
    """One term of the current version, ready for its page."""
    key: str
    section: str
    entry: dict
    version: object
    definition_html: Markup
    backlinks: list[Backlink]
    successor: dict | None
    team_name: str
    primary: str  # the document's primary language
    definition: Shown  # which language the definition is shown in, and whether that is a fallback


def get_term(key: str) -> TermView | None:
    """The term with this key in the current version, or None."""
    version = current_version_ref()
    if version is None:
        return None
    document = document_for(version)
    section, entry = document.entry(key)
    if entry is None:
        return None
    successor = document.entry(entry["superseded_by"])[1] if entry.get("superseded_by") else None
    primary, reader = document_language(document.data), current_language()
    backlinks = [Backlink(e["key"], name, s, via, language)
                 for s, e, via in document.referrers.get(key, []) for name, language in [_name_in(e, reader, primary)]]
    backlinks.sort(key=lambda b: b.name.casefold())
    definition = localized_field(entry, "definition", primary)
    html = linker_for(version.sha256, document).link_html(render_markdown_html(definition.value), key)
    team = entry.get("team") or ""
    team_name = db.session.scalar(select(Team.name).where(Team.slug == team)) or team
    return TermView(key=key, section=section, entry=entry, version=version, definition_html=Markup(html),
                    backlinks=backlinks, successor=successor, team_name=team_name, primary=primary,
                    definition=definition)


def _name_in(entry: dict, language: str, primary: str) -> tuple[str, str]:
    """(name, its language): the entry's name in `language` where translated, else the primary one."""
    name, shown = localized(entry, "name", language, primary)
    return (name, shown) if name else (entry["key"], primary)


_linkers = BoundedMemo(4)  # by document hash, URL scheme and the reader's language


def linker_for(sha256: str | None, document: PublishedDocument) -> TermLinker:
    """The auto-linker for a document's terms in the reader's language, built once per document (and URL
    scheme and language: a link's title is the first sentence of the definition the reader would see)."""
    language = current_language()
    if not sha256:
        return TermLinker(link_targets(document, language))
    return _linkers.get((sha256, url_for("glossary.term", key="-"), language),
                        lambda: TermLinker(link_targets(document, language)))


def link_targets(document: PublishedDocument, language: str) -> list[LinkTarget]:
    """Every term of a document as something mentions may link to: name, synonyms and key (MQL for mql),
    in every language the entry is written in, so a translated definition links its mentions too."""
    targets, href = [], url_for("glossary.term", key="KEY").rsplit("KEY", 1)
    primary = document_language(document.data)
    for key, (_section, entry) in document.entries.items():
        translations = [values for values in (entry.get("translations") or {}).values() if isinstance(values, dict)]
        phrases = (*[text for values in (entry, *translations)
                     for text in (values.get("name"), *(values.get("synonyms") or []))
                     if isinstance(text, str) and text],
                   key.replace("-", " ").replace("_", " "))
        targets.append(LinkTarget(key=key, phrases=tuple(phrases), href=quote(key, safe="").join(href),
                                  definition=localized(entry, "definition", language, primary)[0] or ""))
    return targets


def autolink_definition(source: str | None, self_key: str | None = None) -> Markup:
    """A definition rendered with the `markdown` rules, its mentions of current terms linked."""
    html = render_markdown_html(source)
    version = current_version_ref()
    if version is None or not html:
        return Markup(html)
    return Markup(linker_for(version.sha256, document_for(version)).link_html(html, self_key))


def history_translations(key: str, history: list[HistoryEvent]) -> dict[int, list[tuple[str, FieldChange]]]:
    """By version id, (language, change) for every translated field a version changed: a history shows a
    translation per language and field, as the review does, not as one object."""
    changes = {}
    for event in history:
        if event.previous is None or not any(f.name == "translations" for f in event.fields):
            continue
        section, new = document_for(event.version).entry(key)
        old = document_for(event.previous).entry(key)[1] or {}
        changes[event.version.id] = [(language, field_change(section, name, before, after))
                                     for language, name, before, after
                                     in translation_changes(section, old.get("translations"), new.get("translations"))]
    return changes
