"""The policy wizards' decision engine: pure Python, no Flask.

A wizard is a small decision tree declared in YAML (``content/wizards/*.yaml``). The
HTML wizard (answers from a query string, all strings) and the JSON API (answers from a
JSON body, typed values) both call :func:`evaluate`, so the same answers reach the same
outcome whichever door they come through. Nothing here imports Flask or reads a request,
which keeps the engine testable and benchmarkable on its own.

Ids (wizard slugs, question ids, choice values, outcome ids) are a public contract; see
``WIZARDS.md``. Texts are translated mappings ``{"es": ..., "de": ..., "en": ...}``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Final, Literal, TypeAlias

import yaml

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "AnswerError",
    "AnswerValue",
    "Branch",
    "Choice",
    "DefinitionError",
    "Finished",
    "Outcome",
    "PathItem",
    "Question",
    "Step",
    "Text",
    "Window",
    "Wizard",
    "all_rule_ids",
    "answers_for_path",
    "evaluate",
    "format_answer",
    "iter_texts",
    "load_wizard",
    "load_wizards",
    "reachable_outcomes",
    "split_target",
    "text",
]

LANGUAGES: Final = ("es", "de", "en")
DEFAULT_LANGUAGE: Final = "en"

Text: TypeAlias = Mapping[str, str]
"""A translated text: language code -> text; every language of LANGUAGES is present."""

Kind: TypeAlias = Literal["choice", "yes-no", "number"]
KINDS: Final[tuple[Kind, ...]] = ("choice", "yes-no", "number")

AnswerValue: TypeAlias = bool | str | float
"""A normalized answer: bool for yes-no, the choice value for choice, float for number."""

ErrorCode: TypeAlias = Literal["unknown_question", "invalid_answer"]
Reason: TypeAlias = Literal[
    "unknown",
    "not_a_choice",
    "not_yes_no",
    "not_a_number",
    "negative",
    "not_a_datetime",
    "no_offset",
    "in_future",
    "too_old",
    "both_given",
]

QUESTION: Final = "question"
OUTCOME: Final = "outcome"

# A date-time older than this is almost certainly a typo (a wrong year), not a real
# last answer; rejecting it beats silently answering "too late".
MAX_AGE: Final = timedelta(days=3653)
MIN_YEAR: Final = 2000

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.ASCII)
_RULE = re.compile(r"[A-Z]+(?:-[A-Za-z0-9]+)+", re.ASCII)
_TARGET = re.compile(r"(question|outcome):([a-z0-9]+(?:-[a-z0-9]+)*)", re.ASCII)
# Plain decimal notation only: float() alone would also take "nan", "inf", "1_000"
# and "1e3", none of which a person means when typing a number of hours.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
# Form encoding turns an unescaped "+" into a space, so a hand-typed or badly built link
# with "...T10:00:00+01:00" arrives as "...T10:00:00 01:00"; nothing else can be meant.
_SPACE_FOR_PLUS = re.compile(r"(\d{4}-\d{2}-\d{2}T[\d:.,]+) (\d{2}(?::?\d{2})?)", re.ASCII)


def text(mapping: Text, lang: str) -> str:
    """The text in ``lang``, falling back to DEFAULT_LANGUAGE for an unknown language."""
    try:
        return mapping[lang]
    except KeyError:
        return mapping[DEFAULT_LANGUAGE]


def split_target(target: str) -> tuple[Literal["question", "outcome"], str]:
    """Split ``"question:<id>"`` / ``"outcome:<id>"`` into its kind and id."""
    match = _TARGET.fullmatch(target)
    if match is None:
        raise ValueError(f"not a target: {target!r}")
    kind: Literal["question", "outcome"] = QUESTION if match[1] == QUESTION else OUTCOME
    return kind, match[2]


# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Choice:
    """One listed answer of a choice question and where it leads."""

    value: str
    label: Text
    next: str


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch of a number question; the first branch that matches is taken.

    ``below`` and ``above`` are strict (``value < below``, ``value > above``), so the
    bounds themselves fall through to the next branch: that is what makes the help
    message window inclusive at 24 and 168 hours. A branch with neither is the
    fallback ("otherwise") and is always the last one.
    """

    next: str
    below: float | None = None
    above: float | None = None

    def matches(self, value: float) -> bool:
        if self.below is not None and not value < self.below:
            return False
        return self.above is None or value > self.above


