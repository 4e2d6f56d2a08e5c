"""API tokens: hashed storage, the admin page, the command line, revocation, audit."""
import hashlib
import re

import pytest
from sqlalchemy import select

from app.api.tokens import TokenError, authenticate_token, create_token, revoke_token
from app.models import ApiToken, AuditEvent
from tests.test_api_support import published  # noqa: F401

TOKEN = re.compile(r"acc_[A-Za-z0-9_-]{43}")


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_token_is_stored_as_its_hash_with_a_display_prefix(app, db, make_user):
    admin = make_user("admin")
    row, plaintext = create_token("  HubSpot sync  ", by=admin)
    assert TOKEN.fullmatch(plaintext)
    assert row.name == "HubSpot sync"
    assert row.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert row.prefix == plaintext[:12] and len(row.prefix) == 12
    assert row.created_by_id == admin.id
    stored = db.session.execute(select(ApiToken.__table__)).one()._asdict()
    assert plaintext not in [str(v) for v in stored.values()]
    assert authenticate_token(plaintext).id == row.id
    assert audit_actions(db) == ["token.created"]


def test_tokens_are_unique(app):
    assert create_token("a")[1] != create_token("b")[1]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "nul\x00byte", "bell\x07"])
def test_a_token_needs_a_name(app, name):
    with pytest.raises(TokenError):
        create_token(name)


def test_revoking_is_audited_once_and_ends_authentication(app, db):
    row, plaintext = create_token("bi")
    revoke_token(row)
    first = row.revoked_at
    revoke_token(row)
    assert row.revoked_at == first
    assert authenticate_token(plaintext) is None
    assert audit_actions(db) == ["token.created", "token.revoked"]


# --- the admin page ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["reader", "editor", "approver"])
@pytest.mark.parametrize("method, path", [("get", "/admin/tokens"), ("post", "/admin/tokens"),
                                          ("post", "/admin/tokens/1/revoke")])
def test_only_admins_manage_tokens(app, login_as, role, method, path):
    create_token("existing")
    assert getattr(login_as(role), method)(path, data={"name": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_creates_a_token_that_is_shown_once_and_works(app, db, login_as, published):
    admin = login_as("admin")
    response = admin.post("/admin/tokens", data={"name": "Salesforce sync"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    plaintext = TOKEN.search(response.get_data(as_text=True)).group()
    assert "not shown again" in response.get_data(as_text=True)

    listing = admin.get("/admin/tokens").get_data(as_text=True)
    assert "Salesforce sync" in listing and plaintext[:12] in listing
    assert plaintext not in listing, "the token is shown only once"
    assert "never" in listing

    api = app.test_client()
    assert api.get("/api/v1/sla", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    row = db.session.scalar(select(ApiToken))
    assert row.created_by_id == admin.user.id
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_an_empty_name_is_refused_on_the_form(login_as, db):
    response = login_as("admin").post("/admin/tokens", data={"name": ""})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_an_admin_revokes_a_token(app, db, login_as, published):
    row, plaintext = create_token("to revoke")
    admin = login_as("admin")
    response = admin.post(f"/admin/tokens/{row.id}/revoke")
    assert response.status_code == 302
    listing = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "revoked" in listing
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert app.test_client().get("/api/v1/sla", headers=headers).status_code == 401
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "token.revoked")).all()
    assert [e.user_id for e in events] == [admin.user.id]


def test_revoking_an_unknown_token_is_404(login_as):
    assert login_as("admin").post("/admin/tokens/999/revoke").status_code == 404


# --- the command line --------------------------------------------------------------------------

def test_flask_tokens_create_prints_a_working_token_once(app, runner, published, db):
    result = runner.invoke(args=["tokens", "create", "nightly BI"])
    assert result.exit_code == 0, result.output
    plaintext = TOKEN.search(result.output).group()
    assert "not shown again" in result.output
    assert app.test_client().get("/api/v1/sla", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    assert audit_actions(db) == ["token.created"]


def test_flask_tokens_list_and_revoke(app, runner, db):
    row, plaintext = create_token("cli")
    listing = runner.invoke(args=["tokens", "list"])
    assert f"{row.id}  {row.prefix}…  cli" in listing.output and "active" in listing.output
    assert plaintext not in listing.output
    assert runner.invoke(args=["tokens", "revoke", str(row.id)]).exit_code == 0
    assert authenticate_token(plaintext) is None
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    missing = runner.invoke(args=["tokens", "revoke", "999"])
    assert missing.exit_code != 0 and "no token 999" in missing.output


def test_flask_tokens_create_refuses_an_empty_name(runner):
    result = runner.invoke(args=["tokens", "create", " "])
    assert result.exit_code != 0 and "name" in result.output


@pytest.mark.parametrize("ticked, scopes", [(False, "read"), (True, "read events:write")])
def test_an_admin_chooses_whether_a_token_may_send_events(app, db, login_as, ticked, scopes):
    data = {"name": "HubSpot events", **({"events_write": "y"} if ticked else {})}
    response = login_as("admin").post("/admin/tokens", data=data)
    assert response.status_code == 200
    assert db.session.scalar(select(ApiToken)).scopes == scopes
    plaintext = TOKEN.search(response.get_data(as_text=True)).group()
    sent = app.test_client().post("/api/v1/events", headers={"Authorization": f"Bearer {plaintext}"},
                                  json={"source": "hubspot", "events": []})
    assert sent.status_code == (200 if ticked else 403)
    assert f"<code>{scopes.split()[-1]}</code>" in login_as("admin").get("/admin/tokens").get_data(as_text=True)
