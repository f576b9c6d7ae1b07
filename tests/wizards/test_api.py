"""The wizards' JSON API (/api/v1/wizards...), as WIZARDS.md promises it to API clients.

Every outcome of both wizards is reached in es, de and en with the engine's own table of
answers (tests/wizards/test_engine.py, already JSON-typed: bools for yes-no, numbers for
hours), and every response is checked against the documented shape, key by key.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from helpcenter.models import WizardUsage
from helpcenter.wizards.engine import LANGUAGES, Wizard, load_wizards, text
from tests.wizards.test_engine import FOLLOW_UP_PATHS, WHICH_REPORT_PATHS, as_query

CONTENT_DIR = PROJECT_ROOT / "content"
GLOSSARY = yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text(encoding="utf-8"))
WIZARDS: dict[str, Wizard] = load_wizards(CONTENT_DIR / "wizards", reports=GLOSSARY["reports"])

CET = timezone(timedelta(hours=1))
CHECK_IN = {"intent": "check-in", "customer-responded": False}

CASES = [("which-report", answers, outcome) for answers, outcome in WHICH_REPORT_PATHS] + [
    ("follow-up-message", answers, outcome) for answers, outcome in FOLLOW_UP_PATHS
]
CASE_IDS = [f"{slug}:{outcome}:{i}" for i, (slug, _, outcome) in enumerate(CASES)]

# The documented shapes (WIZARDS.md), plus the optional fields the serializer adds.
OUTCOME_KEYS = {"id", "allowed", "report", "title", "explanation", "rules", "sources"}
OUTCOME_EXTRA_KEYS = {"report_label", "urgent", "warnings", "steps", "tips", "donts", "sample"}
WINDOW_KEYS = {"opens_in_hours", "closes_in_hours"}
WINDOW_DATE_KEYS = {"opens_at", "closes_at"}


def evaluate_url(slug: str) -> str:
    return f"/api/v1/wizards/{slug}/evaluate"


def post(
    client: FlaskClient,
    slug: str,
    answers: Mapping[str, Any],
    lang: str | None = None,
    accept_language: str | None = None,
) -> Any:
    body: dict[str, Any] = {"answers": dict(answers)}
    if lang is not None:
        body["lang"] = lang
    headers = {"Accept-Language": accept_language} if accept_language else {}
    return client.post(evaluate_url(slug), json=body, headers=headers)


def ok_json(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def error_of(response: Any, status: int, code: str, field: str | None = None) -> str:
    """Checks an error body exactly and returns its message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    expected_keys = {"code", "message"} | ({"field"} if field is not None else set())
    assert set(error) == expected_keys, error
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    return error["message"]


def assert_next_question(step: dict[str, Any], wizard: Wizard, question_id: str, lang: str) -> None:
    question = wizard.questions[question_id]
    assert step["id"] == question_id
    assert step["kind"] == question.kind
    assert step["prompt"] == text(question.prompt, lang)
    allowed = {"id", "kind", "prompt", "hint"}
    if question.kind == "number":
        # No choices for a number: the lower bound (and the date-time alias) instead.
        allowed |= {"minimum", "alias"}
        assert "choices" not in step
        assert step["minimum"] == 0
        assert step.get("alias") == question.alias
    else:
        allowed |= {"choices"}
        for choice in step["choices"]:
            assert set(choice) == {"value", "label"}
            assert isinstance(choice["label"], str)
            assert choice["label"].strip()
        if question.kind == "choice":
            assert [c["value"] for c in step["choices"]] == list(question.values)
            assert [c["label"] for c in step["choices"]] == [
                text(c.label, lang) for c in question.choices
            ]
        else:
            assert [c["value"] for c in step["choices"]] == [True, False]
    if question.hint is not None:
        assert step["hint"] == text(question.hint, lang)
    assert set(step) <= allowed, set(step) - allowed


