"""GET /api/v1/search?q=&lang=&limit=: the search page's results as JSON.

Every response here is validated against the schema openapi.json gives for its status
(the validator of tests/api/test_openapi.py, which resolves $refs inside the document).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from jsonschema.exceptions import ValidationError

from helpcenter.i18n import LANGUAGES
from tests.api.test_openapi import check, response_validator
from tests.search.test_pages import (
    RATINGS,
    REPORTS,
    SLUGS,
    build_index,
    misses,
    results_of,
    search_url,
)
from tests.search.test_search import HOSTILE_QUERIES

PATH = "/api/v1/search"


@pytest.fixture
def indexed_app(app: Flask) -> Flask:
    return build_index(app)


@pytest.fixture
def client(indexed_app: Flask) -> FlaskClient:
    return indexed_app.test_client()


def api(
    client: FlaskClient, status: int = 200, headers: dict[str, str] | None = None, **params: Any
) -> dict[str, Any]:
    """The API's answer to ?params, checked against its documented schema."""
    query = "&".join(
        f"{name}={quote(str(value).encode('utf-8', 'surrogatepass'), safe='')}"
        for name, value in params.items()
    )
    response = client.get(f"{PATH}?{query}", headers=headers or {})
    assert response.status_code == status, response.get_data(as_text=True)
    assert "Accept-Language" in response.headers.get("Vary", "")
    return check(PATH, "get", response)


def shown(hit: dict[str, Any]) -> tuple[str, str]:
    """A hit as the page shows it: the link text and the link (path and fragment)."""
    title = hit["title"]
    if hit["heading"] and hit["heading"] != hit["title"]:
        title += f" › {hit['heading']}"
    parts = urlsplit(hit["url"])
    return title, parts.path + (f"#{parts.fragment}" if parts.fragment else "")


def ui(app: Flask, lang: str, msgid: str, **params: Any) -> str:
    with app.test_request_context(), force_locale(lang):
        translated = gettext(msgid, **params)
    assert lang == "en" or translated != msgid % params, f"{msgid!r} untranslated in {lang}"
    return translated


# --------------------------------------------------------------------- the same results as the page


SAME_AS_THE_PAGE = [
    ("es", "valoracion", False),
    ("es", "duplicado", False),
    ("de", "Rueckerstattung", False),
    ("de", "Duplikat", False),
    ("en", "refunds", False),
    ("en", "customer question answer", False),
    ("en", "refnud", False),
    ("en", "Best of JA", True),
    ("de", "refund", True),
    ("es", "xqzvwk", False),
]


@pytest.mark.parametrize(("lang", "query", "everywhere"), SAME_AS_THE_PAGE)
def test_the_same_results_as_the_page_in_the_same_order(
    client: FlaskClient, lang: str, query: str, everywhere: bool
) -> None:
    page = client.get(search_url(lang, query, everywhere)).get_data(as_text=True)
    body = api(client, q=query, lang="all" if everywhere else lang, limit=20)
    assert [shown(hit) for hit in body["results"]] == [(r.title, r.href) for r in results_of(page)]
    assert [hit["lang"] for hit in body["results"]] == [r.hreflang for r in results_of(page)]
    assert body["query"] == query
    assert body["lang"] == (None if everywhere else lang)
    assert body["total"] == len(body["results"])


@pytest.mark.parametrize(
    ("lang", "query", "key"),
    [
        ("es", "valoraciones", RATINGS),
        ("es", "valoración", RATINGS),
        ("de", "Ruckerstattung", REPORTS),
        ("de", "Rückerstattung", REPORTS),
        ("en", "rated", RATINGS),
        ("en", "refunded", REPORTS),
    ],
)
def test_finds_the_article_whatever_the_inflection_or_accents(
    client: FlaskClient, lang: str, query: str, key: str
) -> None:
    body = api(client, q=query, lang=lang)
    first = next(hit for hit in body["results"] if hit["kind"] == "article")
    assert urlsplit(first["url"]).path == f"/{lang}/articles/{SLUGS[key][lang]}"
    assert "<mark>" in first["snippet_html"]
    assert body["suggestion"] is None


