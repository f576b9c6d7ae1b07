"""Fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), the
real content files imported, and a fresh set of rows for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import text

from helpcenter import create_app
from helpcenter.config import PROJECT_ROOT, TestConfig
from helpcenter.content.importer import import_content
from helpcenter.extensions import db
from helpcenter.models import Base

CONTENT_DIR = PROJECT_ROOT / "content"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The schema comes from the Alembic migrations, as in production, once per session."""
    app = create_app(TestConfig(tmp_path_factory.mktemp("data"), database_url))
    with app.app_context():
        with db.engine.begin() as connection:
            # Start from nothing, so a half-migrated database from an earlier run can't leak in.
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def bare_app(migrated: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty (but migrated) database."""
    app = create_app(TestConfig(tmp_path, migrated))
    with app.app_context():
        _empty_all_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(bare_app: Flask) -> Flask:
    """An app with the real content/ imported."""
    with bare_app.app_context():
        import_content(db.session, CONTENT_DIR)
    return bare_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    """What htmx 4 sends for a targeted swap."""
    return {"HX-Request": "true", "HX-Request-Type": "partial"}