def assert_outcome_shape(data: dict[str, Any], slug: str, outcome_id: str, lang: str) -> None:
    assert data["complete"] is True
    assert set(data) == {"complete", "outcome", "path"}
    outcome = data["outcome"]
    expected = WIZARDS[slug].outcomes[outcome_id]
    assert set(outcome) >= OUTCOME_KEYS, OUTCOME_KEYS - set(outcome)
    assert set(outcome) - OUTCOME_KEYS <= OUTCOME_EXTRA_KEYS | {"window"}
    assert outcome["id"] == outcome_id
    assert outcome["title"] == text(expected.title, lang)
    assert outcome["explanation"] == text(expected.explanation, lang)
    assert outcome["rules"] == list(expected.rules)
    if slug == "which-report":
        assert outcome["allowed"] is None
        assert outcome["report"] == expected.report
        label = GLOSSARY["reports"][expected.report][lang] if expected.report else None
        assert outcome.get("report_label") == label
    else:
        assert outcome["report"] is None
        assert outcome["allowed"] is expected.allowed
    assert outcome.get("urgent", False) is expected.urgent
    for name in ("warnings", "steps", "tips", "donts"):
        items = getattr(expected, name)
        assert outcome.get(name, []) == [text(item, lang) for item in items], name
    assert outcome.get("sample") == (text(expected.sample, lang) if expected.sample else None)

    assert [s["rule"] for s in outcome["sources"]] == list(expected.rules)
    for source in outcome["sources"]:
        assert set(source) == {"rule", "title", "url"}
        assert source["title"].strip()
        assert source["url"].startswith(f"http://localhost/{lang}/articles/")
        assert urlsplit(source["url"]).fragment

    for item in data["path"]:
        assert set(item) == {"question", "answer"}
    if "window" in outcome:
        assert set(outcome["window"]) in (WINDOW_KEYS, WINDOW_KEYS | WINDOW_DATE_KEYS)


# --------------------------------------------------------------------- every outcome


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("slug", "answers", "outcome"), CASES, ids=CASE_IDS)
def test_every_outcome_is_reached_in_every_language(
    client: FlaskClient, slug: str, answers: dict[str, Any], outcome: str, lang: str
) -> None:
    data = ok_json(post(client, slug, answers, lang=lang))
    assert_outcome_shape(data, slug, outcome, lang)
    assert data["path"] == [{"question": q, "answer": a} for q, a in answers.items()]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("slug", "answers", "outcome"), CASES, ids=CASE_IDS)
def test_each_step_on_the_way_asks_the_next_question(
    client: FlaskClient, slug: str, answers: dict[str, Any], outcome: str, lang: str
) -> None:
    items = list(answers.items())
    for answered in range(len(items)):
        given = dict(items[:answered])
        data = ok_json(post(client, slug, given, lang=lang))
        assert data["complete"] is False
        # `path` is not in WIZARDS.md for a step, but the serializer sends it: allowed.
        assert set(data) <= {"complete", "next", "path"}
        assert_next_question(data["next"], WIZARDS[slug], items[answered][0], lang)
        if "path" in data:
            assert data["path"] == [{"question": q, "answer": a} for q, a in given.items()]


def test_every_outcome_reports_what_is_allowed_or_which_report_to_file(
    client: FlaskClient,
) -> None:
    """allowed is null for which-report, report is null for follow-up-message."""
    for slug, answers, _ in CASES:
        outcome = ok_json(post(client, slug, answers))["outcome"]
        if slug == "which-report":
            assert outcome["allowed"] is None
        else:
            assert outcome["report"] is None
            assert isinstance(outcome["allowed"], bool)


