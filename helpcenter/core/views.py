from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, redirect, request, url_for
from sqlalchemy import text

from helpcenter.extensions import db
from helpcenter.i18n import LANGUAGE_COOKIE, negotiated_language

bp = Blueprint("core", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def index() -> Response:
    response = redirect(url_for("articles.home", lang=negotiated_language()))
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500 page
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.after_app_request
def remember_language(response: Response) -> Response:
    """The language of the last page read is where / sends the reader next time."""
    lang = getattr(g, "lang", None)
    if lang and request.cookies.get(LANGUAGE_COOKIE) != lang and response.status_code < 400:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response
