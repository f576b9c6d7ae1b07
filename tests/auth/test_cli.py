"""`helpcenter create-user` and `helpcenter send-mail`."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpcenter import mail
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, Role, User
from tests.auth.helpers import form_sign_in, outbox

PASSWORD = "granite meadow falcon violin"


def _users(app: Flask) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(select(User)))


def test_create_the_first_admin_with_a_prompted_password(bare_app: Flask) -> None:
    result = bare_app.test_cli_runner().invoke(
        args=["create-user", "Root@Example.com", "--role", "admin", "--name", "Root"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert "created root@example.com (admin)" in result.output
    [user] = _users(bare_app)
    assert (user.email, user.role, user.display_name) == ("root@example.com", Role.ADMIN, "Root")
    assert form_sign_in(bare_app.test_client(), "root@example.com", PASSWORD).status_code == 303
    with bare_app.app_context():
        event = db.session.scalar(select(AuditEvent))
        assert event.event == "user.created" and event.details == {"via": "cli"}


def test_the_password_must_be_typed_twice_alike(bare_app: Flask) -> None:
    result = bare_app.test_cli_runner().invoke(
        args=["create-user", "a@example.com"],
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "match" in result.output.lower()
    assert [u.role for u in _users(bare_app)] == [Role.EXPERT]


def test_password_from_stdin(bare_app: Flask) -> None:
    result = bare_app.test_cli_runner().invoke(
        args=["create-user", "bot@example.com", "--role", "editor", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert form_sign_in(bare_app.test_client(), "bot@example.com", PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["create-user", "weak@example.com"], "password1234", "too easy to guess"),
        (["create-user", "short@example.com"], "tiny", "at least 12"),
        (["create-user", "x@example.com", "--role", "owner"], PASSWORD, "Invalid value"),
    ],
)
def test_refused_passwords_and_roles_create_nothing(
    bare_app: Flask, args: list[str], password: str, message: str
) -> None:
    result = bare_app.test_cli_runner().invoke(
        args=[*args, "--password-stdin"], input=f"{password}\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    assert _users(bare_app) == []


def test_an_existing_email_is_refused(bare_app: Flask, make_user: Any) -> None:
    make_user("expert", email="taken@example.com")
    result = bare_app.test_cli_runner().invoke(
        args=["create-user", "TAKEN@example.com", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code != 0 and "exists already" in result.output
    assert len(_users(bare_app)) == 1


def test_send_mail_needs_smtp(bare_app: Flask) -> None:
    result = bare_app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0 and "SMTP_HOST is not set" in result.output


def test_send_mail_sends_what_is_due(bare_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Any] = []

    class Fake:
        def send_message(self, message: Any) -> None:
            sent.append(message)

        def quit(self) -> None:
            pass

    monkeypatch.setattr(mail, "smtp_connect", lambda settings: Fake())
    bare_app.config.update(SMTP_HOST="smtp.example.org", MAIL_FROM="help@example.org")
    bare_app.config["MAIL_SEND_AFTER_COMMIT"] = False  # only the command sends here
    with bare_app.app_context():
        mail.queue(db.session, kind="t", to="x@example.com", subject="Hi", body="Hello")
        db.session.commit()

    result = bare_app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed" in result.output
    assert [m["To"] for m in sent] == ["x@example.com"]
    assert outbox(bare_app)[0].sent_at is not None
