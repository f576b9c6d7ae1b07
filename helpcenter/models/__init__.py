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
from helpcenter.models.search_stats import SearchMiss
from helpcenter.models.usage import WizardUsage
from helpcenter.models.users import (
    AuditEvent,
    OutboxMessage,
    Role,
    User,
    UserSession,
    normalize_email,
)
from helpcenter.search.models import SearchEntry

__all__ = [
    "Article",
    "ArticleRevision",
    "AuditEvent",
    "Base",
    "Category",
    "CategoryTranslation",
    "OutboxMessage",
    "Role",
    "SearchEntry",
    "SearchMiss",
    "Section",
    "SectionTranslation",
    "UTCDateTime",
    "User",
    "UserSession",
    "WizardUsage",
    "normalize_email",
    "utcnow",
]
