"""The search page (/<lang>/search?q=), as a reader meets it, in es, de and en.

A plain GET form that works without JavaScript; htmx asks the same URL with HX-Request
and gets only `<div id="search-results">` (live results while typing, from the header box
on every page or from the page's own box). The app has the real content imported and a
search index built from it for every test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import inspect, select

from helpcenter.config import PROJECT_ROOT
from helpcenter.extensions import db
from helpcenter.i18n import LANGUAGE_NAMES, LANGUAGES
from helpcenter.models import Article, SearchMiss
from helpcenter.search.service import rebuild_index
from helpcenter.search.views import current_backend, same_section
from helpcenter.wizards.engine import load_wizards
from tests.search.test_search import HOSTILE_QUERIES

CONTENT_DIR = PROJECT_ROOT / "content"
WIZARDS = load_wizards(CONTENT_DIR / "wizards")
RATINGS = "asking-customers-for-ratings"
REPORTS = "guide-to-customer-reports"
SLUGS = {
    # article key -> lang -> slug
    RATINGS: {
        "es": "solicitar-valoraciones-a-los-clientes",
        "de": "kunden-um-bewertungen-bitten",
        "en": "asking-customers-for-ratings",
    },
    REPORTS: {
        "es": "guia-de-reportes-de-clientes",
        "de": "leitfaden-zu-kundenmeldungen",
        "en": "guide-to-customer-reports",
    },
}
WORDS = {"es": "valoración", "de": "Rückerstattung", "en": "refund"}


# --------------------------------------------------------------------- fixtures


def build_index(app: Flask) -> Flask:
    """The app's own Whoosh index (in the test's data dir), built from the imported content."""
    with app.app_context():
        rebuild_index(current_backend(), db.session, Path(app.config["CONTENT_DIR"]))
    return app


@pytest.fixture
def indexed_app(app: Flask) -> Flask:
    return build_index(app)


@pytest.fixture
def client(indexed_app: Flask) -> FlaskClient:
    return indexed_app.test_client()


# --------------------------------------------------------------------- reading HTML


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def elements(self) -> Iterator[Element]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        return [
            e
            for e in self.elements()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(
                e.attrs.get(name.rstrip("_").replace("_", "-")) == v for name, v in attrs.items()
            )
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Result:
    """One entry of the result list, as a reader sees it."""

    title: str
    href: str
    hreflang: str
    text_lang: str | None  # the lang attribute of the title, when it differs from the page's
    section: str
    snippet: str
    marks: list[str]
    badge: str | None
    own_translation: Element | None


def results_of(html: str) -> list[Result]:
    found = []
    for item in parse(html).find_all("li", cls="result"):
        title = item.find("a", cls="result-title")
        assert title is not None
        section = item.find(cls="result-section")
        snippet = item.find("p", cls="snippet")
        badge = item.find(cls="lang-badge")
        found.append(
            Result(
                title=title.text(),
                href=title.attrs["href"],
                hreflang=title.attrs.get("hreflang", ""),
                text_lang=title.attrs.get("lang"),
                section=section.text() if section else "",
                snippet=snippet.text() if snippet else "",
                marks=[m.text() for m in snippet.find_all("mark")] if snippet else [],
                badge=badge.text() if badge else None,
                own_translation=item.find("a", cls="own-translation"),
            )
        )
    return found


def ui(app: Flask, lang: str, msgid: str, **params: Any) -> str:
    """An interface string as the catalog has it in `lang`; es and de must be translated."""
    with app.test_request_context(), force_locale(lang):
        translated = gettext(msgid, **params)
    english = msgid % params if params else msgid
    assert lang == "en" or translated != english, f"{msgid!r} is not translated into {lang}"
    return translated


def search_url(lang: str, query: str, everywhere: bool = False) -> str:
    """The URL the form submits; any text a reader types (lone surrogates as a browser
    would send them: invalid UTF-8 on the wire)."""
    encoded = quote(query.encode("utf-8", "surrogatepass"), safe="")
    return f"/{lang}/search?q={encoded}" + ("&in=all" if everywhere else "")


def search(client: FlaskClient, lang: str, query: str, everywhere: bool = False, **kw: Any) -> Any:
    response = client.get(search_url(lang, query, everywhere), **kw)
    assert response.status_code == 200, response.status_code
    return response


def page_ids(client: FlaskClient, path: str) -> set[str]:
    """Follow a result link with the client: the page must exist; returns its element ids."""
    response = client.get(urlsplit(path).path)
    assert response.status_code == 200, path
    return {
        e.attrs["id"] for e in parse(response.get_data(as_text=True)).elements() if "id" in e.attrs
    }


def assert_resolves(client: FlaskClient, href: str) -> None:
    """The link's page exists and, when the link names a heading, the heading is on it."""
    parts = urlsplit(href)
    ids = page_ids(client, href)
    if parts.fragment:
        assert parts.fragment in ids, f"{href}: no element with id {parts.fragment!r}"


