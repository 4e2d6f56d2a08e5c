"""flask adherence evaluate: announce commitments that became at risk or missed (run it from cron or a worker)."""
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app.adherence.alerts import evaluate_alerts
from app.notifications import notify_commitment_alerts
from app.transactions import transaction

adherence_cli = AppGroup("adherence", help="Measure adherence to the SLA's commitments.")


@adherence_cli.command("evaluate")
@click.option("--now", "now", default=None, help="Evaluate as at this ISO 8601 time with an offset (default: now).")
def evaluate_command(now):
    """Record and announce (webhook and mail) each commitment newly at risk or missed; once per period."""
    moment = None
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError as error:
            raise click.BadParameter("an ISO 8601 time with an offset, e.g. 2026-12-01T09:00:00+07:00",
                                     param_hint="--now") from error
        if moment.tzinfo is None:
            raise click.BadParameter("the time needs an offset, e.g. +07:00 or Z", param_hint="--now")
    with transaction():
        announcements = evaluate_alerts(moment)
    for item in announcements:
        click.echo(f"{item.result.commitment} {item.result.period}: {item.result.status.replace('_', ' ')} "
                   f"({len(item.recipients)} recipients)")
    if announcements:
        notify_commitment_alerts(announcements)
        from app.webhooks.sender import kick
        kick(current_app._get_current_object())
    click.echo(f"{len(announcements)} new alert(s).")