@dataclass(frozen=True, slots=True)
class Question:
    """A question; which of choices / yes+no / branches is set depends on ``kind``."""

    id: str
    kind: Kind
    prompt: Text
    hint: Text | None = None
    choices: tuple[Choice, ...] = ()
    yes: str | None = None
    no: str | None = None
    branches: tuple[Branch, ...] = ()
    # A number question counting hours since a moment may instead be answered with that
    # moment (an ISO 8601 date-time) under this key, e.g. "last-answer-at".
    alias: str | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def targets(self) -> tuple[str, ...]:
        """Every target this question can lead to, in definition order."""
        if self.kind == "choice":
            return tuple(choice.next for choice in self.choices)
        if self.kind == "yes-no":
            return tuple(target for target in (self.yes, self.no) if target is not None)
        return tuple(branch.next for branch in self.branches)

    def target_for(self, value: AnswerValue) -> str:
        """The target reached by a normalized answer (see :func:`evaluate`)."""
        if self.kind == "yes-no" and isinstance(value, bool):
            target = self.yes if value else self.no
            if target is not None:
                return target
        elif self.kind == "choice" and isinstance(value, str):
            for choice in self.choices:
                if choice.value == value:
                    return choice.next
        elif self.kind == "number" and isinstance(value, float):
            for branch in self.branches:
                if branch.matches(value):
                    return branch.next
        raise ValueError(f"no target for {value!r} in question {self.id!r}")


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a path ends: what to do, which report (if any) and which rules apply."""

    id: str
    allowed: bool | None
    report: str | None
    rules: tuple[str, ...]
    urgent: bool
    title: Text
    explanation: Text
    warnings: tuple[Text, ...] = ()
    steps: tuple[Text, ...] = ()
    tips: tuple[Text, ...] = ()
    donts: tuple[Text, ...] = ()
    sample: Text | None = None


@dataclass(frozen=True, slots=True)
class Wizard:
    """A loaded, validated wizard. ``questions``/``outcomes`` keep definition order."""

    slug: str
    title: Text
    description: Text
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    position: int | None = None
    source: str = ""

    @property
    def aliases(self) -> dict[str, str]:
        """Alias key -> the question id it stands for."""
        return {q.alias: q.id for q in self.questions.values() if q.alias is not None}


@dataclass(frozen=True, slots=True)
class PathItem:
    """One answered question on the path, with its normalized value.

    When a number was given through the question's alias (a date-time), ``value`` holds
    the hours computed from it, ``alias`` the key used and ``given`` the date-time itself,
    so links can repeat the date-time (and the hours keep counting) instead of freezing
    the hours at the moment the link was built.
    """

    question_id: str
    value: AnswerValue
    alias: str | None = None
    given: datetime | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The help message window, relative to the last answer (hours are inclusive).

    ``opens_at``/``closes_at`` come from ``last_answer_at`` when the date-time was
    given (``from_datetime``), otherwise from ``now - hours_since``. They are None only
    when the hours are too large to place on a calendar (thousands of years).
    """

    hours_since: float
    opens_in_hours: float
    closes_in_hours: float
    last_answer_at: datetime | None
    opens_at: datetime | None
    closes_at: datetime | None
    from_datetime: bool
    opens_after_hours: float
    closes_after_hours: float

    @property
    def is_open(self) -> bool:
        # Compare the exact hours: the rounded *_in_hours fields are for display only.
        return self.opens_after_hours <= self.hours_since <= self.closes_after_hours


@dataclass(frozen=True, slots=True)
class Step:
    """Not finished yet: ``question`` is the next one to ask."""

    complete: ClassVar[bool] = False

    question: Question
    path: tuple[PathItem, ...]
    window: Window | None = None

    @property
    def last_answer_at(self) -> datetime | None:
        return _given_at(self.path)


