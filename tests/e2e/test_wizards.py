"""The two decision helpers (/<lang>/wizards/<slug>) in the browser, in es, de and en.

With the mouse and with the keyboard only, every answer swaps the next step in through
htmx (no page load), pushes the answers into the address bar, moves focus into the new
step and speaks through the live region. Without JavaScript every step is a plain GET
form. Shared result URLs, the Back button, "Change this answer", "Start over", a bad
answer (400, swapped by htmx 4), the urgent outcome, axe and the Nu checker on every kind
of step and outcome, and screenshots for people in test-artifacts/screenshots/.

Which outcome a path reaches is the engine's business (tests/wizards/): here the expected
next step comes from the same engine, and only a few paths are walked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel.messages.pofile import read_po
from playwright.sync_api import Locator, Page, Response, expect

from helpcenter.i18n import LANGUAGES
from helpcenter.wizards.engine import Finished, Wizard, evaluate, load_wizards, text
from tests.e2e.helpers import (
    REPO_ROOT,
    PageFactory,
    assert_accessible,
    assert_valid_html,
    check_page,
    html_problems,
    language_of,
    save_screenshot,
)

CONTENT_DIR = REPO_ROOT / "content"
TRANSLATIONS_DIR = REPO_ROOT / "helpcenter" / "translations"
GLOSSARY = yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text("utf-8"))
WIZARDS: dict[str, Wizard] = load_wizards(CONTENT_DIR / "wizards", reports=GLOSSARY["reports"])

WHICH = "which-report"
FOLLOW_UP = "follow-up-message"
CHECK_IN = (("intent", "check-in"), ("customer-responded", "no"))

# Answers as (question id, answer) pairs, in the order a reader gives them.
Answers = Sequence[tuple[str, str]]
DUPLICATE: Answers = (
    ("situation", "duplicate"),
    ("other-expert-answered", "no"),
    ("duplicate-report-usable", "yes"),
)
HELP_MESSAGE: Answers = (
    *CHECK_IN,
    ("hours-since-last-answer", "30"),
    ("help-message-sent", "no"),
    ("other-experts", "yes"),
    ("other-experts-left", "yes"),
)
MOUSE_PATHS = {WHICH: DUPLICATE, FOLLOW_UP: HELP_MESSAGE}

# Pages every language gets checked whole (status, lang, Nu checker on the server's HTML, axe).
CHECKED_PAGES: dict[str, tuple[str, Answers]] = {
    "first-step": (WHICH, ()),
    "first-step-follow-up": (FOLLOW_UP, ()),
    "yes-no-step": (WHICH, (("situation", "duplicate"),)),
    "number-step": (FOLLOW_UP, CHECK_IN),
    "too-early": (FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "10"))),
    "allowed-help-message": (
        FOLLOW_UP,
        (
            *CHECK_IN,
            ("hours-since-last-answer", "30"),
            ("help-message-sent", "no"),
            ("other-experts", "no"),
        ),
    ),
    "duplicate": (WHICH, DUPLICATE),
    "suicidal-customer": (WHICH, (("situation", "suicidal"),)),
}
# Screenshots for people: the first step and the outcome with the timeline, per language.
SCREENSHOTS = {"first-step": "step", "too-early": "outcome"}


# -- texts the reader sees ------------------------------------------------------------------


@cache
def _catalog(lang: str) -> Any:
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


def _(lang: str, msgid: str, **params: str) -> str:
    """The interface text as the app shows it in `lang` (English is the msgid itself)."""
    message = _catalog(lang).get(msgid)
    found = str(message.string) if message is not None and message.string else msgid
    if lang != "en":
        assert found != msgid or msgid in {"No", "Error"}, f"{msgid!r} is not translated to {lang}"
    return found % params if params else found


def prompt(slug: str, question_id: str, lang: str) -> str:
    return text(WIZARDS[slug].questions[question_id].prompt, lang)


def label(slug: str, question_id: str, value: str, lang: str) -> str:
    question = WIZARDS[slug].questions[question_id]
    if question.kind == "yes-no":
        return _(lang, "Yes" if value == "yes" else "No")
    return next(text(c.label, lang) for c in question.choices if c.value == value)


def outcome_title(slug: str, outcome_id: str, lang: str) -> str:
    return text(WIZARDS[slug].outcomes[outcome_id].title, lang)


def wizard_url(lang: str, slug: str, answers: Answers = ()) -> str:
    query = urlencode(list(answers))
    return f"/{lang}/wizards/{slug}" + (f"?{query}" if query else "")


def exactly(value: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(value)}\s*$")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


# -- what the engine says comes next ---------------------------------------------------------


def next_after(slug: str, answers: Answers) -> tuple[str, str]:
    """("question", id) or ("outcome", id) that `answers` lead to."""
    result = evaluate(WIZARDS[slug], dict(answers), now=datetime.now(UTC))
    if isinstance(result, Finished):
        return "outcome", result.outcome.id
    return "question", result.question.id


def expect_shows(page: Page, slug: str, answers: Answers, lang: str) -> str:
    """Wait until #wizard shows what `answers` lead to; returns the announcement expected."""
    wizard = page.locator("#wizard")
    kind, ident = next_after(slug, answers)
    if kind == "question":
        expect(wizard.locator("legend")).to_contain_text(prompt(slug, ident, lang))
        expect(wizard.locator(".wizard-path li")).to_have_count(len(answers))
        return _(lang, "Next question: %(prompt)s", prompt=prompt(slug, ident, lang))
    expect(wizard.locator("#outcome-title")).to_have_text(outcome_title(slug, ident, lang))
    return _(lang, "Result: %(title)s", title=outcome_title(slug, ident, lang))


