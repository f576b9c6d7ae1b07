"""The table of the PostgreSQL search backend.

One row per SearchDocument (an article section or a wizard, in one language). On SQLite
the table exists, empty and unused (the Whoosh backend keeps its own index files).

The full-text column and its index are PostgreSQL-only, so they are not declared here:
``PostgresBackend.ensure_schema()`` adds ``tsv`` (a generated ``tsvector``, weighted
title A > heading B > section title C > body D, built with the per-language
configurations ``hc_es``/``hc_de``/``hc_en``: Snowball stemming + unaccent) and the GIN
index ``ix_search_entry_tsv``. :func:`include_object` keeps Alembic's autogenerate from
proposing to drop them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpcenter.models.base import Base, UTCDateTime, utcnow

TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_entry_tsv"


class SearchEntry(Base):
    __tablename__ = "search_entry"
    __table_args__ = (Index("ix_search_entry_lang_kind", "lang", "kind"),)

    # "article:<lang>:<key>#<anchor>", "article:<lang>:<key>" (intro), "wizard:<lang>:<slug>"
    doc_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    # "<kind>:<lang>:<key>": every section of one article in one language
    group_key: Mapped[str] = mapped_column(String(300), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    section_title: Mapped[str] = mapped_column(String(300), default="")
    heading: Mapped[str | None] = mapped_column(String(500), nullable=True)
    anchor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # searched with the heading, never shown: the h2 above an h3 section
    context: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url_path: Mapped[str] = mapped_column(String(700))
    position: Mapped[int] = mapped_column(Integer, default=0)  # section order in its article
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic ``include_object`` hook: ignore the PostgreSQL-only full-text column/index.

    In migrations/env.py: ``context.configure(..., include_object=include_object)``.
    """
    if type_ == "column" and name == TSV_COLUMN and getattr(obj, "table", None) is not None:
        return obj.table.name != SearchEntry.__tablename__
    return not (type_ == "index" and name == TSV_INDEX)
