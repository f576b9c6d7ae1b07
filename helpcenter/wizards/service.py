"""Wizards as the help center uses them: loading, evaluating, citing sources, counting use.

Shared by the HTML pages (views.py) and the JSON API (api/), so both reach the same
outcome with the same sources from the same answers. No Flask request objects here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpcenter.articles.service import rule_sources
from helpcenter.content.glossary import load_glossary
from helpcenter.models import WizardUsage
from helpcenter.models.counters import increment
from helpcenter.wizards.engine import (
    AnswerError,
    Finished,
    Outcome,
    Step,
    Wizard,
    evaluate,
    load_wizards,
)

# Where each wizard is offered inside the articles: before the heading of these rules.
CALLOUT_RULES: dict[str, tuple[str, ...]] = {
    "which-report": ("REP-0",),
    "follow-up-message": ("RATE-2", "HELP-1"),
}
LOCAL_DATETIME_FIELD = "last-answer-local"
TIMEZONE_FIELD = "tz"


@dataclass(frozen=True)
class Source:
    """A rule an outcome rests on, and the article heading that states it."""

    rule: str
    title: str
    article_title: str
    url: str


@lru_cache(maxsize=4)
def _load(content_dir: str) -> dict[str, Wizard]:
    reports = load_glossary(content_dir)["reports"]
    return load_wizards(Path(content_dir) / "wizards", reports=reports)


def all_wizards(content_dir: str) -> dict[str, Wizard]:
    """Every wizard, in display order; definitions are read once per process."""
    return _load(content_dir)


def find_wizard(content_dir: str, slug: str) -> Wizard | None:
    return _load(content_dir).get(slug)


def run(
    wizard: Wizard, answers: Mapping[str, object], now: datetime | None = None
) -> Step | Finished:
    """Evaluate `answers`; raises AnswerError for an unknown question or an invalid value."""
    return evaluate(wizard, answers, now=now or datetime.now(UTC))


def sources_for(
    session: Session,
    outcome: Outcome,
    lang: str,
    article_url: Callable[[str, str], str],
) -> list[Source]:
    """The headings (in `lang`) that state each rule of the outcome, in the outcome's order."""
    known = rule_sources(session, lang)
    return [
        Source(rule, src.heading, src.article_title, article_url(src.article_slug, src.anchor))
        for rule in outcome.rules
        if (src := known.get(rule)) is not None
    ]


def callouts_for_article(rules: Mapping[str, str], content_dir: str) -> list[tuple[str, Wizard]]:
    """(heading anchor, wizard) pairs: where this article offers a wizard, from its rule map."""
    wizards = all_wizards(content_dir)
    placed: list[tuple[str, Wizard]] = []
    for slug, cited in CALLOUT_RULES.items():
        for rule in cited:
            if rule in rules and slug in wizards:
                placed.append((rules[rule], wizards[slug]))
    return placed


def record_usage(
    session: Session, wizard: str, outcome: str, lang: str, day: date | None = None
) -> None:
    """Count one completed wizard: day, wizard, outcome and language; nothing about the person."""
    day = day or datetime.now(UTC).date()
    increment(
        session, WizardUsage, {"day": day, "wizard": wizard, "outcome": outcome, "locale": lang}
    )


@dataclass(frozen=True)
class UsageRow:
    wizard: str
    outcome: str
    total: int
    by_language: dict[str, int]


def usage_summary(session: Session, days: int = 30) -> list[UsageRow]:
    """Completed wizards per outcome over the last `days` days, most frequent first."""
    since = datetime.now(UTC).date() - timedelta(days=days)
    rows = session.execute(
        select(
            WizardUsage.wizard, WizardUsage.outcome, WizardUsage.locale, func.sum(WizardUsage.count)
        )
        .where(WizardUsage.day >= since)
        .group_by(WizardUsage.wizard, WizardUsage.outcome, WizardUsage.locale)
    ).all()
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for wizard, outcome, locale, count in rows:
        grouped.setdefault((wizard, outcome), {})[locale] = int(count)
    summary = [UsageRow(w, o, sum(c.values()), c) for (w, o), c in grouped.items()]
    return sorted(summary, key=lambda row: (-row.total, row.wizard, row.outcome))


def local_to_aware(local: str, tz_name: str | None, default_tz: str) -> datetime:
    """A datetime-local value ("2026-11-20T14:30") read in the reader's time zone.

    Raises AnswerError (invalid_answer on last-answer-at) for text that is no date-time.
    """
    zone = zone_or_default(tz_name, default_tz)
    try:
        naive = datetime.fromisoformat(local.strip())
    except ValueError as error:
        raise AnswerError(
            "invalid_answer", "last-answer-at", "not_a_datetime", value=local[:40]
        ) from error
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone)


def zone_or_default(tz_name: str | None, default_tz: str) -> ZoneInfo:
    """The reader's zone by IANA name; an unknown or tampered name falls back to the default."""
    try:
        return ZoneInfo(tz_name) if tz_name else ZoneInfo(default_tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default_tz)


REMINDER_HOURS = (24, 48, 72, 168)


@dataclass(frozen=True)
class Timeline:
    """Positions (0..100 %) for the help-message timeline; the same facts as text too."""

    span_hours: float
    now_hours: float
    window_start: float
    window_end: float
    reminders: tuple[float, ...]

    def x(self, hours: float) -> float:
        return round(min(max(hours, 0), self.span_hours) / self.span_hours * 100, 2)


def timeline_for(hours_since: float) -> Timeline:
    span = max(192.0, min(hours_since * 1.1, 400.0))
    return Timeline(span, hours_since, 24, 168, tuple(float(h) for h in REMINDER_HOURS))


def moment(base: datetime, hours: float) -> datetime:
    return base + timedelta(hours=hours)
