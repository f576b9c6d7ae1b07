"""What readers find in the real content, on every backend (same tests for each)."""

from __future__ import annotations

import pytest

from helpcenter.content.loader import ArticleSource
from helpcenter.search import SearchBackend, SearchHit, SearchResults

RATINGS = "asking-customers-for-ratings"
REPORTS = "guide-to-customer-reports"


def first_article(results: SearchResults) -> SearchHit:
    return next(hit for hit in results.hits if hit.kind == "article")


def keys(results: SearchResults) -> list[tuple[str, str]]:
    return [(hit.kind, hit.key) for hit in results.hits]


@pytest.mark.parametrize(
    ("lang", "query", "key"),
    [
        # Accents and inflections
        ("es", "valoracion", RATINGS),
        ("es", "valoraciones", RATINGS),
        ("es", "valoración", RATINGS),
        ("es", "VALORACIÓN", RATINGS),
        ("de", "Rückerstattung", REPORTS),
        ("de", "Ruckerstattung", REPORTS),
        ("de", "Rueckerstattung", REPORTS),
        ("de", "rückerstattungen", REPORTS),
        ("de", "Bewertungen", RATINGS),
        # English stems
        ("en", "ratings", RATINGS),
        ("en", "rated", RATINGS),
        ("en", "reminders", RATINGS),
        ("en", "refunded", REPORTS),
        ("en", "refunds", REPORTS),
        ("en", "reporting duplicates", REPORTS),
        # Synonyms experts use
        ("de", "Selbstmord", REPORTS),
        ("de", "Suizid", REPORTS),
        ("de", "Doppelte", REPORTS),
        ("es", "reembolso", REPORTS),
        ("es", "devolución", REPORTS),
        ("es", "calificación", RATINGS),
        ("es", "puntuación", RATINGS),
        ("en", "refund", REPORTS),
        ("en", "money back", REPORTS),
        ("en", "stars", RATINGS),
    ],
)
def test_finds_the_article(loaded_backend: SearchBackend, lang: str, query: str, key: str) -> None:
    results = loaded_backend.search(query, lang)
    assert results.hits, query
    assert first_article(results).key == key, keys(results)
    assert results.suggestion is None


@pytest.mark.parametrize(
    ("lang", "query", "anchor"),
    [
        ("de", "Selbstmord", "suizidgefaehrdeter-kunde"),
        ("en", "money back", "customer-service-refunds"),
        ("es", "devolución", "atencion-al-cliente-reembolsos"),
        ("en", "email reminders", "email-reminders"),
        ("de", "Hilfe-Nachricht eine pro Frage", "eine-pro-frage"),
        ("es", "precio demasiado bajo", "precio-demasiado-bajo"),
    ],
)
def test_hits_go_straight_to_the_matching_heading(
    loaded_backend: SearchBackend,
    articles: list[ArticleSource],
    lang: str,
    query: str,
    anchor: str,
) -> None:
    hit = first_article(loaded_backend.search(query, lang))
    assert hit.anchor == anchor
    assert hit.heading
    assert hit.url_path == f"/{lang}/articles/{hit.slug}#{anchor}"
    article = next(a for a in articles if a.locale == lang and a.key == hit.key)
    assert anchor in article.rendered.anchors


@pytest.mark.parametrize(
    ("lang", "query"), [("en", "duplicate"), ("de", "Duplikat"), ("es", "duplicado")]
)
def test_wizards_are_results_too(loaded_backend: SearchBackend, lang: str, query: str) -> None:
    results = loaded_backend.search(query, lang)
    assert ("article", REPORTS) in keys(results)
    wizard = next(hit for hit in results.hits if hit.kind == "wizard")
    assert wizard.key == wizard.slug == "which-report"
    assert wizard.url_path == f"/{lang}/wizards/which-report"
    assert wizard.anchor is None
    assert "<mark>" in wizard.snippet_html


def test_hit_fields(loaded_backend: SearchBackend) -> None:
    results = loaded_backend.search("help message", "en")
    assert results.query == "help message" and results.lang == "en"
    hit = first_article(results)
    assert hit.key == RATINGS
    assert hit.title == "Asking customers for ratings"
    assert hit.section_title == "Ratings"
    assert hit.slug == "asking-customers-for-ratings"
    assert hit.lang == "en"
    assert hit.score > 0
    assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>") > 0
    assert "<mark>help</mark>" in hit.snippet_html.lower()
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_one_hit_per_article_and_total(loaded_backend: SearchBackend) -> None:
    results = loaded_backend.search("customer question answer", "en")
    groups = [(h.kind, h.lang, h.key) for h in results.hits]
    assert len(groups) == len(set(groups)) == results.total == 4  # 2 articles + 2 wizards
    limited = loaded_backend.search("customer question answer", "en", limit=1)
    assert len(limited.hits) == 1 and limited.total == 4


