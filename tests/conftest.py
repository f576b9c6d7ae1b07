"""Fixtures: a real database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), the
real content files imported, and a fresh set of rows for every test."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


CONTENT_TABLES = (
    "category",
    "category_translation",
    "section",
    "section_translation",
    "article",
    "article_revision",
)
# Importing the real content for every test is the slowest part of a test; the imported
# rows are kept between tests that leave them untouched (checked by a fingerprint).
_seeded: dict[str, object] = {"fingerprint": None}


def _empty_tables(*, keep_content: bool) -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if keep_content and table.name in CONTENT_TABLES:
                continue
            connection.execute(table.delete())


def _content_fingerprint() -> tuple[object, ...]:
    row = db.session.execute(
        text(
            "SELECT (SELECT count(*) FROM article_revision), (SELECT max(modified_at) FROM article),"
            " (SELECT count(*) FROM category_translation), (SELECT count(*) FROM section_translation)"
        )
    ).one()
    db.session.rollback()
    return tuple(str(value) for value in row)


@pytest.fixture
def base_app(migrated: str, tmp_path: Path) -> Iterator[Flask]:
    """The app of this test; every table but the imported content is empty.

    `app` and `bare_app` are two views of this one instance, so fixtures built on it
    (users, sessions) work with either.
    """
    app = create_app(TestConfig(tmp_path, migrated))
    with app.app_context():
        _empty_tables(keep_content=True)
    yield app
    with app.app_context():
        if _seeded["fingerprint"] != _content_fingerprint():
            _seeded["fingerprint"] = None  # this test changed content: re-import next time
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def bare_app(base_app: Flask) -> Flask:
    """An app on an empty (but migrated) database."""
    with base_app.app_context():
        _empty_tables(keep_content=False)
    _seeded["fingerprint"] = None
    return base_app


@pytest.fixture
def app(base_app: Flask) -> Flask:
    """An app with the real content/ imported."""
    with base_app.app_context():
        fingerprint = _seeded["fingerprint"]
        if fingerprint is None or fingerprint != _content_fingerprint():
            _empty_tables(keep_content=False)
            import_content(db.session, CONTENT_DIR)
            _seeded["fingerprint"] = _content_fingerprint()
    return base_app


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


# -- accounts (helpcenter/auth): people with roles, signed in ---------------------------------

TEST_PASSWORD = "quiet violet harbor lantern"


@pytest.fixture
def make_user(base_app: Flask) -> Callable[..., Any]:
    """`make_user("editor", email=..., password=..., name=..., active=...)`: a committed User.
    Without `password=None` the account has TEST_PASSWORD."""
    from helpcenter.auth import passwords, service
    from helpcenter.models import Role

    app = base_app
    numbers = itertools.count(1)

    def make(
        role: str = "expert",
        *,
        email: str | None = None,
        password: str | None = TEST_PASSWORD,
        name: str | None = None,
        locale: str = "en",
        timezone: str = "UTC",
        active: bool = True,
    ) -> Any:
        number = next(numbers)
        with app.app_context():
            hasher = passwords.hasher_for(app.config["PASSWORD_HASH_PROFILE"])
            user = service.create_user(
                db.session,
                email=email or f"{role}{number}@example.com",
                display_name=name or f"{role.title()} {number}",
                role=Role(role),
                locale=locale,
                timezone=timezone,
                password_hash=passwords.hash_password(hasher, password) if password else None,
            )
            user.is_active = active
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def sign_in_as(base_app: Flask) -> Callable[..., str]:
    """`sign_in_as(user, client)`: a real server-side session for `user` in that test client,
    without the sign-in form; returns the session token."""
    from helpcenter.auth import access, sessions
    from helpcenter.models import User, utcnow

    app = base_app

    def sign_in(user: Any, test_client: FlaskClient) -> str:
        with app.test_request_context():
            account = db.session.get(User, user.id)
            token = sessions.start(
                db.session,
                account,
                remember=False,
                user_agent="pytest",
                lifetimes=access.lifetimes(),
                now=utcnow(),
            )
            db.session.commit()
        with test_client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return token

    return sign_in


def csrf_token_of(client: FlaskClient, path: str = "/en/wizards/") -> str:
    """The CSRF token htmx would send: from <body hx-headers:inherited> of a page."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r"""hx-headers:inherited='\{"X-CSRFToken": "([^"]+)"\}'""", html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def csrf_token() -> Callable[..., str]:
    """`csrf_token(client)`: a valid CSRF token for that client's session."""
    return csrf_token_of
