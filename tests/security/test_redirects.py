"""After signing in, `next` may only lead to a page of this site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from helpcenter.security import safe_next
from tests.auth.helpers import form_sign_in

EVIL = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " //evil.example",
    "\t/\t/evil.example",
    "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"),
    "data:text/html,hi",
    "evil.example",
    "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", EVIL)
def test_unsafe_targets_fall_back(target: str) -> None:
    assert safe_next(target, "/en/") == "/en/"


@pytest.mark.parametrize(
    "target", ["/en/articles/x", "/de/wizards/which-report?step=2#top", "/en/admin/users"]
)
def test_paths_on_this_site_pass(target: str) -> None:
    assert safe_next(target, "/en/") == target


@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)"]
)
def test_sign_in_never_leads_off_the_site(
    bare_app: Flask, make_user: Callable[..., Any], target: str
) -> None:
    user = make_user("expert", locale="de")
    response = form_sign_in(bare_app.test_client(), user.email, next_url=target)
    assert response.status_code == 303
    assert response.location == "/de/"


def test_sign_in_returns_to_the_page_asked_for(
    bare_app: Flask, make_user: Callable[..., Any]
) -> None:
    user = make_user("admin")
    client = bare_app.test_client()
    to_sign_in = client.get("/en/admin/audit")
    assert to_sign_in.location == "/en/sign-in?next=/en/admin/audit"
    page = client.get(to_sign_in.location).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/en/admin/audit"' in page
    response = form_sign_in(client, user.email, next_url="/en/admin/audit")
    assert response.location == "/en/admin/audit"


def test_a_signed_in_visit_to_the_sign_in_page_also_checks_next(
    bare_app: Flask, make_user: Callable[..., Any], sign_in_as: Callable[..., str]
) -> None:
    client = bare_app.test_client()
    sign_in_as(make_user("expert"), client)
    assert client.get("/en/sign-in?next=//evil.example").location == "/en/"


def test_trusted_hosts_refuse_a_forged_host(bare_app: Flask) -> None:
    bare_app.config["TRUSTED_HOSTS"] = ["help.example.org"]
    client = bare_app.test_client()
    assert client.get("/en/sign-in", base_url="http://help.example.org").status_code == 200
    assert client.get("/en/sign-in", base_url="http://evil.example").status_code == 400
