"""The review page: the open version's diff, its sign-off panel and its discussion."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import role_required
from app.auth.forms import EmptyForm
from app.extensions import db
from app.htmx import is_htmx
from app.models import Version, VersionState
from app.review import bp
from app.routing import MAX_ID
from app.review.forms import ApproveForm, CommentForm, SendBackForm
from app.htmx import page_or_block
from app.review.services import (ReviewError, TooManyComments, add_comment, approve_as_seen, comments_by_entry,
                                 discussion_page, may_sign, numbering, review_diff, signatures)
from app.sla.document import content_hash
from app.versions.checks import version_checks
from app.versions.errors import VersionError
from app.versions.policy import SEND_BACK_REFUSAL, SignOffForbidden, may_send_back
from app.versions.queries import sections_of
from app.versions.services import get_current_version, get_open_version, send_back_version, submit_version
from app.versions.views import DIFF_HELPERS

TEMPLATE = "review/review.html"


def _get_version(version_id: int) -> Version:
    """The version, or 404 (ids beyond the database's integers are refused by the `int` converter)."""
    return db.session.get(Version, version_id) or abort(404, _("No such version."))


def panel_context(version: Version, send_back_form=None, **extra) -> dict:
    """What the sign-off panel shows."""
    rows = signatures(version)
    return {"version": version, "signatures": rows, "actions": may_sign(version, current_user, rows),
            "content_hash": content_hash(version, sections_of(version)) if version.is_open else "",
            "send_back_form": send_back_form or SendBackForm(formdata=None),
            "empty_form": EmptyForm(), **extra}


def discussion_context(version: Version, comment_form=None, before: int | None = None) -> dict:
    """What the discussion block shows: a page of comments (the newest unless `before`), and the form."""
    form = comment_form or CommentForm(formdata=None)
    page = discussion_page(version, before)
    return {"version": version, "comments": page.comments, "discussion": page,
            "comment_form": form.set_entries(version.entries)}


def page_context(version: Version | None, comment_form=None, before: int | None = None) -> dict:
    """Everything the whole review page shows."""
    context = {"version": version, "current": get_current_version()}
    if version is not None:
        context |= panel_context(version) | discussion_context(version, comment_form, before)
        diff = review_diff(version)
        context |= {"diff": diff, "numbering": numbering(version, diff), "checks": version_checks(version),
                    "entry_comments": comments_by_entry(context["comments"]),
                    "diff_helpers": DIFF_HELPERS}
    return context


@bp.route("/review")
@role_required("editor")
def review():
    """The version under review (or the open draft), opening on its diff against the current one."""
    return page_or_block(TEMPLATE, "content", **page_context(get_open_version()))


def errors_of(field) -> str:
    """A field's refusals as one text (WTForms keeps messages that are translated when shown)."""
    return " ".join(str(error) for error in field.errors)


def _panel(version: Version, notice: str | None = None, error: str | None = None,
           status: int = 200, send_back_form=None):
    """htmx: the panel re-rendered with the outcome; otherwise a flash and back to /review."""
    if is_htmx():
        context = panel_context(version, send_back_form=send_back_form, notice=notice, error=error)
        return page_or_block(TEMPLATE, "status_panel", status=status, **context)
    flash(error or notice, "error" if error else "success")
    return redirect(url_for("review.review"))


@bp.route("/review/<int:version_id>/submit", methods=["POST"])
@role_required("editor")
def submit(version_id: int):
    """Submit the draft for review."""
    version = _get_version(version_id)
    if not EmptyForm().validate_on_submit():
        return _panel(version, error=_("The form expired: reload the page and try again."), status=422)
    try:
        submit_version(version, by=current_user)
    except VersionError as error:
        return _panel(version, error=str(error), status=409)
    return _panel(version, notice=_("Submitted for review: the approvers have been asked to sign."))


@bp.route("/review/<int:version_id>/approve", methods=["POST"])
@role_required("approver")
def approve(version_id: int):
    """Approve the version under review for the approver's team."""
    version = _get_version(version_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _panel(version, error=errors_of(form.content_hash) or _("Reload the page and try again."),
                      status=422)
    try:
        version = approve_as_seen(version, current_user, form.content_hash.data)
    except VersionError as error:
        return _panel(version, error=str(error), status=409)
    notice = _("Approved for %(team)s.", team=current_user.team.name)
    if version.state == VersionState.PUBLISHED.value:
        notice = _("Approved for %(team)s. Every required team has signed: published as %(number)s.",
                   team=current_user.team.name, number=version.number)
    return _panel(version, notice=notice)


@bp.route("/review/<int:version_id>/send-back", methods=["POST"])
@role_required("approver")
def send_back(version_id: int):
    """Send the version under review back to draft, with a reason."""
    version = _get_version(version_id)
    form = SendBackForm()
    try:
        if not may_send_back(current_user):  # before the form: a refusal does not depend on the reason
            raise SignOffForbidden(_(SEND_BACK_REFUSAL))
        if not form.validate_on_submit():
            return _panel(version, error=errors_of(form.reason), status=422, send_back_form=form)
        send_back_version(version, by=current_user, reason=form.reason.data)
    except SignOffForbidden as error:
        if is_htmx():
            return _panel(version, error=str(error), status=403)
        abort(403, str(error))
    except VersionError as error:
        return _panel(version, error=str(error), status=409, send_back_form=form)
    return _panel(version, notice=_("Sent back to draft. The editors have been told why."))


@bp.route("/review/<int:version_id>/comments", methods=["POST"])
@role_required("editor")
def comment(version_id: int):
    """Add a comment to the version's discussion."""
    version = _get_version(version_id)
    form = CommentForm()
    posted, status, retry_after = False, 422, None
    if form.validate_on_submit():
        try:
            add_comment(version, current_user, form.body.data, form.entry_key.data)
            posted = True
        except TooManyComments as error:
            form.form_errors.append(str(error))
            status, retry_after = 429, error.retry_after
        except ReviewError as error:
            form.form_errors.append(str(error))
    if is_htmx():
        response = page_or_block(TEMPLATE, "discussion", status=200 if posted else status,
                                 **discussion_context(version, None if posted else form))
    elif posted:
        flash(_("Comment posted."), "success")
        return redirect(url_for("review.review", _anchor="discussion"))
    elif version.id != getattr(get_open_version(), "id", None):
        flash(" ".join(form.form_errors) or _("This version's discussion is closed."), "error")
        return redirect(url_for("review.review"))
    else:
        response = page_or_block(TEMPLATE, "content", status=status, **page_context(version, form))
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/review/<int:version_id>/discussion")
@role_required("editor")
def older_comments(version_id: int):
    """The page of comments older than `?before=` (htmx: only those, to go above the ones shown)."""
    version = _get_version(version_id)
    before = request.args.get("before", type=int)
    before = None if before is None else min(before, MAX_ID)  # beyond it, every comment is older
    if is_htmx():
        return page_or_block(TEMPLATE, "comment_items", **discussion_context(version, before=before))
    return page_or_block(TEMPLATE, "content", **page_context(version, before=before))
