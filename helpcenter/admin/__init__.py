"""Admin pages: people and roles, the outbox, the audit log."""

from helpcenter.admin.views import bp

__all__ = ["bp"]
