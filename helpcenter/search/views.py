"""Search pages: a plain GET form at /<lang>/search, live results as an htmx fragment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select

from helpcenter.extensions import db
from helpcenter.i18n import current_language
from helpcenter.models import Article
from helpcenter.search import SearchBackend, SearchResults, backend_from_config
from helpcenter.search.service import clean_query, record_miss
from helpcenter.templating import render, wants_fragment
from helpcenter.wizards.service import all_wizards

bp = Blueprint("search", __name__, url_prefix="/<lang:lang>")

PAGE_SIZE = 20
LIVE_SIZE = 8
ALL_LANGUAGES = "all"


def current_backend() -> SearchBackend:
    """One backend per process, made on first use (Whoosh opens its index lazily)."""
    backend = current_app.extensions.get("search")
    if backend is None:
        backend = backend_from_config(current_app.config, db.engine)
        current_app.extensions["search"] = backend
    return backend


def run_search(query: str, lang: str, everywhere: bool, limit: int) -> SearchResults | None:
    if not query:
        return None
    return current_backend().search(query, None if everywhere else lang, limit=limit)


def own_translations(results: SearchResults | None, lang: str) -> dict[str, str]:
    """Article key -> slug in the reader's language, for hits found in another language."""
    if results is None:
        return {}
    keys = {hit.key for hit in results.hits if hit.kind == "article" and hit.lang != lang}
    if not keys:
        return {}
    rows = db.session.execute(
        select(Article.key, Article.slug).where(Article.key.in_(keys), Article.locale == lang)
    ).all()
    return {key: slug for key, slug in rows}


@bp.get("/search")
def search() -> Response:
    lang = current_language()
    query = clean_query(request.args.get("q"))
    everywhere = request.args.get("in") == ALL_LANGUAGES
    live = wants_fragment()
    results = run_search(query, lang, everywhere, LIVE_SIZE if live else PAGE_SIZE)
    # Only a submitted search counts as a miss: live results fire on every pause in typing.
    if results is not None and results.total == 0 and not live:
        record_miss(db.session, query, lang)
    context: dict[str, Any] = {
        "query": query,
        "results": results,
        "everywhere": everywhere,
        "translations": own_translations(results, lang),
        "live": live,
        "wizards": list(all_wizards(str(current_app.config["CONTENT_DIR"])).values()),
    }
    return render("search/results.html", block="results", **context)
