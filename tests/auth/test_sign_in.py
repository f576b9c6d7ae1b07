"""Signing in and out: the form (page and htmx fragment), wrong passwords and unknown
addresses alike, no session fixation, remember-me, audit, and the reader's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpcenter.auth import passwords
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, User, UserSession
from tests.auth.helpers import form_sign_in, signed_in_name
from tests.conftest import TEST_PASSWORD, csrf_token_of

FAILURE = "The email address or the password is not right."


def test_the_sign_in_page_and_its_fragment(bare_app: Flask, htmx_headers: dict[str, str]) -> None:
    client = bare_app.test_client()
    page = client.get("/en/sign-in")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Sign in</h1>" in html
    for attribute in ('name="email"', 'autocomplete="username"', 'type="password"',
                      'autocomplete="current-password"', 'name="remember"'):  # fmt: skip
        assert attribute in html
    fragment = client.post(
        "/en/sign-in",
        data={"csrf_token": csrf_token_of(client)},
        headers=htmx_headers,
    )
    assert fragment.status_code == 422
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="sign-in-form"')
    assert "<html" not in text
    assert "Enter your email address." in text and "autofocus" in text
    assert fragment.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in fragment.headers["Vary"]


def test_success_redirects_home_in_the_persons_language(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("editor", email="Mixed.Case@Example.com", locale="de", name="Grace")
    client = bare_app.test_client()
    response = form_sign_in(client, "  MIXED.case@example.COM ")
    assert response.status_code == 303
    assert response.location == "/de/"
    assert signed_in_name(client) == "Grace"
    assert client.get("/").location == "/de/"  # the preferred language, at /
    with bare_app.app_context():
        account = db.session.get(User, user.id)
        assert account.last_sign_in_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("expert1@example.com", "wrong password"), ("nobody@example.com", TEST_PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_failures_look_the_same(
    bare_app: Flask,
    make_user: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    email: str,
    password: str,
) -> None:
    make_user("expert")
    verified = []
    original = passwords.verify_password
    monkeypatch.setattr(
        passwords,
        "verify_password",
        lambda hasher, stored, pw: verified.append(stored) or original(hasher, stored, pw),
    )
    client = bare_app.test_client()
    response = form_sign_in(client, email, password)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert FAILURE in html
    assert f'value="{email}"' in html and password not in html
    assert len(verified) == 1  # one argon2 verification either way, so the same time
    assert signed_in_name(client) is None


@pytest.mark.parametrize("state", ["deactivated", "invited"])
def test_deactivated_and_invited_accounts_cannot_sign_in(
    bare_app: Flask, make_user: Callable[..., Any], state: str
) -> None:
    if state == "deactivated":
        user = make_user("admin", active=False)
    else:
        user = make_user("expert", password=None)
    response = form_sign_in(bare_app.test_client(), user.email, TEST_PASSWORD)
    assert response.status_code == 422
    assert FAILURE in response.get_data(as_text=True)


def test_the_session_is_new_after_signing_in(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    """Nothing planted in the session before signing in survives it (no fixation)."""
    user = make_user("expert")
    client = bare_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "a token the attacker knows"
    before = csrf_token_of(client)
    assert form_sign_in(client, user.email).status_code == 303
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    assert token != "a token the attacker knows" and len(token) >= 43
    assert csrf_token_of(client) != before
    with bare_app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert row.token_hash != token and len(row.token_hash) == 64  # only a hash is stored


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    with bare_app.app_context():
        old = db.session.get(User, user.id).password_hash
    bare_app.config["PASSWORD_HASH_PROFILE"] = "RFC_9106_LOW_MEMORY"
    assert form_sign_in(bare_app.test_client(), user.email).status_code == 303
    with bare_app.app_context():
        new = db.session.get(User, user.id).password_hash
    assert old.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert new.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert form_sign_in(bare_app.test_client(), user.email).status_code == 303


def test_sign_out_ends_the_session_for_good(bare_app: Flask, make_user: Callable[..., Any]) -> None:
    user = make_user("expert", name="Linus")
    client = bare_app.test_client()
    form_sign_in(client, user.email, remember=True)
    stolen = {cookie.key: cookie.value for cookie in client._cookies.values()}  # a copy

    response = client.post("/en/sign-out", data={"csrf_token": csrf_token_of(client)})

    assert response.status_code == 303
    assert response.location == "/en/"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert any(c.startswith("remember=;") for c in response.headers.getlist("Set-Cookie"))
    assert signed_in_name(client) is None
    # The copied cookies (session and remember-me) no longer sign anyone in.
    replay = bare_app.test_client()
    for key, value in stolen.items():
        replay.set_cookie(key, value)
    assert signed_in_name(replay) is None


def test_remember_me_brings_the_person_back_in_a_new_browser_session(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", name="Rémy")
    client = bare_app.test_client()
    response = form_sign_in(client, user.email, remember=True)
    remember = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember="))
    assert "Expires=" in remember
    later = bare_app.test_client()  # the browser was closed: only the remember cookie is left
    later.set_cookie("remember", client.get_cookie("remember").value)
    assert signed_in_name(later) == "Rémy"


def test_without_remember_me_there_is_no_remember_cookie(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    response = form_sign_in(bare_app.test_client(), user.email)
    assert not any(c.startswith("remember=") for c in response.headers.getlist("Set-Cookie"))


def test_htmx_sign_in_redirects_the_whole_page(
    bare_app: Flask, make_user: Callable[..., Any], htmx_headers: dict[str, str]
) -> None:
    user = make_user("expert")
    response = form_sign_in(
        bare_app.test_client(), user.email, next_url="/en/wizards/", headers=htmx_headers
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/en/wizards/"


def test_sign_ins_are_audited_without_passwords(
    bare_app: Flask, make_user: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    with caplog.at_level(logging.INFO, logger="helpcenter.security"):
        form_sign_in(client, user.email, "my secret guess")
        form_sign_in(client, "ghost@example.com", "another secret guess")
        form_sign_in(client, user.email)
    with bare_app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        rows = [(e.event, e.email, e.subject_id, e.details.get("reason"), e.ip) for e in events]
    assert rows == [
        ("sign_in.failure", user.email, user.id, "wrong_password", "127.0.0.1"),
        ("sign_in.failure", "ghost@example.com", None, "unknown_email", "127.0.0.1"),
        ("sign_in.success", user.email, user.id, None, "127.0.0.1"),
    ]
    logged = caplog.text
    assert '"event": "sign_in.failure"' in logged and '"event": "sign_in.success"' in logged
    for secret in ("my secret guess", "another secret guess", TEST_PASSWORD):
        assert secret not in logged


def test_names_are_escaped_in_the_header(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    client = bare_app.test_client()
    sign_in_as(make_user("expert", name="<script>alert(1)</script>"), client)
    html = client.get("/en/wizards/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "Signed in as &lt;script&gt;alert(1)&lt;/script&gt;" in html
