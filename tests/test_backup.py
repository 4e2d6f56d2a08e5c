"""flask sla export / import: everything round-trips with its ids; damaged files change nothing."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.backup.archive import DERIVED_TABLES, seal, seal_key
from app.extensions import db as _db
from app.models import (Acknowledgement, AdherenceAlert, ApiToken, AuditEvent, Comment, Entry, Lead, LeadEvent,
                        LeadImport, LoginAttempt, Setting, Team, User, Version, Webhook, WebhookAttempt,
                        WebhookDelivery)
from tests.conftest import PASSWORD, upgrade_database
from tests.factories import make_draft, make_entry, make_published

ODD_TEXT = "Zero\u200bwidth \u202eRTL\u202c 👩‍👩‍👧 e\u0301 <script>alert(1)</script> \"quotes\" \\ back\nline"


@pytest.fixture
def second_database(request, tmp_path):
    """Another empty, migrated database of the same kind as the test's one."""
    pg = request.getfixturevalue("postgres_url")
    if not pg:
        path = tmp_path / "second.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = make_url(pg)
    name = f"accord_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def close_connections(other_app) -> None:
    """Close another app's pooled connections before its database is dropped (a dropped database
    leaves them open until the garbage collector finds them, inside some later test)."""
    with other_app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def populate(make_user) -> dict:
    """One row or more in every table, with awkward text and bytes."""
    admin = make_user("admin", team="sales", name="Ädmin " + ODD_TEXT[:20])
    marketing = make_user("approver", team="marketing")
    sales = make_user("approver", team="sales")
    editor = make_user("editor", team="customer-success")
    old = make_published([make_entry("terms", "sla", definition=ODD_TEXT),
                          make_entry("deal_stages", "won", probability=1.0, is_closed=True, is_won=True)],
                         number="1.0.0", approvers=[marketing, sales])
    current = make_published([make_entry("terms", "sla", definition="Second " + ODD_TEXT),
                              make_entry("lifecycle_stages", "mql", owner_team="marketing",
                                         entry_criteria="Score ≥ 50", score_threshold=50)],
                             number="1.1.0", approvers=[marketing, sales])
    draft = make_draft([make_entry("terms", "sla", definition="Draft " + ODD_TEXT)], by=editor)
    draft.sent_back_reason = "Not yet: " + ODD_TEXT
    _db.session.add_all([
        Comment(version_id=draft.id, author_id=marketing.id, body=ODD_TEXT, entry_key="sla"),
        Comment(version_id=old.id, author_id=sales.id, body="Signed."),
        Acknowledgement(user_id=editor.id, version_id=current.id),
        AuditEvent(user_id=admin.id, action="user.changed", version_id=current.id, summary=ODD_TEXT,
                   before={"role": "reader", "n": [1, 2.5, None, True]}, after={"role": "editor"}),
        AuditEvent(action="version.published", version_id=old.id, before=None, after=None),
        Setting(key="approvers_may_sign_own_edits", value=False),
        Setting(key="odd", value={"text": ODD_TEXT, "list": [1, "2"]}),
        ApiToken(name="CRM sync", prefix="acc_abcdefgh", token_hash="a" * 64, created_by_id=admin.id,
                 last_used_at=datetime(2026, 1, 2, 3, 4, 5, 678901)),
        ApiToken(name="Old", prefix="acc_zzzzzzzz", token_hash="b" * 64, revoked_at=datetime(2026, 1, 1)),
        LoginAttempt(email="someone@example.com", address="203.0.113.9"),
    ])
    hook = Webhook(url="https://hooks.example.com/accord?x=1&y=2", secret="s3cr3t")
    _db.session.add(hook)
    _db.session.flush()
    delivery = WebhookDelivery(webhook_id=hook.id, delivery_id=str(uuid.uuid4()), event="sla.published",
                               payload=bytes(range(256)), status="delivered", attempts=1)
    _db.session.add(delivery)
    _db.session.flush()
    _db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=500, error=ODD_TEXT, duration_ms=12))
    lead = Lead(source="hubspot", external_id="1001", lead_type="new-prospect", owner="o@example.com",
                fields={"industry": ODD_TEXT[:30], "employees": 250})
    _db.session.add(lead)
    _db.session.flush()
    _db.session.add_all([
        LeadEvent(lead_id=lead.id, source="hubspot", source_event_id="e1", kind="stage_entered", value="sql",
                  occurred_at=datetime(2026, 11, 27, 10, 59, 0, 123456)),
        AdherenceAlert(commitment="sql-follow-up", period="2026-11", status="missed", actual=0.75, target=0.95),
        LeadImport(filename=ODD_TEXT[:40] + ".csv", format="accord", source="import", status="done", size=10,
                   errors=[{"row": 2, "column": "at", "message": ODD_TEXT[:40]}]),
    ])
    _db.session.commit()
    return {"old": old.id, "current": current.id, "draft": draft.id, "users": 4}


