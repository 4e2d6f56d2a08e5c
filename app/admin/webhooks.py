"""Admin views for webhooks: register, delete, see every delivery attempt, resend."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.admin import bp
from app.auth.access import role_required
from app.auth.forms import require_button_post
from app.extensions import db
from app.models import Webhook, WebhookDelivery
from app.webhooks.sender import MAX_ATTEMPTS, kick
from app.webhooks.services import (
    SECRET_MAX, SECRET_MIN, URL_MAX, WebhookError, create_webhook, delete_webhook, list_webhooks,
    private_addresses_allowed, recent_deliveries, resend_delivery, url_problem,
)


class WebhookForm(FlaskForm):
    url = StringField("URL", validators=[DataRequired(), Length(max=URL_MAX)],
                      description="An http:// or https:// address that accepts a JSON POST.")
    secret = PasswordField("Secret", validators=[Optional(), Length(min=SECRET_MIN, max=SECRET_MAX)],
                           description="Signs each delivery (X-Accord-Signature). Leave blank to generate one.")
    submit = SubmitField("Register webhook")

    def validate_url(self, field):
        problem = url_problem((field.data or "").strip(), private_addresses_allowed())
        if problem:
            raise ValidationError(problem)


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
            form.form_errors.append(str(error))
        else:
            form = WebhookForm(formdata=None)
    hooks = list_webhooks()
    deliveries = {hook.id: recent_deliveries(hook) for hook in hooks}
    body = render_template("admin/webhooks.html", webhooks=hooks, deliveries=deliveries, form=form,
                           created=created, secret=secret, max_attempts=MAX_ATTEMPTS,
                           allow_private=private_addresses_allowed())
    return body, 400 if form.errors else 200, {"Cache-Control": "no-store"}


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@role_required("admin")
def webhook_delete(webhook_id: int):
    """Delete a webhook and its delivery log."""
    webhook = db.session.get(Webhook, webhook_id) or abort(404, "No such webhook.")
    require_button_post()
    url = webhook.url
    delete_webhook(webhook, by=current_user)
    flash(f"Deleted the webhook {url}.", "success")
    return redirect(url_for("admin.webhooks"))


@bp.route("/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
@role_required("admin")
def webhook_resend(delivery_id: int):
    """Send a delivery again now, with a fresh round of retries."""
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404, "No such delivery.")
    require_button_post()
    resend_delivery(delivery, by=current_user)
    kick(current_app._get_current_object())
    flash(f"Resending delivery {delivery.delivery_id}.", "success")
    return redirect(url_for("admin.webhooks"))
