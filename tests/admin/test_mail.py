"""The outbox (helpcenter.mail): messages are committed with what caused them, sent by
SMTP, retried with a growing delay, never lost, never sent twice at once."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from helpcenter import mail
from helpcenter.extensions import db
from helpcenter.models import OutboxMessage, utcnow
from tests.auth.helpers import outbox

SETTINGS = mail.SmtpSettings(
    host="smtp.example.org",
    port=587,
    username="",
    password="",
    security="starttls",
    timeout=5,
    sender="help@example.org",
)


class FakeSmtp:
    """Answers like an SMTP server: each call to send takes the next planned outcome."""

    def __init__(self, outcomes: list[Exception | None] | None = None) -> None:
        self.outcomes = list(outcomes or [])
        self.sent: list[Any] = []
        self.connections = 0

    def connect(self, settings: mail.SmtpSettings) -> FakeSmtp:
        self.connections += 1
        return self

    def send_message(self, message: Any) -> None:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append(message)

    def quit(self) -> None:
        pass


def _queue(app: Flask, count: int = 1) -> list[int]:
    with app.app_context():
        ids = [
            mail.queue(db.session, kind="t", to=f"p{n}@example.com", subject="S", body="B").id
            for n in range(count)
        ]
        db.session.commit()
        return ids


def _deliver(app: Flask, smtp: FakeSmtp, **kwargs: Any) -> mail.DeliveryReport:
    with app.app_context():
        return mail.deliver_due(db.session, SETTINGS, connect=smtp.connect, **kwargs)


def test_due_messages_are_sent_over_one_connection(bare_app: Flask) -> None:
    _queue(bare_app, 3)
    smtp = FakeSmtp()
    report = _deliver(bare_app, smtp)
    assert len(report.sent) == 3 and smtp.connections == 1
    email = smtp.sent[0]
    assert email["From"] == "help@example.org" and email["To"] == "p0@example.com"
    assert email["Message-ID"] and email["Auto-Submitted"] == "auto-generated"
    assert all(m.sent_at is not None and m.attempts == 1 for m in outbox(bare_app))
    assert _deliver(bare_app, FakeSmtp()).sent == []  # nothing twice


def test_a_temporary_failure_is_retried_later_and_then_sent(bare_app: Flask) -> None:
    [message_id] = _queue(bare_app)
    report = _deliver(bare_app, FakeSmtp([smtplib.SMTPServerDisconnected("gone")]))
    assert report.retrying == [message_id]
    [message] = outbox(bare_app)
    assert (message.attempts, message.sent_at, message.failed_at) == (1, None, None)
    assert "SMTPServerDisconnected: gone" in message.last_error
    assert message.next_attempt_at > utcnow()

    assert _deliver(bare_app, FakeSmtp()).sent == []  # not due yet
    later = lambda: utcnow() + timedelta(minutes=5)  # noqa: E731
    assert _deliver(bare_app, FakeSmtp(), now=later).sent == [message_id]
    [message] = outbox(bare_app)
    assert message.attempts == 2 and message.sent_at is not None and message.last_error == ""


def test_a_refused_recipient_fails_for_good_but_stays_visible(bare_app: Flask) -> None:
    first, second = _queue(bare_app, 2)
    refused = smtplib.SMTPRecipientsRefused({"p0@example.com": (550, b"no such user")})
    report = _deliver(bare_app, FakeSmtp([refused]))
    assert report.failed == [first] and report.sent == [second]
    messages = {m.id: m for m in outbox(bare_app)}
    assert messages[first].status == "failed" and "550" in messages[first].last_error


def test_after_too_many_attempts_a_message_is_marked_failed(bare_app: Flask) -> None:
    [message_id] = _queue(bare_app)
    for attempt in range(mail.MAX_ATTEMPTS):
        when = utcnow() + timedelta(days=attempt)
        _deliver(bare_app, FakeSmtp([OSError("connection refused")]), now=lambda w=when: w)
    [message] = outbox(bare_app)
    assert message.attempts == mail.MAX_ATTEMPTS and message.status == "failed"
    with bare_app.app_context():
        mail.retry(db.session.get(OutboxMessage, message_id))
        db.session.commit()
    assert _deliver(bare_app, FakeSmtp()).sent == [message_id]


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [mail.retry_delay(n) for n in range(1, 12)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(delays) == timedelta(hours=6)


def test_a_claimed_message_is_not_sent_by_a_second_sender(bare_app: Flask) -> None:
    [message_id] = _queue(bare_app)
    with bare_app.app_context():
        assert mail._claim(db.session, message_id, utcnow()) is not None
        assert mail._claim(db.session, message_id, utcnow()) is None  # held by the first
        later = utcnow() + mail.CLAIM_FOR + timedelta(seconds=1)
        assert mail._claim(db.session, message_id, later) is not None  # the first died


def test_a_rolled_back_transaction_queues_nothing(bare_app: Flask) -> None:
    with bare_app.app_context():
        mail.queue(db.session, kind="t", to="x@example.com", subject="S", body="B")
        db.session.rollback()
    assert outbox(bare_app) == []


def test_after_commit_the_message_is_sent_in_the_background(
    bare_app: Flask, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp = FakeSmtp()
    threads: list[Any] = []
    original = mail.send_in_background
    monkeypatch.setattr(mail, "smtp_connect", smtp.connect)
    monkeypatch.setattr(
        mail, "send_in_background", lambda app, ids: threads.append(original(app, ids))
    )
    bare_app.config.update(SMTP_HOST="smtp.example.org", MAIL_SEND_AFTER_COMMIT=True)
    user = make_user("expert")
    client = bare_app.test_client()
    from tests.conftest import csrf_token_of

    response = client.post(
        "/en/password/forgot", data={"csrf_token": csrf_token_of(client), "email": user.email}
    )
    assert response.status_code == 303
    assert len(threads) == 1
    threads[0].join(timeout=10)
    assert [m["To"] for m in smtp.sent] == [user.email]
    assert outbox(bare_app)[0].sent_at is not None
