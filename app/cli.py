"""Command line: flask --app wsgi users|demo|tokens|sla|webhooks|leads."""
import click
from flask import Flask
from flask.cli import AppGroup

from app.admin.services import AccountError, create_user
from app.auth.passwords import WeakPassword, check_password_strength
from app.models import ROLES

users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--team", required=True, help="Team slug, e.g. marketing.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="reader, editor, approver or admin.")
@click.option("--password", help="Asked for when missing.")
def create_user_command(email, name, team, role, password):
    """Create a user."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        check_password_strength(password, email)
        user = create_user(email, name, team, role, password)
    except (AccountError, WeakPassword) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({user.role}, {user.team.slug}).")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", help="Asked for when missing.")
def set_password_command(email, password):
    """Set a user's password; signs them out everywhere and clears a forced reset."""
    from app.auth.services import change_password, find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email {email!r}.")
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        change_password(user, password)
    except WeakPassword as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Set the password of {user.email}; their sessions elsewhere have ended.")


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even though the database already has data.")
@click.option("--if-empty", is_flag=True, help="Load only into an empty database; otherwise do nothing.")
def demo_command(force, if_empty):
    """Load the demo SLA, one demo user of each role in marketing and sales, and six months of demo lead data."""
    from app.demo import DemoRefused, database_has_data, load_demo

    if if_empty and database_has_data():
        click.echo("The database already has data; the demo is not loaded again "
                   "('flask demo --force' reloads it and prints new passwords).")
        return
    try:
        credentials = load_demo(force=force)
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo("Demo loaded. Sign in with any of these accounts:")
    width = max(len(email) for email, _, _ in credentials)
    for email, role, password in credentials:
        click.echo(f"  {email.ljust(width)}  {role.ljust(18)}  password: {password}")


sla_cli = AppGroup("sla", help="Back up and restore the whole SLA database.")


def _backup_secret(key: str | None) -> str:
    """The secret a backup's seal key is derived from: --key, or this deployment's SECRET_KEY."""
    from flask import current_app

    return key if key is not None else current_app.config["SECRET_KEY"]


KEY_HELP = ("Seal or check the file with a key derived from this secret instead of SECRET_KEY "
            "(also read from ACCORD_BACKUP_KEY).")


@sla_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--key", envvar="ACCORD_BACKUP_KEY", help=KEY_HELP)
def export_command(file, key):
    """Write every table to FILE as JSON sealed with an HMAC (its key is not in the file)."""
    from app.backup import BackupError, export_backup

    try:
        counts = export_backup(file, _backup_secret(key))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Exported {sum(counts.values())} rows from {len(counts)} tables to {file}.")


@sla_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Empty a database that has data first (it is all lost).")
@click.option("--key", envvar="ACCORD_BACKUP_KEY", help=KEY_HELP)
def import_command(file, force, key):
    """Restore FILE into an empty database, with the same ids, if its seal matches the key."""
    from app.backup import BackupError, import_backup

    try:
        counts = import_backup(file, _backup_secret(key), force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Imported {sum(counts.values())} rows into {len(counts)} tables from {file}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(sla_cli)

    from app.adherence.cli import adherence_cli
    from app.api.cli import tokens_cli
    from app.leads.cli import leads_cli
    from app.webhooks.cli import webhooks_cli
    app.cli.add_command(tokens_cli)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(leads_cli)
    app.cli.add_command(adherence_cli)