# -- HTML validity and whole-page checks --------------------------------------------------------

# The one Nu checker message tolerated here, and only this one: a browser-support advisory
# (a warning, not an HTML error) about the number step's date-and-time field. Every current
# browser supports datetime-local, and the hours field beside it answers the same question.
# helpers.IGNORED_HTML_MESSAGES is the shared place for it; until it lands there, this file
# filters it and nothing else.
DATETIME_LOCAL_ADVISORY = re.compile(
    r"^The “datetime-local” input type is not supported in all browsers\."
)


def assert_valid_wizard_html(html: str, name: str) -> None:
    """helpers.assert_valid_html, less the datetime-local advisory."""
    problems = [
        p for p in html_problems(html) if not DATETIME_LOCAL_ADVISORY.search(p.get("message", ""))
    ]
    lines = [f"{len(problems)} HTML problem(s) in {name}:"]
    for problem in problems:
        kind = problem.get("subType") or problem["type"]
        lines.append(f"- {kind}, line {problem.get('lastLine', '?')}: {problem.get('message')}")
        if extract := problem.get("extract"):
            lines.append(f"    {extract.strip()}")
    assert not problems, "\n".join(lines)


def dom_html(page: Page) -> str:
    """The DOM as it is now, without the inline <script> that assert_accessible injects
    (axe-core): the app itself has no inline script (its CSP forbids them)."""
    return page.evaluate(
        """() => {
          const root = document.documentElement.cloneNode(true);
          root.querySelectorAll('script:not([src])').forEach((s) => s.remove());
          return '<!DOCTYPE html>' + root.outerHTML;
        }"""
    )


def check_wizard_page(page: Page, url: str, status: int = 200) -> Response:
    """helpers.check_page (status, <html lang>, the server's HTML valid, axe), with the
    datetime-local advisory tolerated."""
    response = page.goto(url)
    assert response is not None, f"no response for {url}"
    assert response.status == status, f"{url}: status {response.status}, expected {status}"
    expected = language_of(page.url)
    actual = page.locator("html").get_attribute("lang")
    assert actual == expected, f"{page.url}: <html lang={actual!r}>, expected {expected!r}"
    assert_valid_wizard_html(response.text(), urlsplit(page.url).path)
    assert_accessible(page)
    return response