def test_hit_fields(client: FlaskClient) -> None:
    body = api(client, q="money back", lang="en")
    article, wizard = body["results"][0], next(h for h in body["results"] if h["kind"] == "wizard")
    assert article == {
        "kind": "article",
        "lang": "en",
        "title": "Guide to customer reports",
        "section": "Reports",
        "heading": "Customer service / Refunds",
        "url": "http://localhost/en/articles/guide-to-customer-reports#customer-service-refunds",
        "snippet_html": article["snippet_html"],
    }
    assert article["snippet_html"].count("<mark>") == article["snippet_html"].count("</mark>") > 0
    assert wizard["url"] == "http://localhost/en/wizards/which-report"
    assert wizard["section"] is None and wizard["heading"] is None


def test_did_you_mean(client: FlaskClient) -> None:
    body = api(client, q="Duplikt", lang="de")
    assert body["suggestion"] == "duplikat"
    assert any(hit["kind"] == "wizard" for hit in body["results"])


# --------------------------------------------------------------------- lang and limit


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lang_searches_one_language(client: FlaskClient, lang: str) -> None:
    body = api(client, q="Best of JA", lang=lang)
    assert body["lang"] == lang and body["results"]
    assert {hit["lang"] for hit in body["results"]} == {lang}
    assert all(urlsplit(hit["url"]).path.startswith(f"/{lang}/") for hit in body["results"])


def test_lang_all_searches_every_language(client: FlaskClient) -> None:
    body = api(client, q="Best of JA", lang="all", limit=50)
    assert body["lang"] is None
    assert {hit["lang"] for hit in body["results"]} == set(LANGUAGES)


@pytest.mark.parametrize(
    ("accept", "lang"), [("de-DE,de;q=0.9", "de"), ("es", "es"), ("fr", "en"), (None, "en")]
)
def test_without_lang_accept_language_decides(
    client: FlaskClient, accept: str | None, lang: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    for params in ({"q": "Best of JA"}, {"q": "Best of JA", "lang": ""}):
        body = api(client, headers=headers, **params)
        assert body["lang"] == lang
        assert {hit["lang"] for hit in body["results"]} == {lang}


def test_limit(client: FlaskClient) -> None:
    everything = api(client, q="customer question answer", lang="en", limit=50)
    assert everything["total"] == len(everything["results"]) > 1
    for limit in (1, 2):
        body = api(client, q="customer question answer", lang="en", limit=limit)
        assert len(body["results"]) == limit and body["total"] == everything["total"]
        assert body["results"] == everything["results"][:limit]
    default = api(client, q="a e i o u customer report question answer", lang="all")
    assert len(default["results"]) == min(10, default["total"])


def test_no_query_is_no_results(client: FlaskClient, indexed_app: Flask) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "\x00\x01"}):
        body = api(client, **params)
        assert body["results"] == [] and body["total"] == 0 and body["suggestion"] is None
    assert misses(indexed_app) == []


def test_a_search_without_results_is_counted(client: FlaskClient, indexed_app: Flask) -> None:
    assert api(client, q="Xqzvwk", lang="es")["results"] == []
    assert [(m.query, m.locale, m.count) for m in misses(indexed_app)] == [("xqzvwk", "es", 1)]


# --------------------------------------------------------------------- 400 invalid_parameter


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lang": "fr"}, "lang"),
        ({"lang": "ES"}, "lang"),
        ({"lang": "all "}, "lang"),
        ({"lang": "any"}, "lang"),
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"limit": "9" * 5000}, "limit"),
    ],
)
def test_invalid_parameters_are_400_invalid_parameter(
    client: FlaskClient, params: dict[str, str], field: str
) -> None:
    body = api(client, status=400, q="refund", **params)
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["field"] == field


