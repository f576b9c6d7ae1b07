"""Security headers on every response (pages, fragments, errors, JSON, static files), cookie
flags, HTTPS-only settings, and no caching of what belongs to one person."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.test import TestResponse

from helpcenter import config as app_config
from helpcenter import create_app
from helpcenter.extensions import db
from helpcenter.security import CONTENT_SECURITY_POLICY
from tests.auth.helpers import form_sign_in
from tests.conftest import TEST_PASSWORD


def assert_security_headers(response: TestResponse, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ") if d}
    assert directives.get("script-src") == ["'self'"], f"{where}: {csp!r}"
    assert directives.get("style-src") == ["'self'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer"), where
    assert "camera=()" in headers.get("Permissions-Policy", ""), where
    assert headers.get("X-Frame-Options") == "DENY", where


def _get_urls(app: Flask) -> list[str]:
    values = {"lang": "de", "slug": "no-such-page", "token": "x", "filename": "css/site.css"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in (rule.methods or set()) and not {"user_id", "message_id"} & set(
                rule.arguments
            ):
                urls.append(url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return sorted(urls)


@pytest.mark.parametrize("role", [None, "admin"])
def test_every_page_has_the_headers(
    app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
    htmx_headers: dict[str, str],
    role: str | None,
) -> None:
    client = app.test_client()
    if role:
        sign_in_as(make_user(role), client)
    for url in _get_urls(app):
        assert_security_headers(client.get(url), url)
        assert_security_headers(client.get(url, headers=htmx_headers), f"{url} (htmx)")


def test_errors_json_and_form_answers_have_the_headers(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    client = app.test_client()
    app.config["RATELIMIT_FORMS"] = "1 per minute"
    answers = {
        "404": client.get("/de/articles/nothing-here"),
        "405": client.get("/en/sign-out"),
        "400 csrf": client.post("/en/sign-in", data={}),
        "413": client.post("/en/password/forgot", data={"email": "x" * 600_000}),
        "json": client.get("/api/v1/wizards"),
        "api 404": client.get("/api/v1/wizards/nothing"),
        "422": form_sign_in(client, "nobody@example.com", "wrong password"),
        "static": client.get("/static/css/site.css"),
        "redirect": client.get("/"),
    }
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/en/profile")
    answers["429"] = client.post("/en/profile")
    assert answers["429"].status_code == 429
    for name, response in answers.items():
        assert_security_headers(response, name)


def test_the_reset_page_sends_no_referrer(app: Flask) -> None:
    response = app.test_client().get("/en/password/reset/any-token")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_pages_of_a_signed_in_person_are_not_cached(
    app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    client = app.test_client()
    anonymous_home = client.get("/en/")
    assert "no-store" not in anonymous_home.headers.get("Cache-Control", "")
    assert "no-store" in client.get("/en/sign-in").headers["Cache-Control"]
    sign_in_as(make_user("expert"), client)
    for url in ("/en/", "/en/profile", "/en/wizards/"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "Cookie" in response.headers["Vary"], url


def test_session_and_remember_cookies_are_httponly_and_lax(
    app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("expert")
    response = form_sign_in(app.test_client(), user.email, remember=True)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember"):
        assert name in cookies, cookies
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
        assert "Path=/" in cookies[name]


def test_over_https_cookies_are_secure_host_cookies_and_hsts_is_sent(
    tmp_path: Path, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPCENTER_HTTPS", "1")
    app = create_app(app_config.TestConfig(tmp_path, migrated))
    from helpcenter.auth import passwords, service
    from helpcenter.models import Role

    with app.app_context():
        hasher = passwords.hasher_for(app.config["PASSWORD_HASH_PROFILE"])
        service.create_user(
            db.session,
            email="https-user@example.com",
            display_name="Secure Sam",
            role=Role.EXPERT,
            locale="en",
            timezone="UTC",
            password_hash=passwords.hash_password(hasher, TEST_PASSWORD),
        )
        db.session.commit()
    client = app.test_client()
    base = "https://localhost"
    page = client.get("/en/sign-in", base_url=base)
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/en/sign-in",
        base_url=base,
        headers={"Referer": f"{base}/en/sign-in"},  # checked on HTTPS (WTF_CSRF_SSL_STRICT)
        data={
            "csrf_token": token,
            "email": "https-user@example.com",
            "password": TEST_PASSWORD,
            "remember": "y",
        },
    )
    assert response.status_code == 303
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("__Host-session", "__Host-remember"):
        assert name in cookies, cookies
        for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert flag in cookies[name], cookies[name]
        assert "Domain=" not in cookies[name]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_policy_is_one_for_all() -> None:
    """htmx 4 runs under it because no template uses hx-on, js: values or trigger filters."""
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    templates = Path(__file__).resolve().parents[2] / "helpcenter" / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text("utf-8")
        for forbidden in ("hx-on", '"js:', "'js:", "javascript:", "<script>", " style="):
            assert forbidden not in text, f"{template.name} uses {forbidden!r}"
