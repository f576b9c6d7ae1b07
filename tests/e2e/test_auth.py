"""Signing in and out in a real browser: with htmx (the CSRF header from <body>, the error
summary focused after a 422, the Content-Security-Policy enforced), without JavaScript, and
the account and admin pages valid and accessible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from helpcenter.i18n import LANGUAGES
from tests.e2e.conftest import AppServer
from tests.e2e.helpers import (
    REPO_ROOT,
    PageFactory,
    assert_accessible,
    assert_valid_html,
    check_page,
)


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    password: str


ACCOUNTS = {
    "expert": Account("e2e-expert@example.com", "Erika Expert", "harbor lantern quiet violet"),
    "admin": Account("e2e-admin@example.com", "Adele Admin", "granite falcon meadow violin"),
}


@pytest.fixture(scope="session")
def accounts(app_server: AppServer) -> dict[str, Account]:
    """The accounts, made with `helpcenter create-user` in the running app's database."""
    data_dir = app_server.log_path.parent
    env = os.environ.copy()
    env["HELPCENTER_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = (
        os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{data_dir / 'helpcenter.sqlite3'}"
    )
    command = Path(sys.executable).parent / "helpcenter"
    for role, account in ACCOUNTS.items():
        created = subprocess.run(
            [str(command), "create-user", account.email, "--role", role, "--name", account.name,
             "--password-stdin"],
            input=f"{account.password}\n",
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )  # fmt: skip
        assert created.returncode == 0, created.stdout + created.stderr
    return ACCOUNTS


def _sign_in(page: Page, account: Account, password: str | None = None) -> None:
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(password or account.password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_page(page: Page, lang: str) -> None:
    check_page(page, f"/{lang}/sign-in")
    check_page(page, f"/{lang}/password/forgot")


def test_sign_in_with_htmx_sends_the_csrf_header_and_focuses_errors(
    page: Page, accounts: dict[str, Account]
) -> None:
    expert = accounts["expert"]
    page.goto("/en/sign-in")
    body_headers = json.loads(page.locator("body").get_attribute("hx-headers:inherited") or "{}")
    token = body_headers["X-CSRFToken"]

    with page.expect_request(lambda r: r.method == "POST" and "/sign-in" in r.url) as posted:
        _sign_in(page, expert, "not the password")
    request = posted.value
    assert request.headers.get("hx-request") == "true"  # htmx sent it, not a plain submit
    assert request.headers.get("x-csrftoken") == token  # from <body hx-headers:inherited>

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("The email address or the password is not right.")
    expect(summary).to_be_focused()
    expect(page).to_have_url(f"{page.url.split('/en/')[0]}/en/sign-in")
    assert_valid_html(page.content(), "sign-in after a 422 swap")
    assert_accessible(page)

    _sign_in(page, expert)
    expect(page.locator(".signed-in-as")).to_have_text(f"Signed in as {expert.name}")
    expect(page).to_have_url(f"{page.url.split('/en/')[0]}/en/")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator(".signed-in-as")).to_have_count(0)


def test_sign_in_without_javascript(
    page_factory: PageFactory, accounts: dict[str, Account]
) -> None:
    page = page_factory(java_script_enabled=False)
    expert = accounts["expert"]
    page.goto("/de/wizards/")
    page.get_by_role("link", name="Anmelden").or_(page.get_by_role("link", name="Sign in")).click()
    _sign_in_de = page.locator("form[action='/de/sign-in']")
    _sign_in_de.locator("input[name=email]").fill(expert.email)
    _sign_in_de.locator("input[name=password]").fill("wrong password")
    _sign_in_de.locator("button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    _sign_in_de.locator("input[name=password]").fill(expert.password)
    _sign_in_de.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{page.url.split('/de/')[0]}/de/wizards/")  # back where it began
    expect(page.locator(".signed-in-as")).to_contain_text(expert.name)


def test_htmx_works_under_the_content_security_policy(
    page_factory: PageFactory, accounts: dict[str, Account]
) -> None:
    page = page_factory(bypass_csp=False)
    problems: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        # Chromium reports every blocked script, style or eval as "Refused to ... because it
        # violates the following Content Security Policy directive".
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            problems.append(message.text)

    page.on("console", watch)
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto("/en/sign-in")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    _sign_in(page, accounts["expert"], "wrong again")
    expect(page.locator(".error-summary")).to_be_focused()  # htmx swapped the form
    _sign_in(page, accounts["expert"])
    expect(page.locator(".signed-in-as")).to_be_visible()
    assert problems == []


_ADMIN_STATE: dict[str, object] = {}


@pytest.fixture
def admin_page(page_factory: PageFactory, accounts: dict[str, Account]) -> Page:
    """A page signed in as the admin: through the form once, then with the saved cookies
    (signing in for every test would run into the sign-in rate limit)."""
    if not _ADMIN_STATE:
        page = page_factory()
        page.goto("/en/sign-in")
        _sign_in(page, accounts["admin"])
        expect(page.locator(".signed-in-as")).to_be_visible()
        _ADMIN_STATE.update(page.context.storage_state())
    return page_factory(storage_state=_ADMIN_STATE)


@pytest.mark.parametrize(
    "path", ["/en/profile", "/en/admin/users", "/en/admin/users/invite", "/en/admin/outbox",
             "/de/admin/audit"],
)  # fmt: skip
def test_account_and_admin_pages(admin_page: Page, path: str) -> None:
    check_page(admin_page, path)
    expect(admin_page.locator(".signed-in-as")).to_contain_text(ACCOUNTS["admin"].name)
