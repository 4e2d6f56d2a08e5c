"""The interface in Thai and English: which language and time zone a request is served in, and dates.

Flask-Babel picks the catalogue (translations/<lang>/LC_MESSAGES/messages.po, compiled to .mo by
`make install`). Dates are formatted by ICU, already here for Thai words: Babel knows only the
Gregorian calendar, and a Thai reader expects the Buddhist era (2026 is 2569) with Thai month names.
Stored times stay naive UTC; only what is displayed is converted.
"""
import threading
import zoneinfo
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path

import icu
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session
from flask_babel import Babel, get_locale, get_timezone, gettext
from flask_login import current_user

LANGUAGES = ("en", "th")
# Each language named in itself, as a switcher shows it to someone who cannot read the other.
LANGUAGE_NAMES = {"en": "English", "th": "ไทย"}
# The ICU locale each language formats dates with: Thai in the Buddhist calendar.
DATE_LOCALES = {"en": "en_GB", "th": "th_TH@calendar=buddhist"}
# ICU skeletons: the fields shown; ICU orders and punctuates them for each locale.
DATETIME_SKELETON = "yMMMdHHmmz"
DATE_SKELETON = "yMMMd"
SESSION_KEY = "locale"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()
bp = Blueprint("language", __name__)
_formats = threading.local()  # ICU formatters keep a calendar inside: one per thread


def is_timezone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return bool(name) and name in available_timezones()


@cache
def available_timezones() -> tuple[str, ...]:
    """Every IANA zone, sorted, for the account page's choice."""
    return tuple(sorted(zoneinfo.available_timezones()))


def select_locale() -> str:
    """The person's own choice, then what their browser asks for, then the portal's default."""
    if not has_request_context():  # the CLI, or a service called outside a request: nobody to ask
        return current_app.config["ACCORD_DEFAULT_LOCALE"]
    chosen = getattr(current_user, "locale", None) if current_user.is_authenticated else session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["ACCORD_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The person's own time zone, else the portal's (ACCORD_TIMEZONE)."""
    chosen = getattr(current_user, "timezone", None) if current_user.is_authenticated else None
    return chosen if is_timezone(chosen) else current_app.config["ACCORD_TIMEZONE"]


def current_language() -> str:
    """The language of this request, as `<html lang>` and the switcher name it."""
    return str(get_locale() or current_app.config["ACCORD_DEFAULT_LOCALE"])


def _formatter(skeleton: str, zone: str | None = None) -> icu.SimpleDateFormat:
    """This thread's ICU formatter for the request's language, time zone (or `zone`) and `skeleton`."""
    language, zone = current_language(), zone or str(get_timezone())
    cached = getattr(_formats, "by_key", None)
    if cached is None:
        cached = _formats.by_key = {}
    formatter = cached.get((language, zone, skeleton))
    if formatter is None:
        locale = icu.Locale(DATE_LOCALES.get(language, DATE_LOCALES["en"]))
        pattern = icu.DateTimePatternGenerator.createInstance(locale).getBestPattern(skeleton)
        formatter = icu.SimpleDateFormat(pattern, locale)
        formatter.setTimeZone(icu.TimeZone.createTimeZone(zone))
        cached[(language, zone, skeleton)] = formatter
    return formatter


def _timestamp(moment: datetime) -> float:
    """Seconds since the epoch of a stored (naive UTC) or aware datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def format_datetime(moment: datetime | None, zone: str | None = None) -> str:
    """A stored time as the reader reads it: their zone (or `zone`, e.g. a mail's recipient's), language, era."""
    if moment is None:
        return ""
    return _formatter(DATETIME_SKELETON, zone).format(_timestamp(moment))


def format_date(moment: date | datetime | None) -> str:
    """A day in the reader's language; a stored time is first moved into the reader's zone."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):  # a calendar day (e.g. effective_from): no zone to apply
        noon = datetime(moment.year, moment.month, moment.day, 12, tzinfo=timezone.utc)
        return _formatter(DATE_SKELETON, "UTC").format(noon.timestamp())
    return _formatter(DATE_SKELETON).format(_timestamp(moment))


def translated(text):
    """A Phrase (app/messages.py) in the reader's language; any other text as it is."""
    return text.translated(gettext) if hasattr(text, "translated") else text


@bp.route("/language", methods=["POST"])
def choose_language():
    """The header's switcher: remembered on the account when signed in, else for this browser."""
    from app.auth.redirects import safe_next
    from app.auth.services import set_preferences

    language = request.form.get("locale", "")
    if language in LANGUAGES:
        if current_user.is_authenticated:
            set_preferences(current_user, locale=language, timezone=current_user.timezone)
        session[SESSION_KEY] = language
    return redirect(safe_next(request.form.get("next")), 303)


def init_app(app: Flask) -> None:
    """Install the catalogues, the selectors, the date filters and the switcher."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.globals.update(current_language=current_language, LANGUAGE_NAMES=LANGUAGE_NAMES)
    app.register_blueprint(bp)
