"""Settings read from the environment, with defaults that are safe on one machine."""

from __future__ import annotations

import os
import secrets
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


class TestConfig(Config):
    """Isolated data dir and database, chosen by the test fixtures."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        os.environ.setdefault("SECRET_KEY", "test-secret-key")
        super().__init__()
        self.HELPCENTER_DATA_DIR = str(data_dir)
        self.SEARCH_INDEX_DIR = str(data_dir / "search-index")
        self.SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{data_dir / 'test.sqlite3'}"
        self.TESTING = True
