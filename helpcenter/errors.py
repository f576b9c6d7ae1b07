"""Error pages in the reader's language; JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from werkzeug.exceptions import HTTPException, InternalServerError

from helpcenter.i18n import LANGUAGES, negotiated_language


def _error_response(
    error: HTTPException, title: str | None = None, message: str | None = None
) -> Response:
    status = error.code or 500
    if getattr(g, "lang", None) is None:
        # No route matched, so the URL's language was never read: /de/whatever is German.
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in LANGUAGES else negotiated_language()
        refresh()  # Flask-Babel may have cached the locale chosen before g.lang was set
    message = message or _message(status)
    if request.path.startswith("/api/"):
        return make_response(jsonify(error={"code": _api_code(status), "message": message}), status)
    g.alternates = {}
    response = make_response(
        render_template(
            "errors/error.html", status=status, title=title or _title(status), message=message
        ),
        status,
    )
    if request.headers.get("HX-Request"):
        # htmx 4 swaps error responses; a whole error page must never land inside a fragment.
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _api_code(status: int) -> str:
    return {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        status, "server_error" if status >= 500 else "bad_request"
    )


def _title(status: int) -> str:
    titles = {
        400: _("The request could not be understood"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        405: _("This action is not possible here"),
        413: _("What you sent is too large"),
        429: _("Too many requests"),
    }
    return titles.get(status, _("Something went wrong"))


def _message(status: int) -> str:
    messages = {
        403: _(
            "Your account does not have the role this page needs. Ask an administrator if it should."
        ),
        404: _("The page you were looking for does not exist or has moved."),
        413: _("Please send less data at once."),
        429: _("Please wait a moment, then try again."),
    }
    if status >= 500:
        return _("An error on our side stopped this page. It has been logged; please try again.")
    return messages.get(status, _("Please go back and try again."))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _error_response)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("Unhandled error", exc_info=error)
        return _error_response(InternalServerError())
