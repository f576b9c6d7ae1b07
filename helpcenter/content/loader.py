"""Reads content/: the site structure and every article file, validated, nothing written."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from helpcenter.content.renderer import Rendered, render_markdown
from helpcenter.i18n import LANGUAGES

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_KEYS = ("key", "title", "slug", "category", "section", "author", "updated", "rules")


class ContentError(Exception):
    """Bad content: names the file (and line, when known) so an editor can fix it."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class NodeSource:
    """A category or section with its per-language slug, title and description."""

    key: str
    position: int
    texts: dict[str, dict[str, str]]
    parent_key: str | None = None


@dataclass(frozen=True)
class Structure:
    categories: list[NodeSource]
    sections: list[NodeSource]

    def section(self, key: str) -> NodeSource | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class ArticleSource:
    path: Path
    locale: str
    key: str
    title: str
    slug: str
    category: str
    section: str
    author: str
    updated: date
    summary: str
    rules: dict[str, str]
    position: int
    body: str
    rendered: Rendered
    sha256: str

    def line_of(self, needle: str) -> int | None:
        """1-based line of the file where `needle` first appears (for error messages)."""
        for number, line in enumerate(self.path.read_text("utf-8").splitlines(), start=1):
            if needle in line:
                return number
        return None


def _yaml_line(error: yaml.YAMLError) -> int | None:
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def load_structure(content_dir: Path) -> Structure:
    path = content_dir / "structure.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(path, f"invalid YAML: {error}", _yaml_line(error)) from error
    except OSError as error:
        raise ContentError(path, f"cannot read: {error.strerror}") from error
    categories: list[NodeSource] = []
    sections: list[NodeSource] = []
    for cat in (data or {}).get("categories", []):
        categories.append(_node(path, cat, None))
        sections.extend(_node(path, sec, cat["key"]) for sec in cat.get("sections", []))
    return Structure(categories, sections)


def _node(path: Path, raw: dict[str, Any], parent: str | None) -> NodeSource:
    key = raw.get("key")
    if not isinstance(key, str) or not SLUG_RE.match(key):
        raise ContentError(path, f"category/section key {key!r} must be a lowercase slug")
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        entry = raw.get(lang)
        if not isinstance(entry, dict) or not entry.get("title") or not entry.get("slug"):
            raise ContentError(path, f"{key}: missing title or slug for language '{lang}'")
        if not SLUG_RE.match(str(entry["slug"])):
            raise ContentError(path, f"{key}: slug {entry['slug']!r} is not a lowercase slug")
        texts[lang] = {k: str(entry.get(k, "")) for k in ("slug", "title", "description")}
    return NodeSource(key, int(raw.get("position", 0)), texts, parent)


def load_article(path: Path, structure: Structure) -> ArticleSource:
    locale = path.parent.name
    if locale not in LANGUAGES:
        raise ContentError(path, f"folder '{locale}' is not a language ({', '.join(LANGUAGES)})")
    raw = path.read_text("utf-8")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as error:
        raise ContentError(path, f"invalid front matter: {error}", _yaml_line(error)) from error
    meta = post.metadata
    if not meta:
        raise ContentError(path, "front matter missing (the file must start with ---)", 1)
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        raise ContentError(path, f"front matter lacks: {', '.join(missing)}", 1)

    def line(needle: str) -> int | None:
        return next((n for n, t in enumerate(raw.splitlines(), 1) if needle in t), None)

    for name in ("key", "slug"):
        if not isinstance(meta[name], str) or not SLUG_RE.match(meta[name]):
            raise ContentError(path, f"'{name}' must be a lowercase slug", line(f"{name}:"))
    for name in ("title", "author"):
        if not isinstance(meta[name], str) or not meta[name].strip():
            raise ContentError(path, f"'{name}' must be a non-empty text", line(f"{name}:"))
    updated = meta["updated"]
    if not isinstance(updated, date):
        raise ContentError(path, "'updated' must be a date like 2026-11-20", line("updated:"))
    section = structure.section(str(meta["section"]))
    if section is None:
        raise ContentError(path, f"unknown section '{meta['section']}'", line("section:"))
    if section.parent_key != meta["category"]:
        raise ContentError(
            path,
            f"section '{section.key}' is not in category '{meta['category']}'",
            line("category:"),
        )
    rules = meta["rules"]
    if not isinstance(rules, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in rules.items()
    ):
        raise ContentError(path, "'rules' must map rule ids to heading anchors", line("rules:"))
    rendered = render_markdown(post.content)
    for rule, anchor in rules.items():
        if anchor not in rendered.anchors:
            raise ContentError(
                path, f"rule {rule} points to anchor '#{anchor}', no heading has it", line(rule)
            )
    return ArticleSource(
        path=path,
        locale=locale,
        key=meta["key"],
        title=meta["title"].strip(),
        slug=meta["slug"],
        category=str(meta["category"]),
        section=section.key,
        author=meta["author"].strip(),
        updated=updated,
        summary=str(meta.get("summary", "")).strip(),
        rules=dict(rules),
        position=int(meta.get("position", 0)),
        body=post.content,
        rendered=rendered,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )


def load_articles(content_dir: Path, structure: Structure) -> list[ArticleSource]:
    """Every article file, validated; duplicate slugs or keys within a language are errors."""
    articles: list[ArticleSource] = []
    seen: dict[tuple[str, str], Path] = {}
    for lang in LANGUAGES:
        for path in sorted((content_dir / lang).glob("*.md")):
            article = load_article(path, structure)
            for kind, value in (("slug", article.slug), ("key", article.key)):
                if (other := seen.get((lang, f"{kind}:{value}"))) is not None:
                    raise ContentError(
                        path, f"duplicate {kind} '{value}' (also used by {other})", 2
                    )
                seen[(lang, f"{kind}:{value}")] = path
            articles.append(article)
    return articles
