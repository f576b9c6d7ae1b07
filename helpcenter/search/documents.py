"""What gets indexed and what a search returns, and how articles and wizards become documents.

An article is indexed as one document per section: the text before the first heading
(no anchor) and then one per ``h2``/``h3`` heading (with that heading's anchor). A search
then finds the section that matches best and links straight to it; results are still one
per article (see :class:`SearchResults`). A wizard is one document per language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal, Protocol

from helpcenter.search.text import LANGUAGES, clean_text

Kind = Literal["article", "wizard"]


@dataclass(frozen=True)
class SearchDocument:
    """One indexed unit: a section of an article in one language, or a wizard in one language.

    ``doc_id`` is unique ("article:en:<key>#<anchor>", "article:en:<key>" for the intro,
    "wizard:en:<slug>"). ``body`` is plain text (no markup). ``context`` is searched like
    the heading but never shown: the h2 an h3 section belongs to, so "help message" also
    finds the "When you can send it" section under "The help message".
    """

    doc_id: str
    kind: Kind
    lang: str
    key: str
    slug: str
    title: str
    section_title: str
    heading: str | None
    anchor: str | None
    body: str
    url_path: str
    context: str = ""

    @property
    def group_id(self) -> str:
        """The article or wizard this document belongs to, in its language."""
        return group_id(self.kind, self.lang, self.key)


def group_id(kind: str, lang: str, key: str) -> str:
    return f"{kind}:{lang}:{key}"


@dataclass(frozen=True)
class SearchHit:
    """One article or wizard found. ``snippet_html`` is safe HTML: the text is escaped
    and only ``<mark>…</mark>`` around matched words is markup. ``url_path`` already
    ends in ``#anchor`` when the best match is in a section with a heading."""

    kind: Kind
    lang: str
    key: str
    slug: str
    title: str
    section_title: str
    heading: str | None
    anchor: str | None
    url_path: str
    snippet_html: str
    score: float


@dataclass(frozen=True)
class SearchResults:
    """Hits for a query, best first, one per article or wizard.

    ``total`` counts the articles and wizards that match (not sections). ``suggestion``
    is a corrected query when some word of the query is not in the index but a close
    word is ("refnud" -> "refund"); the hits already include matches for the correction.
    """

    query: str
    lang: str | None
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    suggestion: str | None = None


# --------------------------------------------------------------------------- articles


class ArticleLike(Protocol):
    """What documents_from_articles reads: content.loader.ArticleSource or models.Article.

    The HTML comes from ``body_html`` (the model) or ``rendered.html`` (the loader); the
    language from ``locale``; the section title from ``section.in_locale(lang).title``
    (the model) or from the ``section_titles`` mapping by section key (the loader).
    """

    key: str
    locale: str
    slug: str
    title: str


_BLOCK_TAGS = frozenset(
    {"p", "li", "ul", "ol", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "pre",
     "h4", "h5", "h6", "hr", "br", "div"}
)  # fmt: skip
_SPLIT_TAGS = frozenset({"h2", "h3"})


@dataclass
class _Section:
    heading: str | None = None
    anchor: str | None = None
    parent: str = ""  # the h2 heading above an h3
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