def test_the_suicidal_outcome_is_urgent_and_its_choice_comes_first(client: FlaskClient) -> None:
    data = ok_json(post(client, "which-report", {}))
    assert data["next"]["choices"][0]["value"] == "suicidal"
    outcome = ok_json(post(client, "which-report", {"situation": "suicidal"}))["outcome"]
    assert outcome["urgent"] is True
    assert outcome["report_label"] == GLOSSARY["reports"]["suicidal-customer"]["en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_source_url_resolves_to_the_heading_it_cites(client: FlaskClient, lang: str) -> None:
    followed: dict[str, str] = {}
    for slug, answers, _ in CASES:
        outcome = ok_json(post(client, slug, answers, lang=lang))["outcome"]
        for source in outcome["sources"]:
            followed[source["url"]] = source["title"]
    assert followed
    for url, title in followed.items():
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == "http://localhost"
        page = client.get(parts.path)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert f'id="{parts.fragment}"' in html, url
        assert str(escape(title)) in html, url


# --------------------------------------------------------------------- languages


def test_lang_in_the_body_wins_over_accept_language(client: FlaskClient) -> None:
    data = ok_json(post(client, "which-report", {}, lang="es", accept_language="de"))
    assert data["next"]["prompt"] == text(
        WIZARDS["which-report"].questions["situation"].prompt, "es"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_accept_language_is_used_when_the_body_has_no_lang(client: FlaskClient, lang: str) -> None:
    data = ok_json(post(client, "follow-up-message", {"intent": "rating-request"}, None, lang))
    expected = WIZARDS["follow-up-message"].outcomes["rating-request-forbidden"]
    assert data["outcome"]["title"] == text(expected.title, lang)
    assert data["outcome"]["sources"][0]["url"].startswith(f"http://localhost/{lang}/")


def test_a_regional_accept_language_picks_its_language(client: FlaskClient) -> None:
    data = ok_json(post(client, "which-report", {}, accept_language="de-AT,de;q=0.9,en;q=0.5"))
    assert data["next"]["prompt"] == text(
        WIZARDS["which-report"].questions["situation"].prompt, "de"
    )


@pytest.mark.parametrize("accept_language", [None, "fr", "fr-CA, it;q=0.5"])
def test_the_default_language_is_english(client: FlaskClient, accept_language: str | None) -> None:
    data = ok_json(post(client, "which-report", {}, accept_language=accept_language))
    assert data["next"]["prompt"] == text(
        WIZARDS["which-report"].questions["situation"].prompt, "en"
    )


# --------------------------------------------------------------------- the window


@pytest.mark.parametrize("lang", LANGUAGES)
def test_too_early_from_hours_says_when_the_window_opens_and_closes(
    client: FlaskClient, lang: str
) -> None:
    answers = {**CHECK_IN, "hours-since-last-answer": 10.5}
    outcome = ok_json(post(client, "follow-up-message", answers, lang=lang))["outcome"]
    assert outcome["id"] == "too-early"
    # Only the relative hours: no last-answer-at was given, so no calendar moments.
    assert outcome["window"] == {"opens_in_hours": 13.5, "closes_in_hours": 157.5}


def test_too_early_from_last_answer_at_also_gives_the_moments(client: FlaskClient) -> None:
    given = (datetime.now(UTC) - timedelta(hours=10)).replace(microsecond=0).astimezone(CET)
    answers = {**CHECK_IN, "last-answer-at": given.isoformat()}
    data = ok_json(post(client, "follow-up-message", answers))
    window = data["outcome"]["window"]
    assert data["outcome"]["id"] == "too-early"
    assert set(window) == WINDOW_KEYS | WINDOW_DATE_KEYS
    # The moments are the last answer + 24 h / + 168 h, in the offset the client used.
    assert window["opens_at"] == (given + timedelta(hours=24)).isoformat()
    assert window["closes_at"] == (given + timedelta(hours=168)).isoformat()
    assert datetime.fromisoformat(window["opens_at"]).utcoffset() == timedelta(hours=1)
    # The hours are counted to the server's now, a moment after 10 h: so 14 h or a bit less.
    assert 13.9 <= window["opens_in_hours"] <= 14
    assert 157.9 <= window["closes_in_hours"] <= 158
    # The path keeps the question id; its answer is the hours the date-time amounts to.
    hours = data["path"][-1]
    assert hours["question"] == "hours-since-last-answer"
    assert 10 <= hours["answer"] < 10.1


# The window is inclusive: 24 h and 168 h after the last answer are both inside it.
#
# The API counts the hours from last-answer-at to the *server's* now, which is read while
# the request runs, a little after the test read its own `started`. The request's run time
# therefore only ever makes the hours larger:
#   * at the 24 h bound the "inside" case can be exact (started - 24 h): the server sees
#     24 h plus the run time, still inside; the case one second short (started - 24 h + 1 s)
#     stays too early as long as the request takes less than one second;
#   * at the 168 h bound the run time pushes toward "too late", so the "inside" case sits
#     INSIDE_MARGIN inside the bound (started - 168 h + 500 ms) and holds while the request
#     takes less than that; the case one second past (started - 168 h - 1 s) is always past.
# A case whose request took longer than its allowance proves nothing, so it is sent again
# (`within`); three slow tries in a row fail the test with the timing in the message.
INSIDE_MARGIN = timedelta(milliseconds=500)
ONE_SECOND = timedelta(seconds=1)
IN_WINDOW_REST = {"help-message-sent": False, "other-experts": False}
BOUND_CASES = [
    # (name, hours before now, shift of last-answer-at, allowed run time, outcome)
    ("exactly-24h", 24, timedelta(0), None, "allowed-help-message"),
    ("1s-before-24h", 24, ONE_SECOND, ONE_SECOND, "too-early"),
    ("168h-500ms-inside", 168, INSIDE_MARGIN, INSIDE_MARGIN, "allowed-help-message"),
    ("1s-after-168h", 168, -ONE_SECOND, None, "too-late"),
]


def post_relative_to_now(
    client: FlaskClient, hours: int, shift: timedelta, within: timedelta | None
) -> tuple[dict[str, Any], datetime]:
    """POST a last-answer-at `hours` (+ `shift`) before now, retrying a too slow request."""
    timings = []
    for _attempt in range(3):
        started = datetime.now(UTC)
        given = (started - timedelta(hours=hours) + shift).astimezone(CET)
        answers = {**CHECK_IN, "last-answer-at": given.isoformat(), **IN_WINDOW_REST}
        began = time.perf_counter()
        response = client.post(evaluate_url("follow-up-message"), json={"answers": answers})
        elapsed = timedelta(seconds=time.perf_counter() - began)
        if within is None or elapsed < within:
            return ok_json(response), given
        timings.append(elapsed)
    pytest.fail(f"each request took longer than {within} ({timings}): the bound was not tested")


@pytest.mark.parametrize(
    ("hours", "shift", "within", "outcome"),
    [case[1:] for case in BOUND_CASES],
    ids=[case[0] for case in BOUND_CASES],
)
def test_the_window_bounds_are_inclusive_when_counted_from_last_answer_at(
    client: FlaskClient, hours: int, shift: timedelta, within: timedelta | None, outcome: str
) -> None:
    post(client, "follow-up-message", {})  # warm up: the first request loads the content
    data, _given = post_relative_to_now(client, hours, shift, within)
    assert data["outcome"]["id"] == outcome
    counted = data["path"][2]
    assert counted["question"] == "hours-since-last-answer"
    if outcome == "too-early":
        assert 24 - 1 / 3600 - 0.001 < counted["answer"] < 24
    elif outcome == "too-late":
        assert counted["answer"] > 168
    else:
        assert 24 <= counted["answer"] <= 168
        assert [item["question"] for item in data["path"]][3:] == list(IN_WINDOW_REST)


@pytest.mark.parametrize(
    ("hours", "outcome"),
    [
        (24, "allowed-help-message"),
        (23.999, "too-early"),
        (168, "allowed-help-message"),
        (168.001, "too-late"),
        (0, "too-early"),
    ],
)
def test_the_window_bounds_are_inclusive_for_a_number_of_hours(
    client: FlaskClient, hours: float, outcome: str
) -> None:
    answers = {**CHECK_IN, "hours-since-last-answer": hours, **IN_WINDOW_REST}
    assert ok_json(post(client, "follow-up-message", answers))["outcome"]["id"] == outcome


# --------------------------------------------------------------------- errors


def messages_in_every_language(send: Any) -> dict[str, str]:
    """Calls send(lang) for each language; returns the error messages, checked translated."""
    messages = {lang: send(lang) for lang in LANGUAGES}
    # A message is translated when it differs from the English one (no English fallback).
    assert len(set(messages.values())) == len(LANGUAGES), messages
    return messages


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('"a string"', None),
        ("42", None),
        ("null", None),
        ("[]", None),
        ('[{"answers": {}}]', None),
        ('{"answers": ', None),  # malformed JSON
        ("", None),  # no body at all
        ('{"answers": ["situation", "suicidal"]}', "answers"),
        ('{"answers": "situation=suicidal"}', "answers"),
        ('{"answers": null}', "answers"),
        ('{"answers": {}, "lang": "fr"}', "lang"),
        ('{"answers": {}, "lang": ["es"]}', "lang"),
        ('{"answers": {}, "lang": null}', "lang"),
    ],
    ids=[
        "string",
        "number",
        "null",
        "array",
        "array-of-object",
        "malformed",
        "empty",
        "answers-array",
        "answers-string",
        "answers-null",
        "lang-unknown",
        "lang-array",
        "lang-null",
    ],
)
def test_a_body_that_is_not_a_usable_object_is_invalid_body(
    client: FlaskClient, body: str, field: str | None
) -> None:
    def send(lang: str) -> str:
        response = client.post(
            evaluate_url("which-report"),
            data=body,
            content_type="application/json",
            headers={"Accept-Language": lang},
        )
        return error_of(response, 400, "invalid_body", field)

    messages = messages_in_every_language(send)
    if field is not None:
        # The message names the offending key.
        assert all(field in message for message in messages.values())