def test_snippets_highlight_accent_insensitively(loaded_backend: SearchBackend) -> None:
    hit = first_article(loaded_backend.search("valoracion", "es"))
    marked = hit.snippet_html.lower()
    assert "<mark>valor" in marked  # valore/valorar/valoración, as written in the text


def test_language_filter(loaded_backend: SearchBackend) -> None:
    for lang in ("es", "de", "en"):
        results = loaded_backend.search("Best of JA", lang)
        assert results.hits and {h.lang for h in results.hits} == {lang}
        assert all(h.url_path.startswith(f"/{lang}/") for h in results.hits)


def test_all_languages(loaded_backend: SearchBackend) -> None:
    results = loaded_backend.search("Best of JA", None)
    assert results.lang is None
    assert {h.lang for h in results.hits} == {"es", "de", "en"}
    german = loaded_backend.search("Rueckerstattung", None)
    assert first_article(german).lang == "de" and first_article(german).key == REPORTS


def test_unknown_language_finds_nothing(loaded_backend: SearchBackend) -> None:
    results = loaded_backend.search("refund", "fr")
    assert results.hits == [] and results.total == 0


@pytest.mark.parametrize(
    ("lang", "query", "suggestion", "key"),
    [
        ("en", "refnud", "refund", REPORTS),
        ("de", "duplicat", "duplikat", REPORTS),
        ("en", "duplicat", "duplicate", REPORTS),
        ("es", "valoracoines", "valoraciones", RATINGS),
        ("de", "Rückerstatung", "rückerstattung", REPORTS),
        ("en", "customer refnud", "customer refund", REPORTS),
    ],
)
def test_did_you_mean(
    loaded_backend: SearchBackend, lang: str, query: str, suggestion: str, key: str
) -> None:
    results = loaded_backend.search(query, lang)
    assert results.suggestion == suggestion
    # The results already include the correction's matches.
    assert first_article(results).key == key


def test_no_suggestion_when_nothing_is_close(loaded_backend: SearchBackend) -> None:
    results = loaded_backend.search("xqzvwk", "en")
    assert results.hits == [] and results.total == 0 and results.suggestion is None


HOSTILE_QUERIES = [
    "",
    "   ",
    '"',
    '"unbalanced',
    "refund:",
    "title:refund",
    "body:*",
    "*",
    "?",
    "re*und",
    "refund~2",
    "AND",
    "OR NOT",
    "refund AND OR NOT money",
    "NOT refund",
    "((((refund",
    "refund))))",
    "[refund TO zebra]",
    "{a TO b}",
    "refund^10",
    "+refund -money",
    "'; DROP TABLE search_entry; --",
    "' OR 1=1 --",
    "a:*",
    "refund:* & !money | <-> (",
    "<script>alert(1)</script>",
    "%s %(x)s {0} ${x}",
    "\\",
    "\\x00",
    "\x00",
    "refund\x00money",
    "\x00\x01\x02\x03\x7f\x1b[31m",
    "\ufeffrefund\u200b",
    "\ud800",
    "refund " * 400,
    "x" * 2000,
    "a" * 100_000,
    "Привет мир 你好 こんにちは مرحبا שלום refund",
    "🙂🙃 refund 🙂",
    "ﬁnd ＲＥＦＵＮＤ",
    "e\u0301valoracio\u0301n",
    'Rückerstattung AND "Suizid" OR valoración*',
    "\n\t\r",
    "----",
    "_ _ _",
    "1 2 3 24 168",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
@pytest.mark.parametrize("lang", ["en", None])
def test_hostile_queries_never_raise(
    loaded_backend: SearchBackend, query: str, lang: str | None
) -> None:
    results = loaded_backend.search(query, lang)
    assert isinstance(results, SearchResults)
    assert results.total >= len(results.hits)
    for hit in results.hits:
        assert "<script" not in hit.snippet_html


def test_query_syntax_words_are_searched_as_text(loaded_backend: SearchBackend) -> None:
    plain = loaded_backend.search("refund money", "en")
    syntax = loaded_backend.search('"refund" AND money:*', "en")
    assert keys(plain) == keys(syntax)