def misses(app: Flask) -> list[SearchMiss]:
    with app.app_context():
        rows = list(db.session.scalars(select(SearchMiss).order_by(SearchMiss.id)))
        db.session.expunge_all()
        return rows


# --------------------------------------------------------------------- the page and the fragment


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_page_is_a_plain_get_form_with_results(
    client: FlaskClient, indexed_app: Flask, lang: str
) -> None:
    response = search(client, lang, WORDS[lang])
    html = response.get_data(as_text=True)
    doc = parse(html)

    assert doc.find("html", lang=lang) is not None
    assert "HX-Request" in response.headers["Vary"]
    assert doc.find("h1").text() == ui(indexed_app, lang, "Search")
    title = doc.find("title").text()
    assert title.startswith(ui(indexed_app, lang, "Search: %(query)s", query=WORDS[lang]))
    # Works without JavaScript: a GET form to this same page with the query in "q".
    form = doc.find("form", cls="search-form")
    assert form.attrs["method"] == "get" and form.attrs["action"] == f"/{lang}/search"
    assert form.attrs["role"] == "search"
    box = form.find("input", name="q")
    assert box.attrs["type"] == "search" and box.attrs["value"] == WORDS[lang]
    assert form.find("label", for_=box.attrs["id"]).text() == ui(
        indexed_app, lang, "Search the help center"
    )
    # Live results while typing: debounced, with a loading indicator that exists.
    assert "delay:" in box.attrs["hx-trigger"]
    indicator = box.attrs["hx-indicator"]
    assert doc.find(id=indicator.lstrip("#")) is not None
    assert doc.find(id=box.attrs["hx-target"].lstrip("#")) is not None

    results = results_of(html)
    assert results and all(r.href.startswith(f"/{lang}/") for r in results)
    assert results[0].href.startswith(
        f"/{lang}/articles/{SLUGS[REPORTS if lang != 'es' else RATINGS][lang]}"
    )
    with indexed_app.test_request_context(), force_locale(lang):
        count = ngettext("%(num)d result", "%(num)d results", len(results))
    assert doc.find(cls="result-count").text() == count


