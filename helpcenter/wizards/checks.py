"""`helpcenter check` for wizards: definitions load, every outcome is reachable, every
cited rule has a heading anchor in every language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from helpcenter.content.checker import Problem
from helpcenter.content.glossary import load_glossary
from helpcenter.content.loader import ArticleSource
from helpcenter.i18n import LANGUAGES
from helpcenter.wizards.engine import (
    DefinitionError,
    all_rule_ids,
    iter_texts,
    load_wizard,
    reachable_outcomes,
)


def wizard_checker(content_dir: Path) -> Callable[[list[ArticleSource]], list[Problem]]:
    """A check for check_content(): needs the loaded articles to resolve rule anchors."""

    def check(articles: list[ArticleSource]) -> list[Problem]:
        problems: list[Problem] = []
        reports = load_glossary(str(content_dir))["reports"]
        for path in sorted((content_dir / "wizards").glob("*.yaml")):
            try:
                wizard = load_wizard(path, reports=reports)
            except DefinitionError as error:
                problems.append(Problem(path, None, error.message))
                continue
            unreachable = set(wizard.outcomes) - set(reachable_outcomes(wizard))
            problems.extend(
                Problem(path, _line(path, oid), f"outcome {oid} can never be reached")
                for oid in sorted(unreachable)
            )
            for where, text in iter_texts(wizard):
                problems.extend(
                    Problem(path, None, f"{where}: no text in '{lang}'")
                    for lang in LANGUAGES
                    if not str(text.get(lang, "")).strip()
                )
            for lang in LANGUAGES:
                stated = {rule for a in articles if a.locale == lang for rule in a.rules}
                problems.extend(
                    Problem(
                        path, _line(path, rule), f"rule {rule} has no heading anchor in '{lang}'"
                    )
                    for rule in all_rule_ids(wizard)
                    if rule not in stated
                )
        return problems

    return check


def _line(path: Path, needle: str) -> int | None:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return None
