"""Site-wide routes: the language redirect at / and the health check."""

from helpcenter.core.views import bp

__all__ = ["bp"]
