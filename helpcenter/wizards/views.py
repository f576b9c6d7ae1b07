"""HTML wizard pages: every step is a GET with the answers so far in the URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from helpcenter.auth import preferred_timezone
from helpcenter.content.glossary import report_label
from helpcenter.extensions import db
from helpcenter.i18n import current_language
from helpcenter.templating import render
from helpcenter.wizards import presenter, service
from helpcenter.wizards.engine import AnswerError, Finished, Step, Wizard, answers_for_path, text
from helpcenter.wizards.messages import error_message
from helpcenter.wizards.presenter import article_url_builder

bp = Blueprint("wizards", __name__, url_prefix="/<lang:lang>/wizards")

# Query keys the HTML form adds beside the wizard's own answers.
FORM_KEYS = (service.LOCAL_DATETIME_FIELD, service.TIMEZONE_FIELD)
MAX_RETRIES = 10


def _content_dir() -> str:
    return str(current_app.config["CONTENT_DIR"])


def _wizard_or_404(slug: str) -> Wizard:
    wizard = service.find_wizard(_content_dir(), slug)
    if wizard is None:
        abort(404)
    return wizard


def _answers(args: MultiDict[str, str], wizard: Wizard) -> dict[str, str]:
    """The wizard's answers from the query string; a local date-time becomes last-answer-at."""
    known = set(wizard.questions) | set(wizard.aliases)
    answers = {k: v for k, v in args.items() if k in known and v.strip()}
    local = args.get(service.LOCAL_DATETIME_FIELD, "").strip()
    # Only a wizard that asks for the date-time reads the form's local field; and text that
    # is no date-time goes to the engine as it is, which refuses it only when the path
    # reaches that question (answers off the path are ignored, even invalid ones).
    if local and "last-answer-at" in wizard.aliases:
        try:
            aware = service.local_to_aware(
                local, args.get(service.TIMEZONE_FIELD), preferred_timezone()
            )
        except AnswerError:
            answers["last-answer-at"] = local
        else:
            answers["last-answer-at"] = aware.isoformat()
    return answers


def evaluate_for_page(
    wizard: Wizard, args: MultiDict[str, str]
) -> tuple[Step | Finished, AnswerError | None]:
    """Evaluate; on a bad answer, drop it and show the question it belongs to, with the error."""
    first_error: AnswerError | None = None
    answers: dict[str, Any] = _answers(args, wizard)
    # Each round drops one bad answer; a URL has only so many keys.
    for _attempt in range(MAX_RETRIES):
        try:
            return service.run(wizard, answers), first_error
        except AnswerError as error:
            first_error = first_error or error
            answers.pop(error.field, None)
            if error.reason == "both_given":
                answers.pop(str(error.params.get("other", "")), None)
    return service.run(wizard, {}), first_error


@bp.get("/")
def index() -> Response:
    wizards = service.all_wizards(_content_dir())
    return render("wizards/index.html", wizards=list(wizards.values()))


@bp.get("/<slug>")
def wizard(slug: str) -> Response:
    lang = current_language()
    found = _wizard_or_404(slug)
    result, error = evaluate_for_page(found, request.args)
    zone = service.zone_or_default(request.args.get(service.TIMEZONE_FIELD), preferred_timezone())
    context: dict[str, Any] = {
        "wizard": found,
        "result": result,
        "error": error_message(error, found, lang) if error else None,
        "error_field": error.field if error else None,
        "path": presenter.path_entries(found, result.path, lang, zone),
        "carried": answers_for_path(result.path),
        "tz": request.args.get(service.TIMEZONE_FIELD, ""),
        "zone_name": zone.key,
        "announcement": presenter.announce(result, found, lang),
        "title": text(found.title, lang),
        "window": result.window,
        "window_text": presenter.window_facts(result.window, zone) if result.window else None,
    }
    if isinstance(result, Finished):
        outcome = result.outcome
        context["sources"] = service.sources_for(
            db.session, outcome, lang, article_url_builder(lang)
        )
        context["report_label"] = (
            report_label(_content_dir(), outcome.report, lang) if outcome.report else None
        )
        if result.window:
            context["timeline"] = service.timeline_for(result.window.hours_since)
        if error is None:
            service.record_usage(db.session, found.slug, outcome.id, lang)
    return render("wizards/wizard.html", block="wizard", status=400 if error else 200, **context)


def step_url(slug: str, answers: Mapping[str, str], tz: str = "") -> str:
    extra = {service.TIMEZONE_FIELD: tz} if tz else {}
    return url_for("wizards.wizard", slug=slug, **answers, **extra)
