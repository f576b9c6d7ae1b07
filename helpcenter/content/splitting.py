"""Cut rendered article HTML before given headings, so a page can place boxes there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def split_before_headings(html: str, anchors: Sequence[tuple[str, T]]) -> list[tuple[str, list[T]]]:
    """[(chunk, items to show after the chunk)]: items go right before `<hN id="anchor">`."""
    wanted: dict[str, list[T]] = {}
    for anchor, item in anchors:
        wanted.setdefault(anchor, []).append(item)
    parts: list[tuple[str, list[T]]] = []
    last = 0
    for match in re.finditer(r'<h[2-6] id="([^"]+)">', html):
        items = wanted.get(match.group(1))
        if items:
            parts.append((html[last : match.start()], items))
            last = match.start()
    parts.append((html[last:], []))
    return parts
