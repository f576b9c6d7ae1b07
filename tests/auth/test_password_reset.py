"""A forgotten password, end to end through the outbox: ask, read the email, choose a new
password, sign in with it; used, expired and tampered links; unknown addresses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpcenter.extensions import db
from helpcenter.models import AuditEvent, User
from tests.auth.helpers import form_sign_in, link_in, outbox, signed_in_name
from tests.conftest import TEST_PASSWORD, csrf_token_of

NEW_PASSWORD = "seven orange kites above lisbon"
SENT = "If an account uses this address, we have sent it a link"


def _ask(client: FlaskClient, email: str, lang: str = "en") -> Any:
    data = {"csrf_token": csrf_token_of(client), "email": email}
    return client.post(f"/{lang}/password/forgot", data=data)


def _choose(client: FlaskClient, path: str, password: str, confirm: str | None = None) -> Any:
    data = {"csrf_token": csrf_token_of(client), "password": password}
    data["confirm"] = password if confirm is None else confirm
    return client.post(path, data=data)


def test_reset_end_to_end_through_the_outbox(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    user = make_user("agent", email="ana@example.com", name="Ana", locale="es")
    elsewhere = bare_app.test_client()  # a browser where Ana is still signed in
    sign_in_as(user, elsewhere)
    client = bare_app.test_client()

    asked = _ask(client, "ANA@example.com")
    assert asked.status_code == 303 and asked.location == "/en/password/forgot"
    assert SENT in client.get(asked.location).get_data(as_text=True)

    [message] = outbox(bare_app)
    assert message.to_address == "ana@example.com"
    assert message.kind == "password_reset" and message.sent_at is None
    assert "Ana" in message.body_text
    link = link_in(message)
    assert link.startswith("/es/password/reset/")  # in Ana's language

    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "ana@example.com" in page.get_data(as_text=True)

    weak = _choose(client, link, "password1234")
    assert weak.status_code == 422
    mismatch = _choose(client, link, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422

    done = _choose(client, link, NEW_PASSWORD)
    assert done.status_code == 303 and done.location == "/es/sign-in"

    assert signed_in_name(elsewhere) is None  # every session ended
    assert form_sign_in(client, user.email, TEST_PASSWORD).status_code == 422
    assert form_sign_in(client, user.email, NEW_PASSWORD).status_code == 303

    again = bare_app.test_client().get(link)
    assert again.status_code == 410  # used once, never again
    assert "/es/password/forgot" in again.get_data(as_text=True)  # ask for a new one
    with bare_app.app_context():
        events = [e.event for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert events[:2] == ["password.reset_requested", "password.reset"]


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    make_user("expert")
    client = bare_app.test_client()
    asked = _ask(client, "nobody@example.com")
    assert asked.status_code == 303 and asked.location == "/en/password/forgot"
    assert SENT in client.get(asked.location).get_data(as_text=True)
    assert outbox(bare_app) == []


def test_a_deactivated_account_gets_no_email(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert", active=False)
    assert _ask(bare_app.test_client(), user.email).status_code == 303
    assert outbox(bare_app) == []


def test_a_malformed_address_is_a_422_in_the_readers_language(bare_app: Flask) -> None:
    response = _ask(bare_app.test_client(), "not an address", lang="de")
    assert response.status_code == 422
    assert '<html lang="de">' in response.get_data(as_text=True)


def test_an_expired_link(bare_app: Flask, make_user: Callable[..., Any]) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    _ask(client, user.email)
    link = link_in(outbox(bare_app)[0])
    bare_app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    for response in (client.get(link), _choose(client, link, NEW_PASSWORD)):
        assert response.status_code == 410
        assert "This link has expired" in response.get_data(as_text=True)
    assert form_sign_in(client, user.email, TEST_PASSWORD).status_code == 303  # unchanged


def test_a_tampered_link(bare_app: Flask, make_user: Callable[..., Any]) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    _ask(client, user.email)
    link = link_in(outbox(bare_app)[0])
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 404
    assert client.get("/en/password/reset/garbage").status_code == 404


def test_an_older_link_dies_when_a_newer_one_is_used(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    _ask(client, user.email)
    _ask(client, user.email)
    first, second = (link_in(m) for m in outbox(bare_app))
    assert _choose(client, second, NEW_PASSWORD).status_code == 303
    assert client.get(first).status_code == 410
    with bare_app.app_context():
        assert db.session.get(User, user.id).password_hash is not None


def test_links_use_base_url_when_set(bare_app: Flask, make_user: Callable[..., Any]) -> None:
    """A forged Host header cannot put another site into the email."""
    bare_app.config["BASE_URL"] = "https://help.example.org"
    user = make_user("expert")
    client = bare_app.test_client()
    evil = "http://evil.example"
    html = client.get("/en/password/forgot", base_url=evil).get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": token, "email": user.email}
    assert client.post("/en/password/forgot", data=data, base_url=evil).status_code == 303
    assert "https://help.example.org/en/password/reset/" in outbox(bare_app)[0].body_text
