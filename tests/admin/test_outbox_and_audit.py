"""The outbox and audit log pages for admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpcenter import audit, mail
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, OutboxMessage, User, utcnow
from tests.auth.helpers import form_sign_in
from tests.conftest import csrf_token_of


@pytest.fixture
def admin_client(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> FlaskClient:
    client = bare_app.test_client()
    sign_in_as(make_user("admin", timezone="Asia/Tokyo"), client)
    return client


def _message(app: Flask, body: str = "Open https://x.example/en/password/reset/abc") -> int:
    with app.app_context():
        message = mail.queue(
            db.session, kind="password_reset", to="r@example.com", subject="Reset it", body=body
        )
        db.session.commit()
        return message.id


def test_without_smtp_admins_read_the_messages(bare_app: Flask, admin_client: FlaskClient) -> None:
    message_id = _message(bare_app)
    listing = admin_client.get("/en/admin/outbox").get_data(as_text=True)
    assert "Reset it" in listing and "r@example.com" in listing
    assert "No SMTP server is set up" in listing
    page = admin_client.get(f"/en/admin/outbox/{message_id}").get_data(as_text=True)
    assert "https://x.example/en/password/reset/abc" in page


def test_with_smtp_the_text_stays_with_its_recipient(
    bare_app: Flask, admin_client: FlaskClient
) -> None:
    bare_app.config["SMTP_HOST"] = "smtp.example.org"
    message_id = _message(bare_app)
    page = admin_client.get(f"/en/admin/outbox/{message_id}").get_data(as_text=True)
    assert "password/reset/abc" not in page
    assert "The text is not shown" in page


def test_a_failed_message_can_be_queued_again(bare_app: Flask, admin_client: FlaskClient) -> None:
    message_id = _message(bare_app)
    with bare_app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        message.failed_at, message.attempts, message.last_error = utcnow(), 8, "OSError: down"
        db.session.commit()
    page = admin_client.get(f"/en/admin/outbox/{message_id}").get_data(as_text=True)
    assert "OSError: down" in page and "Try again" in page
    response = admin_client.post(
        f"/en/admin/outbox/{message_id}/retry", data={"csrf_token": csrf_token_of(admin_client)}
    )
    assert response.status_code == 303
    with bare_app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        assert message.status == "pending" and message.attempts == 0


def test_the_audit_log_lists_and_filters_events_in_the_admins_time_zone(
    bare_app: Flask, admin_client: FlaskClient, make_user: Callable[..., Any]
) -> None:
    person = make_user("expert", email="pat@example.com")
    form_sign_in(bare_app.test_client(), person.email, "wrong guess")
    form_sign_in(bare_app.test_client(), person.email)

    everything = admin_client.get("/en/admin/audit").get_data(as_text=True)
    assert "Sign-in failed" in everything and "Signed in" in everything
    assert "pat@example.com" in everything and "wrong_password" in everything
    only_failures = admin_client.get("/en/admin/audit?event=sign_in.failure")
    html = only_failures.get_data(as_text=True)
    assert "wrong_password" in html and "remember: False" not in html
    assert admin_client.get("/en/admin/audit?event=nonsense&page=x").status_code == 200

    with bare_app.app_context():
        [event] = [
            e for e in db.session.scalars(db.select(AuditEvent)) if e.event == "sign_in.failure"
        ]
        from zoneinfo import ZoneInfo

        tokyo = event.created_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%-I}:{tokyo:%M}" in html or f"{tokyo:%H}:{tokyo:%M}" in html


def test_the_audit_log_pages(bare_app: Flask, admin_client: FlaskClient) -> None:
    with bare_app.app_context():
        admin = db.session.scalar(db.select(User))
        for _ in range(60):
            audit.record(db.session, "sign_out", actor=admin, subject=admin)
        db.session.commit()
    first = admin_client.get("/en/admin/audit").get_data(as_text=True)
    second = admin_client.get("/en/admin/audit?page=2").get_data(as_text=True)
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert first.count("<tr>") == 51 and second.count("<tr>") == 11  # header + rows
