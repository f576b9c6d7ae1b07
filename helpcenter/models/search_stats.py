"""Searches that found nothing, counted so editors see what experts miss; nothing personal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helpcenter.models.base import Base, UTCDateTime, utcnow


class SearchMiss(Base):
    """One row per (normalized query text, language): how often, first and last seen."""

    __tablename__ = "search_miss"
    __table_args__ = (UniqueConstraint("query", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
