"""Every state-changing route refuses a request without a valid CSRF token (a translated
400 page, nothing changed), and htmx sends the token from <body hx-headers:inherited>."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from helpcenter import mail
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, User
from tests.auth.helpers import signed_in_name
from tests.conftest import TEST_PASSWORD, csrf_token_of

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that take no CSRF token, and why. Anything else must refuse a request without one.
EXEMPT = {
    "api.evaluate_wizard": "JSON API: no cookie session is read and nothing of an account "
    "changes (helpcenter/api/views.py exempts the blueprint)",
}
REJECTED = "This form has expired"


def _state_changing_urls(app: Flask, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    values: dict[str, Any] = {"lang": "en", "slug": "x", "token": "x", **ids}
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) & STATE_CHANGING):
                url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
                found.append((rule.endpoint, method, url))
    assert found, "no state-changing routes found"
    return found


@pytest.mark.parametrize("token", [None, "forged-token", "other-session"])
def test_every_state_changing_route_refuses_a_missing_or_wrong_token(
    bare_app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
    token: str | None,
) -> None:
    admin = make_user("admin")
    target = make_user("expert")
    with bare_app.app_context():
        message = mail.queue(db.session, kind="t", to="x@example.com", subject="s", body="b")
        db.session.commit()
        ids = {"user_id": target.id, "message_id": message.id}
    client = bare_app.test_client()
    sign_in_as(admin, client)
    if token == "other-session":  # a real token, but of another browser's session
        token = csrf_token_of(bare_app.test_client())

    wrong = []
    for endpoint, method, url in _state_changing_urls(bare_app, ids):
        data = {"csrf_token": token} if token else {}
        for headers in ({}, {"HX-Request": "true", "X-CSRFToken": token or ""}):
            response = client.open(url, method=method, data=data, headers=headers)
            refused = response.status_code == 400 and REJECTED in response.get_data(as_text=True)
            if refused == (endpoint in EXEMPT):
                wrong.append(
                    f"{method} {url}: {response.status_code} (exempt: {endpoint in EXEMPT})"
                )
    assert not wrong, "\n".join(wrong)

    # Nothing happened: the admin is still signed in, the target still active and an expert.
    assert signed_in_name(client) == admin.display_name
    with bare_app.app_context():
        still = db.session.get(User, target.id)
        assert still.is_active and still.role.value == "expert"
        changes = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event != "sign_in.success")
        )
        assert changes == 0


def test_the_refusal_is_translated(bare_app: Flask) -> None:
    response = bare_app.test_client().post("/es/password/forgot", data={"email": "a@b.c"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html


def test_body_carries_the_token_for_htmx_and_an_htmx_post_with_only_the_header_works(
    bare_app: Flask, make_user: Callable[..., Any], htmx_headers: dict[str, str]
) -> None:
    user = make_user("expert")
    client = bare_app.test_client()
    html = client.get("/en/sign-in").get_data(as_text=True)
    attribute = re.search(r"<body hx-headers:inherited='([^']+)'>", html)
    assert attribute, "the <body> must carry hx-headers:inherited with the token"
    headers = json.loads(attribute.group(1))
    assert list(headers) == ["X-CSRFToken"]

    form = {"email": user.email, "password": TEST_PASSWORD}  # no csrf_token field at all
    refused = client.post("/en/sign-in", data=form, headers=htmx_headers)
    accepted = client.post("/en/sign-in", data=form, headers={**htmx_headers, **headers})

    assert refused.status_code == 400
    assert refused.headers["HX-Retarget"] == "body"
    assert accepted.status_code == 204
    assert accepted.headers["HX-Redirect"] == "/en/"
    assert signed_in_name(client) == user.display_name


def test_sign_out_needs_the_token_too(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    """A page on another site cannot sign people out (or in) behind their back."""
    user = make_user("expert")
    client: FlaskClient = bare_app.test_client()
    sign_in_as(user, client)
    assert client.post("/en/sign-out").status_code == 400
    assert signed_in_name(client) == user.display_name


def test_refusals_are_written_to_the_security_log(
    bare_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="helpcenter.security"):
        bare_app.test_client().post("/en/sign-in", data={"email": "a@b.c"})
    assert '"event": "csrf.rejected"' in caplog.text and '"path": "/en/sign-in"' in caplog.text
