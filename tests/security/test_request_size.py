"""Oversized requests are refused with a translated 413 page, and nothing is saved."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import func, select

from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, OutboxMessage
from tests.conftest import csrf_token_of


def _german(msgid: str) -> str:
    path = PROJECT_ROOT / "helpcenter" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle, locale="de").get(msgid)
    return str(message.string) if message is not None and message.string else msgid


def _nothing_saved(app: Flask) -> None:
    with app.app_context():
        for model in (OutboxMessage, AuditEvent):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_huge_form_field_is_a_translated_413(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    token = csrf_token_of(client)
    response = client.post(
        "/de/password/forgot",
        data={"csrf_token": token, "email": user.email, "padding": "x" * 600_000},
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert _german("What you sent is too large") in html
    _nothing_saved(bare_app)


def test_a_body_over_max_content_length_is_refused(bare_app: Flask) -> None:
    client = bare_app.test_client()
    body = io.BytesIO(b"x" * (bare_app.config["MAX_CONTENT_LENGTH"] + 1))
    response = client.post(
        "/en/sign-in",
        data={"csrf_token": csrf_token_of(client), "file": (body, "big.bin")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    _nothing_saved(bare_app)


def test_too_many_form_parts_are_refused(bare_app: Flask) -> None:
    client = bare_app.test_client()
    data = {f"field{n}": (io.BytesIO(b"x"), f"f{n}.txt") for n in range(250)}
    data["csrf_token"] = csrf_token_of(client)  # type: ignore[assignment]
    response = client.post("/en/password/forgot", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    _nothing_saved(bare_app)


def test_an_htmx_request_gets_the_413_page_in_place_of_the_body(
    bare_app: Flask, htmx_headers: dict[str, str]
) -> None:
    client = bare_app.test_client()
    response = client.post(
        "/en/password/forgot",
        data={"csrf_token": csrf_token_of(client), "email": "x" * 600_000},
        headers=htmx_headers,
    )
    assert response.status_code == 413
    assert response.headers["HX-Retarget"] == "body"
