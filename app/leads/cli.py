"""flask leads import: lead events from a CSV file (our format, a HubSpot contacts export, a Salesforce lead report)."""
import os
import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.leads.importing import DEFAULT_SOURCES, FORMATS, ImportFileError, ImportReport, import_csv

leads_cli = AppGroup("leads", help="Lead data: import lead events from files.")
ERRORS_SHOWN = 20


@leads_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS),
              help="accord (one event per row), hubspot-contacts (a contacts export) or salesforce-leads "
                   "(a lead report).")
@click.option("--source", help="The system the events come from; ids are unique within it. Default: "
                               + ", ".join(f"{source} for {fmt}" for fmt, source in DEFAULT_SOURCES.items()) + ".")
@click.option("--timezone", default="UTC", show_default=True,
              help="The time zone of date-times without an offset (a HubSpot portal's, a Salesforce user's).")
@click.option("--encoding", default="utf-8-sig", show_default=True, help="The file's text encoding.")
@click.option("--dry-run", is_flag=True, help="Check the file and report what would be imported; store nothing.")
def import_command(file, fmt, source, timezone, encoding, dry_run):
    """Import lead events from FILE in batches, each committed on its own; importing it again adds nothing.

    Exits with 1 when rows were rejected (the others are imported)."""
    size, terminal, stored = os.path.getsize(file), sys.stdout.isatty(), [0]
    try:
        with open(file, "rb") as stream, click.progressbar(length=size, label="Checking" if dry_run else "Importing",
                                                          show_pos=False) as bar:
            def progress(report: ImportReport) -> None:
                bar.update(stream.tell() - bar.pos)
                stored[0] = report.batches
                if not terminal:  # the bar shows only its label there: a line per batch instead
                    click.echo(f"Batch {report.batches}: {report.rows:,} rows read ({bar.pos:,} of {size:,} bytes), "
                               f"{report.accepted:,} events {'new' if dry_run else 'stored'}, "
                               f"{report.rejected:,} rejected.")

            report = import_csv(stream, fmt, source, dry_run=dry_run, timezone=timezone, encoding=encoding,
                                on_batch=progress)
    except (ImportFileError, LookupError) as error:  # LookupError: an unknown --encoding
        raise click.ClickException(str(error)) from error
    except SQLAlchemyError as error:
        raise click.ClickException(f"The database refused batch {stored[0] + 1} ({error.__class__.__name__}); the "
                                   f"{stored[0]:,} before it are stored. Importing the file again adds the rest."
                                   ) from error
    _print_report(report)
    if report.rows_rejected:
        raise click.exceptions.Exit(1)


import_command.callback.in_transaction = True  # each batch commits on its own (app/leads/importing.py)


def _print_report(report: ImportReport) -> None:
    click.echo(f"{report.rows:,} rows read{' (a dry run: nothing was stored)' if report.dry_run else ''}.")
    verb = "would be stored" if report.dry_run else "stored"
    click.echo(f"Events: {report.accepted:,} {verb}, {report.duplicates:,} already stored, "
               f"{report.rejected:,} rejected ({report.rows_rejected:,} rows with errors).")
    if report.kinds:
        click.echo("By kind: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(report.kinds.items())) + ".")
    if report.errors:
        shown = report.errors[:ERRORS_SHOWN]
        click.echo(f"Errors (the first {len(shown)} of {report.error_count:,}):")
        for error in shown:
            where = f"row {error['row']}" + (f", column {error['column']!r}" if error["column"] else "")
            click.echo(f"  {where}: {error['message']}")
