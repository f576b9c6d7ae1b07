"""Helpers for tests that sign in through the real form or read the outbox."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from helpcenter.extensions import db
from helpcenter.models import OutboxMessage
from tests.conftest import TEST_PASSWORD, csrf_token_of


def form_sign_in(
    client: FlaskClient,
    email: str,
    password: str = TEST_PASSWORD,
    *,
    lang: str = "en",
    remember: bool = False,
    next_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    data: dict[str, Any] = {
        "csrf_token": csrf_token_of(client),
        "email": email,
        "password": password,
    }
    if remember:
        data["remember"] = "y"
    if next_url is not None:
        data["next"] = next_url
    return client.post(f"/{lang}/sign-in", data=data, headers=headers or {})


def signed_in_name(client: FlaskClient, path: str = "/en/wizards/") -> str | None:
    """The name in the header's "Signed in as ...", or None when signed out."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<li class="signed-in-as">Signed in as ([^<]+)</li>', html)
    return match.group(1) if match else None


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for message in messages:
            db.session.expunge(message)
        return messages


def link_in(message: OutboxMessage) -> str:
    """The path of the first link in an email (the test client needs no host)."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body_text)
    assert match, f"no link in {message.body_text!r}"
    return match.group(1)
