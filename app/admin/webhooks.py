"""Admin views for webhooks: register, delete, see every delivery attempt, resend."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from app.admin import bp
from app.admin.forms import REQUIRED, at_most
from app.auth.access import role_required
from app.auth.forms import require_button_post
from app.extensions import db
from app.models import Webhook, WebhookDelivery
from app.webhooks.sender import MAX_ATTEMPTS, kick
from app.webhooks.services import (
    SECRET_MAX, SECRET_MIN, URL_MAX, WebhookError, create_webhook, delete_webhook, list_webhooks,
    private_addresses_allowed, recent_deliveries, resend_delivery, url_problem,
)

# A delivery's stored status (a machine value) as an admin reads it.
DELIVERY_STATES = {"pending": _l("waiting to be sent"), "delivered": _l("delivered"),
                   "failed": _l("failed, no more retries")}


class WebhookForm(FlaskForm):
    url = StringField(_l("URL"), validators=[REQUIRED, at_most(URL_MAX)],
                      description=_l("An http:// or https:// address that accepts a JSON POST."))
    secret = PasswordField(_l("Secret"), validators=[Optional(), Length(
        min=SECRET_MIN, max=SECRET_MAX, message=_l("Field must be between %(min)d and %(max)d characters long."))],
        description=_l("Signs each delivery (X-Accord-Signature). Leave blank to generate one."))
    submit = SubmitField(_l("Register webhook"))

    def validate_url(self, field):
        problem = url_problem((field.data or "").strip(), private_addresses_allowed())
        if problem:
            raise ValidationError(_(problem))


@bp.route("/webhooks", methods=["GET", "POST"])
@role_required("admin")
def webhooks():
    """List webhooks with their recent deliveries and attempts, and register one."""
    form = WebhookForm()
    created = secret = None
    if form.validate_on_submit():
        try:
            created, secret = create_webhook(form.url.data, form.secret.data, by=current_user)
        except WebhookError as error:
            form.form_errors.append(error.translated(_))
        else:
            form = WebhookForm(formdata=None)
    hooks = list_webhooks()
    deliveries = {hook.id: recent_deliveries(hook) for hook in hooks}
    body = render_template("admin/webhooks.html", webhooks=hooks, deliveries=deliveries, form=form,
                           created=created, secret=secret, max_attempts=MAX_ATTEMPTS, delivery_states=DELIVERY_STATES,
                           allow_private=private_addresses_allowed())
    return body, 400 if form.errors else 200, {"Cache-Control": "no-store"}


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@role_required("admin")
def webhook_delete(webhook_id: int):
    """Delete a webhook and its delivery log."""
    webhook = db.session.get(Webhook, webhook_id) or abort(404, _("No such webhook."))
    require_button_post()
    url = webhook.url
    delete_webhook(webhook, by=current_user)
    flash(_("Deleted the webhook %(url)s.", url=url), "success")
    return redirect(url_for("admin.webhooks"))


@bp.route("/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
@role_required("admin")
def webhook_resend(delivery_id: int):
    """Send a delivery again now, with a fresh round of retries."""
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404, _("No such delivery."))
    require_button_post()
    resend_delivery(delivery, by=current_user)
    kick(current_app._get_current_object())
    flash(_("Resending delivery %(id)s.", id=delivery.delivery_id), "success")
    return redirect(url_for("admin.webhooks"))
