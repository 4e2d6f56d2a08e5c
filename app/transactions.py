"""One transaction rule: services change and flush; the request or CLI command that called them commits or rolls back.

The boundary is here and nowhere else. A request that ends with a status below 400 commits; an error
status or an exception rolls back, so a service that refuses after writing leaves nothing behind. A CLI
command commits when it returns and rolls back when it raises. Tests and scripts that call services
outside either wrap the work in `transaction()`.

A service that expects the database to refuse a statement (a key already taken) runs it in
`savepoint()`: the refusal undoes only that statement, and the page that explains it can still read.

Explicit exceptions, each because the order of commit and side effect matters:

- the version verbs (app/versions/services.py) commit under the version's row lock, then send the
  `*_committed` signals: mail and the webhook's first attempt follow a commit, never precede one;
- receivers of those signals (app/notifications.py) roll back their own failure, since the action
  they follow is already committed and the rest of the request must still be able to read;
- webhook delivery (app/webhooks/sender.py) claims outbox rows with FOR UPDATE SKIP LOCKED and
  commits each attempt on its own, outside any request; resending a delivery
  (app/webhooks/services.py) commits before the view starts the background pass that reads it;
- a failed sign-in (app/auth/throttle.py) is counted and committed although the request fails;
- the error handlers (app/errors.py) roll back before they render, since PostgreSQL refuses every
  statement of a transaction that has failed;
- an API token's last use (app/api/tokens.py) is committed where it is recorded;
- a lead import (app/leads/importing.py: `flask leads import`, uploads on /data) commits each batch on
  its own, so a failure loses one batch at most, and an upload's progress is committed after each;
- `flask adherence evaluate` commits the alerts it records before it mails and kicks the webhooks;
- the glossary's search index (app/glossary/index.py) is rebuilt and committed on its own, and a
  concurrent rebuild is rolled back;
- restoring a backup (app/backup/restore.py) runs on a connection of its own.
"""
import functools
from contextlib import contextmanager

import click
from flask import Flask

from app.extensions import db


def init_app(app: Flask) -> None:
    """Make every request, and every CLI command, one transaction."""
    app.after_request(_end_request)
    app.teardown_request(_discard_on_error)
    _commit_commands(app.cli)


def _end_request(response):
    # Runs before the response leaves: a client that sees success can read what it did.
    if not db.session.registry.has():  # the request never used the database (a token poll from memory)
        return response
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _discard_on_error(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()


@contextmanager
def transaction():
    """Commit what the block did when it ends, roll it back when it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def savepoint():
    """Undo only the block's statements when one fails, keeping the rest of the transaction usable."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if not driver.in_transaction:
            # pysqlite begins lazily; an outermost SAVEPOINT's RELEASE would otherwise commit.
            driver.execute("BEGIN")
    with db.session.begin_nested():
        yield


def _commit_commands(group: click.Group) -> None:
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _commit_commands(command)
        elif command.callback is not None and not getattr(command.callback, "in_transaction", False):
            command.callback = _in_transaction(command.callback)


def _in_transaction(callback):
    # Flask pushes the command's app context inside `callback` and keeps it until the command ends.
    @functools.wraps(callback)
    def run(*args, **kwargs):
        with transaction():
            return callback(*args, **kwargs)

    run.in_transaction = True
    return run