def test_invalid_body_without_a_json_content_type_is_still_answered_in_json(
    client: FlaskClient,
) -> None:
    response = client.post(evaluate_url("which-report"), data="situation=suicidal")
    error_of(response, 400, "invalid_body")


@pytest.mark.parametrize("slug", ["which-report", "follow-up-message"])
def test_a_key_that_is_no_question_of_the_wizard_is_unknown_question(
    client: FlaskClient, slug: str
) -> None:
    def send(lang: str) -> str:
        response = post(client, slug, {"hours": 3, "situatoin": "suicidal"}, lang=lang)
        message = error_of(response, 400, "unknown_question", "hours")
        assert "hours" in message
        return message

    messages_in_every_language(send)


def test_a_question_of_the_other_wizard_is_unknown_too(client: FlaskClient) -> None:
    response = post(client, "which-report", {"intent": "check-in"})
    error_of(response, 400, "unknown_question", "intent")


def test_unknown_questions_are_refused_even_off_the_path(client: FlaskClient) -> None:
    response = post(client, "which-report", {"situation": "suicidal", "bogus": True})
    error_of(response, 400, "unknown_question", "bogus")


FUTURE = "2999-01-01T00:00:00+00:00"
INVALID_ANSWERS = [
    # (name, wizard, answers, field, text the message must contain)
    ("not-a-listed-choice", "which-report", {"situation": "sucidal"}, "situation", "sucidal"),
    ("choice-of-wrong-type", "which-report", {"situation": 3}, "situation", "3"),
    ("choice-id-case", "which-report", {"situation": "SUICIDAL"}, "situation", "SUICIDAL"),
    (
        "yes-no-as-number",
        "which-report",
        {"situation": "duplicate", "other-expert-answered": 1},
        "other-expert-answered",
        None,
    ),
    (
        "yes-no-as-word",
        "which-report",
        {"situation": "duplicate", "other-expert-answered": "maybe"},
        "other-expert-answered",
        None,
    ),
    (
        "number-as-bool",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": True},
        "hours-since-last-answer",
        "True",
    ),
    (
        "number-as-text",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": "abc"},
        "hours-since-last-answer",
        "abc",
    ),
    (
        "number-as-list",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": [30]},
        "hours-since-last-answer",
        None,
    ),
    (
        "number-negative",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": -1},
        "hours-since-last-answer",
        None,
    ),
    (
        "number-beyond-float",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": 10**400},
        "hours-since-last-answer",
        None,
    ),
    (
        "date-time-in-the-future",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": FUTURE},
        "last-answer-at",
        None,
    ),
    (
        "date-time-in-1900",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": "1900-01-01T10:00:00+01:00"},
        "last-answer-at",
        None,
    ),
    (
        "date-time-without-offset",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": "2026-01-01T10:00:00"},
        "last-answer-at",
        None,
    ),
    (
        "date-time-garbage",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": "yesterday"},
        "last-answer-at",
        "yesterday",
    ),
    (
        "date-time-as-number",
        "follow-up-message",
        {**CHECK_IN, "last-answer-at": 1700000000},
        "last-answer-at",
        None,
    ),
    (
        "hours-and-date-time-both",
        "follow-up-message",
        {**CHECK_IN, "hours-since-last-answer": 30, "last-answer-at": "2026-01-01T10:00:00Z"},
        "last-answer-at",
        None,
    ),
]


