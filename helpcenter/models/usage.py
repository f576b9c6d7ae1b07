"""Which wizard outcomes experts reach: counted per day and language, nothing personal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helpcenter.models.base import Base


class WizardUsage(Base):
    """One counter per (day, wizard, outcome, language): no user, no IP, no answers."""

    __tablename__ = "wizard_usage"
    __table_args__ = (UniqueConstraint("day", "wizard", "outcome", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    wizard: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)
