"""Admins manage people in the browser: invite, change roles, deactivate, reactivate,
sign out everywhere. The last admin stays an admin; every change is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpcenter.extensions import db
from helpcenter.models import AuditEvent, Role, User
from tests.auth.helpers import form_sign_in, link_in, outbox, signed_in_name
from tests.conftest import csrf_token_of

PASSWORD = "amber canyon whistle thunder"


@pytest.fixture
def admin_client(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> tuple[FlaskClient, Any]:
    admin = make_user("admin", name="Ada Admin", email="ada@example.com")
    client = bare_app.test_client()
    sign_in_as(admin, client)
    return client, admin


def _post(client: FlaskClient, url: str, **data: str) -> Any:
    return client.post(url, data={"csrf_token": csrf_token_of(client), **data})


def _user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _events(app: Flask) -> list[tuple[str, dict[str, Any]]]:
    with app.app_context():
        return [
            (e.event, e.details)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_the_users_page_lists_everyone(
    bare_app: Flask, admin_client: tuple[FlaskClient, Any], make_user: Callable[..., Any]
) -> None:
    client, _admin = admin_client
    make_user("editor", name="Eve Editor")
    make_user("expert", name="Gone Person", active=False)
    html = client.get("/en/admin/users").get_data(as_text=True)
    for text in ("Ada Admin", "Eve Editor", "Gone Person", "Deactivated", "Reactivate"):
        assert text in html
    assert 'action="/en/admin/users/' in html


def test_invite_end_to_end(bare_app: Flask, admin_client: tuple[FlaskClient, Any]) -> None:
    client, _admin = admin_client
    assert client.get("/en/admin/users/invite").status_code == 200
    response = _post(
        client,
        "/en/admin/users/invite",
        email="New.Person@Example.com",
        display_name="Nora",
        role="agent",
        locale="de",
        timezone="Europe/Vienna",
    )
    assert response.status_code == 303 and response.location == "/en/admin/users"
    with bare_app.app_context():
        nora = db.session.scalar(select(User).where(User.email == "new.person@example.com"))
        assert (nora.role, nora.locale, nora.password_hash) == (Role.AGENT, "de", None)
    [message] = outbox(bare_app)
    assert message.kind == "invitation" and message.to_address == "new.person@example.com"
    assert "Ada Admin" in message.body_text
    link = link_in(message)
    assert link.startswith("/de/password/reset/")

    visitor = bare_app.test_client()
    assert form_sign_in(visitor, "new.person@example.com", "anything at all").status_code == 422
    page = visitor.get(link)
    assert page.status_code == 200
    chosen = visitor.post(
        link,
        data={"csrf_token": csrf_token_of(visitor), "password": PASSWORD, "confirm": PASSWORD},
    )
    assert chosen.status_code == 303
    assert form_sign_in(visitor, "new.person@example.com", PASSWORD).status_code == 303
    assert visitor.get(link).status_code == 410
    assert ("user.invited", {"role": "agent"}) in _events(bare_app)


def test_inviting_an_existing_address_is_422(
    bare_app: Flask, admin_client: tuple[FlaskClient, Any]
) -> None:
    client, _admin = admin_client
    response = _post(
        client,
        "/en/admin/users/invite",
        email="ADA@example.com",
        display_name="Again",
        role="expert",
        locale="en",
        timezone="UTC",
    )
    assert response.status_code == 422
    assert "An account with this email address exists already." in response.get_data(as_text=True)
    assert outbox(bare_app) == []


def test_change_a_role(
    bare_app: Flask, admin_client: tuple[FlaskClient, Any], make_user: Callable[..., Any]
) -> None:
    client, _admin = admin_client
    person = make_user("expert")
    response = _post(client, f"/en/admin/users/{person.id}/role", role="editor")
    assert response.status_code == 303
    assert _user(bare_app, person.id).role == Role.EDITOR
    assert ("user.role_changed", {"from": "expert", "to": "editor"}) in _events(bare_app)
    assert _post(client, f"/en/admin/users/{person.id}/role", role="owner").status_code == 422
    assert _user(bare_app, person.id).role == Role.EDITOR


def test_the_last_admin_keeps_the_role(
    bare_app: Flask,
    admin_client: tuple[FlaskClient, Any],
    make_user: Callable[..., Any],
    htmx_headers: dict[str, str],
) -> None:
    client, admin = admin_client
    response = _post(client, f"/en/admin/users/{admin.id}/role", role="editor")
    assert response.status_code == 422
    assert "At least one active administrator must remain." in response.get_data(as_text=True)
    assert _user(bare_app, admin.id).role == Role.ADMIN

    row = client.post(
        f"/en/admin/users/{admin.id}/role",
        data={"csrf_token": csrf_token_of(client), "role": "expert"},
        headers=htmx_headers,
    )
    assert row.status_code == 422
    html = row.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="user-{admin.id}">') and 'role="alert"' in html

    make_user("admin")  # with a second admin, this one may step down
    assert _post(client, f"/en/admin/users/{admin.id}/role", role="editor").status_code == 303
    assert client.get("/en/admin/users").status_code == 403  # and at once has no admin pages


def test_deactivating_signs_the_person_out_everywhere(
    bare_app: Flask, admin_client: tuple[FlaskClient, Any], make_user: Callable[..., Any]
) -> None:
    client, _admin = admin_client
    person = make_user("expert", name="Dee")
    theirs = bare_app.test_client()
    form_sign_in(theirs, person.email, remember=True)
    assert signed_in_name(theirs) == "Dee"

    assert _post(client, f"/en/admin/users/{person.id}/deactivate").status_code == 303
    assert signed_in_name(theirs) is None
    assert form_sign_in(bare_app.test_client(), person.email).status_code == 422
    assert ("user.deactivated", {"sessions_ended": 1}) in _events(bare_app)

    assert _post(client, f"/en/admin/users/{person.id}/reactivate").status_code == 303
    assert form_sign_in(bare_app.test_client(), person.email).status_code == 303


def test_admins_cannot_deactivate_themselves(
    bare_app: Flask, admin_client: tuple[FlaskClient, Any]
) -> None:
    client, admin = admin_client
    response = _post(client, f"/en/admin/users/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert _user(bare_app, admin.id).is_active


def test_sign_someone_out_everywhere_with_htmx(
    bare_app: Flask,
    admin_client: tuple[FlaskClient, Any],
    make_user: Callable[..., Any],
    htmx_headers: dict[str, str],
) -> None:
    client, _admin = admin_client
    person = make_user("agent", name="Sam")
    theirs = bare_app.test_client()
    form_sign_in(theirs, person.email)
    response = client.post(
        f"/en/admin/users/{person.id}/sessions/end",
        data={"csrf_token": csrf_token_of(client)},
        headers=htmx_headers,
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith(f'<tr id="user-{person.id}">')
    assert signed_in_name(theirs) is None


def test_unknown_people_are_404(admin_client: tuple[FlaskClient, Any]) -> None:
    client, _admin = admin_client
    assert _post(client, "/en/admin/users/999999/deactivate").status_code == 404