@pytest.mark.parametrize(
    ("slug", "answers", "field", "shown"),
    [case[1:] for case in INVALID_ANSWERS],
    ids=[case[0] for case in INVALID_ANSWERS],
)
def test_an_unusable_answer_is_invalid_answer_with_a_translated_message(
    client: FlaskClient, slug: str, answers: dict[str, Any], field: str, shown: str | None
) -> None:
    def send(lang: str) -> str:
        message = error_of(post(client, slug, answers, lang=lang), 400, "invalid_answer", field)
        if shown is not None:
            assert shown in message
        return message

    messages_in_every_language(send)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_invalid_answers(client: FlaskClient, token: str) -> None:
    body = '{"answers": {"intent": "check-in", "customer-responded": false, '
    body += f'"hours-since-last-answer": {token}}}}}'
    response = client.post(
        evaluate_url("follow-up-message"), data=body, content_type="application/json"
    )
    error_of(response, 400, "invalid_answer", "hours-since-last-answer")


def test_yes_no_also_takes_the_words_yes_and_no(client: FlaskClient) -> None:
    """JSON true/false is the contract; the engine is lenient with "yes"/"no" strings too."""
    answers = {"situation": "duplicate", "other-expert-answered": "no"}
    answers["duplicate-report-usable"] = "yes"
    data = ok_json(post(client, "which-report", answers))
    assert data["outcome"]["id"] == "duplicate"
    assert [item["answer"] for item in data["path"]] == ["duplicate", False, True]


