"""Reading: home page, categories, sections and articles."""

from helpcenter.articles.views import bp

__all__ = ["bp"]
