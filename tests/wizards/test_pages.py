"""The HTML wizards (/<lang>/wizards/<slug>), as a reader meets them, in es, de and en.

Every step is a GET with the answers so far in the query string; htmx asks for the same
URL with HX-Request and gets only the `<div id="wizard">` fragment. The answers come from
the engine's own table (tests/wizards/test_engine.py), written as a form sends them.
"""

from __future__ import annotations

import html as htmllib
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from helpcenter.models import WizardUsage
from helpcenter.wizards.engine import LANGUAGES, Wizard, load_wizards, text
from tests.wizards.test_engine import FOLLOW_UP_PATHS, WHICH_REPORT_PATHS, as_query

CONTENT_DIR = PROJECT_ROOT / "content"
GLOSSARY = yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text(encoding="utf-8"))
WIZARDS: dict[str, Wizard] = load_wizards(CONTENT_DIR / "wizards", reports=GLOSSARY["reports"])
BERLIN = ZoneInfo("Europe/Berlin")

CASES = [("which-report", answers, outcome) for answers, outcome in WHICH_REPORT_PATHS] + [
    ("follow-up-message", answers, outcome) for answers, outcome in FOLLOW_UP_PATHS
]
CASE_IDS = [f"{slug}:{outcome}:{i}" for i, (slug, _, outcome) in enumerate(CASES)]
CHECK_IN = {"intent": "check-in", "customer-responded": "no"}

ARTICLES = {
    # lang: (reports article, ratings article)
    "es": ("guia-de-reportes-de-clientes", "solicitar-valoraciones-a-los-clientes"),
    "de": ("leitfaden-zu-kundenmeldungen", "kunden-um-bewertungen-bitten"),
    "en": ("guide-to-customer-reports", "asking-customers-for-ratings"),
}


# --------------------------------------------------------------------- helpers


def url(lang: str, slug: str) -> str:
    return f"/{lang}/wizards/{slug}"


