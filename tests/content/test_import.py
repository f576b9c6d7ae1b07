"""Importing content/ is repeatable, keeps history, and is all-or-nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpcenter.config import PROJECT_ROOT
from helpcenter.content.importer import import_content
from helpcenter.content.loader import ContentError
from helpcenter.extensions import db
from helpcenter.models import Article, ArticleRevision, Category, Section

RATINGS_EN = Path("en/asking-customers-for-ratings.md")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", target)
    return target


def _counts() -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Category, Section, Article, ArticleRevision)
    )


def test_importing_twice_changes_nothing(bare_app: Flask, content: Path) -> None:
    with bare_app.app_context():
        first = import_content(db.session, content)
        counts = _counts()
        second = import_content(db.session, content)
        assert len(first.created) == 6
        assert not second.changed and len(second.unchanged) == 6
        assert _counts() == counts == (1, 2, 6, 6)


def test_a_changed_file_becomes_a_new_revision_and_keeps_the_old_text(
    bare_app: Flask, content: Path
) -> None:
    with bare_app.app_context():
        import_content(db.session, content)
        path = content / RATINGS_EN
        path.write_text(path.read_text() + "\nOne more sentence for experts.\n")
        report = import_content(db.session, content)
        assert report.revised == ["en/asking-customers-for-ratings"]
        article = db.session.scalar(
            select(Article).where(Article.slug == "asking-customers-for-ratings")
        )
        assert article.revision_number == 2
        assert [r.number for r in article.revisions] == [1, 2]
        assert "One more sentence" not in article.revisions[0].body_markdown
        assert "One more sentence" in article.body_html


def _break(content: Path, kind: str) -> Path:
    path = content / RATINGS_EN
    text = path.read_text()
    if kind == "front matter":
        path.write_text(text.replace("author: ExpertOperations", "author: [unclosed"))
    elif kind == "duplicate slug":
        other = content / "en/guide-to-customer-reports.md"
        other.write_text(
            other.read_text().replace(
                "slug: guide-to-customer-reports", "slug: asking-customers-for-ratings"
            )
        )
        return other
    elif kind == "unknown category":
        path.write_text(text.replace("category: expert-policies", "category: gardening"))
    elif kind == "missing anchor":
        path.write_text(text.replace("{#help-message}", "{#something-else}"))
    return path


@pytest.mark.parametrize(
    "kind", ["front matter", "duplicate slug", "unknown category", "missing anchor"]
)
def test_bad_content_stops_the_import_and_leaves_the_database_as_it_was(
    bare_app: Flask, content: Path, kind: str
) -> None:
    with bare_app.app_context():
        import_content(db.session, content)
        # A good change and a bad file in the same import: neither may land.
        good = content / "es/solicitar-valoraciones-a-los-clientes.md"
        good.write_text(good.read_text() + "\nTexto nuevo.\n")
        before = _counts()
        broken = _break(content, kind)
        with pytest.raises(ContentError) as error:
            import_content(db.session, content)
        assert str(broken) in str(error.value)
        assert _counts() == before
        spanish = db.session.scalar(
            select(Article).where(
                Article.locale == "es", Article.key == "asking-customers-for-ratings"
            )
        )
        assert "Texto nuevo" not in spanish.body_markdown


def test_a_front_matter_error_names_the_line(bare_app: Flask, content: Path) -> None:
    path = _break(content, "front matter")
    with bare_app.app_context(), pytest.raises(ContentError) as error:
        import_content(db.session, content)
    assert error.value.line is not None
    assert f"{path}:{error.value.line}" in str(error.value)