# -- acting like a reader ------------------------------------------------------------------


def answer_with_the_mouse(page: Page, slug: str, question_id: str, value: str, lang: str) -> None:
    wizard = page.locator("#wizard")
    if WIZARDS[slug].questions[question_id].kind == "number":
        field = wizard.get_by_label(_(lang, "Hours since your last answer"))
        field.click()
        field.fill(value)
    else:
        choice = wizard.locator("label.choice").filter(
            has_text=exactly(label(slug, question_id, value, lang))
        )
        choice.click()
        expect(choice.get_by_role("radio")).to_be_checked()
    wizard.get_by_role("button", name=_(lang, "Next")).click()


def assert_focus_inside_wizard(page: Page, expected: Locator) -> None:
    expect(expected).to_be_focused()
    assert page.evaluate(
        "() => document.getElementById('wizard').contains(document.activeElement)"
    ), "focus left #wizard after the swap"


def assert_visible_focus(page: Page) -> None:
    """The focused element draws a focus indicator (an outline: the site's :focus-visible)."""
    style = page.evaluate(
        """() => {
          const e = document.activeElement, s = getComputedStyle(e);
          return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 60),
                  style: s.outlineStyle, width: s.outlineWidth};
        }"""
    )
    assert style["style"] != "none" and style["width"] != "0px", f"no visible focus on {style}"


def tab_until(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _step in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} Tabs did not reach {selector}")


def mark_document(page: Page) -> None:
    """A flag that a full page load would wipe: its survival proves htmx swapped in place."""
    page.evaluate("() => { window.__marker = 1; }")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__marker") == 1, "the step came with a full page load"


# -- with the mouse, htmx on ----------------------------------------------------------------


MOUSE_CASES = [(lang, slug) for lang in LANGUAGES for slug in MOUSE_PATHS]


@pytest.mark.parametrize(("lang", "slug"), MOUSE_CASES)
def test_complete_a_wizard_with_the_mouse(
    page: Page, live_server: str, lang: str, slug: str
) -> None:
    path = MOUSE_PATHS[slug]
    page.goto(wizard_url(lang, slug))
    expect_shows(page, slug, (), lang)
    mark_document(page)

    for number, (question_id, value) in enumerate(path, start=1):
        answer_with_the_mouse(page, slug, question_id, value, lang)
        answers = path[:number]
        announcement = expect_shows(page, slug, answers, lang)

        assert_same_document(page)
        # hx-push-url: the address bar holds every answer so far, a link that can be shared.
        query = query_of(page.url)
        assert urlsplit(page.url).path == f"/{lang}/wizards/{slug}"
        for key, expected in answers:
            assert query.get(key) == expected, f"{key}={expected} missing from {page.url}"
        done = number == len(path)
        assert_focus_inside_wizard(
            page, page.locator("#outcome-title" if done else "#wizard legend")
        )
        expect(page.locator("#announcer")).to_have_text(announcement)

        if number == 1 or done:  # the DOM after a swap: a middle step and the outcome
            assert_valid_html(dom_html(page), f"{lang} {slug} after htmx step {number}")
            assert_accessible(page)

    expect(page.locator("h1")).to_have_text(text(WIZARDS[slug].title, lang))
    expect(page.locator("#wizard .wizard-path li")).to_have_count(len(path))


