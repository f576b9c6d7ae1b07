"""Rate limits: signing in (per address and per account), password reset, every other
form; a translated 429 with Retry-After; and recovery once the window has passed."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from helpcenter import config as app_config
from helpcenter import create_app
from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from tests.auth.helpers import form_sign_in
from tests.conftest import TEST_PASSWORD, csrf_token_of


def _spanish(msgid: str) -> str:
    path = PROJECT_ROOT / "helpcenter" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle, locale="es").get(msgid)
    return str(message.string) if message is not None and message.string else msgid


def test_sign_in_limit_is_hit_answered_in_the_readers_language_and_recovers(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    bare_app.config["RATELIMIT_SIGN_IN"] = "3 per 1 second"
    user = make_user("expert")
    client = bare_app.test_client()

    answers = [form_sign_in(client, user.email, "wrong password", lang="es") for _ in range(4)]

    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    limited = answers[-1]
    assert int(limited.headers["Retry-After"]) >= 0
    html = limited.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert _spanish("Too many requests") in html
    assert "alert-error" not in html  # an error page, not the form

    time.sleep(1.1)
    assert form_sign_in(client, user.email, lang="es").status_code == 303


def test_failed_attempts_lock_one_account_for_a_while_but_not_others(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    bare_app.config["RATELIMIT_SIGN_IN_ACCOUNT"] = "2 per 1 second"
    target, other = make_user("expert"), make_user("expert")
    client = bare_app.test_client()

    for _ in range(2):
        assert form_sign_in(client, target.email.upper(), "guess").status_code == 422
    assert form_sign_in(client, target.email, TEST_PASSWORD).status_code == 429
    assert form_sign_in(bare_app.test_client(), other.email).status_code == 303

    time.sleep(1.1)
    assert form_sign_in(bare_app.test_client(), target.email).status_code == 303


def test_successful_sign_ins_do_not_count_against_the_account(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    bare_app.config["RATELIMIT_SIGN_IN_ACCOUNT"] = "2 per minute"
    user = make_user("expert")
    for _ in range(4):
        assert form_sign_in(bare_app.test_client(), user.email).status_code == 303


def test_password_reset_is_limited_per_address_and_per_account(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    bare_app.config["RATELIMIT_PASSWORD_RESET"] = "100 per minute"
    bare_app.config["RATELIMIT_PASSWORD_RESET_ACCOUNT"] = "2 per minute"
    user = make_user("expert")
    client = bare_app.test_client()

    def ask(email: str) -> int:
        data = {"csrf_token": csrf_token_of(client), "email": email}
        return client.post("/en/password/forgot", data=data).status_code

    # One address cannot be flooded with emails...
    assert [ask(user.email) for _ in range(3)] == [303, 303, 429]
    assert ask("someone-else@example.com") == 303
    # ...and one client cannot ask for many addresses.
    bare_app.config["RATELIMIT_PASSWORD_RESET"] = "3 per minute"
    assert [ask(f"person{n}@example.com") for n in range(4)] == [303, 303, 303, 429]


def test_every_other_form_has_the_default_limit(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    bare_app.config["RATELIMIT_FORMS"] = "2 per minute"
    client = bare_app.test_client()
    sign_in_as(make_user("expert"), client)
    token = csrf_token_of(client)
    statuses = [
        client.post("/en/profile", data={"csrf_token": token}).status_code for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
    # Reading is never limited.
    assert all(client.get("/en/profile").status_code == 200 for _ in range(5))


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_limits_are_shared_through_redis(
    tmp_path: Path, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app processes (here: two apps) on one Redis count together."""
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    configs = [app_config.TestConfig(tmp_path / name, migrated) for name in ("a", "b")]
    prefix = f"helpcenter-test-{uuid.uuid4().hex}"
    for config in configs:
        config.RATELIMIT_KEY_PREFIX = prefix
        config.RATELIMIT_SIGN_IN = "2 per 10 seconds"
    first = create_app(configs[0])
    second = create_app(configs[1])  # the limiter now uses Redis for both
    try:
        assert form_sign_in(first.test_client(), "x@example.com", "nope").status_code == 422
        assert form_sign_in(second.test_client(), "x@example.com", "nope").status_code == 422
        assert form_sign_in(first.test_client(), "x@example.com", "nope").status_code == 429
    finally:
        for app in (first, second):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_breaches_are_written_to_the_security_log(
    bare_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    bare_app.config["RATELIMIT_SIGN_IN"] = "1 per minute"
    client = bare_app.test_client()
    with caplog.at_level(logging.INFO, logger="helpcenter.security"):
        form_sign_in(client, "a@example.com", "x")
        assert form_sign_in(client, "a@example.com", "x").status_code == 429
    assert '"event": "rate_limit.exceeded"' in caplog.text
    assert '"endpoint": "auth.sign_in"' in caplog.text
