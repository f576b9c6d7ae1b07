"""Template helpers shared by every blueprint: page vs htmx fragment, language links."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, make_response, render_template, request, url_for
from flask_babel import format_date
from jinja2_fragments.flask import render_block

from helpcenter.i18n import LANGUAGE_NAMES, LANGUAGES, current_language


def wants_fragment() -> bool:
    """A fragment only for htmx's targeted swaps, never for boosted pages or history restores."""
    hx = request.htmx  # type: ignore[attr-defined]
    return (
        bool(hx)
        and not hx.boosted
        and not hx.history_restore_request
        and (request.headers.get("HX-Request-Type", "partial") == "partial")
    )


def render(template: str, block: str | None = None, status: int = 200, **context: Any) -> Response:
    """The whole page, or only `block` of the same template when htmx asks for a fragment."""
    if block is not None and wants_fragment():
        response = make_response(render_block(template, block, **context), status)
        response.headers["Cache-Control"] = "no-store"
    else:
        response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def set_alternates(urls: dict[str, str]) -> None:
    """URLs of this same page in the other languages (switcher and hreflang links)."""
    g.alternates = urls


def _alternates() -> dict[str, str]:
    if (urls := getattr(g, "alternates", None)) is not None:
        return urls
    endpoint = request.endpoint
    if not endpoint or request.url_rule is None or "lang" not in request.url_rule.arguments:
        return {}
    args = {**(request.view_args or {}), **request.args.to_dict()}
    return {lang: url_for(endpoint, **{**args, "lang": lang}) for lang in LANGUAGES}


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {
            "site_name": current_app.config["SITE_NAME"],
            "lang": current_language(),
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "alternates": _alternates,
        }

    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt)
