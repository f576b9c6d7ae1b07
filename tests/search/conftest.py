"""Search fixtures: the real content (articles + wizards) as documents, and a backend of
each kind. The PostgreSQL one needs TEST_DATABASE_URL (a PostgreSQL database the tests
may write to: they own the search_entry table in it)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpcenter.config import PROJECT_ROOT
from helpcenter.content.loader import ArticleSource, load_articles, load_structure
from helpcenter.search import (
    SearchBackend,
    SearchDocument,
    documents_from_articles,
    documents_from_wizards,
    make_backend,
    section_titles_from_structure,
)
from helpcenter.wizards.engine import Wizard, load_wizards

CONTENT_DIR = PROJECT_ROOT / "content"
BACKENDS = ("whoosh", "postgres")


@pytest.fixture(scope="session")
def articles() -> list[ArticleSource]:
    return load_articles(CONTENT_DIR, load_structure(CONTENT_DIR))


@pytest.fixture(scope="session")
def section_titles() -> dict[str, dict[str, str]]:
    return section_titles_from_structure(load_structure(CONTENT_DIR))


@pytest.fixture(scope="session")
def wizards() -> dict[str, Wizard]:
    return load_wizards(CONTENT_DIR / "wizards")


@pytest.fixture(scope="session")
def corpus(
    articles: list[ArticleSource],
    section_titles: dict[str, dict[str, str]],
    wizards: dict[str, Wizard],
) -> list[SearchDocument]:
    return documents_from_articles(articles, section_titles) + documents_from_wizards(wizards)


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(
            "PostgreSQL search backend not tested: TEST_DATABASE_URL is unset "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/search_scratch)"
        )
    if not url.startswith("postgresql"):
        pytest.skip(
            f"PostgreSQL search backend not tested: TEST_DATABASE_URL is {url.split(':')[0]}"
        )
    return url


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[sa.Engine]:
    engine = sa.create_engine(postgres_url(), pool_pre_ping=True)
    yield engine
    engine.dispose()


BackendFactory = Callable[[], SearchBackend]


def _factory(kind: str, request: pytest.FixtureRequest, directory: Path) -> BackendFactory:
    """Backends of ``kind`` sharing one index (as several processes would)."""
    if kind == "whoosh":
        return lambda: make_backend("whoosh", index_dir=directory)
    engine = request.getfixturevalue("pg_engine")
    return lambda: make_backend("postgres", engine=engine)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded_backend(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    corpus: list[SearchDocument],
) -> SearchBackend:
    """A backend with the real content, shared by the read-only tests of a module."""
    backend = _factory(request.param, request, tmp_path_factory.mktemp("index"))()
    backend.rebuild(corpus)
    return backend


@pytest.fixture(params=BACKENDS)
def backend_factory(
    request: pytest.FixtureRequest, tmp_path: Path, corpus: list[SearchDocument]
) -> BackendFactory:
    """Makes backends on one fresh index holding the real content (for tests that write)."""
    factory = _factory(request.param, request, tmp_path / "index")
    factory().rebuild(corpus)
    return factory


@pytest.fixture
def fresh_backend(backend_factory: BackendFactory) -> SearchBackend:
    return backend_factory()
