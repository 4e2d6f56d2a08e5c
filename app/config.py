"""Configuration read from the environment (12-factor)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_KEY_FILE = "dev-secret-key"


DEFAULT_CURRENT_TTL = 1.0


class ConfigError(RuntimeError):
    """The environment does not describe a runnable deployment."""


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    return raw in {"1", "true", "yes", "on"} if raw else default


def _database_url(instance_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_dir / 'accord.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key(instance_dir: Path) -> str:
    """Return the development key, generating it once into the instance folder."""
    path = instance_dir / DEV_KEY_FILE
    if not path.exists():
        instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:  # created readable by its owner only: whoever reads it can forge sessions
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return path.read_text().strip()
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return max(0.0, float(raw)) if raw else default
    except ValueError as error:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}.") from error


def _base_url(production: bool) -> str:
    """ACCORD_BASE_URL, checked; production builds every external link from it, so needs it."""
    from app.urls import base_url_problem

    url = os.environ.get("ACCORD_BASE_URL", "").strip().rstrip("/")
    if not url and production:
        raise ConfigError("ACCORD_ENV=production needs ACCORD_BASE_URL: the portal's address as people and "
                          "tools reach it (for example https://accord.example.com).")
    problem = base_url_problem(url) if url else None
    if problem:
        raise ConfigError(problem)
    return url


def _locale(name: str, default: str) -> str:
    """A language the interface ships in (app/i18n.py LANGUAGES)."""
    from app.i18n import LANGUAGES

    raw = os.environ.get(name, "").strip() or default
    if raw not in LANGUAGES:
        raise ConfigError(f"{name} must be one of {', '.join(LANGUAGES)}, not {raw!r}.")
    return raw


def _timezone(name: str, default: str) -> str:
    """An IANA time zone name, e.g. Asia/Bangkok."""
    from app.i18n import is_timezone

    raw = os.environ.get(name, "").strip() or default
    if not is_timezone(raw):
        raise ConfigError(f"{name} must be an IANA time zone such as Asia/Bangkok or UTC, not {raw!r}.")
    return raw


def _hops(name: str) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isascii() or not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number of proxies (0 or more), not {raw!r}.")
    return int(raw)


def load_config(instance_dir: Path = INSTANCE_DIR) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ.get("ACCORD_ENV", "development").strip() or "development"
    production = env == "production"
    secret = os.environ.get("SECRET_KEY", "").strip()
    if production:
        dev_path = instance_dir / DEV_KEY_FILE
        dev_key = dev_path.read_text().strip() if dev_path.exists() else None
        if not secret:
            raise ConfigError("ACCORD_ENV=production needs SECRET_KEY: set it to a long random value "
                              "(for example: python -c 'import secrets; print(secrets.token_hex(32))').")
        if secret == dev_key or len(secret) < 16 or secret.lower() in {"dev", "changeme", "secret"}:
            raise ConfigError("SECRET_KEY is the development key or too weak (under 16 characters); "
                              "production needs a real secret of its own.")
    elif not secret:
        secret = development_secret_key(instance_dir)
    return {
        "ACCORD_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_dir),
        "ACCORD_PUBLIC_API": _flag("ACCORD_PUBLIC_API"),
        "ACCORD_BASE_URL": _base_url(production),
        "ACCORD_WEBHOOK_ALLOW_PRIVATE": _flag("ACCORD_WEBHOOK_ALLOW_PRIVATE"),
        "WEBHOOKS_DELIVER_AFTER_PUBLISH": _flag("WEBHOOKS_DELIVER_AFTER_PUBLISH", default=True),
        "WEBHOOK_TIMEOUT_SECONDS": _seconds("WEBHOOK_TIMEOUT_SECONDS", 5.0),
        "WEBHOOK_RETRY_BASE_SECONDS": _seconds("WEBHOOK_RETRY_BASE_SECONDS", 60.0),
        # How long a web process trusts its memo of the current version (0: ask every time).
        "ACCORD_CURRENT_TTL": _seconds("ACCORD_CURRENT_TTL", DEFAULT_CURRENT_TTL),
        # The interface's language and time zone for whoever has not chosen their own.
        "ACCORD_DEFAULT_LOCALE": _locale("ACCORD_DEFAULT_LOCALE", "en"),
        "ACCORD_TIMEZONE": _timezone("ACCORD_TIMEZONE", "UTC"),
        # A lead's record in the CRM, e.g. https://app.hubspot.com/contacts/<portal>/record/0-1/{external_id}
        "ACCORD_CRM_RECORD_URL": os.environ.get("ACCORD_CRM_RECORD_URL", ""),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25") or 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "accord@localhost"),
        "MAIL_TIMEOUT": _seconds("MAIL_TIMEOUT", 10.0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        # Proxies in front of the app whose X-Forwarded-For and -Proto are believed (0: none).
        "ACCORD_TRUSTED_PROXIES": _hops("ACCORD_TRUSTED_PROXIES"),
        # Sign-in throttling: failures per (account, address) and per address, then a doubling delay.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_DELAY_SECONDS": 5,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
    }


def current_ttl() -> float:
    """Seconds a web process trusts what it last read of the current version and of the glossary
    index (ACCORD_CURRENT_TTL; 0 reads every time)."""
    return max(0.0, float(current_app.config.get("ACCORD_CURRENT_TTL", DEFAULT_CURRENT_TTL)))
