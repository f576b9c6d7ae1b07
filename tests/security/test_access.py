"""Who may open what: one decision for every route in app.url_map, in one table.

A new route without an entry in ACCESS fails `test_every_route_has_a_decision`; then each
kind of visitor (anonymous, and each role) is sent to every route with every method, and
must get exactly what the table says: the page (allowed), a redirect to the sign-in page
(anonymous on a protected route), or a translated 403 (signed in without the role).
Roles include the ones below them: expert < agent < editor < admin (helpcenter.models.Role).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from helpcenter import mail
from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from helpcenter.models import AuditEvent, Role

PUBLIC = "public"
SIGNED_IN = "signed in"  # any role

ACCESS: dict[str, str | Role] = {
    "static": PUBLIC,
    "core.index": PUBLIC,
    "core.healthz": PUBLIC,
    "articles.home": PUBLIC,
    "articles.category": PUBLIC,
    "articles.section": PUBLIC,
    "articles.article": PUBLIC,
    "wizards.index": PUBLIC,
    "wizards.wizard": PUBLIC,
    "api.list_wizards": PUBLIC,
    "api.describe_wizard": PUBLIC,
    "api.evaluate_wizard": PUBLIC,
    "api.openapi": PUBLIC,
    "api.search": PUBLIC,
    "search.search": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.profile": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.end_other_sessions": SIGNED_IN,
    "admin.users": Role.ADMIN,
    "admin.invite_user": Role.ADMIN,
    "admin.change_role": Role.ADMIN,
    "admin.deactivate_user": Role.ADMIN,
    "admin.reactivate_user": Role.ADMIN,
    "admin.end_user_sessions": Role.ADMIN,
    "admin.outbox": Role.ADMIN,
    "admin.outbox_message": Role.ADMIN,
    "admin.retry_message": Role.ADMIN,
    "admin.audit": Role.ADMIN,
    "admin.insights": Role.EDITOR,
}

# A value for every URL argument; ids point at rows each test creates.
SAMPLE_ARGS: dict[str, Any] = {
    "lang": "en",
    "slug": "no-such-page",
    "token": "not-a-real-token",
    "filename": "css/site.css",
}
VISITORS = [None, *(role.value for role in Role)]
# Signing out ends the visitor's session: that route goes last.
LAST = ("auth.sign_out",)


def _generous_limits(app: Flask) -> None:
    """This test sends many requests from one address; rate limits have their own test."""
    for key in (
        "RATELIMIT_SIGN_IN",
        "RATELIMIT_SIGN_IN_ACCOUNT",
        "RATELIMIT_PASSWORD_RESET",
        "RATELIMIT_PASSWORD_RESET_ACCOUNT",
        "RATELIMIT_PASSWORD_CHECK",
        "RATELIMIT_FORMS",
    ):
        app.config[key] = "10000 per minute"


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    found = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})  # type: ignore[operator]
    ]
    return sorted(found, key=lambda item: (item[0].endpoint in LAST, item[0].endpoint, item[1]))


def _url(app: Flask, rule: Rule, ids: dict[str, int]) -> str:
    values = {**SAMPLE_ARGS, **ids}
    missing = [name for name in rule.arguments if name not in values]
    assert not missing, f"{rule.endpoint}: add a sample value for {missing} to SAMPLE_ARGS"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _expected(required: str | Role, visitor: str | None) -> str:
    if required == PUBLIC:
        return "allowed"
    if visitor is None:
        return "sign-in"
    if required == SIGNED_IN:
        return "allowed"
    return "allowed" if Role(visitor).includes(Role(required)) else "forbidden"


def _outcome(response: TestResponse) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code in (301, 302, 303) and "/sign-in" in (response.location or ""):
        return "sign-in"
    if response.status_code == 401:
        return "sign-in"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allowed"


def test_every_route_has_a_decision(bare_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in bare_app.url_map.iter_rules()}
    missing = sorted(endpoints - ACCESS.keys())
    stale = sorted(ACCESS.keys() - endpoints)
    assert not missing, (
        f"decide who may open {missing}: add them to ACCESS in tests/security/test_access.py "
        "(and protect the views with helpcenter.auth.role_required / login_required)"
    )
    assert not stale, f"ACCESS names routes that no longer exist: {stale}"


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_each_visitor_gets_what_the_table_allows(
    bare_app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
    visitor: str | None,
) -> None:
    _generous_limits(bare_app)
    bare_app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own test; here roles count
    target = make_user("expert", email="target@example.com")
    with bare_app.app_context():
        message = mail.queue(db.session, kind="test", to="x@example.com", subject="s", body="b")
        db.session.commit()
        ids = {"user_id": target.id, "message_id": message.id}
    client = bare_app.test_client()
    if visitor is not None:
        sign_in_as(make_user(visitor), client)

    wrong = []
    for rule, method in _routes(bare_app):
        url = _url(bare_app, rule, ids)
        response = client.open(url, method=method)
        expected = _expected(ACCESS[rule.endpoint], visitor)
        actual = _outcome(response)
        if actual != expected:
            wrong.append(f"{method} {url} ({rule.endpoint}): {actual}, expected {expected}")
    assert not wrong, f"as {visitor or 'anonymous'}:\n" + "\n".join(wrong)


def _german(msgid: str) -> str:
    path = PROJECT_ROOT / "helpcenter" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        message = read_po(handle, locale="de").get(msgid)
    return str(message.string) if message is not None and message.string else msgid


def test_a_forbidden_page_is_a_translated_403_and_is_audited(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    client = bare_app.test_client()
    editor = make_user("editor")
    sign_in_as(editor, client)

    response = client.get("/de/admin/users")

    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert _german("You may not open this page") in html
    assert '<html lang="de">' in html
    with bare_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "access.denied"))
        assert event is not None
        assert event.actor_id == editor.id
        assert event.details["path"] == "/de/admin/users"


def test_anonymous_is_sent_to_sign_in_and_back(bare_app: Flask) -> None:
    client = bare_app.test_client()
    response = client.get("/en/admin/audit?event=sign_in.failure")
    assert response.status_code == 302
    assert response.location == "/en/sign-in?next=/en/admin/audit?event%3Dsign_in.failure"


def test_anonymous_htmx_request_gets_401_with_a_redirect_for_htmx(
    bare_app: Flask, htmx_headers: dict[str, str]
) -> None:
    response = bare_app.test_client().get("/en/profile", headers=htmx_headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/en/sign-in?next=")


def test_links_in_the_header_follow_the_role(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    expert_client, admin_client = bare_app.test_client(), bare_app.test_client()
    sign_in_as(make_user("expert", name="Erin Expert"), expert_client)
    sign_in_as(make_user("admin", name="Ada Admin"), admin_client)

    anonymous = bare_app.test_client().get("/en/wizards/").get_data(as_text=True)
    expert = expert_client.get("/en/wizards/").get_data(as_text=True)
    admin = admin_client.get("/en/wizards/").get_data(as_text=True)

    assert ">Sign in</a>" in anonymous and "Signed in as" not in anonymous
    assert "Signed in as Erin Expert" in expert and "/en/admin/users" not in expert
    assert "Signed in as Ada Admin" in admin
    for path in ("/en/admin/users", "/en/admin/outbox", "/en/admin/audit"):
        assert f'href="{path}"' in admin
    for html in (expert, admin):
        assert 'action="/en/sign-out"' in html and ">Profile</a>" in html


def test_a_role_change_applies_at_once(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    """The role is read from the database on every request, never from the cookie."""
    client = bare_app.test_client()
    admin = make_user("admin")
    make_user("admin")  # another admin, so this one may be demoted
    sign_in_as(admin, client)
    assert client.get("/en/admin/users").status_code == 200
    with bare_app.app_context():
        from helpcenter.models import User

        db.session.get(User, admin.id).role = Role.EDITOR
        db.session.commit()
    assert client.get("/en/admin/users").status_code == 403
