"""The wizard engine, driven through the real definitions in content/wizards/.

The tables below restate WIZARDS.md (the public contract): if a definition drifts from
it, these specs say which id, report, rule or path changed.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpcenter.wizards.engine import (
    LANGUAGES,
    AnswerError,
    DefinitionError,
    Finished,
    PathItem,
    Step,
    Wizard,
    all_rule_ids,
    answers_for_path,
    evaluate,
    format_answer,
    iter_texts,
    load_wizard,
    load_wizards,
    reachable_outcomes,
    text,
)

ROOT = Path(__file__).resolve().parents[2]
WIZARD_DIR = ROOT / "content" / "wizards"
GLOSSARY = yaml.safe_load((ROOT / "content" / "glossary.yaml").read_text(encoding="utf-8"))

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))


@pytest.fixture(scope="module")
def wizards() -> dict[str, Wizard]:
    return load_wizards(WIZARD_DIR, reports=GLOSSARY["reports"])


@pytest.fixture(scope="module")
def which_report(wizards: dict[str, Wizard]) -> Wizard:
    return wizards["which-report"]


@pytest.fixture(scope="module")
def follow_up(wizards: dict[str, Wizard]) -> Wizard:
    return wizards["follow-up-message"]


def as_query(answers: dict[str, Any]) -> dict[str, str]:
    """The same answers as an HTML form would send them: every value a string."""
    return {key: format_answer(value) for key, value in answers.items()}


def finish(wizard: Wizard, answers: dict[str, Any]) -> Finished:
    result = evaluate(wizard, answers, now=NOW)
    assert isinstance(result, Finished), f"expected an outcome, got a step at {result}"
    return result


def ask(wizard: Wizard, answers: dict[str, Any]) -> Step:
    result = evaluate(wizard, answers, now=NOW)
    assert isinstance(result, Step), f"expected a step, got outcome {result}"
    return result


def ago(hours: float, tz: timezone = CET, seconds: float = 0) -> str:
    """An ISO 8601 last-answer-at that lies `hours` (+ `seconds`) before NOW, in `tz`."""
    return (NOW - timedelta(hours=hours, seconds=seconds)).astimezone(tz).isoformat()


# --------------------------------------------------------------------- the contract

WHICH_REPORT_OUTCOMES = {
    # outcome id: (report, rules) as in WIZARDS.md
    "suicidal-customer": ("suicidal-customer", ["REP-SUICIDE"]),
    "personal-data": ("personal-data", ["REP-PII"]),
    "customer-service-refund": ("customer-service-refund", ["REP-CS"]),
    "no-report-not-urgent": (None, ["REP-CS"]),
    "leave-duplicate": (None, ["REP-DUP-OTHER", "REP-DUP-NOANSWER"]),
    "duplicate": ("duplicate", ["REP-DUP", "REP-DUP-HOW", "REP-DUP-NOANSWER"]),
    "duplicate-fallback": ("customer-service-refund", ["REP-DUP-FALLBACK", "REP-DUP-NOANSWER"]),
    "wrong-category": ("wrong-category", ["REP-CAT"]),
    "reopen": ("open-question", ["REP-OPEN"]),
    "best-of": ("best-of", ["REP-BEST"]),
    "underpriced": ("underpriced", ["REP-PRICE"]),
    "moderator-ratings": ("category-moderator", ["REP-MOD-RATINGS"]),
    "moderator-no-experts": ("category-moderator", ["REP-MOD-NOEXPERTS"]),
    "moderator-offline": ("category-moderator", ["REP-MOD-OFFLINE"]),
    "no-report": (None, ["REP-HELP"]),
}

FOLLOW_UP_OUTCOMES = {
    # outcome id: (allowed, rules) as in WIZARDS.md
    "allowed-in-answer": (True, ["RATE-1"]),
    "rating-request-forbidden": (False, ["RATE-2", "HELP-4"]),
    "split-answer-forbidden": (False, ["RATE-3", "RATE-4"]),
    "allowed-greeting": (True, ["RATE-5"]),
    "allowed-ask-customer": (True, ["RATE-5"]),
    "customer-responded": (False, ["HELP-1", "HELP-2"]),
    "too-early": (False, ["HELP-2"]),
    "too-late": (False, ["HELP-2"]),
    "already-sent": (False, ["HELP-5"]),
    "other-expert-active": (False, ["HELP-6"]),
    "allowed-help-message": (True, [f"HELP-{n}" for n in range(1, 7)]),
}

WHICH_REPORT_PATHS = [
    ({"situation": "suicidal"}, "suicidal-customer"),
    ({"situation": "personal-data"}, "personal-data"),
    (
        {"situation": "refund-or-account-problem", "refund-or-urgent": True},
        "customer-service-refund",
    ),
    ({"situation": "refund-or-account-problem", "refund-or-urgent": False}, "no-report-not-urgent"),
    ({"situation": "duplicate", "other-expert-answered": True}, "leave-duplicate"),
    (
        {"situation": "duplicate", "other-expert-answered": False, "duplicate-report-usable": True},
        "duplicate",
    ),
    (
        {
            "situation": "duplicate",
            "other-expert-answered": False,
            "duplicate-report-usable": False,
        },
        "duplicate-fallback",
    ),
    ({"situation": "wrong-category"}, "wrong-category"),
    ({"situation": "expired-while-researching"}, "reopen"),
    ({"situation": "excellent-interaction"}, "best-of"),
    ({"situation": "price-too-low"}, "underpriced"),
    ({"situation": "rating-history"}, "moderator-ratings"),
    ({"situation": "no-experts-available"}, "moderator-no-experts"),
    ({"situation": "no-online-answer"}, "moderator-offline"),
    ({"situation": "none-of-these"}, "no-report"),
]

CHECK_IN = {"intent": "check-in", "customer-responded": False}
IN_WINDOW = {**CHECK_IN, "hours-since-last-answer": 30}

FOLLOW_UP_PATHS = [
    ({"intent": "rating-reminder-in-answer"}, "allowed-in-answer"),
    ({"intent": "rating-request"}, "rating-request-forbidden"),
    ({"intent": "more-information"}, "split-answer-forbidden"),
    ({"intent": "greeting-then-answer"}, "allowed-greeting"),
    ({"intent": "ask-customer"}, "allowed-ask-customer"),
    ({"intent": "check-in", "customer-responded": True}, "customer-responded"),
    ({**CHECK_IN, "hours-since-last-answer": 10}, "too-early"),
    ({**CHECK_IN, "hours-since-last-answer": 200}, "too-late"),
    ({**IN_WINDOW, "help-message-sent": True}, "already-sent"),
    ({**IN_WINDOW, "help-message-sent": False, "other-experts": False}, "allowed-help-message"),
    (
        {
            **IN_WINDOW,
            "help-message-sent": False,
            "other-experts": True,
            "other-experts-left": True,
        },
        "allowed-help-message",
    ),
    (
        {
            **IN_WINDOW,
            "help-message-sent": False,
            "other-experts": True,
            "other-experts-left": False,
        },
        "other-expert-active",
    ),
]


class TestContract:
    def test_both_wizards_load_in_order(self, wizards: dict[str, Wizard]) -> None:
        assert list(wizards) == ["which-report", "follow-up-message"]

    def test_which_report_has_exactly_the_listed_outcomes(self, which_report: Wizard) -> None:
        assert set(which_report.outcomes) == set(WHICH_REPORT_OUTCOMES)
        for outcome in which_report.outcomes.values():
            report, rules = WHICH_REPORT_OUTCOMES[outcome.id]
            assert (outcome.report, list(outcome.rules)) == (report, rules), outcome.id
            assert outcome.allowed is None
            assert outcome.urgent is (outcome.id == "suicidal-customer")

    def test_follow_up_has_exactly_the_listed_outcomes(self, follow_up: Wizard) -> None:
        assert set(follow_up.outcomes) == set(FOLLOW_UP_OUTCOMES)
        for outcome in follow_up.outcomes.values():
            allowed, rules = FOLLOW_UP_OUTCOMES[outcome.id]
            assert (outcome.allowed, list(outcome.rules)) == (allowed, rules), outcome.id
            assert outcome.report is None
            assert outcome.urgent is False

    def test_questions_and_choices_keep_their_ids_and_order(
        self, which_report: Wizard, follow_up: Wizard
    ) -> None:
        assert list(which_report.questions) == [
            "situation",
            "refund-or-urgent",
            "other-expert-answered",
            "duplicate-report-usable",
        ]
        assert which_report.questions["situation"].values == (
            "suicidal",
            "personal-data",
            "refund-or-account-problem",
            "duplicate",
            "wrong-category",
            "expired-while-researching",
            "excellent-interaction",
            "price-too-low",
            "rating-history",
            "no-experts-available",
            "no-online-answer",
            "none-of-these",
        )
        assert list(follow_up.questions) == [
            "intent",
            "customer-responded",
            "hours-since-last-answer",
            "help-message-sent",
            "other-experts",
            "other-experts-left",
        ]
        assert follow_up.questions["intent"].values == (
            "rating-reminder-in-answer",
            "rating-request",
            "more-information",
            "greeting-then-answer",
            "ask-customer",
            "check-in",
        )
        kinds = {q.id: q.kind for w in (which_report, follow_up) for q in w.questions.values()}
        assert kinds["situation"] == kinds["intent"] == "choice"
        assert kinds["hours-since-last-answer"] == "number"
        assert follow_up.questions["hours-since-last-answer"].alias == "last-answer-at"

    def test_every_outcome_is_reachable(self, wizards: dict[str, Wizard]) -> None:
        for wizard in wizards.values():
            assert set(reachable_outcomes(wizard)) == set(wizard.outcomes)

    def test_all_rule_ids_lists_each_cited_rule_once(self, follow_up: Wizard) -> None:
        rules = all_rule_ids(follow_up)
        assert len(rules) == len(set(rules))
        assert set(rules) == {f"RATE-{n}" for n in range(1, 6)} | {f"HELP-{n}" for n in range(1, 7)}

    def test_outcomes_show_what_the_contract_asks_for(
        self, which_report: Wizard, follow_up: Wizard
    ) -> None:
        assert len(which_report.outcomes["duplicate"].steps) >= 4
        assert which_report.outcomes["customer-service-refund"].warnings
        assert len(which_report.outcomes["leave-duplicate"].warnings) == 2
        assert follow_up.outcomes["split-answer-forbidden"].tips
        schedule = text(follow_up.outcomes["rating-request-forbidden"].tips[0], "en")
        for moment in ("24 h", "48 h", "72 h", "one week", "periodically"):
            assert moment in schedule
        helper = follow_up.outcomes["allowed-help-message"]
        assert helper.sample is not None
        assert len(helper.donts) == 3


class TestTexts:
    def test_every_text_exists_in_every_language(self, wizards: dict[str, Wizard]) -> None:
        for wizard in wizards.values():
            for where, translated in iter_texts(wizard):
                assert set(translated) == set(LANGUAGES), f"{wizard.slug}: {where}"
                assert all(value.strip() for value in translated.values()), where

    def test_raw_files_spell_out_every_language(self) -> None:
        """Independent of the loader: every language mapping in the YAML is complete."""

        def walk(node: object, where: str) -> None:
            if isinstance(node, dict):
                if set(node) & set(LANGUAGES):
                    assert set(node) == set(LANGUAGES), where
                    assert all(isinstance(v, str) and v.strip() for v in node.values()), where
                for key, value in node.items():
                    walk(value, f"{where}.{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, f"{where}[{i}]")

        for file in WIZARD_DIR.glob("*.yaml"):
            walk(yaml.safe_load(file.read_text(encoding="utf-8")), file.name)

    def test_explanations_are_a_few_sentences(self, wizards: dict[str, Wizard]) -> None:
        for wizard in wizards.values():
            for outcome in wizard.outcomes.values():
                for lang in LANGUAGES:
                    sentences = [
                        s for s in text(outcome.explanation, lang).split(". ") if s.strip()
                    ]
                    assert 1 <= len(sentences) <= 4, (outcome.id, lang)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_outcomes_name_their_report_with_the_platform_label(
        self, which_report: Wizard, lang: str
    ) -> None:
        for outcome in which_report.outcomes.values():
            if outcome.report is None:
                continue
            label = GLOSSARY["reports"][outcome.report][lang]
            shown = text(outcome.title, lang) + text(outcome.explanation, lang)
            assert label in shown, (outcome.id, lang)

    def test_text_falls_back_to_english_for_an_unknown_language(self, follow_up: Wizard) -> None:
        assert text(follow_up.title, "fr") == text(follow_up.title, "en")


# --------------------------------------------------------------------- reaching outcomes


class TestReachingEveryOutcome:
    @pytest.mark.parametrize("form", ["json", "query"])
    @pytest.mark.parametrize(("answers", "outcome"), WHICH_REPORT_PATHS)
    def test_which_report(
        self, which_report: Wizard, answers: dict[str, object], outcome: str, form: str
    ) -> None:
        given = answers if form == "json" else as_query(answers)
        result = finish(which_report, given)
        assert result.outcome.id == outcome
        assert [item.question_id for item in result.path] == list(answers)
        assert [item.value for item in result.path] == list(answers.values())
        assert result.window is None

    @pytest.mark.parametrize("form", ["json", "query"])
    @pytest.mark.parametrize(("answers", "outcome"), FOLLOW_UP_PATHS)
    def test_follow_up(
        self, follow_up: Wizard, answers: dict[str, object], outcome: str, form: str
    ) -> None:
        given = answers if form == "json" else as_query(answers)
        result = finish(follow_up, given)
        assert result.outcome.id == outcome
        assert [item.question_id for item in result.path] == list(answers)

    def test_the_tables_cover_every_outcome(self, which_report: Wizard, follow_up: Wizard) -> None:
        assert {o for _, o in WHICH_REPORT_PATHS} == set(which_report.outcomes)
        assert {o for _, o in FOLLOW_UP_PATHS} == set(follow_up.outcomes)

    def test_suicidal_is_the_first_choice_and_urgent(self, which_report: Wizard) -> None:
        first = which_report.questions["situation"].choices[0]
        assert first.value == "suicidal"
        assert finish(which_report, {"situation": first.value}).outcome.urgent is True


class TestStepping:
    def test_no_answers_asks_the_start_question(self, which_report: Wizard) -> None:
        step = ask(which_report, {})
        assert step.question.id == "situation"
        assert step.path == ()
        assert step.complete is False

    def test_each_answer_moves_one_question_further(self, follow_up: Wizard) -> None:
        step = ask(follow_up, {"intent": "check-in"})
        assert step.question.id == "customer-responded"
        assert step.path == (PathItem("intent", "check-in"),)
        step = ask(follow_up, {"intent": "check-in", "customer-responded": "no"})
        assert step.question.id == "hours-since-last-answer"
        assert step.path[-1] == PathItem("customer-responded", False)

    def test_empty_strings_and_null_count_as_not_answered(self, follow_up: Wizard) -> None:
        step = ask(
            follow_up,
            {
                "intent": "check-in",
                "customer-responded": "no",
                "hours-since-last-answer": "",
                "last-answer-at": "  ",
                "help-message-sent": None,
            },
        )
        assert step.question.id == "hours-since-last-answer"
        assert ask(follow_up, {"intent": ""}).question.id == "intent"

    def test_answers_off_the_path_are_ignored_even_when_invalid(
        self, which_report: Wizard, follow_up: Wizard
    ) -> None:
        result = finish(
            which_report,
            {"situation": "suicidal", "refund-or-urgent": "maybe", "other-expert-answered": 7},
        )
        assert result.outcome.id == "suicidal-customer"
        assert result.path == (PathItem("situation", "suicidal"),)

        result = finish(
            follow_up,
            {"intent": "rating-request", "hours-since-last-answer": "-5", "last-answer-at": "x"},
        )
        assert result.outcome.id == "rating-request-forbidden"

    def test_later_answers_wait_for_the_questions_before_them(self, follow_up: Wizard) -> None:
        step = ask(follow_up, {"intent": "check-in", "help-message-sent": "no"})
        assert step.question.id == "customer-responded"

    def test_query_strings_are_trimmed_and_case_insensitive_for_yes_no(
        self, which_report: Wizard
    ) -> None:
        answers = {"situation": " refund-or-account-problem ", "refund-or-urgent": "YES"}
        assert finish(which_report, answers).outcome.id == "customer-service-refund"

    def test_finished_is_complete(self, which_report: Wizard) -> None:
        assert finish(which_report, {"situation": "none-of-these"}).complete is True

    def test_now_must_be_timezone_aware(self, which_report: Wizard) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            evaluate(which_report, {}, now=datetime(2026, 11, 20, 12, 0))


# --------------------------------------------------------------------- the window


def hours_answer(hours: object) -> dict[str, object]:
    return {**CHECK_IN, "hours-since-last-answer": hours}


def at_answer(moment: object) -> dict[str, object]:
    return {**CHECK_IN, "last-answer-at": moment}


class TestWindowBounds:
    @pytest.mark.parametrize(
        ("hours", "expected"),
        [
            (0, "too-early"),
            (23.99, "too-early"),
            (24, "help-message-sent"),
            ("24", "help-message-sent"),
            (24.0, "help-message-sent"),
            (100.5, "help-message-sent"),
            ("168", "help-message-sent"),
            (168, "help-message-sent"),
            (168.01, "too-late"),
            ("168.01", "too-late"),
            (10_000, "too-late"),
        ],
    )
    def test_hours_typed_in(self, follow_up: Wizard, hours: object, expected: str) -> None:
        result = evaluate(follow_up, hours_answer(hours), now=NOW)
        reached = result.outcome.id if isinstance(result, Finished) else result.question.id
        assert reached == expected

    @pytest.mark.parametrize("tz", [CET, EST, UTC], ids=["+01:00", "-05:00", "Z"])
    @pytest.mark.parametrize(
        ("hours", "seconds", "expected"),
        [
            (24, 0, "help-message-sent"),
            (24, -1, "too-early"),
            (24, 1, "help-message-sent"),
            (168, 0, "help-message-sent"),
            (168, -1, "help-message-sent"),
            (168, 1, "too-late"),
        ],
    )
    def test_last_answer_at(
        self, follow_up: Wizard, tz: timezone, hours: int, seconds: int, expected: str
    ) -> None:
        moment = ago(hours, tz, seconds)
        if tz is UTC:
            moment = moment.replace("+00:00", "Z")
        result = evaluate(follow_up, at_answer(moment), now=NOW)
        reached = result.outcome.id if isinstance(result, Finished) else result.question.id
        assert reached == expected
        assert result.path[-1].question_id == "hours-since-last-answer"
        assert result.path[-1].value == pytest.approx(hours + seconds / 3600)
        assert result.last_answer_at == NOW - timedelta(hours=hours, seconds=seconds)


class TestWindow:
    def test_too_early_from_typed_hours_says_when_it_opens_and_closes(
        self, follow_up: Wizard
    ) -> None:
        result = finish(follow_up, hours_answer("10"))
        window = result.window
        assert window is not None
        assert (window.hours_since, window.opens_in_hours, window.closes_in_hours) == (10, 14, 158)
        assert window.from_datetime is False
        assert window.last_answer_at is None
        assert window.opens_at == NOW + timedelta(hours=14)
        assert window.closes_at == NOW + timedelta(hours=158)
        assert window.is_open is False

    def test_too_early_from_a_date_time_keeps_the_readers_offset(self, follow_up: Wizard) -> None:
        last = datetime(2026, 11, 20, 2, 30, tzinfo=CET)  # 10.5 hours before NOW
        result = finish(follow_up, at_answer(last.isoformat()))
        window = result.window
        assert result.outcome.id == "too-early"
        assert window is not None
        assert window.from_datetime is True
        assert window.last_answer_at == last
        assert result.last_answer_at == last
        assert (window.opens_in_hours, window.closes_in_hours) == (13.5, 157.5)
        assert window.opens_at == datetime(2026, 11, 21, 2, 30, tzinfo=CET)
        assert window.closes_at == datetime(2026, 11, 27, 2, 30, tzinfo=CET)
        assert window.opens_at is not None and window.opens_at.utcoffset() == timedelta(hours=1)

    def test_one_second_early_rounds_to_zero_but_is_still_too_early(
        self, follow_up: Wizard
    ) -> None:
        result = finish(follow_up, at_answer(ago(24, EST, seconds=-1)))
        assert result.outcome.id == "too-early"
        assert result.window is not None
        assert result.window.opens_in_hours == 0
        assert result.window.opens_at == NOW + timedelta(seconds=1)

    def test_too_late_has_a_negative_closing_time(self, follow_up: Wizard) -> None:
        result = finish(follow_up, hours_answer(200))
        assert result.window is not None
        assert result.window.opens_in_hours == 0
        assert result.window.closes_in_hours == -32

    def test_the_window_travels_with_the_rest_of_the_path(self, follow_up: Wizard) -> None:
        step = ask(follow_up, hours_answer(30))
        assert step.window is not None and step.window.is_open
        result = finish(follow_up, {**hours_answer(30), "help-message-sent": True})
        assert result.window is not None and result.window.closes_in_hours == 138

    def test_which_report_has_no_window(self, which_report: Wizard) -> None:
        assert (
            finish(which_report, {"situation": "duplicate", "other-expert-answered": True}).window
            is None
        )

    def test_a_plus_turned_into_a_space_by_form_encoding_still_counts(
        self, follow_up: Wizard
    ) -> None:
        moment = ago(30, CET).replace("+", " ")
        assert ask(follow_up, at_answer(moment)).question.id == "help-message-sent"

    def test_huge_hours_are_too_late_without_a_calendar_date(self, follow_up: Wizard) -> None:
        result = finish(follow_up, hours_answer(1e12))
        assert result.outcome.id == "too-late"
        assert result.window is not None
        assert result.window.opens_at is None and result.window.closes_at is None


# --------------------------------------------------------------------- errors


WR, FU = "which-report", "follow-up-message"
BAD, UNKNOWN = "invalid_answer", "unknown_question"
HOURS, AT = "hours-since-last-answer", "last-answer-at"

ERRORS = [
    # wizard, answers, code, field, reason
    (WR, {"situation": "suicidal", "colour": "red"}, UNKNOWN, "colour", "unknown"),
    (WR, {AT: ago(30)}, UNKNOWN, AT, "unknown"),
    (WR, {"situation": "refund"}, BAD, "situation", "not_a_choice"),
    (WR, {"situation": "Suicidal"}, BAD, "situation", "not_a_choice"),
    (WR, {"situation": 3}, BAD, "situation", "not_a_choice"),
    (WR, {"situation": True}, BAD, "situation", "not_a_choice"),
    (WR, {"situation": "duplicate", "other-expert-answered": "maybe"}, BAD,
     "other-expert-answered", "not_yes_no"),
    (WR, {"situation": "duplicate", "other-expert-answered": 1}, BAD,
     "other-expert-answered", "not_yes_no"),
    (FU, hours_answer(-1), BAD, HOURS, "negative"),
    (FU, hours_answer("-0.5"), BAD, HOURS, "negative"),
    (FU, hours_answer("ten"), BAD, HOURS, "not_a_number"),
    (FU, hours_answer("24,5"), BAD, HOURS, "not_a_number"),
    (FU, hours_answer("nan"), BAD, HOURS, "not_a_number"),
    (FU, hours_answer("inf"), BAD, HOURS, "not_a_number"),
    (FU, hours_answer(math.nan), BAD, HOURS, "not_a_number"),
    (FU, hours_answer(math.inf), BAD, HOURS, "not_a_number"),
    (FU, hours_answer(True), BAD, HOURS, "not_a_number"),
    (FU, hours_answer(False), BAD, HOURS, "not_a_number"),
    (FU, hours_answer([24]), BAD, HOURS, "not_a_number"),
    (FU, hours_answer(10**400), BAD, HOURS, "not_a_number"),
    (FU, at_answer("2026-11-19T10:00:00"), BAD, AT, "no_offset"),
    (FU, at_answer("yesterday"), BAD, AT, "not_a_datetime"),
    (FU, at_answer("2026-11-19"), BAD, AT, "not_a_datetime"),
    (FU, at_answer("2026-02-30T10:00:00Z"), BAD, AT, "not_a_datetime"),
    (FU, at_answer(1763550000), BAD, AT, "not_a_datetime"),
    (FU, at_answer(ago(-1)), BAD, AT, "in_future"),
    (FU, at_answer("1999-12-31T23:00:00Z"), BAD, AT, "too_old"),
    (FU, at_answer(ago(11 * 365 * 24)), BAD, AT, "too_old"),
    (FU, {**hours_answer(30), AT: ago(30)}, BAD, AT, "both_given"),
]  # fmt: skip


class TestErrors:
    @pytest.mark.parametrize(("slug", "answers", "code", "field", "reason"), ERRORS)
    def test_bad_answers_are_reported_precisely(
        self,
        wizards: dict[str, Wizard],
        slug: str,
        answers: dict[str, object],
        code: str,
        field: str,
        reason: str,
    ) -> None:
        with pytest.raises(AnswerError) as caught:
            evaluate(wizards[slug], answers, now=NOW)
        error = caught.value
        assert (error.code, error.field, error.reason) == (code, field, reason)
        assert error.message_key == f"{code}.{reason}"
        assert field in str(error)
        assert isinstance(error, ValueError)

    def test_a_bad_choice_lists_the_valid_values(self, which_report: Wizard) -> None:
        with pytest.raises(AnswerError) as caught:
            evaluate(which_report, {"situation": "refund"}, now=NOW)
        assert caught.value.params["value"] == "refund"
        assert "none-of-these" in str(caught.value.params["choices"])
        assert "must be one of" in str(caught.value)

    def test_unknown_keys_fail_even_when_the_path_is_complete(self, which_report: Wizard) -> None:
        with pytest.raises(AnswerError, match="not a question"):
            evaluate(which_report, {"situation": "suicidal", "lang": "es"}, now=NOW)

    def test_a_long_bad_value_is_shortened_in_the_message(self, which_report: Wizard) -> None:
        with pytest.raises(AnswerError) as caught:
            evaluate(which_report, {"situation": "x" * 500}, now=NOW)
        assert len(str(caught.value.params["value"])) <= 40


# --------------------------------------------------------------------- links


class TestAnswersForPath:
    def test_values_come_back_in_query_string_form(self, follow_up: Wizard) -> None:
        result = finish(
            follow_up,
            {**CHECK_IN, "hours-since-last-answer": 24.0, "help-message-sent": False,
             "other-experts": False},
        )  # fmt: skip
        assert answers_for_path(result.path) == {
            "intent": "check-in",
            "customer-responded": "no",
            "hours-since-last-answer": "24",
            "help-message-sent": "no",
            "other-experts": "no",
        }

    def test_decimals_survive(self) -> None:
        path = (PathItem("hours-since-last-answer", 24.5),)
        assert answers_for_path(path) == {"hours-since-last-answer": "24.5"}

    @pytest.mark.parametrize("hours", [0.0, 0.00001, 23.99, 168.01, 1e20, 1e300])
    def test_every_number_comes_back_in_a_form_evaluate_accepts(
        self, follow_up: Wizard, hours: float
    ) -> None:
        replay = answers_for_path((PathItem("hours-since-last-answer", hours),))
        assert "e" not in replay["hours-since-last-answer"]
        result = evaluate(follow_up, {**as_query(CHECK_IN), **replay}, now=NOW)
        assert result.path[-1].value == hours

    def test_until_stops_before_the_question_to_change(self, which_report: Wizard) -> None:
        result = finish(
            which_report,
            {
                "situation": "duplicate",
                "other-expert-answered": False,
                "duplicate-report-usable": True,
            },
        )
        assert answers_for_path(result.path, until="other-expert-answered") == {
            "situation": "duplicate"
        }
        assert answers_for_path(result.path, until="situation") == {}

    def test_a_date_time_is_replayed_as_the_date_time(self, follow_up: Wizard) -> None:
        moment = ago(30, EST)
        step = ask(follow_up, at_answer(moment))
        replay = answers_for_path(step.path)
        assert replay == {**as_query(CHECK_IN), "last-answer-at": moment}
        # A day later the same link counts the hours again: now it is 54 hours.
        later = evaluate(follow_up, replay, now=NOW + timedelta(days=1))
        assert later.path[-1].value == pytest.approx(54)

    @pytest.mark.parametrize(("answers", "outcome"), WHICH_REPORT_PATHS + FOLLOW_UP_PATHS)
    def test_replaying_a_path_reaches_the_same_outcome(
        self, wizards: dict[str, Wizard], answers: dict[str, object], outcome: str
    ) -> None:
        wizard = wizards["which-report" if "situation" in answers else "follow-up-message"]
        first = finish(wizard, answers)
        assert finish(wizard, answers_for_path(first.path)).outcome.id == outcome


# --------------------------------------------------------------------- broken definitions


def minimal() -> dict[str, Any]:
    """A small valid wizard, broken one way per test below."""

    def t(word: str) -> dict[str, str]:
        return {lang: f"{word} ({lang})" for lang in LANGUAGES}

    return {
        "slug": "tiny",
        "title": t("Tiny"),
        "description": t("A tiny wizard"),
        "start": "pick",
        "questions": [
            {
                "id": "pick",
                "kind": "choice",
                "prompt": t("Pick"),
                "choices": [
                    {"value": "a", "label": t("A"), "next": "outcome:done"},
                    {"value": "b", "label": t("B"), "next": "question:sure"},
                ],
            },
            {
                "id": "sure",
                "kind": "yes-no",
                "prompt": t("Sure?"),
                "yes": "question:hours",
                "no": "outcome:done",
            },
            {
                "id": "hours",
                "kind": "number",
                "prompt": t("Hours?"),
                "branches": [{"below": 1, "next": "outcome:early"}, {"next": "outcome:done"}],
            },
        ],
        "outcomes": [
            {"id": "done", "rules": ["HELP-1"], "title": t("Done"), "explanation": t("Done.")},
            {"id": "early", "rules": ["HELP-2"], "title": t("Early"), "explanation": t("Early.")},
        ],
    }


def write(tmp_path: Path, data: object, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def break_unknown_target(d: dict[str, Any]) -> None:
    d["questions"][0]["choices"][0]["next"] = "outcome:nowhere"


def break_unreachable_outcome(d: dict[str, Any]) -> None:
    d["outcomes"].append({**d["outcomes"][0], "id": "orphan"})


def break_unreachable_question(d: dict[str, Any]) -> None:
    d["questions"].append({**d["questions"][1], "id": "lonely"})


def break_missing_language(d: dict[str, Any]) -> None:
    del d["questions"][1]["prompt"]["de"]


def break_empty_text(d: dict[str, Any]) -> None:
    d["outcomes"][0]["explanation"]["es"] = "  "


def break_duplicate_question(d: dict[str, Any]) -> None:
    d["questions"].append(d["questions"][1])


def break_duplicate_outcome(d: dict[str, Any]) -> None:
    d["outcomes"].append(d["outcomes"][0])


def break_duplicate_choice(d: dict[str, Any]) -> None:
    d["questions"][0]["choices"][1]["value"] = "a"


def break_choice_without_choices(d: dict[str, Any]) -> None:
    del d["questions"][0]["choices"]


def break_yes_no_without_no(d: dict[str, Any]) -> None:
    del d["questions"][1]["no"]


def break_number_without_otherwise(d: dict[str, Any]) -> None:
    d["questions"][2]["branches"].pop()


def break_choices_on_yes_no(d: dict[str, Any]) -> None:
    d["questions"][1]["choices"] = d["questions"][0]["choices"]


def break_unknown_kind(d: dict[str, Any]) -> None:
    d["questions"][1]["kind"] = "maybe"


def break_cycle(d: dict[str, Any]) -> None:
    d["questions"][1]["no"] = "question:pick"


def break_unknown_start(d: dict[str, Any]) -> None:
    d["start"] = "nope"


def break_typo_key(d: dict[str, Any]) -> None:
    d["questions"][0]["choices"][0]["nxt"] = d["questions"][0]["choices"][0].pop("next")


def break_slug(d: dict[str, Any]) -> None:
    d["slug"] = "other"


def break_rule(d: dict[str, Any]) -> None:
    d["outcomes"][0]["rules"] = ["help one"]


@pytest.mark.parametrize(
    ("breaker", "message"),
    [
        (break_unknown_target, "unknown target 'outcome:nowhere'"),
        (break_unreachable_outcome, "unreachable outcome(s): orphan"),
        (break_unreachable_question, "unreachable question(s): lonely"),
        (break_missing_language, "missing 'de' text"),
        (break_empty_text, "missing 'es' text"),
        (break_duplicate_question, "duplicate question id 'sure'"),
        (break_duplicate_outcome, "duplicate outcome id 'done'"),
        (break_duplicate_choice, "duplicate choice value 'a'"),
        (break_choice_without_choices, "missing 'choices'"),
        (break_yes_no_without_no, "missing 'no'"),
        (break_number_without_otherwise, "only the last branch"),
        (break_choices_on_yes_no, "takes no 'choices'"),
        (break_unknown_kind, "kind 'maybe'"),
        (break_cycle, "cycle"),
        (break_unknown_start, "unknown question 'nope'"),
        (break_typo_key, "unknown key 'nxt'"),
        (break_slug, "must match the file name"),
        (break_rule, "not a rule id"),
    ],
)
def test_broken_definitions_are_refused(tmp_path: Path, breaker: Any, message: str) -> None:
    data = minimal()
    breaker(data)
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as caught:
        load_wizard(path)
    assert caught.value.file == str(path)
    assert message in caught.value.message
    assert str(caught.value).startswith(str(path))


def test_the_minimal_definition_itself_is_valid(tmp_path: Path) -> None:
    wizard = load_wizard(write(tmp_path, minimal()))
    assert finish(wizard, {"pick": "b", "sure": "yes", "hours": "0.5"}).outcome.id == "early"
    # No alias, so no window: only a question counting time since a moment has one.
    assert finish(wizard, {"pick": "b", "sure": "yes", "hours": "2"}).window is None


def test_invalid_yaml_is_a_definition_error(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text("slug: tiny\nquestions: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="invalid YAML"):
        load_wizard(path)


def test_an_unknown_report_is_refused_when_reports_are_given(tmp_path: Path) -> None:
    data = minimal()
    data["outcomes"][0]["report"] = "refund-please"
    path = write(tmp_path, data)
    assert load_wizard(path).outcomes["done"].report == "refund-please"
    with pytest.raises(DefinitionError, match="unknown report 'refund-please'"):
        load_wizard(path, reports=GLOSSARY["reports"])


def test_unquoted_yes_no_keys_are_understood(tmp_path: Path) -> None:
    """PyYAML reads a bare `yes:` key as True; authors should not have to care."""
    source = yaml.safe_dump(minimal(), allow_unicode=True).replace("'yes':", "yes:")
    source = source.replace("'no':", "no:")
    assert "\n  yes:" in source or "yes: question" in source
    path = tmp_path / "tiny.yaml"
    path.write_text(source, encoding="utf-8")
    assert load_wizard(path).questions["sure"].yes == "question:hours"


def test_wizards_are_ordered_by_position_then_file_name(tmp_path: Path) -> None:
    for slug, position in [("zeta", 1), ("alpha", None), ("beta", None), ("omega", 2)]:
        data = minimal()
        data["slug"] = slug
        if position is not None:
            data["position"] = position
        write(tmp_path, data, f"{slug}.yaml")
    assert list(load_wizards(tmp_path)) == ["zeta", "omega", "alpha", "beta"]


def test_a_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    """PyYAML would silently keep the second `next:`; a wrong branch must not load."""
    source = yaml.safe_dump(minimal(), allow_unicode=True)
    source = source.replace("next: outcome:early", "next: outcome:early\n    next: outcome:done")
    path = tmp_path / "tiny.yaml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(DefinitionError, match="duplicate key 'next'"):
        load_wizard(path)
