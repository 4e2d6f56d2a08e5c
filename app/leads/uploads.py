"""Files uploaded on /data: kept on disk, imported in the background batch by batch, with the progress
and the outcome written to their LeadImport row so the page can follow it."""
import logging
import shutil
import threading
import uuid
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select

from app.extensions import db
from app.leads.importing import DEFAULT_SOURCES, ImportFileError, check_source, import_csv, time_zone
from app.models import Lead, LeadEvent, LeadImport
from app.models.base import utcnow

log = logging.getLogger("accord.imports")
UPLOAD_MAX = 512 * 1024 * 1024  # a million CRM rows is about 200 MB
ERRORS_KEPT = 200
CHUNK = 1024 * 1024


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_import(upload, fmt: str, source: str | None, timezone: str, dry_run: bool, by=None) -> LeadImport:
    """Save the upload and queue its import (ImportFileError for a bad source or time zone, nothing kept)."""
    source = check_source(source or DEFAULT_SOURCES[fmt])
    time_zone(timezone)
    path = upload_folder() / f"{uuid.uuid4().hex}.csv"
    with path.open("wb") as out:
        shutil.copyfileobj(upload.stream, out, CHUNK)
    job = LeadImport(filename=(upload.filename or "upload.csv")[-255:], format=fmt, source=source, dry_run=dry_run,
                     status="queued", size=path.stat().st_size, created_by_id=getattr(by, "id", None))
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    if app.config.get("LEAD_IMPORTS_IN_BACKGROUND", True):
        threading.Thread(target=_run_in_app, args=(app, job.id, str(path), timezone), daemon=True,
                         name=f"accord-import-{job.id}").start()
    else:
        run_import(job.id, str(path), timezone)
    return job


def _run_in_app(app: Flask, job_id: int, path: str, timezone: str) -> None:
    with app.app_context():
        try:
            run_import(job_id, path, timezone)
        finally:
            db.session.remove()


def run_import(job_id: int, path: str, timezone: str) -> None:
    """Import the saved file into lead data, writing progress to the job after every batch."""
    job = db.session.get(LeadImport, job_id)
    job.status = "running"
    db.session.commit()
    try:
        with open(path, "rb") as stream:
            def progress(report) -> None:
                _copy(job, report)
                job.done_bytes = stream.tell()
                db.session.commit()
            report = import_csv(stream, job.format, job.source, dry_run=job.dry_run, timezone=timezone,
                                on_batch=progress)
        _copy(job, report)
        job.status, job.done_bytes = "done", job.size
    except ImportFileError as error:
        db.session.rollback()
        job.status, job.problem = "failed", str(error)[:500]
    except Exception:  # the page must say it stopped, whatever stopped it
        log.exception("Import %s failed", job_id)
        db.session.rollback()
        job.status, job.problem = "failed", "The import stopped on an unexpected error; the batches before it are stored."
    finally:
        Path(path).unlink(missing_ok=True)
    job.finished_at = utcnow()
    db.session.commit()


def _copy(job: LeadImport, report) -> None:
    job.rows, job.accepted, job.duplicates = report.rows, report.accepted, report.duplicates
    job.rejected, job.error_count = report.rejected, report.error_count
    job.errors = list(report.errors[:ERRORS_KEPT])


def data_counts() -> dict:
    """What lead data there is: leads and events per source."""
    leads = dict(db.session.execute(select(Lead.source, func.count()).group_by(Lead.source)).all())
    events = dict(db.session.execute(select(LeadEvent.source, func.count()).group_by(LeadEvent.source)).all())
    return {source: (leads.get(source, 0), events.get(source, 0)) for source in sorted(set(leads) | set(events))}


def recent_imports(limit: int = 20) -> list[LeadImport]:
    return db.session.scalars(select(LeadImport).order_by(LeadImport.id.desc()).limit(limit)).all()