class _SectionSplitter(HTMLParser):
    """Splits rendered (already sanitized) article HTML into sections at h2/h3."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[_Section] = [_Section()]
        self._heading: list[str] | None = None
        self._heading_id: str | None = None
        self._heading_tag = ""
        self._h2 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SPLIT_TAGS:
            self._heading = []
            self._heading_id = dict(attrs).get("id") or None
            self._heading_tag = tag
        elif tag in _BLOCK_TAGS:
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SPLIT_TAGS and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            if self._heading_tag == "h2":
                self._h2 = heading
                parent = ""
            else:
                parent = self._h2
            self.sections.append(_Section(heading, self._heading_id, parent))
            self._heading = None
        elif tag in _BLOCK_TAGS:
            self._text(" ")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        else:
            self.sections[-1].parts.append(data)


def split_sections(html: str) -> list[tuple[str | None, str | None, str, str]]:
    """(heading, anchor, plain text, parent h2 heading) of each section of ``html``; the
    intro has no heading, an h2 section no parent.

    The intro is dropped when empty; a headed section is kept even when empty, because its
    heading alone can be what a reader searches for.
    """
    splitter = _SectionSplitter()
    splitter.feed(html or "")
    splitter.close()
    result = []
    for index, section in enumerate(splitter.sections):
        text = clean_text(section.text)
        if index == 0 and not text:
            continue
        heading = clean_text(section.heading) if section.heading is not None else None
        result.append((heading, section.anchor, text, clean_text(section.parent)))
    return result


def _article_html(article: Any) -> str:
    html = getattr(article, "body_html", None)
    if html is None:
        rendered = getattr(article, "rendered", None)
        html = getattr(rendered, "html", "") if rendered is not None else ""
    return str(html or "")


def _section_title(article: Any, lang: str, section_titles: Mapping[str, Mapping[str, str]]) -> str:
    section = getattr(article, "section", None)
    if isinstance(section, str):
        return str(section_titles.get(section, {}).get(lang, ""))
    if section is not None and hasattr(section, "in_locale"):
        try:
            return str(section.in_locale(lang).title)
        except StopIteration:  # the model raises it for a missing translation
            return ""
    return ""


def article_url(lang: str, slug: str, anchor: str | None = None) -> str:
    return f"/{lang}/articles/{slug}" + (f"#{anchor}" if anchor else "")


def wizard_url(lang: str, slug: str) -> str:
    return f"/{lang}/wizards/{slug}"


def documents_from_article(
    article: Any, section_titles: Mapping[str, Mapping[str, str]] | None = None
) -> list[SearchDocument]:
    """The documents of one article (one per section); see documents_from_articles."""
    lang = str(article.locale)
    key = str(article.key)
    slug = str(article.slug)
    title = clean_text(str(article.title))
    section_title = clean_text(_section_title(article, lang, section_titles or {}))
    summary = clean_text(str(getattr(article, "summary", "") or "")).strip()
    documents: list[SearchDocument] = []
    sections = split_sections(_article_html(article))
    if summary and (not sections or sections[0][0] is not None):
        sections.insert(0, (None, None, "", ""))
    seen: set[str] = set()
    for heading, anchor, text, parent in sections:
        if heading is None and summary:
            text = f"{summary} {text}".strip()
        base = f"article:{lang}:{key}"
        doc_id = f"{base}#{anchor}" if anchor else base
        if doc_id in seen:  # two headings with one id: keep both, ids stay unique
            doc_id = f"{doc_id}~{len(seen)}"
        seen.add(doc_id)
        documents.append(
            SearchDocument(
                doc_id=doc_id,
                kind="article",
                lang=lang,
                key=key,
                slug=slug,
                title=title,
                section_title=section_title,
                heading=heading,
                anchor=anchor,
                body=text,
                url_path=article_url(lang, slug, anchor),
                context=parent,
            )
        )
    if not documents:  # an empty article is still findable by its title
        documents.append(
            SearchDocument(
                doc_id=f"article:{lang}:{key}",
                kind="article",
                lang=lang,
                key=key,
                slug=slug,
                title=title,
                section_title=section_title,
                heading=None,
                anchor=None,
                body="",
                url_path=article_url(lang, slug),
            )
        )
    return documents


def documents_from_articles(
    articles: Iterable[Any], section_titles: Mapping[str, Mapping[str, str]] | None = None
) -> list[SearchDocument]:
    """Split each article's rendered HTML into sections at h2/h3 headings.

    ``articles`` are :class:`ArticleLike`: ``content.loader.ArticleSource`` (pass
    ``section_titles``, e.g. :func:`section_titles_from_structure`) or the
    ``models.Article`` rows (whose ``section.in_locale(lang).title`` is used). The
    article's summary, when it has one, is searched with the intro.
    """
    documents: list[SearchDocument] = []
    for article in articles:
        documents.extend(documents_from_article(article, section_titles))
    return documents


def section_titles_from_structure(structure: Any) -> dict[str, dict[str, str]]:
    """{section key: {lang: title}} from ``content.loader.Structure``."""
    return {
        node.key: {lang: texts.get("title", "") for lang, texts in node.texts.items()}
        for node in structure.sections
    }


# --------------------------------------------------------------------------- wizards


def documents_from_wizards(wizards: Mapping[str, Any]) -> list[SearchDocument]:
    """One document per wizard per language: title; description, the choice labels and the
    outcome titles as the body. The section title is empty: the web layer labels wizard
    hits itself (translated), by ``kind``."""
    documents: list[SearchDocument] = []
    for slug, wizard in wizards.items():
        for lang in LANGUAGES:

            def tr(text: Mapping[str, str] | None, lang: str = lang) -> str:
                if not text:
                    return ""
                return clean_text(str(text.get(lang) or text.get("en") or ""))

            parts = [tr(wizard.description)]
            for question in wizard.questions.values():
                parts.extend(tr(choice.label) for choice in question.choices)
            seen_titles: set[str] = set()
            for outcome in wizard.outcomes.values():
                outcome_title = tr(outcome.title)
                if outcome_title not in seen_titles:  # several outcomes share a title
                    seen_titles.add(outcome_title)
                    parts.append(outcome_title)
            body = " · ".join(p for p in parts if p)
            documents.append(
                SearchDocument(
                    doc_id=f"wizard:{lang}:{slug}",
                    kind="wizard",
                    lang=lang,
                    key=str(slug),
                    slug=str(slug),
                    title=tr(wizard.title),
                    section_title="",
                    heading=None,
                    anchor=None,
                    body=body,
                    url_path=wizard_url(lang, str(slug)),
                )
            )
    return documents