def export_to(app, path) -> dict:
    with app.app_context():  # the CLI reuses an app context already pushed, so push this app's
        result = app.test_cli_runner().invoke(args=["sla", "export", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def import_from(app, path, *flags):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["sla", "import", str(path), *flags])


def count_rows(app) -> dict:
    with app.app_context():
        with _db.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                    for t in _db.metadata.sorted_tables}


def deployment_key() -> bytes:
    """The seal key of the test deployments (they share the suite's SECRET_KEY)."""
    return seal_key(os.environ["SECRET_KEY"])


def rewrite(path, change) -> None:
    """Edit a backup's content and seal it again with the deployment's own key: a file only the
    deployment could have written, to reach the checks behind the seal."""
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["content"])
    data["checksum"]["value"] = seal(data, deployment_key())
    path.write_text(json.dumps(data), encoding="utf-8")


def test_every_table_round_trips_with_ids_bytes_and_hashes(app, make_user, second_database, tmp_path):
    ids = populate(make_user)
    first = export_to(app, tmp_path / "first.json")
    tables = first["content"]["tables"]
    assert first["format"] == "accord-backup" and first["format_version"] == 2
    assert first["checksum"] == {"algorithm": "hmac-sha256", "value": seal(first, deployment_key())}
    assert os.environ["SECRET_KEY"] not in (tmp_path / "first.json").read_text(encoding="utf-8")
    assert set(tables) == {t.name for t in _db.metadata.sorted_tables} - set(DERIVED_TABLES)
    assert all(tables[name] for name in tables), [name for name in tables if not tables[name]]
    raw = (tmp_path / "first.json").read_text(encoding="utf-8")
    assert PASSWORD not in raw and all(u["password_hash"].startswith("scrypt:") for u in tables["users"])

    target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": second_database})
    result = import_from(target, tmp_path / "first.json")
    assert result.exit_code == 0, result.output
    second = export_to(target, tmp_path / "second.json")
    assert second["content"] == first["content"]
    assert second["checksum"]["value"] == seal(second, deployment_key())

    with target.app_context():
        for number, version_id in (("1.0.0", ids["old"]), ("1.1.0", ids["current"])):
            version = _db.session.get(Version, version_id)
            assert version.number == number
            assert hashlib.sha256(version.document).hexdigest() == version.sha256
        original = next(v for v in tables["versions"] if v["id"] == ids["current"])
        assert _db.session.get(Version, ids["current"]).document == base64.b64decode(original["document"])
        assert _db.session.get(Version, ids["draft"]).state == "draft"
        assert _db.session.get(Version, ids["old"]).state == "superseded"
        assert _db.session.get(Version, ids["current"]).state == "published"
        # New rows continue after the restored ids (sequences were moved on PostgreSQL).
        newcomer = User(email="new@example.com", name="New", password_hash="x",
                        team_id=_db.session.scalar(select(Team.id).limit(1)), role="reader")
        _db.session.add(newcomer)
        _db.session.add(Entry(version_id=ids["draft"], section="terms", key="fresh", name="Fresh",
                              team="sales", fields={}))
        _db.session.commit()
        assert newcomer.id == max(u["id"] for u in tables["users"]) + 1
        _db.session.remove()
        _db.engine.dispose()


def test_restored_published_versions_stay_immutable(app, make_user, second_database, tmp_path):
    populate(make_user)
    export_to(app, tmp_path / "backup.json")
    target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": second_database})
    assert import_from(target, tmp_path / "backup.json").exit_code == 0
    with target.app_context():
        assert _trigger_count() >= 3, "the immutability triggers came with the schema"
        current = _db.session.scalar(select(Version).where(Version.state == "published"))
        with pytest.raises(IntegrityError):
            with _db.engine.begin() as conn:
                conn.execute(text("UPDATE versions SET document = :d WHERE id = :i"),
                             {"d": b"{}", "i": current.id})
        _db.session.remove()
        _db.engine.dispose()


def _trigger_count() -> int:
    if _db.engine.dialect.name == "sqlite":
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
    with _db.engine.connect() as conn:
        return conn.exec_driver_sql(query).scalar()


def test_a_database_with_data_is_refused_without_force(app, make_user, tmp_path):
    populate(make_user)
    export_to(app, tmp_path / "backup.json")
    make_user("reader", email="later@example.com")
    before = count_rows(app)
    result = import_from(app, tmp_path / "backup.json")
    assert result.exit_code != 0
    assert "already has data" in result.output and "--force" in result.output
    assert count_rows(app) == before