def test_the_page_without_a_query_shows_the_form_and_no_results(
    client: FlaskClient, indexed_app: Flask
) -> None:
    for url in ("/de/search", "/de/search?q=", "/de/search?q=%20%20"):
        response = client.get(url)
        assert response.status_code == 200
        doc = parse(response.get_data(as_text=True))
        assert doc.find("input", name="q") is not None
        assert (
            doc.find(cls="result-count") is None
            and results_of(response.get_data(as_text=True)) == []
        )
    assert misses(indexed_app) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_live_results_are_only_the_results_fragment(
    client: FlaskClient, htmx_headers: dict[str, str], lang: str
) -> None:
    response = search(client, lang, WORDS[lang], headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html and "<form" not in html and "<header" not in html
    doc = parse(html)
    top = [child for child in doc.children if isinstance(child, Element)]
    assert [(e.tag, e.attrs.get("id")) for e in top] == [("div", "search-results")]
    assert all(not child.strip() for child in doc.children if isinstance(child, str))
    # The same results as the page, fewer of them (a live list is short).
    page = results_of(search(client, lang, WORDS[lang]).get_data(as_text=True))
    live = results_of(html)
    assert live and [r.href for r in live] == [r.href for r in page][: len(live)]


def test_a_boosted_or_history_request_gets_the_whole_page(client: FlaskClient) -> None:
    for headers in (
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
        {"HX-Request": "true", "HX-Request-Type": "full"},
    ):
        html = search(client, "en", "refund", headers=headers).get_data(as_text=True)
        assert "<html" in html, headers


# --------------------------------------------------------------------- what readers find


@pytest.mark.parametrize(
    ("lang", "query", "key"),
    [
        ("es", "valoracion", RATINGS),
        ("es", "valoraciones", RATINGS),
        ("es", "valoración", RATINGS),
        ("de", "Rückerstattung", REPORTS),
        ("de", "Ruckerstattung", REPORTS),
        ("de", "Rueckerstattung", REPORTS),
        ("en", "ratings", RATINGS),
        ("en", "rated", RATINGS),
        ("en", "refunded", REPORTS),
        ("en", "refunds", REPORTS),
    ],
)
def test_finds_the_article_whatever_the_inflection_or_accents(
    client: FlaskClient, lang: str, query: str, key: str
) -> None:
    html = search(client, lang, query).get_data(as_text=True)
    articles = [r for r in results_of(html) if "/articles/" in r.href]
    assert articles, query
    first = articles[0]
    assert urlsplit(first.href).path == f"/{lang}/articles/{SLUGS[key][lang]}"
    assert first.marks, "the matched words are highlighted in the snippet"
    assert first.section and first.snippet
    assert "did-you-mean" not in html


@pytest.mark.parametrize(
    ("lang", "query", "anchor", "heading"),
    [
        ("de", "Selbstmord", "suizidgefaehrdeter-kunde", "Suizidgefährdeter Kunde"),
        ("en", "money back", "customer-service-refunds", "Customer service / Refunds"),
        ("es", "devolución", "atencion-al-cliente-reembolsos", None),
        ("en", "email reminders", "email-reminders", None),
    ],
)
def test_results_go_straight_to_the_matching_heading(
    client: FlaskClient, lang: str, query: str, anchor: str, heading: str | None
) -> None:
    results = results_of(search(client, lang, query).get_data(as_text=True))
    first = next(r for r in results if "/articles/" in r.href)
    assert urlsplit(first.href).fragment == anchor
    assert " › " in first.title  # "Article title › Heading"
    if heading:
        assert first.title.endswith(f" › {heading}")
    assert_resolves(client, first.href)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_result_link_resolves_to_its_heading(client: FlaskClient, lang: str) -> None:
    hrefs = {
        r.href
        for query in (WORDS[lang], "Best of JA", "duplicado Duplikat duplicate", "customer")
        for r in results_of(search(client, lang, query).get_data(as_text=True))
    }
    assert any("#" in href for href in hrefs)
    for href in sorted(hrefs):
        assert href.startswith(f"/{lang}/")
        assert_resolves(client, href)


@pytest.mark.parametrize(
    ("lang", "query"), [("en", "duplicate"), ("de", "Duplikat"), ("es", "duplicado")]
)
def test_wizards_are_results_too(
    client: FlaskClient, indexed_app: Flask, lang: str, query: str
) -> None:
    results = results_of(search(client, lang, query).get_data(as_text=True))
    paths = [urlsplit(r.href).path for r in results]
    assert f"/{lang}/articles/{SLUGS[REPORTS][lang]}" in paths
    wizard = next(r for r in results if r.href == f"/{lang}/wizards/which-report")
    assert wizard.title == WIZARDS["which-report"].title[lang]
    assert wizard.section == ui(indexed_app, lang, "Decision helper")
    assert wizard.marks
    assert_resolves(client, wizard.href)


# --------------------------------------------------------------------- all languages


@pytest.mark.parametrize(
    ("lang", "query"),
    [("en", "Rueckerstattung"), ("es", "Duplikat"), ("de", "refund"), ("de", "valoración")],
)
def test_all_languages_carry_a_badge_and_a_link_to_the_readers_translation(
    client: FlaskClient, indexed_app: Flask, lang: str, query: str
) -> None:
    html = search(client, lang, query, everywhere=True).get_data(as_text=True)
    results = results_of(html)
    foreign = [r for r in results if r.hreflang != lang]
    assert foreign, "the query is in another language: its hits are too"
    open_in = ui(indexed_app, lang, "Open in %(language)s", language=LANGUAGE_NAMES[lang])
    for result in results:
        assert result.badge == LANGUAGE_NAMES[result.hreflang]
    for result in foreign:
        # Text in another language says so (WCAG 3.1.2), so it is read with the right voice.
        assert result.text_lang == result.hreflang
        link = result.own_translation
        assert link is not None, result.href
        assert link.text() == open_in
        assert link.attrs["href"].startswith(f"/{lang}/")
        assert_resolves(client, link.attrs["href"])
        # The same kind of page: an article section opens the same section in the translation.
        assert ("#" in link.attrs["href"]) == ("#" in result.href)
    for result in results:
        if result.hreflang == lang:
            assert result.own_translation is None
            assert result.text_lang is None
    doc = parse(html)
    only_here = ui(indexed_app, lang, "Search only in %(language)s", language=LANGUAGE_NAMES[lang])
    back = next(a for a in doc.find_all("a") if a.text() == only_here)
    assert parse_qs(urlsplit(back.attrs["href"]).query) == {"q": [query]}
    assert doc.find("input", name="in", value="all") is not None  # the form stays in all


def test_the_readers_translation_opens_the_same_section(client: FlaskClient) -> None:
    results = results_of(
        search(client, "en", "Rueckerstattung", everywhere=True).get_data(as_text=True)
    )
    german = next(r for r in results if "/de/articles/" in r.href)
    assert urlsplit(german.href).fragment == "kundendienst-rueckerstattungen"
    assert german.own_translation is not None
    assert german.own_translation.attrs["href"] == (
        f"/en/articles/{SLUGS[REPORTS]['en']}#customer-service-refunds"
    )


def test_a_section_without_a_rule_opens_at_the_same_place_in_the_translation(
    client: FlaskClient,
) -> None:
    """ "Überblick" has no rule id: its counterpart is the heading at the same place."""
    results = results_of(search(client, "en", "Überblick", everywhere=True).get_data(as_text=True))
    german = next(r for r in results if "#ueberblick" in r.href)
    assert german.own_translation is not None
    assert (
        german.own_translation.attrs["href"] == f"/en/articles/{SLUGS[REPORTS]['en']}#at-a-glance"
    )


def test_every_heading_has_its_counterpart_in_each_translation(indexed_app: Flask) -> None:
    with indexed_app.app_context():
        articles = {(a.key, a.locale): a for a in db.session.scalars(select(Article))}
    assert len(articles) == len(SLUGS) * len(LANGUAGES)
    for (key, source_lang), source in articles.items():
        for target_lang in LANGUAGES:
            target = articles[(key, target_lang)]
            for position, entry in enumerate(source.toc):
                counterpart = same_section(source, target, entry["id"])
                assert counterpart == target.toc[position]["id"], (source_lang, entry)
            for rule, anchor in source.rules.items():
                assert same_section(source, target, anchor) == target.rules[rule]
            assert same_section(source, target, None) is None
            assert same_section(source, target, "no-such-heading") is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_click_searches_all_languages(
    client: FlaskClient, indexed_app: Flask, lang: str
) -> None:
    doc = parse(search(client, lang, "Best of JA").get_data(as_text=True))
    label = ui(indexed_app, lang, "Search all languages")
    link = next(a for a in doc.find_all("a") if a.text() == label)
    assert parse_qs(urlsplit(link.attrs["href"]).query) == {"q": ["Best of JA"], "in": ["all"]}
    results = results_of(client.get(link.attrs["href"]).get_data(as_text=True))
    assert {r.hreflang for r in results} == set(LANGUAGES)
    assert all(r.badge for r in results)


# --------------------------------------------------------------------- did you mean, no results


@pytest.mark.parametrize(
    ("lang", "query", "suggestion", "key"),
    [("en", "refnud", "refund", REPORTS), ("de", "Duplikt", "duplikat", REPORTS)],
)
def test_did_you_mean_links_to_a_search_for_the_suggestion(
    client: FlaskClient, indexed_app: Flask, lang: str, query: str, suggestion: str, key: str
) -> None:
    doc = parse(search(client, lang, query).get_data(as_text=True))
    hint = doc.find(cls="did-you-mean")
    assert hint is not None
    assert hint.text().startswith(ui(indexed_app, lang, "Did you mean"))
    link = hint.find("a")
    assert link.text() == suggestion
    assert parse_qs(urlsplit(link.attrs["href"]).query) == {"q": [suggestion]}
    assert urlsplit(link.attrs["href"]).path == f"/{lang}/search"
    followed = client.get(link.attrs["href"]).get_data(as_text=True)
    assert "did-you-mean" not in followed
    first = next(r for r in results_of(followed) if "/articles/" in r.href)
    assert urlsplit(first.href).path == f"/{lang}/articles/{SLUGS[key][lang]}"


def test_did_you_mean_keeps_searching_all_languages(client: FlaskClient) -> None:
    doc = parse(search(client, "en", "refnud", everywhere=True).get_data(as_text=True))
    href = doc.find(cls="did-you-mean").find("a").attrs["href"]
    assert parse_qs(urlsplit(href).query) == {"q": ["refund"], "in": ["all"]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_results_offer_the_wizards_and_count_a_miss(
    client: FlaskClient, indexed_app: Flask, lang: str
) -> None:
    html = search(client, lang, "Xqzvwk").get_data(as_text=True)
    doc = parse(html)
    assert results_of(html) == []
    assert doc.find(cls="did-you-mean") is None
    nothing = doc.find(cls="no-results")
    assert ui(indexed_app, lang, "Nothing matched “%(query)s”.", query="Xqzvwk") in nothing.text()
    links = {a.attrs["href"]: a.text() for a in nothing.find_all("a")}
    assert links == {f"/{lang}/wizards/{slug}": w.title[lang] for slug, w in WIZARDS.items()}
    for href in links:
        assert_resolves(client, href)
    assert "support" not in html.lower() and "/support" not in html  # no such form yet

    search(client, lang, "Xqzvwk")
    rows = misses(indexed_app)
    assert [(m.query, m.locale, m.count) for m in rows] == [("xqzvwk", lang, 2)]


def test_a_miss_holds_the_text_and_count_and_nothing_personal(
    client: FlaskClient,
    indexed_app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
) -> None:
    sign_in_as(make_user("expert", email="reader@example.com", name="Rita Reader"), client)
    search(client, "en", "Xqzvwk", headers={"User-Agent": "Rita's browser"})
    with indexed_app.app_context():
        columns = {c["name"] for c in inspect(db.engine).get_columns(SearchMiss.__tablename__)}
        stored = db.session.execute(select(SearchMiss.__table__)).all()
    assert columns == {"id", "query", "locale", "count", "first_seen", "last_seen"}
    assert len(stored) == 1
    flat = " ".join(str(value) for value in stored[0])
    for personal in ("reader@example.com", "Rita", "127.0.0.1", "browser"):
        assert personal not in flat


def test_live_results_and_searches_that_find_something_count_no_miss(
    client: FlaskClient, indexed_app: Flask, htmx_headers: dict[str, str]
) -> None:
    for prefix in ("x", "xq", "xqz", "xqzv", "xqzvw", "xqzvwk"):
        search(client, "en", prefix, headers=htmx_headers)
    search(client, "en", "refund")  # found something: nothing to count
    search(client, "en", "refnud")  # corrected, and found
    assert misses(indexed_app) == []


def test_misses_are_counted_per_language_and_case_insensitively(
    client: FlaskClient, indexed_app: Flask
) -> None:
    search(client, "en", "Xqzvwk")
    search(client, "en", "XQZVWK")
    search(client, "de", "xqzvwk")
    search(client, "de", "xqzvwk", everywhere=True)
    counts = {(m.query, m.locale): m.count for m in misses(indexed_app)}
    assert counts == {("xqzvwk", "en"): 2, ("xqzvwk", "de"): 2}


def test_editors_see_the_misses_on_the_insights_page(
    client: FlaskClient,
    indexed_app: Flask,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
) -> None:
    search(client, "de", "Zahnarztrechnung")
    search(client, "de", "Zahnarztrechnung")
    editor = indexed_app.test_client()
    sign_in_as(make_user("editor"), editor)
    response = editor.get("/de/admin/insights")
    assert response.status_code == 200
    row = next(
        tr
        for tr in parse(response.get_data(as_text=True)).find_all("tr")
        if "zahnarztrechnung" in tr.text()
    )
    cells = [td.text() for td in row.find_all("td")]
    assert cells[:3] == ["zahnarztrechnung", LANGUAGE_NAMES["de"], "2"]


@pytest.mark.parametrize("role", ["expert", "agent"])
def test_the_insights_page_is_forbidden_below_editor(
    client: FlaskClient,
    make_user: Callable[..., Any],
    sign_in_as: Callable[..., str],
    role: str,
) -> None:
    search(client, "en", "Xqzvwk")
    sign_in_as(make_user(role), client)
    response = client.get("/en/admin/insights")
    assert response.status_code == 403
    assert "xqzvwk" not in response.get_data(as_text=True)


# --------------------------------------------------------------------- queries are text


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_return_a_page(
    client: FlaskClient, htmx_headers: dict[str, str], query: str
) -> None:
    for everywhere in (False, True):
        html = search(client, "en", query, everywhere).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "\x00" not in html
        fragment = search(client, "de", query, everywhere, headers=htmx_headers)
        assert "<script>alert" not in fragment.get_data(as_text=True)


def test_the_query_is_shown_as_text(client: FlaskClient) -> None:
    html = search(client, "en", '<script>alert(1)</script> "refund"').get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_query_is_cut_not_refused(client: FlaskClient, indexed_app: Flask) -> None:
    html = search(client, "en", "refund " + "x" * 2000).get_data(as_text=True)
    box = parse(html).find("input", name="q")
    assert len(box.attrs["value"]) == int(box.attrs["maxlength"]) == 200
    search(client, "en", "x" * 2000)
    assert [len(m.query) for m in misses(indexed_app)] == [200]  # "refund" found something


# --------------------------------------------------------------------- the header box


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "page",
    [
        "/{lang}/",
        "/{lang}/articles/{article}",
        "/{lang}/wizards/which-report",
        "/{lang}/wizards/",
    ],
)
def test_the_header_search_box_is_on_every_page(
    client: FlaskClient, indexed_app: Flask, lang: str, page: str
) -> None:
    url = page.format(lang=lang, article=SLUGS[REPORTS][lang])
    response = client.get(url)
    assert response.status_code == 200, url
    doc = parse(response.get_data(as_text=True))
    header = doc.find("header")
    forms = header.find_all("form", role="search")
    assert len(forms) == 1 and len(doc.find_all("form", role="search")) == 1
    form = forms[0]
    assert form.attrs["method"] == "get" and form.attrs["action"] == f"/{lang}/search"
    box = form.find("input", name="q")
    assert box.attrs["type"] == "search"
    label = form.find("label", for_=box.attrs["id"])
    assert label.text() == ui(indexed_app, lang, "Search the help center")
    # Live results while typing, into a list of its own, with a loading indicator.
    assert box.attrs["hx-get"] == f"/{lang}/search" and "delay:" in box.attrs["hx-trigger"]
    assert doc.find(id=box.attrs["hx-target"].lstrip("#")) is not None
    assert doc.find(id=box.attrs["hx-indicator"].lstrip("#")) is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_page_has_one_box_not_two(client: FlaskClient, lang: str) -> None:
    for url in (f"/{lang}/search", search_url(lang, WORDS[lang]), search_url(lang, "x", True)):
        doc = parse(client.get(url).get_data(as_text=True))
        assert doc.find("header").find_all("form", role="search") == []
        assert doc.find(id="site-search") is None and doc.find(id="quick-results") is None
        assert len(doc.find_all("form", role="search")) == 1
        assert len(doc.find_all("input", type="search")) == 1
        assert len(doc.find_all(id="search-results")) == 1


def test_live_result_links_work_wherever_the_list_is_shown(
    client: FlaskClient, htmx_headers: dict[str, str]
) -> None:
    """The live list is the same fragment: its links work wherever it is shown."""
    html = search(client, "en", "refund", headers=htmx_headers).get_data(as_text=True)
    for result in results_of(html):
        assert_resolves(client, result.href)
    hrefs = [a.attrs["href"] for a in parse(html).find_all("a")]
    assert any(h.startswith("/en/search?") and "in=all" in h for h in hrefs)


def test_the_header_list_is_short_and_links_to_all_results(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpcenter.search import views

    monkeypatch.setattr(views, "LIVE_SIZE", 1)
    header = {"HX-Request": "true", "HX-Request-Type": "partial", "HX-Target": "div#quick-results"}
    own_box = {**header, "HX-Target": "div#search-results"}
    for everywhere in (False, True):
        page = results_of(search(client, "en", "duplicate", everywhere).get_data(as_text=True))
        short_html = search(client, "en", "duplicate", everywhere, headers=header).get_data(
            as_text=True
        )
        assert len(page) > 1 and [r.href for r in results_of(short_html)] == [page[0].href]
        more = parse(short_html).find(cls="more-results").find("a")
        assert more.text() == "Show all results"
        expected = {"q": ["duplicate"], **({"in": ["all"]} if everywhere else {})}
        assert urlsplit(more.attrs["href"]).path == "/en/search"
        assert parse_qs(urlsplit(more.attrs["href"]).query) == expected
        assert len(results_of(client.get(more.attrs["href"]).get_data(as_text=True))) == len(page)
        # The search page's own box refreshes the page's whole list: nothing to link to.
        full_html = search(client, "en", "duplicate", everywhere, headers=own_box).get_data(
            as_text=True
        )
        assert [r.href for r in results_of(full_html)] == [r.href for r in page]
        assert "more-results" not in full_html
    # A list with every result has no such link.
    monkeypatch.setattr(views, "LIVE_SIZE", 8)
    assert "more-results" not in search(client, "en", "duplicate", headers=header).get_data(
        as_text=True
    )