def test_a_number_given_as_a_numeric_string_is_read_as_the_number(client: FlaskClient) -> None:
    answers = {**CHECK_IN, "hours-since-last-answer": "30.5", **IN_WINDOW_REST}
    data = ok_json(post(client, "follow-up-message", answers))
    assert data["outcome"]["id"] == "allowed-help-message"
    assert data["path"][2] == {"question": "hours-since-last-answer", "answer": 30.5}


def test_null_and_empty_answers_mean_not_answered_yet(client: FlaskClient) -> None:
    data = ok_json(
        post(client, "follow-up-message", {"intent": "check-in", "customer-responded": None})
    )
    assert data["complete"] is False
    assert data["next"]["id"] == "customer-responded"


def test_answers_for_questions_off_the_path_are_ignored_even_when_invalid(
    client: FlaskClient,
) -> None:
    answers = {"situation": "suicidal", "refund-or-urgent": "maybe", "other-expert-answered": 7}
    data = ok_json(post(client, "which-report", answers))
    assert data["outcome"]["id"] == "suicidal-customer"
    assert data["path"] == [{"question": "situation", "answer": "suicidal"}]

    answers = {"intent": "rating-request", "hours-since-last-answer": -5, "last-answer-at": "x"}
    data = ok_json(post(client, "follow-up-message", answers))
    assert data["outcome"]["id"] == "rating-request-forbidden"
    assert data["path"] == [{"question": "intent", "answer": "rating-request"}]


def test_answers_beyond_a_step_wait_for_the_questions_before_them(client: FlaskClient) -> None:
    data = ok_json(
        post(client, "follow-up-message", {"intent": "check-in", "help-message-sent": False})
    )
    assert data["complete"] is False
    assert data["next"]["id"] == "customer-responded"


@pytest.mark.parametrize("method", ["evaluate", "describe"])
def test_an_unknown_wizard_is_unknown_wizard_in_the_readers_language(
    client: FlaskClient, method: str
) -> None:
    def send(lang: str) -> str:
        if method == "evaluate":
            response = post(client, "no-such-wizard", {}, lang=lang)
        else:
            response = client.get(
                "/api/v1/wizards/no-such-wizard", headers={"Accept-Language": lang}
            )
        message = error_of(response, 404, "unknown_wizard")
        assert "no-such-wizard" in message
        return message

    messages_in_every_language(send)


def test_an_unknown_wizard_wins_over_an_unusable_body(client: FlaskClient) -> None:
    response = client.post(
        evaluate_url("no-such-wizard"), data="[]", content_type="application/json"
    )
    error_of(response, 404, "unknown_wizard")