# -- with the keyboard only -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_which_report_with_the_keyboard_only(page: Page, lang: str) -> None:
    page.goto(wizard_url(lang, WHICH))
    mark_document(page)
    tab_until(page, "#wizard input[type=radio]")
    first = page.locator("#wizard input[type=radio]").first
    expect(first).to_be_focused()
    expect(first).to_have_value("suicidal")  # the most urgent case is the first stop
    assert_visible_focus(page)

    # Arrow keys move through the group and choose; two down is the third choice.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = page.locator("#wizard input[type=radio][value='refund-or-account-problem']")
    expect(third).to_be_focused()
    expect(third).to_be_checked()
    assert_visible_focus(page)

    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=_(lang, "Next"))).to_be_focused()
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    answers: Answers = (("situation", "refund-or-account-problem"),)
    expect_shows(page, WHICH, answers, lang)
    assert_focus_inside_wizard(page, page.locator("#wizard legend"))
    assert_visible_focus(page)

    # From the focused question, Tab reaches its first answer; Space chooses it.
    page.keyboard.press("Tab")
    yes = page.locator("#wizard input[type=radio][value='yes']")
    expect(yes).to_be_focused()
    assert_visible_focus(page)
    page.keyboard.press("Space")
    expect(yes).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=_(lang, "Next"))).to_be_focused()
    page.keyboard.press("Space")

    expect_shows(page, WHICH, (*answers, ("refund-or-urgent", "yes")), lang)
    assert_focus_inside_wizard(page, page.locator("#outcome-title"))
    assert_visible_focus(page)
    assert_same_document(page)


def test_follow_up_with_the_keyboard_only(page: Page) -> None:
    lang = "en"
    page.goto(wizard_url(lang, FOLLOW_UP))
    tab_until(page, "#wizard input[type=radio]")
    page.keyboard.press("Space")  # the first intent...
    page.keyboard.press("ArrowUp")  # ...and up wraps round to the last one: check-in
    expect(page.locator("#wizard input[value='check-in']")).to_be_checked()
    page.keyboard.press("Enter")  # implicit submission from the radio group
    expect_shows(page, FOLLOW_UP, CHECK_IN[:1], lang)

    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # Yes -> No (arrows choose in a radio group)
    expect(page.locator("#wizard input[value='no']")).to_be_checked()
    page.keyboard.press("Enter")
    expect_shows(page, FOLLOW_UP, CHECK_IN, lang)
    assert_focus_inside_wizard(page, page.locator("#wizard legend"))

    page.keyboard.press("Tab")
    hours = page.get_by_label(_(lang, "Hours since your last answer"))
    expect(hours).to_be_focused()
    assert_visible_focus(page)
    page.keyboard.type("200")
    page.keyboard.press("Enter")
    expect_shows(page, FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "200")), lang)
    assert_focus_inside_wizard(page, page.locator("#outcome-title"))
    assert_visible_focus(page)

    # "Start over" is reachable by keyboard and brings focus back to the first question.
    tab_until(page, ".wizard-restart a")
    page.keyboard.press("Enter")
    expect_shows(page, FOLLOW_UP, (), lang)
    assert_focus_inside_wizard(page, page.locator("#wizard legend"))


# -- without JavaScript -------------------------------------------------------------------------


def submit_without_js(page: Page, lang: str) -> Response:
    """Submit the step's form: a plain GET to the wizard's URL, a full page load."""
    form = page.locator("#wizard form.wizard-step")
    expect(form).to_have_attribute("method", "get")
    expect(form).to_have_attribute("action", re.compile(r"^/(es|de|en)/wizards/[a-z-]+$"))
    with page.expect_navigation() as navigation:
        page.locator("#wizard").get_by_role("button", name=_(lang, "Next")).click()
    response = navigation.value
    assert response is not None
    return response


