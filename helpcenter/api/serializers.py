"""Wizard results as the public JSON contract (WIZARDS.md) describes them."""

from __future__ import annotations

from typing import Any

from helpcenter.wizards.engine import Finished, Question, Step, Window, Wizard, text
from helpcenter.wizards.service import Source


def question_json(question: Question, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind,
        "prompt": text(question.prompt, lang),
    }
    if question.hint:
        data["hint"] = text(question.hint, lang)
    if question.kind == "choice":
        data["choices"] = [
            {"value": c.value, "label": text(c.label, lang)} for c in question.choices
        ]
    elif question.kind == "yes-no":
        data["choices"] = [
            {"value": True, "label": _yes_no(True, lang)},
            {"value": False, "label": _yes_no(False, lang)},
        ]
    else:
        data["minimum"] = 0
        if question.alias:
            data["alias"] = question.alias
    return data


def _yes_no(value: bool, lang: str) -> str:
    from flask_babel import gettext as _

    return _("Yes") if value else _("No")


def window_json(window: Window) -> dict[str, Any]:
    data: dict[str, Any] = {
        "opens_in_hours": window.opens_in_hours,
        "closes_in_hours": window.closes_in_hours,
    }
    if window.from_datetime and window.opens_at and window.closes_at:
        data["opens_at"] = window.opens_at.isoformat()
        data["closes_at"] = window.closes_at.isoformat()
    return data


def wizard_json(
    wizard: Wizard, lang: str, url: str, report_labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "slug": wizard.slug,
        "title": text(wizard.title, lang),
        "description": text(wizard.description, lang),
        "url": url,
        "start": wizard.start,
        "questions": [question_json(q, lang) for q in wizard.questions.values()],
        "outcomes": [
            {
                "id": o.id,
                "allowed": o.allowed,
                "report": o.report,
                "report_label": report_labels.get(o.report) if o.report else None,
                "urgent": o.urgent,
                "title": text(o.title, lang),
                "rules": list(o.rules),
            }
            for o in wizard.outcomes.values()
        ],
    }


def result_json(
    result: Step | Finished, lang: str, sources: list[Source], report_label: str | None
) -> dict[str, Any]:
    path = [{"question": item.question_id, "answer": item.value} for item in result.path]
    if isinstance(result, Step):
        return {"complete": False, "next": question_json(result.question, lang), "path": path}
    outcome = result.outcome
    data: dict[str, Any] = {
        "id": outcome.id,
        "allowed": outcome.allowed,
        "report": outcome.report,
        "report_label": report_label,
        "urgent": outcome.urgent,
        "title": text(outcome.title, lang),
        "explanation": text(outcome.explanation, lang),
        "rules": list(outcome.rules),
        "sources": [{"rule": s.rule, "title": s.title, "url": s.url} for s in sources],
    }
    for name in ("warnings", "steps", "tips", "donts"):
        items = getattr(outcome, name)
        if items:
            data[name] = [text(item, lang) for item in items]
    if outcome.sample:
        data["sample"] = text(outcome.sample, lang)
    if result.window is not None:
        data["window"] = window_json(result.window)
    return {"complete": True, "outcome": data, "path": path}
