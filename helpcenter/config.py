"""Settings read from the environment, with defaults that are safe on one machine."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _data_dir() -> Path:
    return Path(os.environ.get("HELPCENTER_DATA_DIR", PROJECT_ROOT / "instance")).resolve()


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir.

    A fixed default key would let anyone forge sessions; a key regenerated at each start
    would sign everybody out on restart.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    """Production defaults. Every value can be overridden from the environment."""

    def __init__(self) -> None:
        data_dir = _data_dir()
        self.HELPCENTER_DATA_DIR = str(data_dir)
        self.SECRET_KEY = _secret_key(data_dir)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{data_dir / 'helpcenter.sqlite3'}"
        )
        self.SITE_NAME = os.environ.get("HELPCENTER_SITE_NAME", "Expert Help Center")
        self.CONTENT_DIR = os.environ.get("HELPCENTER_CONTENT_DIR", str(PROJECT_ROOT / "content"))
        self.POLICIES_FILE = os.environ.get(
            "HELPCENTER_POLICIES_FILE", str(PROJECT_ROOT.parent / "shared" / "POLICIES.md")
        )
        self.DEFAULT_TIMEZONE = os.environ.get("HELPCENTER_TIMEZONE", "UTC")
        self.SEARCH_INDEX_DIR = str(data_dir / "search-index")
        # "auto": PostgreSQL full-text search when the database is PostgreSQL, else Whoosh.
        self.SEARCH_BACKEND = os.environ.get("HELPCENTER_SEARCH_BACKEND", "auto")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = os.environ.get("HELPCENTER_HTTPS", "") == "1"
        self.MAX_CONTENT_LENGTH = 2 * 1024 * 1024
        self.MAX_FORM_MEMORY_SIZE = 500_000
        self.MAX_FORM_PARTS = 200
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.TESTING = False
        # Pages, CSS and JS (static files are sent as streams) get the best encoding the
        # browser accepts; small bodies are not worth it.
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        self.COMPRESS_STREAMS = True
        self.COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]
        self.COMPRESS_MIN_SIZE = 500
        _accounts_settings(self)


class TestConfig(Config):
    """Isolated data dir and database, chosen by the test fixtures."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        os.environ.setdefault("SECRET_KEY", "test-secret-key")
        super().__init__()
        self.HELPCENTER_DATA_DIR = str(data_dir)
        self.SEARCH_INDEX_DIR = str(data_dir / "search-index")
        self.SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{data_dir / 'test.sqlite3'}"
        self.TESTING = True
        # Still argon2id, with the smallest parameters: tests hash many passwords.
        self.PASSWORD_HASH_PROFILE = "CHEAPEST"


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _accounts_settings(config: Config) -> None:
    """Accounts, sessions, rate limits, mail and headers (see tests/README.md, "Security")."""
    https = config.SESSION_COOKIE_SECURE
    # '__Host-' cookies are only sent over HTTPS, for this host and path / (ASVS 3.3.1, 3.3.3).
    config.SESSION_COOKIE_NAME = "__Host-session" if https else "session"
    config.REMEMBER_COOKIE_NAME = "__Host-remember" if https else "remember"
    config.REMEMBER_COOKIE_SECURE = https
    config.REMEMBER_COOKIE_HTTPONLY = True
    config.REMEMBER_COOKIE_SAMESITE = "Lax"
    config.REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("HELPCENTER_REMEMBER_DAYS", 14))
    # A session without "remember me" ends after this much inactivity, and at the latest
    # after SESSION_MAX_AGE; a remembered one after REMEMBER_COOKIE_DURATION.
    config.SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_int("HELPCENTER_SESSION_IDLE_MINUTES", 60))
    config.SESSION_MAX_AGE = timedelta(hours=_env_int("HELPCENTER_SESSION_MAX_HOURS", 12))
    config.PASSWORD_MIN_LENGTH = max(8, _env_int("HELPCENTER_PASSWORD_MIN_LENGTH", 12))
    config.PASSWORD_MAX_LENGTH = 256
    config.PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"  # argon2id, t=3, m=64 MiB, p=4
    config.PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    config.INVITATION_MAX_AGE = timedelta(days=7)
    # The form's token lives as long as the session: a page left open for an hour still posts.
    config.WTF_CSRF_TIME_LIMIT = None
    # Host names this site answers to (comma-separated); links in emails use BASE_URL when set,
    # so a forged Host header can never put another site into a password reset link.
    hosts = [h.strip() for h in os.environ.get("HELPCENTER_TRUSTED_HOSTS", "").split(",")]
    config.TRUSTED_HOSTS = [h for h in hosts if h] or None
    config.BASE_URL = os.environ.get("HELPCENTER_BASE_URL", "").rstrip("/")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    config.PROXY_COUNT = _env_int("HELPCENTER_PROXY_COUNT", 0)

    config.RATELIMIT_ENABLED = True
    config.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    config.RATELIMIT_HEADERS_ENABLED = True
    config.RATELIMIT_SIGN_IN = "10 per minute; 60 per hour"  # per address
    config.RATELIMIT_SIGN_IN_ACCOUNT = "10 per 15 minutes"  # failed attempts per account
    config.RATELIMIT_PASSWORD_RESET = "5 per 15 minutes; 20 per day"  # per address
    config.RATELIMIT_PASSWORD_RESET_ACCOUNT = "3 per hour"  # emails sent to one address
    config.RATELIMIT_PASSWORD_CHECK = "10 per 15 minutes"  # current-password checks per user
    config.RATELIMIT_FORMS = "30 per minute; 500 per hour"  # every other POST, per address

    config.SMTP_HOST = os.environ.get("SMTP_HOST", "")
    config.SMTP_PORT = _env_int("SMTP_PORT", 587)
    config.SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    config.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    config.SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")  # starttls | ssl | none
    config.SMTP_TIMEOUT = _env_int("SMTP_TIMEOUT", 20)
    config.MAIL_FROM = os.environ.get("MAIL_FROM", "help-center@localhost")
    # Send a message in a background thread right after the transaction that queued it;
    # `helpcenter send-mail` (cron) retries whatever that did not deliver.
    config.MAIL_SEND_AFTER_COMMIT = os.environ.get("MAIL_SEND_AFTER_COMMIT", "1") == "1"
