"""Mail to the people a version concerns: approvers on submit, editors on send-back and publish.

Receivers run after the action has committed and never raise: a mail server that is down or
slow costs a line in the log, never an approval. With MAIL_SERVER set, messages go out over
SMTP from a background thread (10 s timeout); without it they are written to the log.
"""
import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage

from flask import current_app
from flask.logging import default_handler, has_level_handler
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Team, User
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


def _message(user: User, subject: str, lines: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_DEFAULT_SENDER") or "accord@localhost"
    message["To"] = user.email
    message["Subject"] = subject
    message.set_content(f"Hello {user.name},\n\n" + "\n".join(lines) + "\n\n— Accord\n")
    return message


def _notify_submitted(version, by) -> list[EmailMessage]:
    who = getattr(by, "name", "Someone")
    try:
        number, change, _ = next_number(version)
        will_be = f"It will be published as {number} (a {change} change)."
    except VersionError:
        will_be = ""
    link = _link("review.review")
    return [_message(user, "Accord: a new version of the SLA awaits your approval", [
        f"{who} submitted the next version of the sales & marketing SLA for review. {will_be}".strip(),
        f"Please review the changes and approve for {user.team.name}, or send it back with a reason:",
        link]) for user in required_team_approvers() if user.id != getattr(by, "id", None)]


def _notify_sent_back(version, by, reason) -> list[EmailMessage]:
    who = getattr(by, "name", "An approver")
    reason = reason or version.sent_back_reason or "(no reason given)"
    link = _link("editing.draft")
    return [_message(user, "Accord: the SLA version under review was sent back", [
        f"{who} sent the version under review back to draft. The reason:", "",
        reason, "", "The approvals given so far were dropped. The draft is open again:", link])
        for user in version_editors(version) if user.id != getattr(by, "id", None)]


def _notify_published(version, by) -> list[EmailMessage]:
    link = _version_link(version)
    return [_message(user, f"Accord: version {version.number} of the SLA is published", [
        f"Every required team has signed: version {version.number} of the sales & marketing SLA "
        f"is published and in force.", link]) for user in version_editors(version)]


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
