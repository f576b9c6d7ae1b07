"""JSON endpoints: the wizards, evaluated by the same engine and service as the pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from helpcenter.api import serializers
from helpcenter.content.glossary import load_glossary
from helpcenter.extensions import csrf, db
from helpcenter.i18n import LANGUAGES, header_language
from helpcenter.wizards import service
from helpcenter.wizards.engine import AnswerError, Finished, Wizard
from helpcenter.wizards.messages import error_message
from helpcenter.wizards.presenter import article_url_builder

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API takes JSON without cookies-based sessions; CSRF protects cookie-authenticated forms.
csrf.exempt(bp)

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


def _error(status: int, code: str, message: str, field: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return jsonify(error=body), status


def _content_dir() -> str:
    return str(current_app.config["CONTENT_DIR"])


def _report_labels(lang: str) -> dict[str, str]:
    return {rid: labels[lang] for rid, labels in load_glossary(_content_dir())["reports"].items()}


def _wizard_or_404(slug: str, lang: str) -> Wizard | tuple[Response, int]:
    wizard = service.find_wizard(_content_dir(), slug)
    if wizard is None:
        with force_locale(lang):
            return _error(
                404, "unknown_wizard", _('There is no wizard "%(slug)s".', slug=slug[:80])
            )
    return wizard


@bp.get("/wizards")
def list_wizards() -> Response:
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else header_language()
    with force_locale(lang):
        wizards = [
            {
                "slug": w.slug,
                "title": w.title[lang],
                "url": url_for("wizards.wizard", lang=lang, slug=w.slug, _external=True),
            }
            for w in service.all_wizards(_content_dir()).values()
        ]
    response = jsonify(wizards=wizards)
    response.vary.add("Accept-Language")
    return response


@bp.get("/wizards/<slug>")
def describe_wizard(slug: str) -> Response | tuple[Response, int]:
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else header_language()
    found = _wizard_or_404(slug, lang)
    if not isinstance(found, Wizard):
        return found
    with force_locale(lang):
        url = url_for("wizards.wizard", lang=lang, slug=found.slug, _external=True)
        response = jsonify(serializers.wizard_json(found, lang, url, _report_labels(lang)))
    response.vary.add("Accept-Language")
    return response


@bp.post("/wizards/<slug>/evaluate")
def evaluate_wizard(slug: str) -> Response | tuple[Response, int]:
    body = request.get_json(silent=True, force=True)
    lang = header_language()
    if isinstance(body, dict) and "lang" in body:
        if body["lang"] not in LANGUAGES:
            with force_locale(lang):
                return _error(
                    400,
                    "invalid_body",
                    _('"lang" must be one of: %(languages)s.', languages=", ".join(LANGUAGES)),
                    "lang",
                )
        lang = body["lang"]
    found = _wizard_or_404(slug, lang)
    if not isinstance(found, Wizard):
        return found
    with force_locale(lang):
        if not isinstance(body, dict):
            return _error(400, "invalid_body", _("The request body must be a JSON object."))
        answers = body.get("answers", {})
        if not isinstance(answers, dict):
            return _error(400, "invalid_body", _('"answers" must be a JSON object.'), "answers")
        try:
            result = service.run(found, answers)
        except AnswerError as error:
            return _error(400, error.code, error_message(error, found, lang), error.field)
        sources: list[service.Source] = []
        label = None
        if isinstance(result, Finished):
            sources = service.sources_for(
                db.session, result.outcome, lang, article_url_builder(lang, external=True)
            )
            if result.outcome.report:
                label = _report_labels(lang)[result.outcome.report]
            service.record_usage(db.session, found.slug, result.outcome.id, lang)
        return jsonify(serializers.result_json(result, lang, sources, label))


@bp.get("/openapi.json")
def openapi() -> Response:
    document = json.loads(OPENAPI_FILE.read_text("utf-8"))
    return jsonify(document)


@bp.get("/search")
def search() -> Response | tuple[Response, int]:
    """The same results as the search page: ?q=&lang=&limit= (lang "all" for every language)."""
    from helpcenter.search.service import clean_query, record_miss
    from helpcenter.search.views import run_search

    requested = request.args.get("lang")
    lang = requested if requested in LANGUAGES else header_language()
    everywhere = requested == "all"
    with force_locale(lang):
        if requested not in (None, "", "all", *LANGUAGES):
            # The message is in the Accept-Language language: the error varies with it too.
            response, status = _error(
                400,
                "invalid_parameter",
                _(
                    '"lang" must be one of: %(languages)s.',
                    languages=", ".join((*LANGUAGES, "all")),
                ),
                "lang",
            )
            response.vary.add("Accept-Language")
            return response, status
        try:
            limit = int(request.args.get("limit", 10))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 50:
            response, status = _error(
                400, "invalid_parameter", _('"limit" must be a whole number from 1 to 50.'), "limit"
            )
            response.vary.add("Accept-Language")
            return response, status
        query = clean_query(request.args.get("q"))
        results = run_search(query, lang, everywhere, limit)
        if results is not None and results.total == 0:
            record_miss(db.session, query, lang)
        hits = [] if results is None else results.hits
        response = jsonify(
            query=query,
            lang=None if everywhere else lang,
            total=0 if results is None else results.total,
            suggestion=None if results is None else results.suggestion,
            results=[
                {
                    "kind": hit.kind,
                    "lang": hit.lang,
                    "title": hit.title,
                    "section": hit.section_title or None,
                    "heading": hit.heading,
                    "url": request.host_url.rstrip("/") + hit.url_path,
                    "snippet_html": hit.snippet_html,
                }
                for hit in hits
            ],
        )
    response.vary.add("Accept-Language")
    return response
