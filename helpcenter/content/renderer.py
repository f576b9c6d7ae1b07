"""Markdown -> safe HTML, in one place: the public page and any preview use this function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul", "kbd", "mark",
}  # fmt: skip
# Only plain attributes survive: no hx-*/data-hx-*, no on* handlers, no style.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _flatten(tokens: list[dict[str, Any]], max_level: int) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for token in tokens:
        if token["level"] <= max_level:
            flat.append({"level": token["level"], "id": token["id"], "title": token["name"]})
        flat.extend(_flatten(token["children"], max_level))
    return flat


def render_markdown(text: str, *, toc_max_level: int = 3) -> Rendered:
    """Render Markdown written by anyone; explicit `{#anchor}` ids on headings are kept."""
    md = markdown.Markdown(
        extensions=["attr_list", "tables", "sane_lists", "toc"],
        extension_configs={"toc": {"toc_depth": "2-6"}},
        output_format="html",
    )
    html = sanitize(md.convert(text))
    headings = _flatten(md.toc_tokens, 6)  # type: ignore[attr-defined]
    return Rendered(
        html=html,
        toc=[h for h in headings if h["level"] <= toc_max_level],
        anchors=frozenset(h["id"] for h in headings),
    )
