"""Interface languages and how a request's language is chosen."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.routing import AnyConverter, Map

LANGUAGES: tuple[str, ...] = ("es", "de", "en")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"es": "Español", "de": "Deutsch", "en": "English"}
LANGUAGE_COOKIE = "lang"


def negotiated_language() -> str:
    """Language for a request without one in its URL: the signed-in person's setting, then
    the cookie, then Accept-Language."""
    preferred = getattr(current_user, "locale", None)
    if preferred in LANGUAGES:
        return str(preferred)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return header_language()


def header_language() -> str:
    """Accept-Language's best offered match; a bare "*" means "anything": the default."""
    for value, _quality in request.accept_languages:  # highest quality first
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return getattr(g, "lang", None) or negotiated_language()


def locale_selector() -> str:
    return current_language()


class LanguageConverter(AnyConverter):
    """`<lang:lang>` matches only the interface languages, so /fr/ is simply not found."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, *LANGUAGES)


def init_app(app: Flask) -> None:
    """Every page lives under /<lang>/: take it out of the URL, and put it back in url_for."""
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, object] | None) -> None:
        if values and "lang" in values:
            g.lang = str(values.pop("lang"))

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, object]) -> None:
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = current_language()
