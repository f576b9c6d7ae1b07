"""Browser tests: the real app served in its own process, driven by Debian's Chromium.

Every test in this folder is marked `e2e` (so `pytest -m "not e2e"` leaves them out), gets a
fresh browser context per test, and leaves a screenshot and the page's HTML under
test-artifacts/e2e/<test>/ when it fails.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e import helpers
from tests.e2e.helpers import ARTIFACTS_DIR as _ARTIFACTS_ROOT
from tests.e2e.helpers import REPO_ROOT, PageFactory

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = _ARTIFACTS_ROOT / "e2e"

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a browser that Playwright downloads.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 20.0
# Short enough that a missing element fails in seconds, long enough for a slow CI machine.
DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_CONTEXT: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 900},
    "locale": "en-US",
    # The app will send a Content-Security-Policy; axe-core is injected as a script tag,
    # which such a policy would block. Only the test's own injection is exempted.
    "bypass_csp": True,
}


# -- collection ---------------------------------------------------------------------------


def _in_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in item.path.parents


@pytest.hookimpl(tryfirst=True)  # before -m "not e2e" deselects by mark
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's.
    skip = None
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        skip = pytest.mark.skip(
            reason=f"browser tests need Debian's chromium at {CHROMIUM} (`make browser` installs it)"
        )
    for item in items:
        if _in_e2e(item):
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so fixtures can tell in teardown that a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    helpers.stop_html_checker()


@pytest.fixture(scope="session", autouse=True)
def _html_checker_boots_early() -> None:
    """The Nu checker's JVM boots while the app and the browser start, not in the first test."""
    helpers.launch_html_checker()


# -- the app under test -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class AppServer:
    """The app's process, so a test can tell "the app died" from "the page is wrong"."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def death_notice(self) -> str | None:
        code = self.process.poll()
        if code is None:
            return None
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        hint = " (stopped from outside the test run?)" if code < 0 else ""
        return f"the app process ended with {how}{hint}; its log:\n{_log_tail(self.log_path)}"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The real app (`helpcenter setup`, then `helpcenter serve`) in its own process.

    The database is a SQLite file in a temporary data dir unless E2E_DATABASE_URL is set.
    Never TEST_DATABASE_URL or DATABASE_URL: in CI those point at databases that the unit
    tests reset and `make run` uses.
    """
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = os.environ.copy()
    env["HELPCENTER_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = (
        os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{data_dir / 'helpcenter.sqlite3'}"
    )
    command = Path(sys.executable).parent / "helpcenter"
    if not command.exists():
        pytest.fail(f"{command} not found: run the tests with the project's .venv (`make install`)")

    setup = subprocess.run(
        [str(command), "setup"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if setup.returncode != 0:
        pytest.fail(
            f"`helpcenter setup` failed ({setup.returncode}):\n{setup.stdout}{setup.stderr}"
        )

    port = _free_port()
    log_path = data_dir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(command), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = AppServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(app_server: AppServer) -> str:
    """Base URL of the running app, e.g. http://127.0.0.1:43123 (no trailing slash)."""
    return app_server.url


def _wait_until_healthy(server: AppServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if notice := server.death_notice():
            pytest.fail(f"the app did not start: {notice}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"{server.url}/healthz did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
        f"{_log_tail(server.log_path)}"
    )


# -- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Only reached in CI (elsewhere the suite is skipped): a missing browser is a failure.
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (`make browser`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(
    browser: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[PageFactory]:
    """`page_factory(java_script_enabled=False, locale="de-DE", ...)`: a page in a new context.

    Keyword arguments are Playwright's `browser.new_context()` options, over the defaults
    (1280x900, en-US, CSP bypassed for axe, base_url = the live server).
    """
    if notice := app_server.death_notice():
        pytest.fail(notice)  # instead of a "connection refused" in every test that follows
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(**{**DEFAULT_CONTEXT, "base_url": app_server.url, **options})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    if _failed(request.node):
        if notice := app_server.death_notice():
            print(notice)
        _save_artifacts(request.node, [p for c in contexts for p in c.pages])
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_factory: PageFactory) -> Page:
    """A page in a fresh context: 1280x900, en-US, JavaScript on."""
    return page_factory()


def _failed(item: pytest.Item) -> bool:
    return any(
        getattr(item, f"rep_{when}", None) is not None and getattr(item, f"rep_{when}").failed
        for when in ("setup", "call")
    )


def _save_artifacts(item: pytest.Item, pages: list[Page]) -> None:
    folder = ARTIFACTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")
    folder.mkdir(parents=True, exist_ok=True)
    for number, open_page in enumerate(pages, start=1):
        stem = "page" if number == 1 else f"page-{number}"
        try:
            open_page.screenshot(path=str(folder / f"{stem}.png"), full_page=True)
            (folder / f"{stem}.html").write_text(
                f"<!-- {open_page.url} -->\n{open_page.content()}", "utf-8"
            )
        except Exception as error:  # a crashed page must not hide the test's own failure
            (folder / f"{stem}.error.txt").write_text(f"{open_page.url}: {error}\n", "utf-8")
    # Shown by pytest under "Captured stdout teardown" of the failed test.
    print(f"e2e artifacts (screenshot + HTML): {folder}")
