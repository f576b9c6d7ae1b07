"""HTTP layer for reading; the queries live in service.py."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, url_for

from helpcenter.articles import service
from helpcenter.content.importer import content_generation
from helpcenter.content.splitting import split_before_headings
from helpcenter.extensions import db
from helpcenter.i18n import LANGUAGES, current_language
from helpcenter.page_cache import cached_page, throttled
from helpcenter.templating import render, set_alternates
from helpcenter.wizards import service as wizard_service

bp = Blueprint("articles", __name__, url_prefix="/<lang:lang>")


@bp.get("/")
def home() -> Response:
    return render(
        "articles/home.html",
        categories=service.categories(db.session),
        wizards=list(wizard_service.all_wizards(_content_dir()).values()),
    )


@bp.get("/categories/<slug>")
def category(slug: str) -> Response:
    lang = current_language()
    found = service.category_by_slug(db.session, lang, slug)
    if found is None:
        abort(404)
    set_alternates(
        {
            t.locale: url_for("articles.category", lang=t.locale, slug=t.slug)
            for t in found.translations
        }
    )
    return render("articles/category.html", category=found)


@bp.get("/sections/<slug>")
def section(slug: str) -> Response:
    lang = current_language()
    found = service.section_by_slug(db.session, lang, slug)
    if found is None:
        abort(404)
    set_alternates(
        {
            t.locale: url_for("articles.section", lang=t.locale, slug=t.slug)
            for t in found.translations
        }
    )
    return render(
        "articles/section.html",
        section=found,
        articles=service.articles_in(db.session, found, lang),
    )


def _content_version() -> object:
    # The database's stamp is read at most once a second per process; imports made in
    # this process bump the generation and are seen at once.
    return (
        content_generation(),
        throttled(CONTENT_STAMP_SECONDS, lambda: service.content_version(db.session)),
    )


CONTENT_STAMP_SECONDS = 1.0


@bp.get("/articles/<slug>")
@cached_page(_content_version)
def article(slug: str) -> Response:
    lang = current_language()
    found = service.article_by_slug(db.session, lang, slug)
    if found is None:
        abort(404)
    translations = service.translations_of(db.session, found)
    set_alternates(
        {
            code: url_for("articles.article", lang=code, slug=translations[code])
            for code in LANGUAGES
            if code in translations
        }
    )
    callouts = wizard_service.callouts_for_article(found.rules, _content_dir())
    return render(
        "articles/article.html",
        article=found,
        body_parts=split_before_headings(found.body_html, callouts),
    )


def _content_dir() -> str:
    return str(current_app.config["CONTENT_DIR"])
