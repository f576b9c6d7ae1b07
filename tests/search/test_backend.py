"""Choosing a backend from settings, and what the PostgreSQL schema hook ignores."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from helpcenter.search import (
    SearchBackend,
    backend_from_config,
    backend_kind,
    documents_from_articles,
    make_backend,
)
from helpcenter.search.models import SearchEntry, include_object
from helpcenter.search.whoosh_backend import WhooshBackend


@pytest.mark.parametrize(
    ("setting", "url", "kind"),
    [
        (None, "sqlite:///x.sqlite3", "whoosh"),
        ("auto", "postgresql+psycopg://h/db", "postgres"),
        ("", "postgresql://h/db", "postgres"),
        ("whoosh", "postgresql+psycopg://h/db", "whoosh"),
        ("POSTGRES", "postgresql+psycopg://h/db", "postgres"),
    ],
)
def test_backend_kind(setting: str | None, url: str, kind: str) -> None:
    assert backend_kind(setting, url) == kind


def test_bad_settings_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SEARCH_BACKEND"):
        backend_kind("elastic", None)
    with pytest.raises(ValueError, match="index_dir"):
        make_backend("whoosh")
    with pytest.raises(ValueError, match="engine"):
        make_backend("postgres")
    with pytest.raises(ValueError, match="PostgreSQL"):
        make_backend("postgres", engine=sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    with pytest.raises(ValueError, match="unknown"):
        make_backend("lucene", index_dir=tmp_path)


def test_backend_from_app_config(tmp_path: Path) -> None:
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "CONTENT_DIR": str(Path(__file__).resolve().parents[2] / "content"),
    }
    backend = backend_from_config(config)
    assert isinstance(backend, WhooshBackend) and isinstance(backend, SearchBackend)
    assert backend.synonyms.groups("de")  # search-synonyms.yaml from CONTENT_DIR


def test_an_article_without_text_is_still_findable_by_title() -> None:
    empty = SimpleNamespace(
        key="empty", locale="en", slug="empty", title="Quokka policy", body_html="", section=None
    )
    (doc,) = documents_from_articles([empty])
    assert (doc.doc_id, doc.anchor, doc.body) == ("article:en:empty", None, "")


def test_alembic_ignores_the_postgresql_only_column_and_index() -> None:
    table = SearchEntry.__table__
    tsv = sa.Column("tsv", sa.Text)
    sa.Table("search_entry", sa.MetaData(), tsv)
    assert include_object(tsv, "tsv", "column", True, None) is False
    assert include_object(table.c.body, "body", "column", False, None) is True
    assert include_object(None, "ix_search_entry_tsv", "index", True, None) is False
    assert include_object(table, "search_entry", "table", False, None) is True
