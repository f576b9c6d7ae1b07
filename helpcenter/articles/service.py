"""Queries for reading articles; no request objects here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from helpcenter.models import (
    Article,
    Category,
    CategoryTranslation,
    Section,
    SectionTranslation,
)


@dataclass(frozen=True)
class RuleSource:
    """Where a rule is stated: the article and the heading, in one language."""

    rule: str
    article_slug: str
    article_title: str
    anchor: str
    heading: str


def categories(session: Session) -> list[Category]:
    return list(
        session.scalars(
            select(Category)
            .options(selectinload(Category.sections).selectinload(Section.translations))
            .order_by(Category.position, Category.key)
        )
    )


def category_by_slug(session: Session, lang: str, slug: str) -> Category | None:
    return session.scalar(
        select(Category)
        .join(CategoryTranslation)
        .where(CategoryTranslation.locale == lang, CategoryTranslation.slug == slug)
        .options(selectinload(Category.sections).selectinload(Section.translations))
    )


def section_by_slug(session: Session, lang: str, slug: str) -> Section | None:
    return session.scalar(
        select(Section)
        .join(SectionTranslation)
        .where(SectionTranslation.locale == lang, SectionTranslation.slug == slug)
    )


def articles_in(session: Session, section: Section, lang: str) -> list[Article]:
    return list(
        session.scalars(
            select(Article)
            .where(Article.section_id == section.id, Article.locale == lang)
            .order_by(Article.position, Article.title)
        )
    )


def article_by_slug(session: Session, lang: str, slug: str) -> Article | None:
    """The article with its section and category (and their titles) in one query."""
    statement = (
        select(Article)
        .where(Article.locale == lang, Article.slug == slug)
        .options(
            joinedload(Article.section).joinedload(Section.translations),
            joinedload(Article.section)
            .joinedload(Section.category)
            .joinedload(Category.translations),
        )
    )
    return session.execute(statement).unique().scalar_one_or_none()


def content_version(session: Session) -> tuple[object, ...]:
    """Changes whenever an article is imported, edited or removed (cache validation)."""
    row = session.execute(select(func.count(Article.id), func.max(Article.modified_at))).one()
    return tuple(row)


def translations_of(session: Session, article: Article) -> dict[str, str]:
    """Language -> slug of every translation of this article (itself included)."""
    rows = session.execute(
        select(Article.locale, Article.slug).where(Article.key == article.key)
    ).all()
    return {locale: slug for locale, slug in rows}


def rule_sources(session: Session, lang: str) -> dict[str, RuleSource]:
    """Rule id -> the heading that states it, in `lang` (for wizards and the checker)."""
    sources: dict[str, RuleSource] = {}
    for article in session.scalars(select(Article).where(Article.locale == lang)):
        headings = {entry["id"]: entry["title"] for entry in article.toc}
        for rule, anchor in article.rules.items():
            sources[rule] = RuleSource(
                rule, article.slug, article.title, anchor, headings.get(anchor, article.title)
            )
    return sources