@pytest.mark.parametrize("lang", LANGUAGES)
def test_follow_up_without_javascript_with_a_date_and_time(
    page_factory: PageFactory, lang: str
) -> None:
    page = page_factory(java_script_enabled=False)
    page.goto(wizard_url(lang, FOLLOW_UP))
    form = page.locator("#wizard form.wizard-step")
    expect(form).to_have_attribute("method", "get")
    expect(form).to_have_attribute("action", f"/{lang}/wizards/{FOLLOW_UP}")

    for number, (question_id, value) in enumerate(CHECK_IN, start=1):
        page.locator("#wizard label.choice").filter(
            has_text=exactly(label(FOLLOW_UP, question_id, value, lang))
        ).click()
        response = submit_without_js(page, lang)
        assert response.status == 200
        assert query_of(page.url)[question_id] == value
        expect_shows(page, FOLLOW_UP, CHECK_IN[:number], lang)

    # No script filled the zone: the server's default (UTC) is used, and named.
    expect(page.locator("#wizard input[name=tz]")).to_have_value("")
    expect(page.locator("#wizard .number-or-date")).to_contain_text(
        _(lang, "In your time zone: %(zone)s", zone="UTC")
    )
    thirty_hours_ago = datetime.now(UTC) - timedelta(hours=30)
    page.get_by_label(_(lang, "Date and time of your last answer")).fill(
        thirty_hours_ago.strftime("%Y-%m-%dT%H:%M")
    )
    assert submit_without_js(page, lang).status == 200
    assert query_of(page.url)["last-answer-local"] == thirty_hours_ago.strftime("%Y-%m-%dT%H:%M")
    with_time: Answers = (*CHECK_IN, ("last-answer-at", thirty_hours_ago.isoformat()))
    expect_shows(page, FOLLOW_UP, with_time, lang)

    rest = (("help-message-sent", "no"), ("other-experts", "no"))
    for number, (question_id, value) in enumerate(rest, start=1):
        page.locator("#wizard label.choice").filter(
            has_text=exactly(label(FOLLOW_UP, question_id, value, lang))
        ).click()
        assert submit_without_js(page, lang).status == 200
        expect_shows(page, FOLLOW_UP, (*with_time, *rest[:number]), lang)

    outcome = page.locator("#wizard .outcome")
    expect(outcome.locator("#outcome-title")).to_have_text(
        outcome_title(FOLLOW_UP, "allowed-help-message", lang)
    )
    window = outcome.locator(".window")
    expect(window).to_contain_text("(UTC)")  # opens/closes, in the zone that was used
    expect(window.locator("svg[role=img]")).to_be_visible()


def test_which_report_without_javascript(page_factory: PageFactory) -> None:
    lang = "es"
    page = page_factory(java_script_enabled=False)
    page.goto(wizard_url(lang, WHICH))
    for number, (question_id, value) in enumerate(DUPLICATE, start=1):
        page.locator("#wizard label.choice").filter(
            has_text=exactly(label(WHICH, question_id, value, lang))
        ).click()
        assert submit_without_js(page, lang).status == 200
        expect_shows(page, WHICH, DUPLICATE[:number], lang)
        assert all(query_of(page.url)[k] == v for k, v in DUPLICATE[:number])
    expect(page.locator("#wizard ol.steps li").first).to_be_visible()

    # The answer links and "Start over" are plain links too.
    with page.expect_navigation():
        page.get_by_role("link", name=_(lang, "Start over")).click()
    expect_shows(page, WHICH, (), lang)


# -- the time zone the browser is in -------------------------------------------------------------