@dataclass(frozen=True, slots=True)
class Finished:
    """The path reached ``outcome``; ``window`` is set whenever the hours were known."""

    complete: ClassVar[bool] = True

    outcome: Outcome
    path: tuple[PathItem, ...]
    window: Window | None = None

    @property
    def last_answer_at(self) -> datetime | None:
        return _given_at(self.path)


def _given_at(path: tuple[PathItem, ...]) -> datetime | None:
    return next((item.given for item in path if item.given is not None), None)


# --------------------------------------------------------------------------- errors


class DefinitionError(ValueError):
    """A wizard definition file is invalid; raised while loading, never at run time."""

    def __init__(self, file: str | Path, message: str) -> None:
        self.file = str(file)
        self.message = message
        super().__init__(f"{self.file}: {message}")


_MESSAGES: Final[dict[str, str]] = {
    "unknown": "{field!r} is not a question of this wizard",
    "not_a_choice": "{field!r} must be one of: {choices} (got {value})",
    "not_yes_no": "{field!r} must be yes or no (got {value})",
    "not_a_number": "{field!r} must be a number such as 24 or 24.5 (got {value})",
    "negative": "{field!r} cannot be negative (got {value})",
    "not_a_datetime": (
        "{field!r} must be an ISO 8601 date-time such as 2026-11-20T10:00:00+01:00 (got {value})"
    ),
    "no_offset": "{field!r} needs a UTC offset such as +01:00 or Z (got {value})",
    "in_future": "{field!r} lies in the future (got {value})",
    "too_old": (
        "{field!r} is implausibly old: give a date-time after {min_year}"
        " and within the last {max_years} years (got {value})"
    ),
    "both_given": "give either {field!r} or {other!r}, not both",
}


class AnswerError(ValueError):
    """An answer the engine cannot use.

    ``code`` is the API error code, ``field`` the offending key, ``reason`` the message
    key and ``params`` its parameters, so the web layer can translate the message;
    ``str()`` is a plain English version for logs and the default language.
    """

    def __init__(
        self, code: ErrorCode, field: str, reason: Reason, **params: str | int | float
    ) -> None:
        self.code: ErrorCode = code
        self.field = field
        self.reason: Reason = reason
        self.params: dict[str, str | int | float] = params
        super().__init__(_MESSAGES[reason].format(field=field, **params))

    @property
    def message_key(self) -> str:
        return f"{self.code}.{self.reason}"


def _show(value: object) -> str:
    # Echo the bad value for the reader, but never a whole pasted essay.
    shown = value if isinstance(value, str) else repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


# --------------------------------------------------------------------------- loading


