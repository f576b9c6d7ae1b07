"""Imports content/ into the database in one transaction: all of it, or nothing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpcenter.content.loader import (
    ArticleSource,
    ContentError,
    NodeSource,
    load_articles,
    load_structure,
)
from helpcenter.models import (
    Article,
    ArticleRevision,
    Category,
    CategoryTranslation,
    Section,
    SectionTranslation,
    utcnow,
)

# Bumped by every import that changed something in this process, so caches of rendered
# pages in the same process can tell at once (other processes see the database's stamp).
_generation = itertools.count(1)
_current_generation = 0


def content_generation() -> int:
    return _current_generation


def _bump_generation() -> None:
    global _current_generation
    _current_generation = next(_generation)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised)


def import_content(session: Session, content_dir: Path) -> ImportReport:
    """Bring the database in line with content/; a file that changed becomes a new revision.

    Everything is validated before the first write, and the caller's transaction is rolled
    back on any error, so bad content never leaves a half-imported database behind.
    """
    structure = load_structure(content_dir)
    sources = load_articles(content_dir, structure)
    try:
        sections = _sync_structure(session, structure.categories, structure.sections)
        report = ImportReport()
        for source in sources:
            _sync_article(session, source, sections[source.section], report)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if report.changed:
        _bump_generation()
    return report


def _sync_structure(
    session: Session, categories: list[NodeSource], sections: list[NodeSource]
) -> dict[str, Section]:
    by_key: dict[str, Category] = {}
    for node in categories:
        category = session.scalar(select(Category).where(Category.key == node.key))
        if category is None:
            category = Category(key=node.key)
            session.add(category)
        category.position = node.position
        _sync_texts(category.translations, node, CategoryTranslation)
        by_key[node.key] = category
    result: dict[str, Section] = {}
    for node in sections:
        section = session.scalar(select(Section).where(Section.key == node.key))
        if section is None:
            section = Section(key=node.key)
            session.add(section)
        section.category = by_key[node.parent_key or ""]
        section.position = node.position
        _sync_texts(section.translations, node, SectionTranslation)
        result[node.key] = section
    session.flush()
    return result


def _sync_texts(
    existing: list[CategoryTranslation] | list[SectionTranslation],
    node: NodeSource,
    model: type[CategoryTranslation] | type[SectionTranslation],
) -> None:
    by_locale = {t.locale: t for t in existing}
    for locale, texts in node.texts.items():
        translation = by_locale.get(locale)
        if translation is None:
            translation = model(locale=locale)
            existing.append(translation)  # type: ignore[arg-type]
        translation.slug = texts["slug"]
        translation.title = texts["title"]
        translation.description = texts["description"]


def _sync_article(
    session: Session, source: ArticleSource, section: Section, report: ImportReport
) -> None:
    label = f"{source.locale}/{source.slug}"
    article = session.scalar(
        select(Article).where(Article.key == source.key, Article.locale == source.locale)
    )
    if article is not None and article.source_sha256 == source.sha256:
        report.unchanged.append(label)
        return
    clash = session.scalar(
        select(Article).where(Article.locale == source.locale, Article.slug == source.slug)
    )
    if clash is not None and clash is not article:
        raise ContentError(source.path, f"slug '{source.slug}' is taken by article '{clash.key}'")
    if article is None:
        article = Article(key=source.key, locale=source.locale, revision_number=0)
        session.add(article)
        report.created.append(label)
    else:
        report.revised.append(label)
    article.slug = source.slug
    article.section = section
    article.position = source.position
    article.title = source.title
    article.summary = source.summary
    article.author = source.author
    article.updated_on = source.updated
    article.body_markdown = source.body
    article.body_html = source.rendered.html
    article.toc = source.rendered.toc
    article.rules = source.rules
    article.source_sha256 = source.sha256
    article.revision_number += 1
    article.modified_at = utcnow()
    article.revisions.append(
        ArticleRevision(
            number=article.revision_number,
            title=source.title,
            summary=source.summary,
            author=source.author,
            updated_on=source.updated,
            body_markdown=source.body,
            body_html=source.rendered.html,
            toc=source.rendered.toc,
            rules=source.rules,
            source_sha256=source.sha256,
            origin="import",
        )
    )
    session.flush()
