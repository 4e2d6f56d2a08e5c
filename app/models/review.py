"""Approvals, discussion, acknowledgements, the audit log and settings."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class Approval(db.Model):
    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("version_id", "team", name="uq_approvals_version_team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    team: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))

    user = relationship("User", lazy="joined")


# One person signs a version once, whatever teams they have belonged to: the service refuses it
# first; this trigger refuses it from any other path, for versions in review. Signatures already
# on published versions are history and stay as they were. On SQLite, a batch ("move and copy")
# alteration of `approvals` drops the trigger: call create_signature_guard(bind) again after it.
MESSAGE_SECOND_SIGNATURE = "accord: one person signs a version once"
_SAME_SIGNER = ("EXISTS (SELECT 1 FROM approvals AS other WHERE other.version_id = NEW.version_id "
                "AND other.user_id = NEW.user_id AND other.id <> {new_id})")
_IN_REVIEW = "(SELECT state FROM versions WHERE id = NEW.version_id) = 'in_review'"
SIGNATURE_GUARD_POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION accord_approvals_one_per_person() RETURNS trigger AS $$
    BEGIN
        IF {_IN_REVIEW} AND {_SAME_SIGNER.format(new_id="COALESCE(NEW.id, 0)")} THEN
            RAISE EXCEPTION '{MESSAGE_SECOND_SIGNATURE}' USING ERRCODE = '23000';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE TRIGGER accord_approvals_one_per_person BEFORE INSERT OR UPDATE ON approvals
    FOR EACH ROW EXECUTE FUNCTION accord_approvals_one_per_person()
    """,
]
SIGNATURE_GUARD_SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS accord_approvals_one_per_person_{event} BEFORE {event.upper()} ON approvals "
    f"FOR EACH ROW WHEN {_IN_REVIEW} AND {_SAME_SIGNER.format(new_id=new_id)} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE_SECOND_SIGNATURE}'); END"
    for event, new_id in (("insert", "-1"), ("update", "NEW.id"))
]


def create_signature_guard(bind) -> None:
    """Install the trigger that refuses a second signature by one person on a version in review."""
    for statement in SIGNATURE_GUARD_POSTGRESQL if bind.dialect.name == "postgresql" else SIGNATURE_GUARD_SQLITE:
        bind.exec_driver_sql(statement)


def drop_signature_guard(bind) -> None:
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS accord_approvals_one_per_person ON approvals")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS accord_approvals_one_per_person()")
        return
    for event in ("insert", "update"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS accord_approvals_one_per_person_{event}")


class Comment(db.Model):
    __tablename__ = "comments"
    # Posting is limited per author and minute: the count reads this index, not the whole table.
    __table_args__ = (Index("ix_comments_author_created", "author_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    entry_key: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class AuditEvent(db.Model):
    """One thing somebody did. Rows are only ever inserted."""
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), index=True)
    entry_key: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user = relationship("User", lazy="joined")


class Acknowledgement(db.Model):
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("user_id", "version_id", name="uq_acknowledgements_user_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Setting(db.Model):
    """A deployment-wide setting (e.g. whether approvers may sign their own edits)."""
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict | list | str | int | bool | None] = mapped_column(JSON)