_WIZARD_KEYS: Final = frozenset(
    {"slug", "position", "title", "description", "start", "questions", "outcomes"}
)
_QUESTION_KEYS: Final = frozenset(
    {"id", "kind", "prompt", "hint", "choices", "yes", "no", "branches", "alias"}
)
_CHOICE_KEYS: Final = frozenset({"value", "label", "next"})
_BRANCH_KEYS: Final = frozenset({"below", "above", "next"})
_OUTCOME_KEYS: Final = frozenset(
    {
        "id",
        "allowed",
        "report",
        "rules",
        "urgent",
        "title",
        "explanation",
        "warnings",
        "steps",
        "tips",
        "donts",
        "sample",
    }
)
_TEXT_LISTS: Final = ("warnings", "steps", "tips", "donts")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys.

    Plain PyYAML keeps the last of two equal keys, so a second `next:` or `es:` would
    silently replace the first; in a decision tree that is a wrong answer, not a typo.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool | None):
                continue  # unhashable keys: the base class reports those itself
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Parser:
    """Turns the raw YAML into model objects, failing with the location of a problem."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, where: str, message: str) -> DefinitionError:
        return DefinitionError(self.file, f"{where}: {message}" if where else message)

    def mapping(self, raw: object, where: str, allowed: frozenset[str]) -> dict[str, object]:
        if not isinstance(raw, dict):
            raise self.fail(where, "expected a mapping")
        result: dict[str, object] = {}
        for key, value in raw.items():
            # YAML 1.1 (PyYAML) reads an unquoted `yes:`/`no:` key as a boolean.
            name = {True: "yes", False: "no"}.get(key, key) if isinstance(key, bool) else key
            if not isinstance(name, str) or name not in allowed:
                raise self.fail(
                    where, f"unknown key {name!r} (allowed: {', '.join(sorted(allowed))})"
                )
            result[name] = value
        return result

    def required(self, data: dict[str, object], key: str, where: str) -> object:
        if data.get(key) is None:
            raise self.fail(where, f"missing {key!r}")
        return data[key]

    def ident(self, raw: object, where: str) -> str:
        if not isinstance(raw, str) or not _ID.fullmatch(raw):
            raise self.fail(where, f"{raw!r} is not an id (lowercase words joined by '-')")
        return raw

    def text(self, raw: object, where: str) -> Text:
        if not isinstance(raw, dict):
            raise self.fail(where, f"expected a text in {', '.join(LANGUAGES)}")
        unknown = sorted(str(key) for key in raw if key not in LANGUAGES)
        if unknown:
            raise self.fail(where, f"unknown language {', '.join(unknown)}")
        result: dict[str, str] = {}
        for lang in LANGUAGES:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(where, f"missing {lang!r} text")
            result[lang] = value.strip()
        return result

    def optional_text(self, raw: object, where: str) -> Text | None:
        return None if raw is None else self.text(raw, where)

    def texts(self, raw: object, where: str) -> tuple[Text, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "expected a non-empty list of texts")
        return tuple(self.text(item, f"{where}[{i}]") for i, item in enumerate(raw))

    def target(self, raw: object, where: str) -> str:
        if not isinstance(raw, str) or not _TARGET.fullmatch(raw):
            raise self.fail(where, f"{raw!r} is not a target ('question:<id>' or 'outcome:<id>')")
        return raw

    def bound(self, raw: object, where: str) -> float | None:
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise self.fail(where, f"{raw!r} is not a finite number")
        return float(raw)

    def items(self, raw: object, where: str) -> list[object]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "expected a non-empty list")
        return raw

    def wizard(self, raw: object) -> Wizard:
        data = self.mapping(raw, "", _WIZARD_KEYS)
        slug = self.ident(self.required(data, "slug", ""), "slug")
        if slug != self.file.stem:
            raise self.fail("slug", f"{slug!r} must match the file name {self.file.name!r}")
        position = data.get("position")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
            raise self.fail("position", f"{position!r} is not an integer")

        questions: dict[str, Question] = {}
        for i, item in enumerate(self.items(self.required(data, "questions", ""), "questions")):
            question = self.question(item, f"questions[{i}]")
            if question.id in questions:
                raise self.fail(f"questions[{i}]", f"duplicate question id {question.id!r}")
            questions[question.id] = question

        outcomes: dict[str, Outcome] = {}
        for i, item in enumerate(self.items(self.required(data, "outcomes", ""), "outcomes")):
            outcome = self.outcome(item, f"outcomes[{i}]")
            if outcome.id in outcomes:
                raise self.fail(f"outcomes[{i}]", f"duplicate outcome id {outcome.id!r}")
            outcomes[outcome.id] = outcome

        return Wizard(
            slug=slug,
            title=self.text(self.required(data, "title", ""), "title"),
            description=self.text(self.required(data, "description", ""), "description"),
            start=self.ident(self.required(data, "start", ""), "start"),
            questions=questions,
            outcomes=outcomes,
            position=position,
            source=str(self.file),
        )

    def question(self, raw: object, where: str) -> Question:
        data = self.mapping(raw, where, _QUESTION_KEYS)
        qid = self.ident(self.required(data, "id", where), f"{where}.id")
        where = f"{where} ({qid})"
        kind = self.required(data, "kind", where)
        if kind not in KINDS:
            raise self.fail(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        # Each kind has exactly its own branches: a stray key would be silently ignored
        # by evaluate(), which is how a decision tree quietly goes wrong.
        own = {"choice": {"choices"}, "yes-no": {"yes", "no"}, "number": {"branches", "alias"}}
        for key in ("choices", "yes", "no", "branches", "alias"):
            if key in data and key not in own[kind]:
                raise self.fail(where, f"a {kind} question takes no {key!r}")
        prompt = self.text(self.required(data, "prompt", where), f"{where}.prompt")
        hint = self.optional_text(data.get("hint"), f"{where}.hint")

        if kind == "choice":
            choices: list[Choice] = []
            raw_choices = self.items(self.required(data, "choices", where), f"{where}.choices")
            for i, item in enumerate(raw_choices):
                spot = f"{where}.choices[{i}]"
                cdata = self.mapping(item, spot, _CHOICE_KEYS)
                value = self.ident(self.required(cdata, "value", spot), f"{spot}.value")
                if any(choice.value == value for choice in choices):
                    raise self.fail(spot, f"duplicate choice value {value!r}")
                label = self.text(self.required(cdata, "label", spot), f"{spot}.label")
                target = self.target(self.required(cdata, "next", spot), f"{spot}.next")
                choices.append(Choice(value, label, target))
            return Question(qid, "choice", prompt, hint, choices=tuple(choices))

        if kind == "yes-no":
            yes = self.target(self.required(data, "yes", where), f"{where}.yes")
            no = self.target(self.required(data, "no", where), f"{where}.no")
            return Question(qid, "yes-no", prompt, hint, yes=yes, no=no)

        branches: list[Branch] = []
        raw_branches = self.items(self.required(data, "branches", where), f"{where}.branches")
        for i, item in enumerate(raw_branches):
            spot = f"{where}.branches[{i}]"
            bdata = self.mapping(item, spot, _BRANCH_KEYS)
            below = self.bound(bdata.get("below"), f"{spot}.below")
            above = self.bound(bdata.get("above"), f"{spot}.above")
            if below is not None and above is not None:
                raise self.fail(spot, "a branch takes 'below' or 'above', not both")
            is_last = i == len(raw_branches) - 1
            if (below is None and above is None) != is_last:
                raise self.fail(spot, "only the last branch, and always it, has no bound")
            target = self.target(self.required(bdata, "next", spot), f"{spot}.next")
            branches.append(Branch(target, below, above))
        alias = data.get("alias")
        if alias is not None:
            alias = self.ident(alias, f"{where}.alias")
        return Question(qid, "number", prompt, hint, branches=tuple(branches), alias=alias)

    def outcome(self, raw: object, where: str) -> Outcome:
        data = self.mapping(raw, where, _OUTCOME_KEYS)
        oid = self.ident(self.required(data, "id", where), f"{where}.id")
        where = f"{where} ({oid})"
        allowed = data.get("allowed")
        if allowed is not None and not isinstance(allowed, bool):
            raise self.fail(f"{where}.allowed", "expected true, false or null")
        urgent = data.get("urgent", False)
        if not isinstance(urgent, bool):
            raise self.fail(f"{where}.urgent", "expected true or false")
        report = data.get("report")
        if report is not None:
            report = self.ident(report, f"{where}.report")
        rules = self.items(self.required(data, "rules", where), f"{where}.rules")
        for rule in rules:
            if not isinstance(rule, str) or not _RULE.fullmatch(rule):
                raise self.fail(f"{where}.rules", f"{rule!r} is not a rule id such as HELP-2")
        if len(set(rules)) != len(rules):
            raise self.fail(f"{where}.rules", "a rule is listed twice")
        lists = {key: self.texts(data.get(key), f"{where}.{key}") for key in _TEXT_LISTS}
        return Outcome(
            id=oid,
            allowed=allowed,
            report=report,
            rules=tuple(str(rule) for rule in rules),
            urgent=urgent,
            title=self.text(self.required(data, "title", where), f"{where}.title"),
            explanation=self.text(
                self.required(data, "explanation", where), f"{where}.explanation"
            ),
            warnings=lists["warnings"],
            steps=lists["steps"],
            tips=lists["tips"],
            donts=lists["donts"],
            sample=self.optional_text(data.get("sample"), f"{where}.sample"),
        )


def _check_graph(wizard: Wizard, fail: _Parser) -> None:
    """Targets exist, the tree has no cycle, and every question and outcome is reachable."""
    if wizard.start not in wizard.questions:
        raise fail.fail("start", f"unknown question {wizard.start!r}")
    for question in wizard.questions.values():
        for target in question.targets():
            kind, ident = split_target(target)
            known = wizard.questions if kind == QUESTION else wizard.outcomes
            if ident not in known:
                raise fail.fail(f"question {question.id!r}", f"unknown target {target!r}")

    aliases: set[str] = set()
    for question in wizard.questions.values():
        if question.alias is None:
            continue
        if question.alias in wizard.questions or question.alias in aliases:
            raise fail.fail(f"question {question.id!r}", f"alias {question.alias!r} is taken")
        aliases.add(question.alias)

    # Depth-first walk with the classic three colours: meeting a question that is still
    # on the stack means a cycle, which would make evaluate() ask forever.
    on_stack: set[str] = set()
    done: set[str] = set()

    def visit(qid: str) -> None:
        on_stack.add(qid)
        for target in wizard.questions[qid].targets():
            kind, ident = split_target(target)
            if kind != QUESTION:
                continue
            if ident in on_stack:
                raise fail.fail(f"question {qid!r}", f"cycle back to question {ident!r}")
            if ident not in done:
                visit(ident)
        on_stack.discard(qid)
        done.add(qid)

    visit(wizard.start)
    unreachable = [qid for qid in wizard.questions if qid not in done]
    if unreachable:
        raise fail.fail("questions", f"unreachable question(s): {', '.join(unreachable)}")
    reached = set(reachable_outcomes(wizard))
    missing = [oid for oid in wizard.outcomes if oid not in reached]
    if missing:
        raise fail.fail("outcomes", f"unreachable outcome(s): {', '.join(missing)}")


def load_wizard(path: str | Path, *, reports: Collection[str] | None = None) -> Wizard:
    """Load and validate one wizard file; ``reports``, if given, are the known report ids.

    Raises DefinitionError for invalid YAML, unknown keys, missing texts in any of
    LANGUAGES, duplicate ids, kinds without their branches, unknown targets, cycles,
    unreachable questions or outcomes, and (with ``reports``) unknown report ids.
    """
    file = Path(path)
    parser = _Parser(file)
    try:
        # _UniqueKeyLoader is a SafeLoader: no arbitrary Python objects from content files.
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise DefinitionError(file, f"invalid YAML: {exc}") from exc
    wizard = parser.wizard(raw)
    _check_graph(wizard, parser)
    if reports is not None:
        for outcome in wizard.outcomes.values():
            if outcome.report is not None and outcome.report not in reports:
                raise parser.fail(f"outcome {outcome.id!r}", f"unknown report {outcome.report!r}")
    return wizard


def load_wizards(
    directory: str | Path, *, reports: Collection[str] | None = None
) -> dict[str, Wizard]:
    """Load every ``*.yaml`` wizard in ``directory``, keyed by slug.

    Ordered by ``position`` (wizards without one come last), then by file name, so the
    home page lists them in a stable, editable order.
    """
    wizards = [
        load_wizard(file, reports=reports) for file in sorted(Path(directory).glob("*.yaml"))
    ]
    wizards.sort(key=lambda w: (w.position is None, w.position or 0, Path(w.source).name))
    return {wizard.slug: wizard for wizard in wizards}


def reachable_outcomes(wizard: Wizard) -> tuple[str, ...]:
    """Outcome ids reachable from the start, depth first along the listed choices.

    A loaded wizard reaches all of its outcomes (load_wizard checks it); checkers use
    this to compare a wizard with its contract without trusting the loader.
    """
    found: dict[str, None] = {}  # an ordered set
    seen: set[str] = set()

    def walk(qid: str) -> None:
        if qid in seen or qid not in wizard.questions:
            return
        seen.add(qid)
        for target in wizard.questions[qid].targets():
            kind, ident = split_target(target)
            if kind == QUESTION:
                walk(ident)
            elif ident in wizard.outcomes:
                found.setdefault(ident)

    walk(wizard.start)
    return tuple(found)


def all_rule_ids(wizard: Wizard) -> tuple[str, ...]:
    """Every rule id the wizard's outcomes cite, each once, in order of first citation."""
    return tuple(dict.fromkeys(rule for o in wizard.outcomes.values() for rule in o.rules))