def get(
    client: FlaskClient,
    lang: str,
    slug: str,
    answers: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    return client.get(url(lang, slug), query_string=as_query(answers or {}), headers=headers)


def visible(html: str) -> str:
    """The markup with entities decoded, so texts compare whatever the escaping."""
    return htmllib.unescape(html)


def ui(app: Flask, lang: str, msgid: str, **params: Any) -> str:
    """An interface string as the catalog has it in `lang`; es and de must be translated."""
    with app.test_request_context(), force_locale(lang):
        translated = gettext(msgid, **params)
    english = msgid % params if params else msgid
    assert lang == "en" or translated != english, f"{msgid!r} is not translated into {lang}"
    return translated


def outcome_title(html: str) -> str | None:
    found = re.search(r'<h2 id="outcome-title"[^>]*>(.*?)</h2>', html, re.S)
    return visible(found[1]).strip() if found else None


def asked(html: str, wizard: Wizard) -> str | None:
    """The question the form asks: the wizard question with a visible input."""
    names = set(re.findall(r'<input(?![^>]*type="hidden")[^>]*\bname="([^"]+)"', html))
    questions = names & set(wizard.questions)
    assert len(questions) <= 1, questions
    return next(iter(questions), None)


def carried(html: str) -> dict[str, str]:
    """The hidden answers the form carries to the next step (tz aside)."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {name: visible(value) for name, value in fields if name != "tz"}


def change_links(html: str) -> list[str]:
    section = re.search(r'<section class="wizard-path".*?</section>', html, re.S)
    if section is None:
        return []
    return [visible(href) for href in re.findall(r'<a href="([^"]+)"', section[0])]


def restart_link(html: str) -> str:
    found = re.search(r'<p class="wizard-restart">\s*<a href="([^"]+)"', html)
    assert found, "no Start over link"
    return visible(found[1])


def alert_text(html: str) -> str:
    found = re.search(r'<div[^>]*role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert found, "no role=alert error"
    paragraph = re.search(r"<p>(.*?)</p>", found[1], re.S)
    assert paragraph, found[1]
    return visible(paragraph[1]).strip()


def assert_page(response: Any, lang: str, fragment: bool) -> str:
    html = response.get_data(as_text=True)
    assert "HX-Request" in response.headers.get("Vary", "")
    assert 'id="wizard"' in html
    if fragment:
        assert "<html" not in html
        assert html.lstrip().startswith('<div id="wizard"')
    else:
        assert f'<html lang="{lang}">' in html
    return html


# --------------------------------------------------------------------- every outcome


@pytest.mark.parametrize("mode", ["page", "fragment"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("slug", "answers", "outcome_id"), CASES, ids=CASE_IDS)
def test_every_outcome_is_shown_in_the_readers_language(
    app: Flask,
    client: FlaskClient,
    htmx_headers: dict[str, str],
    slug: str,
    answers: dict[str, Any],
    outcome_id: str,
    lang: str,
    mode: str,
) -> None:
    fragment = mode == "fragment"
    response = get(client, lang, slug, answers, htmx_headers if fragment else None)
    assert response.status_code == 200
    html = assert_page(response, lang, fragment)
    outcome = WIZARDS[slug].outcomes[outcome_id]
    assert outcome_title(html) == text(outcome.title, lang)
    assert text(outcome.explanation, lang) in visible(html)
    assert asked(html, WIZARDS[slug]) is None  # an outcome asks nothing more
    # One "Change this answer" link per answer given.
    assert len(change_links(html)) == len(answers)

    if slug == "which-report":
        report = re.search(r'<p class="report-to-file">(.*?)</p>', html, re.S)
        assert report, "which report to file is not said"
        said = visible(re.sub(r"<[^>]+>", "", report[1]))
        if outcome.report is None:
            assert ui(app, lang, "File no report.") in said
        else:
            label = GLOSSARY["reports"][outcome.report][lang]
            assert f'<strong class="report-name">{label}</strong>' in visible(html)
    else:
        verdict = "Yes, you may send it." if outcome.allowed else "No, do not send it."
        assert ui(app, lang, verdict) in visible(html)

    urgent = re.search(r'<section class="outcome[^"]*\boutcome-urgent\b', html) is not None
    assert urgent is outcome.urgent
    # The rules it rests on, linked (relatively) to the article heading in the same language.
    sources = re.search(r'<ul class="sources">(.*?)</ul>', html, re.S)
    assert sources, "no sources"
    links = re.findall(r'<a href="([^"]+)"', sources[1])
    assert len(links) == len(outcome.rules)
    assert all(re.fullmatch(rf"/{lang}/articles/[a-z0-9-]+#[a-z0-9-]+", link) for link in links)


def test_the_suicidal_choice_is_listed_first_and_its_outcome_is_urgent(
    app: Flask, client: FlaskClient
) -> None:
    for lang in LANGUAGES:
        html = get(client, lang, "which-report").get_data(as_text=True)
        values = re.findall(r'<input type="radio" name="situation" value="([^"]+)"', html)
        assert values == list(WIZARDS["which-report"].questions["situation"].values)
        assert values[0] == "suicidal"

        html = get(client, lang, "which-report", {"situation": "suicidal"}).get_data(as_text=True)
        assert re.search(r'<section class="outcome[^"]*\boutcome-urgent\b', html)
        assert ui(app, lang, "Urgent: act now") in visible(html)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_duplicate_outcome_lists_the_steps_in_order(client: FlaskClient, lang: str) -> None:
    answers = {"situation": "duplicate", "other-expert-answered": "no"}
    answers["duplicate-report-usable"] = "yes"
    html = get(client, lang, "which-report", answers).get_data(as_text=True)
    steps = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S)
    assert steps, "no steps"
    shown = [visible(s).strip() for s in re.findall(r"<li>(.*?)</li>", steps[1], re.S)]
    expected = WIZARDS["which-report"].outcomes["duplicate"].steps
    assert shown == [text(step, lang) for step in expected]
    assert len(shown) >= 4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_allowed_help_message_shows_a_sample_and_the_donts(
    client: FlaskClient, lang: str
) -> None:
    answers = {**CHECK_IN, "hours-since-last-answer": "30"}
    answers |= {"help-message-sent": "no", "other-experts": "no"}
    html = visible(get(client, lang, "follow-up-message", answers).get_data(as_text=True))
    outcome = WIZARDS["follow-up-message"].outcomes["allowed-help-message"]
    assert outcome.sample is not None
    sample = re.search(r'<blockquote class="sample">(.*?)</blockquote>', html, re.S)
    assert sample and sample[1].strip() == text(outcome.sample, lang)
    donts = re.search(r'<ul class="donts">(.*?)</ul>', html, re.S)
    assert donts, "no don'ts"
    shown = [d.strip() for d in re.findall(r"<li>(.*?)</li>", donts[1], re.S)]
    assert shown == [text(d, lang) for d in outcome.donts]
    assert len(shown) == 3


def moment_pattern(moment: datetime) -> str:
    """The day and the time of `moment` as any locale writes them (24 h or 12 h clock)."""
    hour12 = moment.hour % 12 or 12
    minute = f"{moment.minute:02d}"
    clock = rf"(?:\b0?{moment.hour}[:.]{minute}\b|\b{hour12}[:.]{minute}\s?[AaPp]\.?\s?[Mm]\b)"
    return rf"\b{moment.day}\b.*{moment.year}.*{clock}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_too_early_shows_when_the_window_opens_and_closes_and_a_timeline(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    # Ten hours ago, to the minute, as the form's datetime-local field sends it.
    last = (datetime.now(UTC) - timedelta(hours=10)).replace(second=0, microsecond=0)
    local = last.astimezone(BERLIN)
    answers = {**CHECK_IN, "last-answer-local": local.strftime("%Y-%m-%dT%H:%M")}
    answers["tz"] = "Europe/Berlin"
    html = get(client, lang, "follow-up-message", answers).get_data(as_text=True)
    assert outcome_title(html) == text(
        WIZARDS["follow-up-message"].outcomes["too-early"].title, lang
    )
    window = re.search(r'<div class="window">(.*?)</div>\s*(?:<h3|</section)', html, re.S)
    assert window, "no window"
    items = [visible(i) for i in re.findall(r"<li>(.*?)</li>", window[1].split("<figure")[0])]
    assert len(items) == 2
    opens, closes = items
    # Written in the reader's time zone (Berlin), not the server's.
    assert re.search(moment_pattern((last + timedelta(hours=24)).astimezone(BERLIN)), opens), opens
    assert re.search(moment_pattern((last + timedelta(hours=168)).astimezone(BERLIN)), closes), (
        closes
    )
    assert opens.startswith(ui(app, lang, "Opens: %(when)s", when="").strip())
    assert closes.startswith(ui(app, lang, "Closes: %(when)s", when="").strip())

    svg = re.search(r"<svg\b[^>]*>.*?</svg>", html, re.S)
    assert svg, "no timeline"
    assert 'role="img"' in svg[0].split(">", 1)[0]
    title = re.search(r"<title\b[^>]*>(.*?)</title>", svg[0], re.S)
    assert title and visible(title[1]) == ui(app, lang, "Timeline of the help-message window")


def test_the_date_time_answer_is_shown_in_the_readers_time_zone(client: FlaskClient) -> None:
    last = (datetime.now(UTC) - timedelta(hours=10)).replace(second=0, microsecond=0)
    local = last.astimezone(BERLIN)
    answers = {**CHECK_IN, "last-answer-local": local.strftime("%Y-%m-%dT%H:%M")}
    answers["tz"] = "Europe/Berlin"
    html = get(client, "de", "follow-up-message", answers).get_data(as_text=True)
    shown = re.findall(r'<strong class="path-answer">(.*?)</strong>', html, re.S)
    assert len(shown) == 3
    assert re.search(moment_pattern(local), visible(shown[2])), shown[2]


def test_too_early_from_a_number_of_hours_still_draws_the_timeline(client: FlaskClient) -> None:
    answers = {**CHECK_IN, "hours-since-last-answer": "3.5"}
    html = get(client, "en", "follow-up-message", answers).get_data(as_text=True)
    assert outcome_title(html) == text(
        WIZARDS["follow-up-message"].outcomes["too-early"].title, "en"
    )
    assert re.search(r'<svg\b[^>]*role="img"', html)
    assert "3.5 h" in html


# --------------------------------------------------------------------- links


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("slug", "answers", "outcome_id"), CASES, ids=CASE_IDS)
def test_change_this_answer_and_start_over_go_to_the_right_step(
    app: Flask,
    client: FlaskClient,
    slug: str,
    answers: dict[str, Any],
    outcome_id: str,
    lang: str,
) -> None:
    wizard = WIZARDS[slug]
    html = get(client, lang, slug, answers).get_data(as_text=True)
    assert ui(app, lang, "Change this answer") in visible(html)
    links = change_links(html)
    given = as_query(answers)
    questions = list(given)
    assert len(links) == len(questions)
    for index, link in enumerate(links):
        assert link.startswith(url(lang, slug))
        step = client.get(link)
        assert step.status_code == 200, link
        step_html = step.get_data(as_text=True)
        # The question to change is asked again, with the answers before it kept.
        assert asked(step_html, wizard) == questions[index], link
        assert carried(step_html) == dict(list(given.items())[:index]), link
        assert outcome_title(step_html) is None

    restart = restart_link(html)
    assert restart == url(lang, slug)
    assert ui(app, lang, "Start over") in visible(html)
    start = client.get(restart)
    assert start.status_code == 200
    start_html = start.get_data(as_text=True)
    assert asked(start_html, wizard) == wizard.start
    assert carried(start_html) == {}
    assert change_links(start_html) == []


def test_change_links_repeat_a_date_time_answer_and_keep_the_time_zone(
    client: FlaskClient,
) -> None:
    last = (datetime.now(UTC) - timedelta(hours=30)).replace(second=0, microsecond=0)
    local = last.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")
    answers = {**CHECK_IN, "last-answer-local": local, "tz": "Europe/Berlin"}
    answers |= {"help-message-sent": "no", "other-experts": "no"}
    html = get(client, "en", "follow-up-message", answers).get_data(as_text=True)
    assert outcome_title(html) == text(
        WIZARDS["follow-up-message"].outcomes["allowed-help-message"].title, "en"
    )
    links = change_links(html)
    assert len(links) == 5
    assert all("tz=Europe/Berlin" in link for link in links)
    # The link to change a later answer repeats the moment (the hours keep counting).
    step = client.get(links[3])
    step_html = step.get_data(as_text=True)
    assert asked(step_html, WIZARDS["follow-up-message"]) == "help-message-sent"
    moment = datetime.fromisoformat(carried(step_html)["last-answer-at"])
    assert moment == last


# --------------------------------------------------------------------- ignored and bad answers


def test_answers_for_questions_off_the_path_are_ignored(client: FlaskClient) -> None:
    response = client.get(
        "/en/wizards/which-report?situation=suicidal&refund-or-urgent=maybe"
        "&other-expert-answered=7&duplicate-report-usable="
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert outcome_title(html) == text(
        WIZARDS["which-report"].outcomes["suicidal-customer"].title, "en"
    )
    assert len(change_links(html)) == 1

    response = client.get(
        "/en/wizards/follow-up-message?intent=rating-request&hours-since-last-answer=-5"
        "&last-answer-at=yesterday&help-message-sent=perhaps"
    )
    assert response.status_code == 200
    assert outcome_title(response.get_data(as_text=True)) == text(
        WIZARDS["follow-up-message"].outcomes["rating-request-forbidden"].title, "en"
    )


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("follow-up-message", "intent=rating-request&last-answer-local=garbage&tz=Europe/Berlin"),
        ("which-report", "situation=suicidal&last-answer-local=garbage"),
        ("which-report", "situation=suicidal&utm_source=mail&tz=Nowhere/Special"),
    ],
)
def test_form_fields_for_questions_off_the_path_are_ignored(
    client: FlaskClient, slug: str, query: str
) -> None:
    response = client.get(f"/en/wizards/{slug}?{query}")
    assert response.status_code == 200
    assert outcome_title(response.get_data(as_text=True)) is not None


FUTURE = "2999-01-01T00:00:00+00:00"
TAMPERED = [
    # (name, wizard, answers, question asked again, text the error must contain)
    ("unknown-choice", "which-report", {"situation": "sucidal"}, "situation", "sucidal"),
    (
        "unknown-yes-no",
        "which-report",
        {"situation": "duplicate", "other-expert-answered": "maybe"},
        "other-expert-answered",
        None,
    ),
    (
        "unknown-intent",
        "follow-up-message",
        {"intent": "bribe"},
        "intent",
        "bribe",
    ),
    (
        "negative-hours",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": "-5"},
        "hours-since-last-answer",
        None,
    ),
    (
        "text-hours",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": "abc"},
        "hours-since-last-answer",
        "abc",
    ),
    (
        "last-answer-at-in-the-future",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": FUTURE},
        "hours-since-last-answer",
        None,
    ),
    (
        "last-answer-at-in-1900",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": "1900-01-01T10:00:00+01:00"},
        "hours-since-last-answer",
        None,
    ),
    (
        "last-answer-at-without-offset",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": "2026-01-01T10:00:00"},
        "hours-since-last-answer",
        None,
    ),
    (
        "last-answer-local-garbage",
        "follow-up-message",
        {**CHECK_IN, "last-answer-local": "not a date", "tz": "Europe/Berlin"},
        "hours-since-last-answer",
        "not a date",
    ),
    (
        "last-answer-local-in-the-future",
        "follow-up-message",
        {**CHECK_IN, "last-answer-local": "2999-01-01T10:00", "tz": "Europe/Berlin"},
        "hours-since-last-answer",
        None,
    ),
    (
        "hours-and-date-both",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": "30", "last-answer-local": "2026-01-01T10:00"},
        "hours-since-last-answer",
        None,
    ),
]


@pytest.mark.parametrize("mode", ["page", "fragment"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("slug", "answers", "question", "shown"),
    [case[1:] for case in TAMPERED],
    ids=[case[0] for case in TAMPERED],
)
def test_a_tampered_answer_is_400_with_a_translated_error_and_the_question_again(
    app: Flask,
    client: FlaskClient,
    htmx_headers: dict[str, str],
    slug: str,
    answers: dict[str, str],
    question: str,
    shown: str | None,
    lang: str,
    mode: str,
) -> None:
    fragment = mode == "fragment"
    response = get(client, lang, slug, answers, htmx_headers if fragment else None)
    assert response.status_code == 400
    html = assert_page(response, lang, fragment)
    wizard = WIZARDS[slug]
    message = alert_text(html)
    assert message
    if shown is not None:
        assert shown in message
    if lang != "en":
        english = alert_text(get(client, "en", slug, answers).get_data(as_text=True))
        assert message != english, "the error is not translated"
    assert ui(app, lang, "Please check your answer") in visible(html)
    # The question the bad answer belongs to is asked again, in the reader's language.
    assert asked(html, wizard) == question
    assert text(wizard.questions[question].prompt, lang) in visible(html)
    assert outcome_title(html) is None
    # The good answers before it are kept; the bad one is dropped.
    kept = {k: v for k, v in answers.items() if k in wizard.questions and k != question}
    assert carried(html) == kept


def test_a_tampered_answer_is_echoed_escaped(
    client: FlaskClient, htmx_headers: dict[str, str]
) -> None:
    payload = '<script>alert("x")</script>'
    for headers in (None, htmx_headers):
        response = get(client, "en", "which-report", {"situation": payload}, headers)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html


def test_an_unknown_wizard_is_a_404_page_in_the_readers_language(
    app: Flask, client: FlaskClient
) -> None:
    for lang in LANGUAGES:
        response = client.get(url(lang, "no-such-wizard"))
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert ui(app, lang, "Page not found") in visible(html)


def test_a_wizard_in_an_unknown_language_is_not_found(client: FlaskClient) -> None:
    assert client.get("/fr/wizards/which-report").status_code == 404


# --------------------------------------------------------------------- the inclusive window

# The window is inclusive: exactly 24 h and exactly 168 h after the last answer are inside.
# The page reads the form's datetime-local field (whole seconds here) in the `tz` zone and
# counts the hours to the server's now, taken while the request runs, after the test's
# `started`: the run time can only make the hours larger. So each case is placed where the
# run time cannot push it across its bound, or gets an allowance it must stay within:
#   * exactly 24 h: started rounded down to the second - 24 h: >= 24 h at the server; inside.
#   * 1 s short of 24 h: started rounded up - 24 h + 1 s: too early while the request takes
#     under 1 s.
#   * 168 h: started rounded up - 168 h + 2 s (a 2 s margin): inside while the request takes
#     under 2 s.
#   * 1 s past 168 h: started rounded down - 168 h - 1 s: > 168 h whatever the run time.
# A request slower than its allowance proves nothing and is sent again (3 tries).
BOUNDS = [
    # (name, hours before now, shift, round started up?, allowance, outcome)
    ("exactly-24h", 24, 0, False, None, "allowed-help-message"),
    ("1s-short-of-24h", 24, 1, True, 1, "too-early"),
    ("168h-2s-inside", 168, 2, True, 2, "allowed-help-message"),
    ("1s-past-168h", 168, -1, False, None, "too-late"),
]
# The wall clock of the last answer must name one moment: Berlin's autumn hour that happens
# twice (or spring's that never happens) can't, so such a moment is written in Kolkata time.
ZONES = ("Europe/Berlin", "Asia/Kolkata")


def datetime_local(moment: datetime) -> tuple[str, str]:
    """`moment` as the form sends it: a datetime-local value and the IANA zone it is in."""
    for name in ZONES:
        naive = moment.astimezone(ZoneInfo(name)).replace(tzinfo=None)
        if naive.replace(tzinfo=ZoneInfo(name)) == moment:
            return naive.isoformat(timespec="seconds"), name
    raise AssertionError(f"{moment} has no unambiguous wall clock in {ZONES}")


@pytest.mark.parametrize(
    ("hours", "shift", "round_up", "allowance", "outcome_id"),
    [case[1:] for case in BOUNDS],
    ids=[case[0] for case in BOUNDS],
)
def test_the_window_bounds_are_inclusive_when_given_as_a_local_date_time(
    client: FlaskClient,
    hours: int,
    shift: int,
    round_up: bool,
    allowance: int | None,
    outcome_id: str,
) -> None:
    get(client, "en", "follow-up-message")  # warm up: the first request loads the content
    rest = {"help-message-sent": "no", "other-experts": "no"}
    timings = []
    for _attempt in range(3):
        started = datetime.now(UTC)
        second = started.replace(microsecond=0)
        if round_up and second < started:
            second += timedelta(seconds=1)
        moment = second - timedelta(hours=hours) + timedelta(seconds=shift)
        local, zone = datetime_local(moment)
        answers = {**CHECK_IN, "last-answer-local": local, "tz": zone, **rest}
        began = time.perf_counter()
        response = get(client, "en", "follow-up-message", answers)
        elapsed = time.perf_counter() - began
        if allowance is None or elapsed < allowance:
            break
        timings.append(elapsed)
    else:
        pytest.fail(f"each request took longer than {allowance} s ({timings}): bound not tested")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = WIZARDS["follow-up-message"].outcomes[outcome_id]
    assert outcome_title(html) == text(expected.title, "en")


# --------------------------------------------------------------------- usage counts


def usage(app: Flask) -> list[tuple[str, str, str, int]]:
    with app.app_context():
        rows = db.session.scalars(select(WizardUsage)).all()
        assert all(row.day == datetime.now(UTC).date() for row in rows)
        return sorted((row.wizard, row.outcome, row.locale, row.count) for row in rows)


def test_usage_is_counted_per_wizard_outcome_language_and_day_without_personal_data() -> None:
    columns = {column.name for column in WizardUsage.__table__.columns}
    assert columns == {"id", "day", "wizard", "outcome", "locale", "count"}


def test_completed_wizards_are_counted_and_errors_and_steps_are_not(
    app: Flask, client: FlaskClient, htmx_headers: dict[str, str]
) -> None:
    get(client, "de", "which-report", {"situation": "suicidal"})
    get(client, "de", "which-report", {"situation": "suicidal"}, htmx_headers)
    get(client, "es", "which-report", {"situation": "suicidal"})
    get(client, "en", "follow-up-message", {"intent": "rating-request"})
    assert usage(app) == [
        ("follow-up-message", "rating-request-forbidden", "en", 1),
        ("which-report", "suicidal-customer", "de", 2),
        ("which-report", "suicidal-customer", "es", 1),
    ]
    before = usage(app)
    assert get(client, "de", "which-report", {"situation": "bogus"}).status_code == 400
    bad_hours = {**CHECK_IN, "hours-since-last-answer": "-1"}
    assert get(client, "en", "follow-up-message", bad_hours).status_code == 400
    assert get(client, "en", "follow-up-message", CHECK_IN).status_code == 200  # a step
    assert get(client, "en", "which-report").status_code == 200  # the start
    assert usage(app) == before


# --------------------------------------------------------------------- where wizards are offered


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_lists_both_wizards(client: FlaskClient, lang: str) -> None:
    html = visible(client.get(f"/{lang}/").get_data(as_text=True))
    for slug, wizard in WIZARDS.items():
        assert f'<a href="/{lang}/wizards/{slug}">{text(wizard.title, lang)}</a>' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_wizard_index_lists_both_wizards(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/{lang}/wizards/")
    assert response.status_code == 200
    html = visible(response.get_data(as_text=True))
    for slug, wizard in WIZARDS.items():
        assert f'<a href="/{lang}/wizards/{slug}">{text(wizard.title, lang)}</a>' in html


def callouts(html: str) -> list[str]:
    return re.findall(r'<aside class="callout wizard-callout">(.*?)</aside>', html, re.S)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_articles_offer_the_wizard_that_decides_their_question(
    client: FlaskClient, lang: str
) -> None:
    reports, ratings = ARTICLES[lang]
    for slug, wizard_slug in ((reports, "which-report"), (ratings, "follow-up-message")):
        response = client.get(f"/{lang}/articles/{slug}")
        assert response.status_code == 200
        found = callouts(response.get_data(as_text=True))
        assert found, f"no wizard call-out in {slug}"
        for callout in found:
            hrefs = re.findall(r'href="([^"]+)"', callout)
            assert hrefs == [f"/{lang}/wizards/{wizard_slug}"]
            assert text(WIZARDS[wizard_slug].title, lang) in visible(callout)
            assert client.get(hrefs[0]).status_code == 200
