"""`helpcenter check` guards the content: it passes on ours and names each problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask

from helpcenter.config import PROJECT_ROOT

RATINGS_DE = "de/kunden-um-bewertungen-bitten.md"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", target)
    return target


def _check(app: Flask, content: Path) -> tuple[int, str]:
    app.config["CONTENT_DIR"] = str(content)
    result = app.test_cli_runner().invoke(args=["check"])
    return result.exit_code, result.output


def test_the_shipped_content_passes(app: Flask) -> None:
    code, output = _check(app, PROJECT_ROOT / "content")
    assert code == 0, output
    assert "content check passed" in output


def test_a_rule_without_anchor_fails_naming_file_and_line(app: Flask, content: Path) -> None:
    path = content / RATINGS_DE
    lines = path.read_text().splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("HELP-5:"))
    del lines[number]
    path.write_text("".join(lines))
    code, output = _check(app, content)
    assert code == 1
    assert f"{path}:1: rule HELP-5 has no heading anchor" in output


def test_a_broken_internal_link_fails_naming_the_line(app: Flask, content: Path) -> None:
    path = content / RATINGS_DE
    path.write_text(path.read_text() + "\nSiehe [Meldungen](/de/articles/gibt-es-nicht#x).\n")
    line = len(path.read_text().splitlines())
    code, output = _check(app, content)
    assert code == 1
    assert f"{path}:{line}: broken link /de/articles/gibt-es-nicht#x" in output


def test_a_link_to_a_missing_anchor_fails(app: Flask, content: Path) -> None:
    path = content / RATINGS_DE
    path.write_text(path.read_text() + "\nSiehe [oben](#gibt-es-nicht).\n")
    code, output = _check(app, content)
    assert code == 1 and "missing anchor in #gibt-es-nicht" in output


def test_a_good_internal_link_passes(app: Flask, content: Path) -> None:
    path = content / RATINGS_DE
    path.write_text(
        path.read_text()
        + "\nSiehe [Meldungen](/de/articles/leitfaden-zu-kundenmeldungen#doppelte-frage).\n"
    )
    code, output = _check(app, content)
    assert code == 0, output


def test_a_missing_translation_fails(app: Flask, content: Path) -> None:
    (content / "es/guia-de-reportes-de-clientes.md").unlink()
    code, output = _check(app, content)
    assert code == 1
    assert "article 'guide-to-customer-reports' has no translation in 'es'" in output


def test_invalid_front_matter_fails_with_file_and_line(app: Flask, content: Path) -> None:
    path = content / RATINGS_DE
    path.write_text(path.read_text().replace("updated: 2026-11-20", "updated: gestern"))
    code, output = _check(app, content)
    assert code == 1
    assert f"{path}:" in output and "'updated' must be a date" in output


def test_a_wizard_citing_a_rule_no_article_states_fails(app: Flask, content: Path) -> None:
    path = content / "wizards/which-report.yaml"
    path.write_text(path.read_text().replace("rules: [REP-CAT]", "rules: [REP-CATEGORY]", 1))
    code, output = _check(app, content)
    assert code == 1
    assert "rule REP-CATEGORY has no heading anchor in 'es'" in output
    assert str(path) in output


def test_a_wizard_with_a_missing_translation_fails(app: Flask, content: Path) -> None:
    path = content / "wizards/follow-up-message.yaml"
    text = path.read_text()
    start = text.index("  es: ", text.index("title:"))
    end = text.index("\n", start) + 1
    path.write_text(text[:start] + text[end:])
    code, output = _check(app, content)
    assert code == 1
    assert str(path) in output
