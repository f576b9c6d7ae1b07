"""Every table of the help center; import models from here."""

from helpcenter.models.base import Base, UTCDateTime, utcnow
from helpcenter.models.catalog import (
    Article,
    ArticleRevision,
    Category,
    CategoryTranslation,
    Section,
    SectionTranslation,
)
from helpcenter.models.usage import WizardUsage

__all__ = [
    "Article",
    "ArticleRevision",
    "Base",
    "Category",
    "CategoryTranslation",
    "Section",
    "SectionTranslation",
    "UTCDateTime",
    "WizardUsage",
    "utcnow",
]
