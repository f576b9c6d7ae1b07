"""Categories, sections and articles: what a reader browses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpcenter.models.base import Base, UTCDateTime, utcnow


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    translations: Mapped[list[CategoryTranslation]] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="selectin"
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="category", order_by="Section.position"
    )

    def in_locale(self, locale: str) -> CategoryTranslation:
        return next(t for t in self.translations if t.locale == locale)


class CategoryTranslation(Base):
    __tablename__ = "category_translation"
    __table_args__ = (
        UniqueConstraint("category_id", "locale"),
        UniqueConstraint("locale", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    category: Mapped[Category] = relationship(back_populates="translations")


class Section(Base):
    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[Category] = relationship(back_populates="sections")
    translations: Mapped[list[SectionTranslation]] = relationship(
        back_populates="section", cascade="all, delete-orphan", lazy="selectin"
    )

    def in_locale(self, locale: str) -> SectionTranslation:
        return next(t for t in self.translations if t.locale == locale)


class SectionTranslation(Base):
    __tablename__ = "section_translation"
    __table_args__ = (
        UniqueConstraint("section_id", "locale"),
        UniqueConstraint("locale", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    section: Mapped[Section] = relationship(back_populates="translations")


class Article(Base):
    """One translation of an article; `key` groups the translations of one article.

    The current text and its rendered HTML are kept on the row (copied from the newest
    revision) so that reading an article is one query and never re-renders Markdown.
    """

    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("key", "locale"),
        UniqueConstraint("locale", "slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(200))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200))
    updated_on: Mapped[date] = mapped_column(Date)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rules: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    revision_number: Mapped[int] = mapped_column(Integer, default=1)
    source_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship(lazy="joined")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleRevision.number",
    )


class ArticleRevision(Base):
    """Every imported or edited text of an article, oldest first; never changed afterwards."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200))
    updated_on: Mapped[date] = mapped_column(Date)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rules: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    source_sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(20), default="import")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
