"""Admin views for API tokens: list, create (shown once), revoke."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField

from app.admin import bp
from app.admin.forms import REQUIRED, at_most
from app.api.tokens import (
    EVENTS_WRITE, NAME_MAX, READ, TokenError, create_token, find_token, list_tokens, revoke_token,
)
from app.auth.access import role_required
from app.auth.forms import require_button_post


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[REQUIRED, at_most(NAME_MAX)],
                       description=_l("What uses it, e.g. 'HubSpot sync' or 'BI nightly job'."))
    events_write = BooleanField(_l("May also send lead events (events:write)"),
                                description=_l("For a CRM sync that posts to /api/v1/events. Every token reads."))
    submit = SubmitField(_l("Create token"))


def _page(form: TokenForm, status: int = 200, created=None, plaintext: str | None = None):
    response = render_template("admin/tokens.html", tokens=list_tokens(), form=form,
                               created=created, plaintext=plaintext)
    return response, status


@bp.route("/tokens", methods=["GET", "POST"])
@role_required("admin")
def tokens():
    """List API tokens and create one; a new token is shown once, on this answer only."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            scopes = (READ, EVENTS_WRITE) if form.events_write.data else (READ,)
            token, plaintext = create_token(form.name.data, by=current_user, scopes=scopes)
        except TokenError as error:
            form.form_errors.append(_(str(error)))  # app.api's message, translated when its catalogue has it
        else:
            body, status = _page(TokenForm(formdata=None), created=token, plaintext=plaintext)
            return body, status, {"Cache-Control": "no-store"}
    return _page(form, 400 if form.errors else 200)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def token_revoke(token_id: int):
    """Revoke a token: tools using it get 401 from the next request."""
    token = find_token(token_id) or abort(404, _("No such token."))
    require_button_post()
    revoke_token(token, by=current_user)
    flash(_("Revoked the token '%(name)s'.", name=token.name), "success")
    return redirect(url_for("admin.tokens"))