@pytest.mark.parametrize("lang", LANGUAGES)
def test_400_messages_are_translated(client: FlaskClient, indexed_app: Flask, lang: str) -> None:
    headers = {"Accept-Language": lang}
    bad_limit = api(client, status=400, headers=headers, q="x", limit=0)
    assert bad_limit["error"]["message"] == ui(
        indexed_app, lang, '"limit" must be a whole number from 1 to 50.'
    )
    bad_lang = api(client, status=400, headers=headers, q="x", lang="fr")
    assert bad_lang["error"]["message"] == ui(
        indexed_app, lang, '"lang" must be one of: %(languages)s.', languages="es, de, en, all"
    )
    # A valid lang decides the language of a limit error too.
    other = "de" if lang != "de" else "es"
    message = api(client, status=400, headers=headers, q="x", lang=other, limit=99)["error"]
    assert message["message"] == ui(
        indexed_app, other, '"limit" must be a whole number from 1 to 50.'
    )


# --------------------------------------------------------------------- queries are text


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_are_200(client: FlaskClient, query: str) -> None:
    for lang in ("en", "all"):
        body = api(client, q=query, lang=lang)
        assert len(body["query"]) <= 200
        assert "\x00" not in body["query"]
        for hit in body["results"]:
            assert "<script" not in hit["snippet_html"]


def test_the_query_comes_back_cleaned(client: FlaskClient) -> None:
    assert api(client, q="  refund\x00\n\tmoney  ")["query"] == "refund money"
    assert api(client, q="x" * 2000)["query"] == "x" * 200


# --------------------------------------------------------------------- the contract is strict


HIT = {
    "kind": "article",
    "lang": "en",
    "title": "Guide",
    "section": "Reports",
    "heading": "Refunds",
    "url": "http://localhost/en/articles/guide#refunds",
    "snippet_html": "a <mark>refund</mark>",
}
WIZARD_HIT = {**HIT, "kind": "wizard", "section": None, "heading": None,
              "url": "http://localhost/en/wizards/which-report"}  # fmt: skip
RESULTS = {"query": "refund", "lang": "en", "total": 2, "suggestion": None,
           "results": [HIT, WIZARD_HIT]}  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {**RESULTS, "lang": "fr"},
        {**RESULTS, "lang": "all"},
        {**RESULTS, "total": -1},
        {**RESULTS, "suggestion": ""},
        {**RESULTS, "surprise": 1},
        {k: v for k, v in RESULTS.items() if k != "suggestion"},
        {**RESULTS, "results": [{**HIT, "kind": "section"}]},
        {**RESULTS, "results": [{**HIT, "snippet": "x"}]},
        {**RESULTS, "results": [{k: v for k, v in HIT.items() if k != "heading"}]},
        {**RESULTS, "results": [{**WIZARD_HIT, "section": "Reports"}]},
        {**RESULTS, "results": [{**WIZARD_HIT, "heading": "Step"}]},
        {**RESULTS, "results": [{**HIT, "url": "http://localhost/en/wizards/which-report"}]},
        {**RESULTS, "results": [HIT] * 51},
        {"error": {"code": "invalid_parameter", "field": "lang", "message": "x"}},
    ],
    ids=[
        "unknown-lang",
        "all-instead-of-null",
        "negative-total",
        "empty-suggestion",
        "unknown-field",
        "suggestion-missing",
        "unknown-kind",
        "unknown-hit-field",
        "heading-missing",
        "wizard-with-a-section",
        "wizard-with-a-heading",
        "article-kind-with-a-wizard-url",
        "more-than-50",
        "error-instead-of-results",
    ],
)
def test_the_results_schema_refuses_what_the_contract_does_not_allow(body: Any) -> None:
    validator = response_validator(PATH, "get", 200)
    validator.validate(RESULTS)
    validator.validate({**RESULTS, "lang": None, "suggestion": "refund", "results": []})
    with pytest.raises(ValidationError):
        validator.validate(body)


def test_the_error_schema_wants_invalid_parameter_and_a_field() -> None:
    validator = response_validator(PATH, "get", 400)
    validator.validate({"error": {"code": "invalid_parameter", "field": "limit", "message": "No."}})
    for body in (
        {"error": {"code": "invalid_parameter", "message": "No field."}},
        {"error": {"code": "invalid_body", "field": "limit", "message": "Other code."}},
        {"error": {"code": "invalid_parameter", "field": "q", "message": "q is never refused."}},
        {"code": "invalid_parameter", "field": "lang", "message": "flat"},
    ):
        with pytest.raises(ValidationError):
            validator.validate(body)
