"""Word analysis, query planning, synonyms and the speller, without any backend."""

from __future__ import annotations

import pytest

from helpcenter.config import PROJECT_ROOT
from helpcenter.search.query import Speller, Synonyms, make_plan, query_words, suggestion_text
from helpcenter.search.snippets import from_marked, highlight
from helpcenter.search.text import analyze_word, clean_query

SYNONYMS_FILE = PROJECT_ROOT / "content" / "search-synonyms.yaml"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["valoracion", "valoraciones", "valoración", "Valoración", "VALORACIONES"]),
        ("es", ["devolución", "devolucion", "devoluciones"]),
        ("es", ["categoría", "categoria", "categorías"]),
        ("de", ["Rückerstattung", "Ruckerstattung", "Rueckerstattung", "Rückerstattungen"]),
        ("de", ["Bewertung", "Bewertungen"]),
        ("de", ["Straße", "Strasse"]),
        ("en", ["rating", "ratings", "rated"]),
        ("en", ["refund", "refunds", "refunded"]),
        ("en", ["duplicate", "duplicates", "duplicated"]),
    ],
)
def test_inflections_and_accents_meet(lang: str, words: list[str]) -> None:
    assert len({analyze_word(lang, w) for w in words}) == 1, [analyze_word(lang, w) for w in words]


def test_german_ue_only_stands_for_u_where_it_can() -> None:
    # Snowball German2: not after q or a vowel, so these keep their "ue".
    assert analyze_word("de", "Frauen") != analyze_word("de", "Fraun")
    assert analyze_word("de", "Quelle") == "quell"


def test_stopwords_are_dropped() -> None:
    assert analyze_word("en", "the") == ""
    assert analyze_word("de", "und") == ""
    assert analyze_word("es", "más") == analyze_word("es", "mas") == ""


def test_clean_query() -> None:
    assert clean_query("  a\x00b\tc\n\x1f ") == "a b c"
    assert len(clean_query("x" * 10_000)) == 500
    assert clean_query(None) == ""  # type: ignore[arg-type]
    assert clean_query("Ｒｅｆｕｎｄ") == "Refund"  # NFKC: full-width letters


def test_query_syntax_is_plain_text() -> None:
    plan = make_plan('"refund" AND title:(money* OR NOT back)', "en", Synonyms())
    words = [c.text for c in plan.langs["en"].concepts]
    # The operators are words ("and", "or", "not" are English stopwords); nothing is syntax.
    assert words == ["refund", "title", "money", "back"]


def test_synonym_phrases_are_matched_longest_first() -> None:
    synonyms = Synonyms.load(SYNONYMS_FILE)
    plan = make_plan("customer wants money back", "en", synonyms).langs["en"]
    texts = [c.text for c in plan.concepts]
    assert texts == ["customer", "wants", "money back"]
    alternatives = {alt.words for alt in plan.concepts[-1].alternatives}
    assert ("refund",) in alternatives


def test_the_synonym_file_is_usable() -> None:
    synonyms = Synonyms.load(SYNONYMS_FILE)
    assert synonyms.dropped == []  # no entry that stopwords reduce to one broad word
    for lang, pair in [
        ("de", ("selbstmord", "suizid")),
        ("es", ("reembolso", "devolución")),
        ("en", ("refund", "money back")),
        ("de", ("doppelte", "duplikat")),
        ("es", ("valoración", "calificación")),
        ("en", ("rating", "stars")),
    ]:
        assert any(set(pair) <= set(group) for group in synonyms.groups(lang)), (lang, pair)


def test_german_words_also_match_as_compound_starts() -> None:
    plan = make_plan("Suizid", "de", Synonyms()).langs["de"]
    assert any(alt.prefix and alt.terms == ("suizid",) for alt in plan.concepts[0].alternatives)


def test_speller() -> None:
    speller = Speller({"refund": 5, "refunds": 2, "duplicate": 3, "valoración": 4, "rated": 1})
    assert speller.correct("refnud") == "refund"
    assert speller.correct("duplicat") == "duplicate"
    assert speller.correct("valoracoin") == "valoración"
    assert speller.correct("refund") is None  # known
    assert speller.correct("zzzzzz") is None  # nothing close
    assert speller.correct("abc") is None  # too short to guess


def test_suggestion_keeps_the_rest_of_the_query() -> None:
    query = "Refnud, please!"
    assert suggestion_text(query, query_words(query), {"refnud": "refund"}) == "refund, please!"
    assert suggestion_text(query, query_words(query), {}) is None


def test_highlight_escapes_everything_but_the_marks() -> None:
    text = "Use <script>alert(1)</script> & ask for a refund when refunds apply."
    html = highlight(text, "en", {"refund": 1.0})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>refund</mark>" in html and "<mark>refunds</mark>" in html


def test_highlight_picks_the_window_with_the_match() -> None:
    text = " ".join(["filler"] * 100 + ["refund"] + ["tail"] * 100)
    html = highlight(text, "en", {"refund": 1.0})
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>refund</mark>" in html
    assert len(html) < 400


def test_from_marked() -> None:
    marked = "a \x02b\x03 <c>\x04d \x02e\x03"
    assert from_marked(marked, "a b <c> x d e") == "a <mark>b</mark> &lt;c&gt; … d <mark>e</mark>"
    assert from_marked("\x02x", "") == "x"  # an unpaired mark never leaves markup
