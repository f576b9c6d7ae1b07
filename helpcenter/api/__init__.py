"""The JSON API under /api/v1, described by openapi.json."""

from helpcenter.api.views import bp

__all__ = ["bp"]
