"""Configuration from the environment, and the production refusal without a real secret."""
import pytest

from app.config import ConfigError, load_config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "ACCORD_ENV", "DATABASE_URL", "ACCORD_PUBLIC_API", "ACCORD_BASE_URL",
                 "ACCORD_WEBHOOK_ALLOW_PRIVATE", "WEBHOOKS_DELIVER_AFTER_PUBLISH", "WEBHOOK_TIMEOUT_SECONDS",
                 "WEBHOOK_RETRY_BASE_SECONDS", "MAIL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_development_generates_a_secret_key_once(clean_env, tmp_path):
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "dev-secret-key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(clean_env, tmp_path):
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'accord.db'}"


@pytest.mark.parametrize("url", ["postgres://u:p@h/db", "postgresql://u:p@h/db"])
def test_postgres_urls_use_psycopg3(clean_env, tmp_path, url):
    clean_env.setenv("DATABASE_URL", url)
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@h/db"


def test_production_refuses_to_start_without_a_secret_key(clean_env, tmp_path):
    clean_env.setenv("ACCORD_ENV", "production")
    with pytest.raises(ConfigError, match="needs SECRET_KEY"):
        load_config(tmp_path)


def test_production_refuses_the_development_key(clean_env, tmp_path):
    dev_key = load_config(tmp_path)["SECRET_KEY"]
    clean_env.setenv("ACCORD_ENV", "production")
    clean_env.setenv("SECRET_KEY", dev_key)
    with pytest.raises(ConfigError, match="development key"):
        load_config(tmp_path)


def test_production_refuses_a_weak_key(clean_env, tmp_path):
    clean_env.setenv("ACCORD_ENV", "production")
    clean_env.setenv("SECRET_KEY", "changeme")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_production_with_a_real_key_sets_secure_cookies(clean_env, tmp_path):
    clean_env.setenv("ACCORD_ENV", "production")
    clean_env.setenv("SECRET_KEY", "a" * 64)
    clean_env.setenv("ACCORD_BASE_URL", "https://accord.example.com/")
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refusal_from_the_command_line(clean_env, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"ACCORD_ENV": "production", "PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_base_url(clean_env, tmp_path):
    """Without it, links in webhooks, mail and OpenAPI would follow whatever Host a request names."""
    clean_env.setenv("ACCORD_ENV", "production")
    clean_env.setenv("SECRET_KEY", "a" * 64)
    with pytest.raises(ConfigError, match="needs ACCORD_BASE_URL"):
        load_config(tmp_path)
    clean_env.setenv("ACCORD_BASE_URL", "https://accord.example.com/")
    assert load_config(tmp_path)["ACCORD_BASE_URL"] == "https://accord.example.com"


def test_production_refuses_a_missing_base_url_from_the_command_line(clean_env, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"ACCORD_ENV": "production", "SECRET_KEY": "a" * 64, "PATH": "",
           "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "needs ACCORD_BASE_URL" in result.stderr


@pytest.mark.parametrize("env", ["development", "production"])
@pytest.mark.parametrize("url", ["accord.example.com", "ftp://accord.example.com", "https://",
                                 "https://accord.example.com/?next=x", "https://user:pw@accord.example.com",
                                 "https://accord.example.com:99999", "https://accord.example.com/#x"])
def test_a_malformed_base_url_is_refused(clean_env, tmp_path, env, url):
    clean_env.setenv("ACCORD_ENV", env)
    clean_env.setenv("SECRET_KEY", "a" * 64)
    clean_env.setenv("ACCORD_BASE_URL", url)
    with pytest.raises(ConfigError, match="ACCORD_BASE_URL"):
        load_config(tmp_path)


def test_webhook_and_mail_settings_come_from_the_environment(clean_env, tmp_path):
    defaults = load_config(tmp_path)
    assert defaults["ACCORD_WEBHOOK_ALLOW_PRIVATE"] is False and defaults["WEBHOOKS_DELIVER_AFTER_PUBLISH"] is True
    assert (defaults["WEBHOOK_TIMEOUT_SECONDS"], defaults["WEBHOOK_RETRY_BASE_SECONDS"],
            defaults["MAIL_TIMEOUT"]) == (5, 60, 10)
    for name, value in (("ACCORD_WEBHOOK_ALLOW_PRIVATE", "1"), ("WEBHOOKS_DELIVER_AFTER_PUBLISH", "0"),
                        ("WEBHOOK_TIMEOUT_SECONDS", "2.5"), ("WEBHOOK_RETRY_BASE_SECONDS", "30"),
                        ("MAIL_TIMEOUT", "3")):
        clean_env.setenv(name, value)
    config = load_config(tmp_path)
    assert config["ACCORD_WEBHOOK_ALLOW_PRIVATE"] is True and config["WEBHOOKS_DELIVER_AFTER_PUBLISH"] is False
    assert (config["WEBHOOK_TIMEOUT_SECONDS"], config["WEBHOOK_RETRY_BASE_SECONDS"], config["MAIL_TIMEOUT"]) == (
        2.5, 30, 3)


def test_public_api_flag(clean_env, tmp_path):
    clean_env.setenv("ACCORD_PUBLIC_API", "1")
    assert load_config(tmp_path)["ACCORD_PUBLIC_API"] is True


@pytest.mark.parametrize("url, pings", [("sqlite:///accord.db", False), ("sqlite://", False),
                                        ("postgresql+psycopg://u@db.example/accord", True)])
def test_only_server_connections_are_pinged_before_use(url, pings):
    from app.database import engine_options
    assert engine_options(url).get("pool_pre_ping", False) is pings
