"""flask webhooks deliver: the outbox sender as a worker."""
import click
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Deliver and inspect webhooks.")


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="One pass over the due deliveries, then exit.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between passes.")
def deliver_command(once, interval):
    """Send due webhook deliveries and their retries (run one or more of these next to the web workers)."""
    from app.webhooks.sender import run_worker

    if not run_worker(interval, once=once, echo=click.echo):
        raise SystemExit(1)  # only with --once: without it the worker never returns


@webhooks_cli.command("list")
def list_command():
    """List registered webhooks with their delivery counts by status."""
    from app.webhooks.services import list_webhooks

    for hook in list_webhooks():
        counts: dict[str, int] = {}
        for delivery in hook.deliveries:
            counts[delivery.status] = counts.get(delivery.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no deliveries"
        click.echo(f"{hook.id}  {hook.url}  ({summary})")
