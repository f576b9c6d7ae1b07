"""Search as the help center uses it: building the index from the database and counting
searches that found nothing. Plain functions over a session and a backend."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from helpcenter.content.glossary import load_glossary
from helpcenter.models import Article, SearchMiss, Section, utcnow
from helpcenter.models.counters import increment
from helpcenter.search.backend import SearchBackend
from helpcenter.search.documents import (
    SearchDocument,
    documents_from_article,
    documents_from_articles,
    documents_from_wizards,
)
from helpcenter.wizards.engine import load_wizards

MAX_QUERY_LENGTH = 200  # longer text is cut before searching and counting
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RebuildSummary:
    documents: int
    articles: int
    wizards: int
    seconds: float


def clean_query(raw: str | None) -> str:
    """The text to search for: control characters dropped, spaces collapsed, length capped."""
    if not raw:
        return ""
    text = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch in "\t\n")
    return _SPACES.sub(" ", text).strip()[:MAX_QUERY_LENGTH]


def _articles(session: Session) -> list[Article]:
    return list(
        session.scalars(
            select(Article).options(joinedload(Article.section).selectinload(Section.translations))
        ).unique()
    )


def all_documents(session: Session, content_dir: Path) -> tuple[list[SearchDocument], int, int]:
    articles = _articles(session)
    reports = load_glossary(str(content_dir))["reports"]
    wizards = load_wizards(content_dir / "wizards", reports=reports)
    docs = documents_from_articles(articles) + documents_from_wizards(wizards)
    return docs, len(articles), len(wizards)


def rebuild_index(
    backend: SearchBackend,
    session: Session,
    content_dir: Path,
    progress: Callable[[Iterable[SearchDocument]], Iterable[SearchDocument]] | None = None,
) -> RebuildSummary:
    """A new index from every article and wizard, swapped in when complete."""
    started = time.perf_counter()
    docs, articles, wizards = all_documents(session, content_dir)
    stream: Iterable[SearchDocument] = progress(docs) if progress else docs
    count = backend.rebuild(stream)
    return RebuildSummary(count, articles, wizards, time.perf_counter() - started)


def index_changed_articles(backend: SearchBackend, session: Session, labels: Iterable[str]) -> int:
    """Re-index the articles an import created or revised ("lang/slug" labels)."""
    wanted = {tuple(label.split("/", 1)) for label in labels}
    if not wanted:
        return 0
    count = 0
    for article in _articles(session):
        if (article.locale, article.slug) in wanted:
            count += backend.index(documents_from_article(article))
    return count


def record_miss(session: Session, query: str, lang: str) -> None:
    """Count a search without results: the text and language only, never who searched."""
    text = query.casefold()[:MAX_QUERY_LENGTH]
    if not text:
        return
    now = utcnow()
    increment(session, SearchMiss, {"query": text, "locale": lang}, last_seen=now)


def top_misses(session: Session, limit: int = 100) -> list[SearchMiss]:
    return list(
        session.scalars(
            select(SearchMiss)
            .order_by(SearchMiss.count.desc(), SearchMiss.last_seen.desc())
            .limit(limit)
        )
    )
