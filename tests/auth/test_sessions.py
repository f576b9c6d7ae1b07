"""Server-side sessions: timeouts are enforced by the server, and ending a session (or all
of them) works whatever cookies a browser still holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from helpcenter.auth import sessions
from helpcenter.extensions import db
from helpcenter.models import UserSession, utcnow
from tests.auth.helpers import form_sign_in, signed_in_name
from tests.conftest import csrf_token_of


def _age_sessions(app: Flask, **changes: Any) -> None:
    with app.app_context():
        db.session.execute(update(UserSession).values(**changes))
        db.session.commit()


def test_a_session_ends_after_the_idle_timeout(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", name="Ida")
    client = bare_app.test_client()
    form_sign_in(client, user.email)
    assert signed_in_name(client) == "Ida"
    idle = bare_app.config["SESSION_IDLE_TIMEOUT"]
    _age_sessions(bare_app, last_seen_at=utcnow() - idle - timedelta(seconds=5))
    assert signed_in_name(client) is None
    with bare_app.app_context():  # and the row is gone
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_activity_keeps_a_session_alive(bare_app: Flask, make_user: Callable[..., Any]) -> None:
    user = make_user("expert", name="Ida")
    client = bare_app.test_client()
    form_sign_in(client, user.email)
    idle = bare_app.config["SESSION_IDLE_TIMEOUT"]
    _age_sessions(bare_app, last_seen_at=utcnow() - idle + timedelta(minutes=2))
    assert signed_in_name(client) == "Ida"  # this request refreshes last_seen_at
    with bare_app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)


def test_a_session_ends_at_its_maximum_age_even_when_active(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", name="Max")
    client = bare_app.test_client()
    form_sign_in(client, user.email)
    _age_sessions(bare_app, expires_at=utcnow() - timedelta(seconds=1))
    assert signed_in_name(client) is None


def test_a_remembered_session_outlives_the_idle_timeout_but_not_its_duration(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", name="Rem")
    client = bare_app.test_client()
    form_sign_in(client, user.email, remember=True)
    with bare_app.app_context():
        row = db.session.scalar(select(UserSession))
        duration = bare_app.config["REMEMBER_COOKIE_DURATION"]
        assert row.remember and abs(row.expires_at - row.created_at - duration) < timedelta(1)
    _age_sessions(bare_app, last_seen_at=utcnow() - timedelta(days=3))
    assert signed_in_name(client) == "Rem"
    _age_sessions(bare_app, expires_at=utcnow() - timedelta(seconds=1))
    assert signed_in_name(client) is None


def test_expired_sessions_are_cleaned_up_when_someone_signs_in(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    form_sign_in(bare_app.test_client(), user.email)
    _age_sessions(bare_app, expires_at=utcnow() - timedelta(days=1))
    form_sign_in(bare_app.test_client(), user.email)
    with bare_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


@pytest.mark.parametrize("token", ["", "x" * 500, "unknown"])
def test_unknown_or_odd_tokens_are_no_session(bare_app: Flask, token: str) -> None:
    with bare_app.app_context():
        lifetimes = sessions.Lifetimes(timedelta(1), timedelta(1), timedelta(1))
        assert sessions.resume(db.session, token, lifetimes=lifetimes, now=utcnow()) is None


def test_people_see_and_end_their_other_sessions(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", name="Sol")
    laptop, phone = bare_app.test_client(), bare_app.test_client()
    form_sign_in(laptop, user.email)
    form_sign_in(phone, user.email)
    page = laptop.get("/en/profile").get_data(as_text=True)
    assert page.count("<tr>") == 3  # header + two sessions
    assert "(this browser)" in page

    wrong = laptop.post(
        "/en/profile/sessions/end-others",
        data={"csrf_token": csrf_token_of(laptop), "sessions-current_password": "nope"},
    )
    assert wrong.status_code == 422
    assert signed_in_name(phone) == "Sol"

    from tests.conftest import TEST_PASSWORD

    ended = laptop.post(
        "/en/profile/sessions/end-others",
        data={"csrf_token": csrf_token_of(laptop), "sessions-current_password": TEST_PASSWORD},
    )
    assert ended.status_code == 303
    assert signed_in_name(laptop) == "Sol"
    assert signed_in_name(phone) is None
