"""`helpcenter check`: finds content problems before readers do, naming file and line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpcenter.content.loader import (
    ArticleSource,
    ContentError,
    load_articles,
    load_structure,
)
from helpcenter.i18n import LANGUAGES

LINK_RE = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )


def load_rule_ids(content_dir: Path) -> dict[str, str]:
    """Rule id -> key of the article that must state it (content/rules.yaml)."""
    data = yaml.safe_load((content_dir / "rules.yaml").read_text("utf-8"))
    return dict(data["rules"])


def check_content(
    content_dir: Path, extra_checks: Iterable[Callable[[list[ArticleSource]], list[Problem]]] = ()
) -> list[Problem]:
    try:
        structure = load_structure(content_dir)
        articles = load_articles(content_dir, structure)
    except ContentError as error:
        return [Problem(error.path, error.line, error.message)]
    problems = [
        *_missing_translations(articles),
        *_rules_without_anchor(content_dir, articles),
        *_broken_links(articles),
    ]
    for check in extra_checks:
        problems.extend(check(articles))
    return problems


def _missing_translations(articles: list[ArticleSource]) -> list[Problem]:
    problems = []
    by_key: dict[str, dict[str, ArticleSource]] = {}
    for article in articles:
        by_key.setdefault(article.key, {})[article.locale] = article
    for key, versions in by_key.items():
        some = next(iter(versions.values()))
        for lang in LANGUAGES:
            if lang not in versions:
                problems.append(
                    Problem(some.path, None, f"article '{key}' has no translation in '{lang}'")
                )
    return problems


def _rules_without_anchor(content_dir: Path, articles: list[ArticleSource]) -> list[Problem]:
    rules_file = content_dir / "rules.yaml"
    rules = load_rule_ids(content_dir)
    problems = []
    for lang in LANGUAGES:
        in_lang = [a for a in articles if a.locale == lang]
        for rule, key in rules.items():
            owner = next((a for a in in_lang if a.key == key), None)
            if owner is None:
                continue  # reported as a missing translation
            if rule not in owner.rules:
                problems.append(
                    Problem(owner.path, 1, f"rule {rule} has no heading anchor in this article")
                )
        for article in in_lang:
            for rule in article.rules:
                if rule not in rules:
                    problems.append(
                        Problem(
                            article.path,
                            article.line_of(rule),
                            f"rule {rule} is not listed in {rules_file.name}",
                        )
                    )
    return problems


def _broken_links(articles: list[ArticleSource]) -> list[Problem]:
    pages = {f"/{a.locale}/articles/{a.slug}": a for a in articles}
    problems = []
    for article in articles:
        for match in LINK_RE.finditer(article.body):
            target = match.group(1)
            if not target.startswith(("/", "#")):
                continue  # external links are not ours to check
            path, _, anchor = target.partition("#")
            page = pages.get(path) if path else article
            if page is None:
                problems.append(
                    Problem(article.path, article.line_of(target), f"broken link {target}")
                )
            elif anchor and anchor not in page.rendered.anchors:
                problems.append(
                    Problem(article.path, article.line_of(target), f"missing anchor in {target}")
                )
    return problems