def test_evaluate_takes_only_post(client: FlaskClient) -> None:
    assert client.get(evaluate_url("which-report")).status_code == 405


# --------------------------------------------------------------------- list and describe


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_list_names_both_wizards_with_their_page(client: FlaskClient, lang: str) -> None:
    response = client.get("/api/v1/wizards", headers={"Accept-Language": lang})
    data = ok_json(response)
    assert set(data) == {"wizards"}
    assert [w["slug"] for w in data["wizards"]] == ["which-report", "follow-up-message"]
    for entry in data["wizards"]:
        assert set(entry) == {"slug", "title", "url"}
        assert entry["title"] == text(WIZARDS[entry["slug"]].title, lang)
        assert entry["url"] == f"http://localhost/{lang}/wizards/{entry['slug']}"
        assert client.get(urlsplit(entry["url"]).path).status_code == 200
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", ["which-report", "follow-up-message"])
def test_describe_gives_every_question_and_outcome_translated(
    client: FlaskClient, slug: str, lang: str
) -> None:
    data = ok_json(client.get(f"/api/v1/wizards/{slug}", headers={"Accept-Language": lang}))
    wizard = WIZARDS[slug]
    assert data["slug"] == slug
    assert data["title"] == text(wizard.title, lang)
    assert data["description"] == text(wizard.description, lang)
    assert data["start"] == wizard.start
    assert data["url"] == f"http://localhost/{lang}/wizards/{slug}"
    assert [q["id"] for q in data["questions"]] == list(wizard.questions)
    for question in data["questions"]:
        assert_next_question(question, wizard, question["id"], lang)
    assert [o["id"] for o in data["outcomes"]] == list(wizard.outcomes)
    for entry in data["outcomes"]:
        outcome = wizard.outcomes[entry["id"]]
        assert entry["title"] == text(outcome.title, lang)
        assert (entry["allowed"], entry["report"]) == (outcome.allowed, outcome.report)
        assert entry["rules"] == list(outcome.rules)
        assert entry["urgent"] is outcome.urgent
        label = GLOSSARY["reports"][outcome.report][lang] if outcome.report else None
        assert entry["report_label"] == label


def test_describe_takes_lang_from_the_query_string(client: FlaskClient) -> None:
    data = ok_json(client.get("/api/v1/wizards/which-report?lang=de"))
    assert data["title"] == text(WIZARDS["which-report"].title, "de")


# --------------------------------------------------------------------- one engine


@pytest.mark.parametrize(("slug", "answers", "outcome"), CASES, ids=CASE_IDS)
def test_the_html_wizard_reaches_the_same_outcome_from_the_same_answers(
    client: FlaskClient,
    htmx_headers: dict[str, str],
    slug: str,
    answers: dict[str, Any],
    outcome: str,
) -> None:
    for lang in LANGUAGES:
        api = ok_json(post(client, slug, answers, lang=lang))["outcome"]
        page = client.get(
            f"/{lang}/wizards/{slug}", query_string=as_query(answers), headers=htmx_headers
        )
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert api["id"] == outcome
        assert 'id="outcome-title"' in html
        assert str(escape(api["title"])) in html
        # The same sources, relative on the page.
        for source in api["sources"]:
            parts = urlsplit(source["url"])
            assert f'href="{parts.path}#{parts.fragment}"' in html


def test_api_use_is_counted_without_personal_data(app: Flask, client: FlaskClient) -> None:
    post(client, "which-report", {"situation": "suicidal"}, lang="de")
    post(client, "which-report", {"situation": "suicidal"}, lang="de")
    post(client, "which-report", {})  # a step: nothing completed
    post(client, "which-report", {"situation": "nope"})  # an error: nothing completed
    with app.app_context():
        rows = db.session.scalars(select(WizardUsage)).all()
        counted = [(r.wizard, r.outcome, r.locale, r.count) for r in rows]
        assert counted == [("which-report", "suicidal-customer", "de", 2)]
        assert rows[0].day == datetime.now(UTC).date()


def test_the_error_body_is_json_for_an_unknown_api_path(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert set(json.loads(response.data)["error"]) == {"code", "message"}
