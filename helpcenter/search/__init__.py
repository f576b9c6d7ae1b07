"""Search: articles (by section) and wizards, in es/de/en, behind a small backend protocol.

Pure Python (no Flask): the web layer builds documents with :func:`documents_from_articles`
and :func:`documents_from_wizards`, gets a backend from :func:`backend_from_config` (or
:func:`make_backend`), and calls ``rebuild``/``index``/``remove``/``search``.
"""

from helpcenter.search.backend import (
    SearchBackend,
    backend_from_config,
    backend_kind,
    make_backend,
)
from helpcenter.search.documents import (
    SearchDocument,
    SearchHit,
    SearchResults,
    documents_from_article,
    documents_from_articles,
    documents_from_wizards,
    section_titles_from_structure,
)
from helpcenter.search.query import Synonyms

__all__ = [
    "SearchBackend",
    "SearchDocument",
    "SearchHit",
    "SearchResults",
    "Synonyms",
    "backend_from_config",
    "backend_kind",
    "documents_from_article",
    "documents_from_articles",
    "documents_from_wizards",
    "make_backend",
    "section_titles_from_structure",
]
