"""The profile: name, language and time zone; the password change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from helpcenter.extensions import db
from helpcenter.models import AuditEvent, User
from tests.auth.helpers import form_sign_in, signed_in_name
from tests.conftest import TEST_PASSWORD, csrf_token_of

NEW_PASSWORD = "copper lighthouse winter garden"


def test_the_profile_needs_an_account(bare_app: Flask) -> None:
    assert bare_app.test_client().get("/en/profile").location == "/en/sign-in?next=/en/profile"


def test_saving_the_profile_switches_language_and_time_zone(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    user = make_user("expert", name="Kim")
    client = bare_app.test_client()
    sign_in_as(user, client)
    page = client.get("/en/profile").get_data(as_text=True)
    assert 'value="Kim"' in page and "Europe/Berlin" in page

    response = client.post(
        "/en/profile",
        data={
            "csrf_token": csrf_token_of(client),
            "display_name": "  Kim Lee  ",
            "locale": "de",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 303
    assert response.location == "/de/profile"
    with bare_app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.display_name, saved.locale, saved.timezone) == (
            "Kim Lee",
            "de",
            "Europe/Berlin",
        )
    assert client.get("/").location == "/de/"
    # Times on the pages are shown in the chosen zone (Flask-Babel's timezone selector).
    with bare_app.test_request_context("/de/profile"):
        from flask_login import login_user

        from helpcenter.auth.access import preferred_timezone

        account = db.session.get(User, user.id)
        account.session_token = "x"
        login_user(account)
        assert preferred_timezone() == "Europe/Berlin"


def test_bad_profile_values_are_422_and_change_nothing(
    bare_app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
    htmx_headers: dict[str, str],
) -> None:
    user = make_user("expert", name="Kim")
    client = bare_app.test_client()
    sign_in_as(user, client)
    data = {
        "csrf_token": csrf_token_of(client),
        "display_name": "",
        "locale": "fr",
        "timezone": "Mars/Olympus",
    }
    page = client.post("/en/profile", data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert html.count("Choose one of the options.") >= 2 and "Enter a name." in html
    assert 'aria-invalid="true"' in html
    fragment = client.post("/en/profile", data=data, headers=htmx_headers)
    assert fragment.status_code == 422
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="profile-form"')
    with bare_app.app_context():
        assert db.session.get(User, user.id).display_name == "Kim"


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("editor", name="Pat")
    here, there = bare_app.test_client(), bare_app.test_client()
    form_sign_in(here, user.email)
    form_sign_in(there, user.email)

    def change(current: str, new: str, confirm: str | None = None) -> Any:
        return here.post(
            "/en/profile/password",
            data={
                "csrf_token": csrf_token_of(here),
                "password-current_password": current,
                "password-password": new,
                "password-confirm": new if confirm is None else confirm,
            },
        )

    wrong_current = change("not my password", NEW_PASSWORD)
    assert wrong_current.status_code == 422
    assert "Your current password is not right." in wrong_current.get_data(as_text=True)
    assert change(TEST_PASSWORD, "short").status_code == 422
    assert change(TEST_PASSWORD, user.email).status_code == 422  # own words

    done = change(TEST_PASSWORD, NEW_PASSWORD)
    assert done.status_code == 303 and done.location == "/en/profile"
    assert signed_in_name(here) == "Pat"
    assert signed_in_name(there) is None
    assert form_sign_in(bare_app.test_client(), user.email, NEW_PASSWORD).status_code == 303
    with bare_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.event == "password.changed"))
        assert event is not None and event.details == {"other_sessions_ended": 1}
