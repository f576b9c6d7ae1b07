"""The search backend protocol and the factory that picks one.

Two backends implement the same protocol and pass the same tests (tests/search/):

* ``whoosh`` (default): an index in a directory under the data dir; no service needed.
* ``postgres``: PostgreSQL full-text search in the ``search_entry`` table, for
  deployments that run several app servers on one PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from helpcenter.search.documents import SearchDocument, SearchResults
from helpcenter.search.query import Synonyms

if TYPE_CHECKING:
    import sqlalchemy

KINDS: Final = ("whoosh", "postgres")
DEFAULT_SYNONYMS_FILE: Final = (
    Path(__file__).resolve().parents[2] / "content" / "search-synonyms.yaml"
)


@runtime_checkable
class SearchBackend(Protocol):
    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``docs``; returns how many were indexed.

        Searches keep answering from the old index until the new one is complete.
        """
        ...

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents, visible to the next search.

        Whole articles: every article/wizard (kind, lang, key) present in ``docs`` is
        replaced entirely, so a section deleted from an article disappears too.
        """
        ...

    def remove(
        self,
        doc_ids: Iterable[str] = (),
        *,
        key: str | None = None,
        lang: str | None = None,
        kind: str = "article",
    ) -> int:
        """Remove documents by id, and/or every document of article ``key`` (in ``lang``,
        or in all languages when ``lang`` is None). Returns how many were removed."""
        ...

    def search(self, query: str, lang: str | None, limit: int = 10) -> SearchResults:
        """Hits in ``lang`` (None: every language; hits carry their language). Never raises
        for any query text."""
        ...


def make_backend(
    kind: str,
    *,
    index_dir: Path | str | None = None,
    engine: sqlalchemy.Engine | None = None,
    synonyms: Synonyms | None = None,
    synonyms_file: Path | str | None = None,
) -> SearchBackend:
    """A backend: ``"whoosh"`` needs ``index_dir``, ``"postgres"`` needs ``engine``.

    Synonyms come from ``synonyms``, else ``synonyms_file``, else content/search-synonyms.yaml.
    """
    if synonyms is None:
        synonyms = Synonyms.load(synonyms_file or DEFAULT_SYNONYMS_FILE)
    if kind == "whoosh":
        if index_dir is None:
            raise ValueError("the whoosh search backend needs index_dir")
        from helpcenter.search.whoosh_backend import WhooshBackend

        return WhooshBackend(Path(index_dir), synonyms=synonyms)
    if kind == "postgres":
        if engine is None:
            raise ValueError("the postgres search backend needs a SQLAlchemy engine")
        if engine.dialect.name != "postgresql":
            raise ValueError(
                f"the postgres search backend needs PostgreSQL, not {engine.dialect.name}"
            )
        from helpcenter.search.postgres_backend import PostgresBackend

        return PostgresBackend(engine, synonyms=synonyms)
    raise ValueError(f"unknown search backend {kind!r} (known: {', '.join(KINDS)})")


def backend_kind(setting: str | None, database_url: str | None) -> str:
    """SEARCH_BACKEND: "whoosh", "postgres", or "auto"/unset (PostgreSQL when the database is)."""
    value = (setting or "auto").strip().lower()
    if value in KINDS:
        return value
    if value != "auto":
        raise ValueError(f"SEARCH_BACKEND must be one of auto, {', '.join(KINDS)}; got {setting!r}")
    return "postgres" if (database_url or "").startswith(("postgresql", "postgres")) else "whoosh"


def backend_from_config(
    config: Mapping[str, Any], engine: sqlalchemy.Engine | None = None
) -> SearchBackend:
    """The backend an app's settings ask for (plain mapping: works with ``app.config``).

    Reads SEARCH_BACKEND ("auto" by default), SEARCH_INDEX_DIR, CONTENT_DIR (for
    search-synonyms.yaml) and SQLALCHEMY_DATABASE_URI.
    """
    kind = backend_kind(config.get("SEARCH_BACKEND"), config.get("SQLALCHEMY_DATABASE_URI"))
    content_dir = config.get("CONTENT_DIR")
    synonyms_file = Path(content_dir) / "search-synonyms.yaml" if content_dir else None
    return make_backend(
        kind,
        index_dir=config.get("SEARCH_INDEX_DIR"),
        engine=engine,
        synonyms_file=synonyms_file,
    )