def iter_texts(wizard: Wizard) -> Iterator[tuple[str, Text]]:
    """Every translated text of the wizard with a readable location, for checkers."""
    yield "title", wizard.title
    yield "description", wizard.description
    for q in wizard.questions.values():
        yield f"{q.id}.prompt", q.prompt
        if q.hint is not None:
            yield f"{q.id}.hint", q.hint
        for choice in q.choices:
            yield f"{q.id}.{choice.value}.label", choice.label
    for o in wizard.outcomes.values():
        yield f"{o.id}.title", o.title
        yield f"{o.id}.explanation", o.explanation
        for key in _TEXT_LISTS:
            for i, item in enumerate(getattr(o, key)):
                yield f"{o.id}.{key}[{i}]", item
        if o.sample is not None:
            yield f"{o.id}.sample", o.sample


# --------------------------------------------------------------------------- evaluating


def _is_blank(value: object) -> bool:
    # An HTML form submits an untouched field as "", and a JSON client may send null:
    # both mean "not answered yet", not "answered with nothing".
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_choice(question: Question, value: object) -> str:
    if isinstance(value, str) and value.strip() in question.values:
        return value.strip()
    raise AnswerError(
        "invalid_answer",
        question.id,
        "not_a_choice",
        value=_show(value),
        choices=", ".join(question.values),
    )


