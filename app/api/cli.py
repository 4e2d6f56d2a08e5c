"""flask tokens create|list|revoke: API tokens from the command line."""
import click
from flask.cli import AppGroup

from app.api.tokens import READ, SCOPES, TokenError, create_token, find_token, list_tokens, revoke_token

tokens_cli = AppGroup("tokens", help="Manage API tokens for tools.")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES),
              help="Also allow this (events:write: send lead events). Every token reads.")
def create_command(name, scopes):
    """Create a token for a tool and print it once."""
    try:
        token, plaintext = create_token(name, scopes=(READ, *scopes))
    except TokenError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created token {token.id} '{token.name}' ({token.scopes}). Copy it now, it is not shown again:")
    click.echo(plaintext)


@tokens_cli.command("list")
def list_command():
    """List tokens: id, prefix, name, created, last used, revoked."""
    for token in list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.id}  {token.prefix}…  {token.name}  {token.scopes}  created {token.created_at:%Y-%m-%d}  "
                   f"last used {used}  {state}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token by its id: requests with it get 401 at once."""
    token = find_token(token_id)
    if token is None:
        raise click.ClickException(f"There is no token {token_id}.")
    revoke_token(token)
    click.echo(f"Revoked token {token.id} '{token.name}'.")