def test_force_empties_then_restores_in_one_go(app, make_user, tmp_path):
    ids = populate(make_user)
    first = export_to(app, tmp_path / "backup.json")
    make_user("reader", email="later@example.com")
    _db.session.remove()
    triggers = _trigger_count()
    result = import_from(app, tmp_path / "backup.json", "--force")
    assert result.exit_code == 0, result.output
    assert _db.session.scalar(select(User).where(User.email == "later@example.com")) is None
    assert _db.session.get(Version, ids["current"]).state == "published"
    assert _trigger_count() == triggers
    assert export_to(app, tmp_path / "again.json")["content"] == first["content"]


def test_a_failing_forced_restore_changes_nothing(app, make_user, tmp_path):
    """A file that passes every check but that the database refuses (two users, one email)."""
    populate(make_user)
    export_to(app, tmp_path / "backup.json")
    rewrite(tmp_path / "backup.json", lambda c: c["tables"]["users"][1].update(
        email=c["tables"]["users"][0]["email"]))
    marker_id = make_user("reader", email="still-here@example.com").id
    before, triggers = count_rows(app), _trigger_count()
    _db.session.remove()
    result = import_from(app, tmp_path / "backup.json", "--force")
    assert result.exit_code != 0
    assert "refused" in result.output and "nothing was changed" in result.output
    assert count_rows(app) == before
    assert _trigger_count() == triggers
    assert _db.session.get(User, marker_id).email == "still-here@example.com"