def _parse_yes_no(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("yes", "no"):
            return word == "yes"
    raise AnswerError("invalid_answer", field, "not_yes_no", value=_show(value))


def _parse_number(field: str, value: object) -> float:
    number: float
    # bool is an int subclass: without this check JSON `true` would mean "1 hour".
    if isinstance(value, bool):
        raise AnswerError("invalid_answer", field, "not_a_number", value=_show(value))
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int beyond float range
            raise AnswerError("invalid_answer", field, "not_a_number", value=_show(value)) from None
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        raise AnswerError("invalid_answer", field, "not_a_number", value=_show(value))
    if not math.isfinite(number):
        raise AnswerError("invalid_answer", field, "not_a_number", value=_show(value))
    if number < 0:
        raise AnswerError("invalid_answer", field, "negative", value=_show(value))
    return number + 0.0  # turns -0.0 into 0.0


def _parse_datetime(field: str, value: object, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise AnswerError("invalid_answer", field, "not_a_datetime", value=_show(value))
    candidate = value.strip().upper()
    repaired = _SPACE_FOR_PLUS.fullmatch(candidate)
    if repaired is not None:
        candidate = f"{repaired[1]}+{repaired[2]}"
    try:
        if not _DATE_TIME.fullmatch(candidate):
            raise ValueError(candidate)
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise AnswerError("invalid_answer", field, "not_a_datetime", value=_show(value)) from None
    # Without an offset "10:00" is ambiguous by up to a day, which is exactly the
    # precision the 24-hour window needs: refuse to guess the reader's time zone.
    if moment.utcoffset() is None:
        raise AnswerError("invalid_answer", field, "no_offset", value=_show(value))
    if moment > now:
        raise AnswerError("invalid_answer", field, "in_future", value=_show(value))
    if moment.year < MIN_YEAR or now - moment > MAX_AGE:
        raise AnswerError(
            "invalid_answer",
            field,
            "too_old",
            value=_show(value),
            min_year=MIN_YEAR,
            max_years=MAX_AGE.days // 365,
        )
    return moment


def _read(question: Question, answers: Mapping[str, object], now: datetime) -> PathItem | None:
    """The normalized answer to ``question``, or None when it is not answered yet."""
    raw = answers.get(question.id)
    if question.kind == "choice":
        return None if _is_blank(raw) else PathItem(question.id, _parse_choice(question, raw))
    if question.kind == "yes-no":
        return None if _is_blank(raw) else PathItem(question.id, _parse_yes_no(question.id, raw))

    via_alias = answers.get(question.alias) if question.alias is not None else None
    if question.alias is not None and not _is_blank(via_alias):
        if not _is_blank(raw):
            raise AnswerError("invalid_answer", question.alias, "both_given", other=question.id)
        moment = _parse_datetime(question.alias, via_alias, now)
        hours = (now - moment).total_seconds() / 3600
        return PathItem(question.id, hours, alias=question.alias, given=moment)
    if _is_blank(raw):
        return None
    return PathItem(question.id, _parse_number(question.id, raw))


def _shift(moment: datetime, hours: float) -> datetime | None:
    try:
        return moment + timedelta(hours=hours)
    except OverflowError:  # absurd but valid numbers of hours fall off the calendar
        return None


def _window(question: Question, item: PathItem, now: datetime) -> Window | None:
    # The window is what the number's branches leave in the middle: it opens at the
    # largest `below` bound and closes at the smallest `above` bound. Only a question
    # that counts time since a moment (it has an alias) describes such a window.
    opens = max((b.below for b in question.branches if b.below is not None), default=None)
    closes = min((b.above for b in question.branches if b.above is not None), default=None)
    if question.alias is None or opens is None or closes is None:
        return None
    hours = float(item.value)
    anchor = item.given if item.given is not None else _shift(now, -hours)
    return Window(
        hours_since=hours,
        opens_in_hours=round(max(0.0, opens - hours), 2),
        closes_in_hours=round(closes - hours, 2),
        last_answer_at=item.given,
        opens_at=None if anchor is None else _shift(anchor, opens),
        closes_at=None if anchor is None else _shift(anchor, closes),
        from_datetime=item.given is not None,
        opens_after_hours=opens,
        closes_after_hours=closes,
    )


def evaluate(wizard: Wizard, answers: Mapping[str, object], *, now: datetime) -> Step | Finished:
    """Walk the wizard from its start question with ``answers``.

    ``answers`` may come from JSON (bool / str / int or float) or from a query string
    (all str: "yes"/"no", "24.5", an ISO 8601 date-time). Returns the first unanswered
    question as a :class:`Step`, or the :class:`Finished` outcome. Answers to questions
    the path does not reach are ignored (not even validated), so changing an early
    answer never trips over stale later ones. ``now`` must be timezone-aware.

    Raises AnswerError: ``unknown_question`` for a key that is neither a question nor an
    alias of this wizard, ``invalid_answer`` for a value the reached question cannot use.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    aliases = wizard.aliases
    for key in answers:
        if key not in wizard.questions and key not in aliases:
            raise AnswerError("unknown_question", str(key), "unknown")

    path: list[PathItem] = []
    window: Window | None = None
    question = wizard.questions[wizard.start]
    # A loaded wizard is acyclic, so each question comes up at most once; the bound
    # only protects against a hand-built Wizard that skipped load_wizard().
    for _ in range(len(wizard.questions)):
        item = _read(question, answers, now)
        if item is None:
            return Step(question, tuple(path), window)
        path.append(item)
        if question.kind == "number":
            window = _window(question, item, now) or window
        kind, ident = split_target(question.target_for(item.value))
        if kind == OUTCOME:
            return Finished(wizard.outcomes[ident], tuple(path), window)
        question = wizard.questions[ident]
    raise DefinitionError(wizard.source, "the questions form a cycle")


# --------------------------------------------------------------------------- links


def format_answer(value: AnswerValue) -> str:
    """An answer as a query-string value: "yes"/"no", "24" (not "24.0"), "24.5"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):  # an int is a valid float answer (JSON `24`)
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Positional notation, because evaluate() refuses "1e-05" like any exponent.
        return format(Decimal(repr(value)), "f")
    return value


def answers_for_path(
    path: tuple[PathItem, ...] | list[PathItem], until: str | None = None
) -> dict[str, str]:
    """Query-string answers that replay ``path``, stopping before question ``until``.

    The HTML layer builds "change this answer" links with ``until`` set to the question
    to change. A number given as a date-time is replayed as that date-time (under its
    alias), so the hours are counted again when the link is followed.
    """
    result: dict[str, str] = {}
    for item in path:
        if item.question_id == until:
            break
        if item.alias is not None and item.given is not None:
            result[item.alias] = item.given.isoformat()
        else:
            result[item.question_id] = format_answer(item.value)
    return result