def test_a_date_and_time_is_read_in_the_browsers_time_zone(page_factory: PageFactory) -> None:
    zone = "America/New_York"
    page = page_factory(timezone_id=zone)
    # Opened without tz (a link from someone without JavaScript): the server names its
    # default zone, and site.js replaces it with the zone the form will now send.
    page.goto(wizard_url("en", FOLLOW_UP, CHECK_IN))
    expect(page.locator("#wizard input[name=tz]")).to_have_value(zone)
    hint = page.locator("#wizard .number-or-date")
    expect(hint).to_contain_text(f"In your time zone: {zone}")

    # Ten real hours (subtracted in UTC: wall-clock arithmetic would slip across DST).
    ten_hours_ago = (datetime.now(UTC) - timedelta(hours=10)).astimezone(ZoneInfo(zone))
    page.get_by_label("Date and time of your last answer").fill(
        ten_hours_ago.strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#outcome-title")).to_have_text(outcome_title(FOLLOW_UP, "too-early", "en"))
    assert query_of(page.url)["tz"] == zone
    window = page.locator("#wizard .window")
    expect(window).to_contain_text(f"({zone})")
    expect(window.locator(".timeline-legend")).to_contain_text("Now: 10 h after your last answer")


# -- sharing, history, changing answers ------------------------------------------------------------


def test_a_shared_result_url_shows_the_same_outcome(page: Page, page_factory: PageFactory) -> None:
    lang, slug = "de", WHICH
    page.goto(wizard_url(lang, slug))
    for question_id, value in DUPLICATE:
        answer_with_the_mouse(page, slug, question_id, value, lang)
    expect_shows(page, slug, DUPLICATE, lang)
    shared = page.url
    report = page.locator("#wizard .report-name").inner_text()

    other = page_factory(locale="de-DE")  # someone else, a fresh context: no cookies, no history
    response = other.goto(shared)
    assert response is not None and response.status == 200
    expect_shows(other, slug, DUPLICATE, lang)
    expect(other.locator("#wizard .report-name")).to_have_text(report)
    expect(other.locator("#wizard .wizard-path li")).to_have_count(len(DUPLICATE))


def test_back_after_two_htmx_steps_returns_to_the_previous_step(page: Page) -> None:
    lang, slug = "de", WHICH
    page.goto(wizard_url(lang, slug))
    mark_document(page)
    for number in (1, 2):
        answer_with_the_mouse(page, slug, *DUPLICATE[number - 1], lang)
        expect_shows(page, slug, DUPLICATE[:number], lang)
    assert_same_document(page)
    step_two_url = page.url

    page.go_back()
    expect_shows(page, slug, DUPLICATE[:1], lang)
    expect(page.locator("#wizard legend")).to_contain_text(
        prompt(slug, "other-expert-answered", lang)
    )
    assert query_of(page.url)["situation"] == "duplicate"
    assert "other-expert-answered" not in query_of(page.url)

    page.go_back()
    expect_shows(page, slug, (), lang)

    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(step_two_url)
    expect_shows(page, slug, DUPLICATE[:2], lang)


def test_change_an_answer_and_start_over_with_htmx(page: Page) -> None:
    lang, slug = "es", WHICH
    page.goto(wizard_url(lang, slug))
    for question_id, value in DUPLICATE:
        answer_with_the_mouse(page, slug, question_id, value, lang)
    expect_shows(page, slug, DUPLICATE, lang)
    mark_document(page)

    # Change the second answer: back to that question, with only the first answer kept.
    changes = page.get_by_role("link", name=_(lang, "Change this answer"))
    expect(changes).to_have_count(len(DUPLICATE))
    changes.nth(1).click()
    announcement = expect_shows(page, slug, DUPLICATE[:1], lang)
    assert_same_document(page)
    assert "other-expert-answered" not in query_of(page.url)
    assert query_of(page.url)["situation"] == "duplicate"
    assert_focus_inside_wizard(page, page.locator("#wizard legend"))
    expect(page.locator("#announcer")).to_have_text(announcement)

    answer_with_the_mouse(page, slug, "other-expert-answered", "yes", lang)
    changed: Answers = (("situation", "duplicate"), ("other-expert-answered", "yes"))
    expect_shows(page, slug, changed, lang)
    expect(page.locator("#outcome-title")).to_have_text(
        outcome_title(slug, "leave-duplicate", lang)
    )

    page.get_by_role("link", name=_(lang, "Start over")).click()
    announcement = expect_shows(page, slug, (), lang)
    expect(page.locator("#wizard .wizard-path")).to_have_count(0)
    assert_same_document(page)
    assert not {k for k in query_of(page.url) if k != "tz"}, page.url
    assert_focus_inside_wizard(page, page.locator("#wizard legend"))
    expect(page.locator("#announcer")).to_have_text(announcement)


# -- a bad answer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_negative_number_of_hours_on_a_full_page_load(page: Page, lang: str) -> None:
    url = wizard_url(lang, FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "-5")))
    check_wizard_page(page, url, status=400)
    alert = page.locator("#wizard [role=alert]")
    expect(alert).to_contain_text(_(lang, "The number of hours cannot be negative."))
    expect(alert).to_contain_text(_(lang, "Please check your answer"))
    expect(page).to_have_title(re.compile(rf"^{re.escape(_(lang, 'Error'))}: "))
    expect(page.locator("#wizard legend")).to_contain_text(
        prompt(FOLLOW_UP, "hours-since-last-answer", lang)
    )
    expect(page.get_by_label(_(lang, "Hours since your last answer"))).to_have_attribute(
        "aria-invalid", "true"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_negative_number_of_hours_with_htmx(page: Page, lang: str) -> None:
    page.goto(wizard_url(lang, FOLLOW_UP, CHECK_IN))
    mark_document(page)
    hours = page.get_by_label(_(lang, "Hours since your last answer"))
    hours.evaluate("(input) => input.removeAttribute('min')")  # what the browser would stop
    hours.fill("-5")
    with page.expect_response(lambda r: "hours-since-last-answer=-5" in r.url) as caught:
        page.get_by_role("button", name=_(lang, "Next")).click()
    assert caught.value.status == 400
    assert caught.value.request.headers.get("hx-request") == "true"

    # htmx 4 swaps a 400: the error is inside #wizard, the rest of the page stays.
    alert = page.locator("#wizard [role=alert]")
    expect(alert).to_contain_text(_(lang, "The number of hours cannot be negative."))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text(text(WIZARDS[FOLLOW_UP].title, lang))
    expect(page.locator("#wizard")).to_have_count(1)
    expect(page.locator(".site-header")).to_have_count(1)
    assert_same_document(page)
    expect(page.locator("#wizard-error")).to_be_focused()
    invalid = page.get_by_label(_(lang, "Hours since your last answer"))
    expect(invalid).to_have_attribute("aria-invalid", "true")
    expect(invalid).to_have_accessible_description(
        re.compile(re.escape(_(lang, "The number of hours cannot be negative.")))
    )
    # The live region does not say "Next question" over the error (role=alert speaks).
    expect(page.locator("#wizard")).to_have_attribute("data-announce", "")
    expect(page.locator("#wizard legend")).to_contain_text(
        prompt(FOLLOW_UP, "hours-since-last-answer", lang)
    )
    assert_valid_wizard_html(dom_html(page), f"{lang} wizard after a 400 swap")
    assert_accessible(page)

    # Correcting the answer goes on as usual.
    page.get_by_label(_(lang, "Hours since your last answer")).fill("10")
    page.get_by_role("button", name=_(lang, "Next")).click()
    expect_shows(page, FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "10")), lang)
    expect(page.locator("#wizard [role=alert]")).to_have_count(0)


