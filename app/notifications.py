"""Mail to the people a version concerns: approvers on submit, editors on send-back and publish.

Receivers run after the action has committed and never raise: a mail server that is down or
slow costs a line in the log, never an approval. With MAIL_SERVER set, messages go out over
SMTP from a background thread (10 s timeout); without it they are written to the log. Each
recipient reads their mail in their own language and time zone, whoever triggered it.
"""
import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage

from flask import current_app
from flask.logging import default_handler, has_level_handler
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.i18n import LANGUAGES, format_datetime, is_timezone
from app.models import AuditEvent, Team, User
from app.models.base import utcnow
from app.urls import external_url
from app.versions.errors import VersionError
from app.versions.policy import required_teams
from app.versions.queries import editor_ids
from app.versions.services import next_number

log = logging.getLogger("accord.mail")
SMTP_TIMEOUT = 10
APPROVER_ROLES = ("approver", "admin")
SUBMIT_ACTION = "version.submitted"


def prepare_mail_log(app=None) -> None:
    """Make the mail log reach a handler (app.signals connects the receivers below)."""
    # Without MAIL_SERVER the log is the outbox, so its INFO lines must reach a handler; and a
    # logging.config.fileConfig() run in this process (Alembic's env.py does one) disables it.
    log.disabled = False
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not has_level_handler(log):
        log.addHandler(default_handler)


def on_version_submitted(version, by=None, **_):
    """Ask the active approvers of every required team to review the submitted version."""
    _safely(_notify_submitted, version, by)


def on_version_sent_back(version, by=None, reason=None, **_):
    """Tell the version's editors and its submitter why it went back to draft."""
    _safely(_notify_sent_back, version, by, reason)


def on_version_published(version, by=None, **_):
    """Tell the version's editors and its submitter that it is published."""
    _safely(_notify_published, version, by)


def _safely(compose, *args) -> None:
    try:
        deliver(compose(*args))
    except Exception:  # mail must never break the action that triggered it
        log.exception("Could not prepare notification mail")
        db.session.rollback()


# --- who ---------------------------------------------------------------------------------

def required_team_approvers() -> list[User]:
    """Active users who may approve for a team the policy requires."""
    slugs = required_teams()
    if not slugs:
        return []
    return list(db.session.scalars(
        select(User).join(Team).where(Team.slug.in_(slugs), User.active.is_(True),
                                      User.role.in_(APPROVER_ROLES)).order_by(User.id)))


def version_editors(version) -> list[User]:
    """Active users who changed entries of the version, and whoever submitted it."""
    ids = editor_ids(version) | set(db.session.scalars(select(AuditEvent.user_id).where(
        AuditEvent.version_id == version.id, AuditEvent.action == SUBMIT_ACTION,
        AuditEvent.user_id.is_not(None))))
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.id)))


# --- what --------------------------------------------------------------------------------

def _link(endpoint: str, **values) -> str:
    """An absolute link from ACCORD_BASE_URL (never from the Host a request happened to name)."""
    return external_url(endpoint, **values)


def _version_link(version) -> str:
    if version.number and "versions.show" in current_app.view_functions:
        return _link("versions.show", version=version.number)
    return _link("reading.home")


def _language(user: User) -> str:
    """The recipient's own language, else the portal's."""
    return user.locale if user.locale in LANGUAGES else current_app.config["ACCORD_DEFAULT_LOCALE"]


def _zone(user: User) -> str:
    """The recipient's own time zone, else the portal's."""
    return user.timezone if is_timezone(user.timezone) else current_app.config["ACCORD_TIMEZONE"]


def _mails(users, compose) -> list[EmailMessage]:
    """One message per user, `compose(user, zone)` -> (subject, lines) run in that user's language."""
    messages = []
    for user in users:
        with force_locale(_language(user)):
            subject, lines = compose(user, _zone(user))
            messages.append(_message(user, subject, lines))
    return messages


