"""Search pages: a plain GET form at /<lang>/search, live results as an htmx fragment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
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
    """For each article hit found in another language (by its ``url_path``): the URL of the
    reader's own translation, at the same section when the translation has it."""
    if results is None:
        return {}
    foreign = [hit for hit in results.hits if hit.kind == "article" and hit.lang != lang]
    if not foreign:
        return {}
    rows = db.session.execute(
        select(Article.key, Article.locale, Article.slug, Article.rules, Article.toc).where(
            Article.key.in_({hit.key for hit in foreign}),
            Article.locale.in_({lang, *(hit.lang for hit in foreign)}),
        )
    ).all()
    articles = {(row.key, row.locale): row for row in rows}
    urls = {}
    for hit in foreign:
        own = articles.get((hit.key, lang))
        if own is None:
            continue
        url = url_for("articles.article", lang=lang, slug=own.slug)
        anchor = same_section(articles.get((hit.key, hit.lang)), own, hit.anchor)
        urls[hit.url_path] = f"{url}#{anchor}" if anchor else url
    return urls


def same_section(source: Any, target: Any, anchor: str | None) -> str | None:
    """The anchor in ``target`` of the heading that is ``anchor`` in ``source`` (anchors are
    translated): the heading of the same rule id, else the heading at the same place in
    the table of contents when both have the same outline; None when unsure."""
    if not anchor or source is None:
        return None
    target_rules = target.rules or {}
    for rule, rule_anchor in (source.rules or {}).items():
        if rule_anchor == anchor and rule in target_rules:
            return str(target_rules[rule])
    source_toc, target_toc = source.toc or [], target.toc or []
    outline = [entry.get("level") for entry in source_toc]
    if outline != [entry.get("level") for entry in target_toc]:
        return None
    for entry, translated in zip(source_toc, target_toc, strict=True):
        if entry.get("id") == anchor:
            return translated.get("id") or None
    return None


@bp.get("/search")
def search() -> Response:
    lang = current_language()
    query = clean_query(request.args.get("q"))
    everywhere = request.args.get("in") == ALL_LANGUAGES
    live = wants_fragment()
    # The header box shows a short list; the search page's own box refreshes the page's list.
    short = live and not request.headers.get("HX-Target", "").endswith("#search-results")
    results = run_search(query, lang, everywhere, LIVE_SIZE if short else PAGE_SIZE)
    # Only a submitted search counts as a miss: live results fire on every pause in typing.
    if results is not None and results.total == 0 and not live:
        record_miss(db.session, query, lang)
    context: dict[str, Any] = {
        "query": query,
        "results": results,
        "everywhere": everywhere,
        "translations": own_translations(results, lang),
        "live": live,
        # A short list that leaves results out links to the search page with all of them.
        "more_url": url_for(
            "search.search", lang=lang, q=query, **({"in": ALL_LANGUAGES} if everywhere else {})
        )
        if short and results is not None and results.total > len(results.hits)
        else None,
        "wizards": list(all_wizards(str(current_app.config["CONTENT_DIR"])).values()),
    }
    return render("search/results.html", block="results", **context)