def test_a_date_and_time_in_the_future_marks_that_field(page: Page) -> None:
    in_a_day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    url = wizard_url("en", FOLLOW_UP, (*CHECK_IN, ("last-answer-local", in_a_day)))
    check_wizard_page(page, url, status=400)
    expect(page.locator("#wizard [role=alert]")).to_contain_text(
        "The date and time of your last answer cannot be in the future."
    )
    date_time = page.get_by_label("Date and time of your last answer")
    expect(date_time).to_have_attribute("aria-invalid", "true")
    expect(date_time).to_have_accessible_description(re.compile("cannot be in the future"))
    expect(page.get_by_label("Hours since your last answer")).not_to_have_attribute(
        "aria-invalid", "true"
    )


def test_hours_with_decimals_are_written_as_the_language_writes_them(page: Page) -> None:
    page.goto(wizard_url("de", FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "10.5"))))
    legend = page.locator("#wizard .timeline-legend")
    expect(legend).to_contain_text("Jetzt: 10,5 h nach deiner letzten Antwort")
    expect(page.locator("#wizard .timeline desc")).to_contain_text("Du bist bei 10,5 Stunden.")


def test_hours_with_decimals_in_your_answers_are_written_the_german_way(page: Page) -> None:
    page.goto(wizard_url("de", FOLLOW_UP, (*CHECK_IN, ("hours-since-last-answer", "10.5"))))
    # A plain assertion, not expect(): the page is loaded, and an xfail should not wait 10 s.
    assert page.locator("#wizard .wizard-path .path-answer").last.inner_text() == "10,5 Stunden"