def _message(user: User, subject: str, lines: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_DEFAULT_SENDER") or "accord@localhost"
    message["To"] = user.email
    message["Subject"] = subject
    message.set_content(_("Hello %(name)s,", name=user.name) + "\n\n" + "\n".join(lines) + "\n\n— Accord\n")
    return message


def _upcoming(version) -> tuple[str | None, str | None]:
    """The number the submitted version will get and the kind of change (None, None if unknown)."""
    try:
        number, change, _breaking = next_number(version)
    except VersionError:
        return None, None
    return number, change


def _will_be(number: str | None, change: str | None) -> str:
    """That number and kind of change as one sentence in the reader's language (empty if unknown)."""
    if number is None:
        return ""
    sentences = {"major": _("It will be published as %(number)s (a major change).", number=number),
                 "minor": _("It will be published as %(number)s (a minor change).", number=number),
                 "patch": _("It will be published as %(number)s (a patch: wording only).", number=number)}
    return sentences.get(change) or _("It will be published as %(number)s.", number=number)


def _notify_submitted(version, by) -> list[EmailMessage]:
    link, at, (number, change) = _link("review.review"), version.submitted_at or utcnow(), _upcoming(version)

    def compose(user, zone):
        submitted = _("%(who)s submitted the next version of the sales & marketing SLA for review on %(when)s.",
                      who=getattr(by, "name", None) or _("Someone"), when=format_datetime(at, zone=zone))
        return _("Accord: a new version of the SLA awaits your approval"), [
            f"{submitted} {_will_be(number, change)}".strip(),
            _("Please review the changes and approve for %(team)s, or send it back with a reason:", team=user.team.name),
            link]
    return _mails([user for user in required_team_approvers() if user.id != getattr(by, "id", None)], compose)


def _notify_sent_back(version, by, reason) -> list[EmailMessage]:
    link, at = _link("editing.draft"), utcnow()

    def compose(user, zone):
        who = getattr(by, "name", None) or _("An approver")
        return _("Accord: the SLA version under review was sent back"), [
            _("%(who)s sent the version under review back to draft on %(when)s. The reason:",
              who=who, when=format_datetime(at, zone=zone)), "",
            reason or version.sent_back_reason or _("(no reason given)"), "",
            _("The approvals given so far were dropped. The draft is open again:"), link]
    return _mails([user for user in version_editors(version) if user.id != getattr(by, "id", None)], compose)


def _notify_published(version, by) -> list[EmailMessage]:
    link, at = _version_link(version), version.published_at or utcnow()

    def compose(user, zone):
        return _("Accord: version %(number)s of the SLA is published", number=version.number), [
            _("Every required team has signed: version %(number)s of the sales & marketing SLA is published "
              "and in force since %(when)s.", number=version.number, when=format_datetime(at, zone=zone)), link]
    return _mails(version_editors(version), compose)


def notify_commitment_alerts(announcements) -> None:
    """Mail the owner and the promising team's approvers of each new adherence alert; never raises."""
    _safely(lambda: [message for a in announcements for message in _commitment_mails(a)])


def _commitment_mails(announcement) -> list[EmailMessage]:
    result, name = announcement.result, announcement.commitment.get("name") or announcement.result.commitment
    link = _link("adherence.commitment", key=result.commitment)

    def shown(value):
        return "—" if value is None else (f"{value * 100:.0f} %" if result.unit == "share" else f"{value:g}")

    def compose(user, zone):
        if result.status == "missed":
            subject = _("Accord: “%(name)s” was missed in %(period)s", name=name, period=result.period)
        else:
            subject = _("Accord: “%(name)s” is at risk in %(period)s", name=name, period=result.period)
        return subject, [_("%(period)s: %(actual)s against a target of %(target)s; %(count)d leads broke it.",
                           period=result.period, actual=shown(result.actual), target=shown(result.target),
                           count=result.breach_count), "", _("The leads and the periods before:"), link]
    return _mails(announcement.recipients, compose)


# --- how ---------------------------------------------------------------------------------

def deliver(messages: list[EmailMessage]) -> None:
    """Send over SMTP in a background thread when MAIL_SERVER is set; otherwise log them."""
    if not messages:
        return
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        for message in messages:
            log.info("Mail not sent (MAIL_SERVER is not set) to %s: %s\n%s",
                     message["To"], message["Subject"], message.get_content())
        return
    settings = {key: config.get(key) for key in (
        "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")}
    settings["MAIL_TIMEOUT"] = float(config.get("MAIL_TIMEOUT") or SMTP_TIMEOUT)
    threading.Thread(target=send_smtp, args=(settings, messages), name="accord-mail",
                     daemon=True).start()


def send_smtp(settings: dict, messages: list[EmailMessage]) -> None:
    """Send messages in one SMTP session; log every failure, raise none."""
    try:
        with smtplib.SMTP(settings["MAIL_SERVER"], int(settings.get("MAIL_PORT") or 25),
                          timeout=settings.get("MAIL_TIMEOUT") or SMTP_TIMEOUT) as smtp:
            if settings.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if settings.get("MAIL_USERNAME"):
                smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
            for message in messages:
                try:
                    smtp.send_message(message)
                    log.info("Mail sent to %s: %s", message["To"], message["Subject"])
                except smtplib.SMTPException as error:
                    log.error("Mail to %s refused: %s", message["To"], error)
    except Exception as error:  # connection refused, timeout, TLS, authentication …
        log.error("Mail could not be sent through %s:%s (%s: %s); %d message(s) lost",
                  settings["MAIL_SERVER"], settings.get("MAIL_PORT"), type(error).__name__, error,
                  len(messages))
