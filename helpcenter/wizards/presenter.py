"""What a wizard step or outcome shows, in the reader's language: shared by HTML and JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import format_date, format_decimal, format_time
from flask_babel import gettext as _

from helpcenter.wizards.engine import (
    AnswerValue,
    Finished,
    PathItem,
    Question,
    Step,
    Window,
    Wizard,
    answers_for_path,
    text,
)


@dataclass(frozen=True)
class PathEntry:
    question: Question
    prompt: str
    answer: str
    change_answers: dict[str, str] = field(default_factory=dict)


def answer_label(
    question: Question, value: AnswerValue, lang: str, given: str | None = None
) -> str:
    if question.kind == "choice":
        choice = next((c for c in question.choices if c.value == value), None)
        return text(choice.label, lang) if choice else str(value)
    if question.kind == "yes-no":
        return _("Yes") if value else _("No")
    if given:
        return given
    return _("%(hours)s hours", hours=format_decimal(float(value), "#,##0.##"))


def path_entries(
    wizard: Wizard, path: tuple[PathItem, ...], lang: str, zone: ZoneInfo
) -> list[PathEntry]:
    entries = []
    for item in path:
        question = wizard.questions[item.question_id]
        given = local(item.given, zone)
        entries.append(
            PathEntry(
                question=question,
                prompt=text(question.prompt, lang),
                answer=answer_label(question, item.value, lang, given),
                change_answers=answers_for_path(path, until=item.question_id),
            )
        )
    return entries


def local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """Weekday, date and minute in the reader's zone and language (no seconds: noise here)."""
    if moment is None:
        return None
    moment = moment.astimezone(zone)
    # rebase=False keeps the reader's zone; flask_babel would convert to UTC and the
    # label would name a zone the time is not in.
    day = format_date(moment, "full", rebase=False)
    return f"{day}, {format_time(moment, 'short', rebase=False)} ({zone.key})"


def window_facts(window: Window, zone: ZoneInfo) -> dict[str, str | None]:
    return {"opens_at": local(window.opens_at, zone), "closes_at": local(window.closes_at, zone)}


def announce(result: Step | Finished, wizard: Wizard, lang: str) -> str:
    """What the live region says after htmx swaps in a step or an outcome."""
    if isinstance(result, Finished):
        return _("Result: %(title)s", title=text(result.outcome.title, lang))
    return _("Next question: %(prompt)s", prompt=text(result.question.prompt, lang))


def article_url_builder(lang: str, *, external: bool = False) -> Callable[[str, str], str]:
    """Builds links to an article heading in `lang`: relative for pages, absolute for the API."""

    def build(slug: str, anchor: str) -> str:
        return url_for("articles.article", lang=lang, slug=slug, _anchor=anchor, _external=external)

    return build