# -- the urgent outcome ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_suicidal_customer_outcome_is_marked_urgent(page: Page, lang: str) -> None:
    page.goto(wizard_url(lang, WHICH))
    urgent_choice = page.locator("#wizard label.choice").first
    expect(urgent_choice).to_have_class(re.compile(r"\bchoice-urgent\b"))
    answer_with_the_mouse(page, WHICH, "situation", "suicidal", lang)
    expect_shows(page, WHICH, (("situation", "suicidal"),), lang)

    outcome = page.locator("#wizard section.outcome")
    expect(outcome).to_have_class(re.compile(r"\boutcome-urgent\b"))
    badge = outcome.locator(".urgent-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(_(lang, "Urgent: act now"))
    # Marked by more than the class: a red frame (the danger colour), not the default accent.
    colours = outcome.evaluate(
        """(section) => {
          const s = getComputedStyle(section);
          const probe = document.createElement('span');
          probe.style.color = 'var(--danger)';
          section.append(probe);
          const danger = getComputedStyle(probe).color;
          probe.remove();
          return {border: s.borderTopColor, width: s.borderTopWidth, danger};
        }"""
    )
    assert colours["border"] == colours["danger"], colours
    assert float(colours["width"].removesuffix("px")) >= 6, colours
    save_screenshot(page, f"wizard-{lang}-outcome-urgent")


# -- whole pages: axe, the Nu checker, screenshots ----------------------------------------------


@pytest.mark.parametrize("name", list(CHECKED_PAGES))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_wizard_page_is_valid_and_accessible(page: Page, lang: str, name: str) -> None:
    slug, answers = CHECKED_PAGES[name]
    url = wizard_url(lang, slug, answers)
    # Only the number step has the date-and-time field the shared check cannot take yet.
    if name == "number-step":
        check_wizard_page(page, url)
    else:
        check_page(page, url)
    expect_shows(page, slug, answers, lang)
    if name.startswith("first-step"):  # the hint is read with the question
        hint = WIZARDS[slug].questions[WIZARDS[slug].start].hint
        if hint is not None:
            expect(page.locator("#wizard fieldset")).to_have_accessible_description(
                text(hint, lang)
            )
    if name == "too-early":
        expect(page.locator("#wizard .timeline svg")).to_be_visible()
    if name == "duplicate":
        expect(page.locator("#wizard ol.steps li").first).to_be_visible()
    if name in SCREENSHOTS:
        save_screenshot(page, f"wizard-{lang}-{SCREENSHOTS[name]}")


@pytest.mark.parametrize("name", ["first-step", "number-step", "too-early", "suicidal-customer"])
def test_wizard_page_in_the_dark_scheme(page_factory: PageFactory, name: str) -> None:
    page = page_factory(color_scheme="dark")
    slug, answers = CHECKED_PAGES[name]
    page.goto(wizard_url("en", slug, answers))
    expect_shows(page, slug, answers, "en")
    assert_accessible(page)