def _truncate(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _tamper_text(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["content"]["tables"]["entries"][0]["definition"] = "Quietly changed."
    path.write_text(json.dumps(data), encoding="utf-8")


def _future_format(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format_version"] = 99
    path.write_text(json.dumps(data), encoding="utf-8")


def _forged_document(path):
    def change(content):
        version = next(v for v in content["tables"]["versions"] if v["state"] == "published")
        version["document"] = base64.b64encode(b'{"sections":{}}').decode()
    rewrite(path, change)


def _not_a_backup(path):
    path.write_text(json.dumps({"hello": "world"}), encoding="utf-8")


def _unknown_table(path):
    rewrite(path, lambda c: c["tables"].update(mystery=[{"id": 1}]))


def _bad_value(path):
    rewrite(path, lambda c: c["tables"]["users"][0].update(created_at="yesterday"))


def _orphan_entry(path):
    rewrite(path, lambda c: c["tables"]["entries"].append({**c["tables"]["entries"][0], "id": 9999,
                                                           "version_id": 4242}))


@pytest.mark.parametrize("damage,message", [
    (_truncate, "not valid JSON"),
    (_tamper_text, "seal does not match"),
    (_future_format, "Unknown backup format version 99"),
    (_forged_document, "do not match their SHA-256"),
    (_not_a_backup, "not an Accord backup"),
    (_unknown_table, "does not know"),
    (_bad_value, "wrong shape"),
    (_orphan_entry, "not in the backup"),
])
@pytest.mark.parametrize("force", [False, True])
def test_damaged_files_are_refused_and_change_nothing(app, make_user, tmp_path, damage, message, force):
    populate(make_user)
    path = tmp_path / "backup.json"
    export_to(app, path)
    damage(path)
    before = count_rows(app)
    _db.session.remove()
    result = import_from(app, path, *(["--force"] if force else []))
    assert result.exit_code != 0
    assert message in result.output
    assert count_rows(app) == before


def test_export_writes_atomically_and_import_needs_an_existing_file(app, tmp_path):
    result = import_from(app, tmp_path / "missing.json")
    assert result.exit_code != 0 and "does not exist" in result.output
    (tmp_path / "out").mkdir()
    data = export_to(app, tmp_path / "out" / "empty.json")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["empty.json"]
    assert data["content"]["tables"]["versions"] == []


def test_a_restored_database_serves_the_same_bytes_tokens_and_glossary(app, make_user, login_as, tmp_path):
    from app.api.tokens import create_token
    populate(make_user)
    _, plaintext = create_token("survives a restore")
    client = app.test_client()
    before = client.get("/api/v1/sla", headers={"Authorization": f"Bearer {plaintext}"})
    assert before.status_code == 200
    export_to(app, tmp_path / "backup.json")
    _db.session.remove()
    assert import_from(app, tmp_path / "backup.json", "--force").exit_code == 0
    after = client.get("/api/v1/sla", headers={"Authorization": f"Bearer {plaintext}"})
    assert after.status_code == 200 and after.data == before.data and after.headers["ETag"] == before.headers["ETag"]
    reader = login_as("reader", email="after-restore@example.com")
    page = reader.get("/glossary", query_string={"q": "Second"})
    assert page.status_code == 200 and b"/terms/sla" in page.data
    assert b"/terms/sla" not in reader.get("/glossary", query_string={"q": "qqqqzzzz"}).data


# --- the seal ---------------------------------------------------------------------------------

def _make_a_reader_admin(content):
    user = next(u for u in content["tables"]["users"] if u["role"] != "admin")
    user["role"] = "admin"


def _resealed_with_sha256(path):
    """What the old format allowed: edit, then recompute a checksum anyone can compute."""
    data = json.loads(path.read_text(encoding="utf-8"))
    _make_a_reader_admin(data["content"])
    unsealed = {k: v for k, v in data.items() if k != "checksum"}
    data["checksum"] = {"algorithm": "sha256",
                        "value": hashlib.sha256(json.dumps(unsealed, sort_keys=True).encode()).hexdigest()}
    path.write_text(json.dumps(data), encoding="utf-8")


def _resealed_with_a_guessed_key(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    _make_a_reader_admin(data["content"])
    data["checksum"]["value"] = seal(data, seal_key("changeme"))
    path.write_text(json.dumps(data), encoding="utf-8")


def _seal_copied_onto_another_export_time(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["exported_at"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(data), encoding="utf-8")


def _old_plain_checksum_format(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    data["format_version"] = 1
    data["checksum"] = {"algorithm": "sha256",
                        "value": hashlib.sha256(json.dumps(data["content"]).encode()).hexdigest()}
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("forge,message", [
    (_resealed_with_sha256, "seal does not match"),
    (_resealed_with_a_guessed_key, "seal does not match"),
    (_seal_copied_onto_another_export_time, "seal does not match"),
    (_old_plain_checksum_format, "format version 1"),
])
def test_an_edited_and_resealed_file_is_refused(app, make_user, tmp_path, forge, message):
    populate(make_user)
    path = tmp_path / "backup.json"
    export_to(app, path)
    forge(path)
    before = count_rows(app)
    _db.session.remove()
    result = import_from(app, path, "--force")
    assert result.exit_code != 0 and message in result.output, result.output
    assert count_rows(app) == before


def test_a_backup_from_another_deployment_needs_its_key(app, make_user, second_database, tmp_path):
    populate(make_user)
    export_to(app, tmp_path / "backup.json")
    elsewhere = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": second_database,
                            "SECRET_KEY": "another-deployment-secret-key-0123456789"})
    try:
        refused = import_from(elsewhere, tmp_path / "backup.json")
        assert refused.exit_code != 0 and "another deployment needs that deployment's SECRET_KEY" in refused.output
        assert count_rows(elsewhere)["users"] == 0
        restored = import_from(elsewhere, tmp_path / "backup.json", "--key", os.environ["SECRET_KEY"])
        assert restored.exit_code == 0, restored.output
        assert count_rows(elsewhere)["users"] == count_rows(app)["users"]
    finally:
        close_connections(elsewhere)


def test_a_backup_sealed_with_a_given_key_is_restored_with_that_key(app, make_user, tmp_path):
    populate(make_user)
    path = tmp_path / "backup.json"
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["sla", "export", str(path)],
                                              env={"ACCORD_BACKUP_KEY": "a passphrase kept in the vault"})
    assert result.exit_code == 0, result.output
    data = json.loads(path.read_text(encoding="utf-8"))
    expected = hmac.new(seal_key("a passphrase kept in the vault"),
                        json.dumps({k: v for k, v in data.items() if k != "checksum"}, sort_keys=True,
                                   ensure_ascii=False, separators=(",", ":")).encode(), hashlib.sha256).hexdigest()
    assert data["checksum"]["value"] == expected
    _db.session.remove()
    assert import_from(app, path, "--force").exit_code != 0
    assert import_from(app, path, "--force", "--key", "a passphrase kept in the vault").exit_code == 0


def test_a_published_version_signed_twice_by_one_person_is_restored_as_it_was(app, make_user, second_database,
                                                                              tmp_path):
    """What an older release let through is history: the restore keeps it, the guard watches reviews."""
    from app.models import Approval
    ids = populate(make_user)
    signer = _db.session.scalar(select(Approval.user_id).where(Approval.version_id == ids["old"]).limit(1))
    _db.session.add(Approval(version_id=ids["old"], team="customer-success", user_id=signer, content_hash="0" * 64))
    _db.session.commit()
    first = export_to(app, tmp_path / "backup.json")
    target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": second_database})
    try:
        result = import_from(target, tmp_path / "backup.json")
        assert result.exit_code == 0, result.output
        assert export_to(target, tmp_path / "again.json")["content"] == first["content"]
    finally:
        close_connections(target)
