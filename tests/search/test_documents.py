"""Articles and wizards become search documents: one per section, plain text, anchors."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from helpcenter.content.loader import ArticleSource
from helpcenter.search import SearchDocument, documents_from_articles, documents_from_wizards
from helpcenter.search.documents import split_sections
from helpcenter.wizards.engine import Wizard


def _article(articles: list[ArticleSource], lang: str, key: str) -> ArticleSource:
    return next(a for a in articles if a.locale == lang and a.key == key)


def test_one_document_per_section_with_the_heading_anchor(
    articles: list[ArticleSource], section_titles: dict[str, dict[str, str]]
) -> None:
    article = _article(articles, "en", "asking-customers-for-ratings")
    docs = documents_from_articles([article], section_titles)

    intro, *sections = docs
    assert intro.anchor is None and intro.heading is None
    assert intro.doc_id == "article:en:asking-customers-for-ratings"
    assert intro.url_path == "/en/articles/asking-customers-for-ratings"
    assert "A customer's rating closes the work" in intro.body
    assert article.summary in intro.body  # the summary is searched with the intro
    # Every h2/h3 of the table of contents is a section, in order, with its anchor.
    assert [d.anchor for d in sections] == [h["id"] for h in article.rendered.toc]
    assert [d.heading for d in sections] == [h["title"] for h in article.rendered.toc]
    help_message = next(d for d in sections if d.anchor == "help-message")
    assert help_message.doc_id == "article:en:asking-customers-for-ratings#help-message"
    assert help_message.url_path == "/en/articles/asking-customers-for-ratings#help-message"
    assert help_message.title == "Asking customers for ratings"
    assert help_message.section_title == "Ratings"
    assert help_message.kind == "article" and help_message.lang == "en"
    assert help_message.context == ""
    when = next(d for d in sections if d.anchor == "when-to-send-it")
    assert (when.heading, when.context) == ("When you can send it", "The help message")
    assert len({d.doc_id for d in docs}) == len(docs)


def test_bodies_are_plain_text(articles: list[ArticleSource], section_titles) -> None:
    docs = documents_from_articles(articles, section_titles)
    assert {d.lang for d in docs} == {"es", "de", "en"}
    for doc in docs:
        assert "<" not in doc.body.replace("< ", ""), doc.doc_id  # no tags left
        assert "  " not in doc.body
    table = next(d for d in docs if d.doc_id == "article:en:guide-to-customer-reports#at-a-glance")
    # Table cells are separated, not glued together.
    assert '"Suicidal customer" (most urgent) the customer says' in table.body


def test_works_with_the_database_model_shape(articles: list[ArticleSource]) -> None:
    source = _article(articles, "de", "guide-to-customer-reports")
    translation = SimpleNamespace(locale="de", title="Meldungen")
    row = SimpleNamespace(  # what models.Article offers
        key=source.key,
        locale="de",
        slug=source.slug,
        title=source.title,
        summary=source.summary,
        body_html=source.rendered.html,
        section=SimpleNamespace(in_locale=lambda lang: translation),
    )
    docs = documents_from_articles([row])
    assert docs[0].section_title == "Meldungen"
    assert any(d.anchor == "suizidgefaehrdeter-kunde" for d in docs)
    assert docs == documents_from_articles([source], {"reports": {"de": "Meldungen"}})


def test_split_sections_unescapes_text_and_keeps_empty_headings() -> None:
    html = (
        '<p>Intro &lt;b&gt; &amp; more</p><h2 id="a">First &amp; best</h2>'
        '<p>One</p><h3 id="b">Empty</h3><h2 id="c">Last</h2><ul><li>x</li><li>y</li></ul>'
    )
    assert split_sections(html) == [
        (None, None, "Intro <b> & more", ""),
        ("First & best", "a", "One", ""),
        ("Empty", "b", "", "First & best"),
        ("Last", "c", "x y", ""),
    ]
    assert split_sections("") == []
    assert split_sections("<h2 id='x'>Only</h2>") == [("Only", "x", "", "")]


def test_control_characters_never_reach_the_index() -> None:
    (section,) = split_sections("<p>a\x00b\x02c\x1fd</p>")
    assert section[2] == "a b c d"


def test_one_wizard_document_per_language(wizards: dict[str, Wizard]) -> None:
    docs = documents_from_wizards(wizards)
    assert len(docs) == 3 * len(wizards)
    which = {d.lang: d for d in docs if d.key == "which-report"}
    assert set(which) == {"es", "de", "en"}
    en = which["en"]
    assert isinstance(en, SearchDocument)
    assert (en.kind, en.doc_id, en.url_path) == (
        "wizard",
        "wizard:en:which-report",
        "/en/wizards/which-report",
    )
    assert en.title == "Which customer report should I use?"
    assert en.anchor is None
    assert "The question is a duplicate" in en.body  # a choice label
    assert "Leave the duplicate alone" in en.body  # an outcome title
    assert "find out which report to pick" in en.body  # the description
    assert "Lass das Duplikat, wie es ist" in which["de"].body
    assert "Deja el duplicado como está" in which["es"].body


@pytest.mark.parametrize("lang", ["es", "de", "en"])
def test_every_language_has_both_articles(articles, section_titles, lang: str) -> None:
    docs = documents_from_articles(articles, section_titles)
    assert {d.key for d in docs if d.lang == lang} == {
        "asking-customers-for-ratings",
        "guide-to-customer-reports",
    }
