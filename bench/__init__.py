"""`make bench`: the help center's benchmarks, each a module of this package.

A benchmark module exposes ``TITLE: str``, ``run() -> dict[str, Any]`` (measures, prints
nothing but progress) and ``report(results) -> None`` (prints the plain-text report), so
``python -m bench`` can run them all in order and ``python -m bench NAME`` just one.
Keeping measuring apart from printing lets a later module (or CI) reuse the figures.
"""

from __future__ import annotations

# Run order of `python -m bench`. Add later benchmarks (search, wizards) here.
BENCHMARKS: tuple[str, ...] = ("article_page", "search")
