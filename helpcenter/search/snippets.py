"""Snippets: a short window of a section's text around the matched words, as safe HTML.

Everything is escaped; the only markup is ``<mark>…</mark>`` around matched words (and
an ellipsis where the window cuts the text). Used by the Whoosh backend; the PostgreSQL
backend builds its snippets with ts_headline and :func:`from_marked`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Final

from helpcenter.search.text import WORD_RE, analyze_word

SNIPPET_WORDS: Final = 32  # about two lines in a result list
ELLIPSIS: Final = "…"
# Sentinels for backends that mark matches themselves (ts_headline): never in documents,
# because documents are cleaned of control characters when they are built.
START_MARK: Final = "\x02"
STOP_MARK: Final = "\x03"
FRAGMENT_BREAK: Final = "\x04"
# ts_headline parses "<...>" as markup and drops it; the backend hands it these instead.
LESS_THAN: Final = "\x05"
GREATER_THAN: Final = "\x06"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def highlight(
    text: str,
    lang: str,
    terms: Mapping[str, float],
    prefixes: Mapping[str, float] | None = None,
    words: int = SNIPPET_WORDS,
) -> str:
    """The best window of ``text`` as HTML: the one whose distinct matched terms weigh most
    (``terms``/``prefixes`` map a term to its weight), then the one with most matches."""
    prefixes = prefixes or {}
    tokens = []  # (start, end, term or "", weight of the match, 0.0 if none)
    for match in WORD_RE.finditer(text):
        term = analyze_word(lang, match.group(0))
        weight = 0.0
        if term:
            weight = terms.get(term, 0.0)
            for prefix, prefix_weight in prefixes.items():
                if term.startswith(prefix):
                    weight = max(weight, prefix_weight)
        tokens.append((match.start(), match.end(), term, weight))
    if not tokens:
        return _escape(text[:200])
    hits = [i for i, token in enumerate(tokens) if token[3]]
    first = 0
    if hits:
        best: tuple[float, int, int] | None = None
        for hit in hits:
            start = max(0, hit - 3)  # a little context before the first match
            end = min(len(tokens), start + words)
            window = [tokens[i] for i in hits if start <= i < end]
            distinct = {t[2]: t[3] for t in window}
            rank = (sum(distinct.values()), len(window), -start)
            if best is None or rank > best:
                best = rank
                first = start
    last = min(len(tokens), first + words)
    # Back up so a short section's window is full, and start at a sentence when close.
    if last - first < words:
        first = max(0, last - words)
    begin = 0 if first == 0 else tokens[first][0]
    end = len(text) if last == len(tokens) else tokens[last - 1][1]
    parts = [ELLIPSIS + " " if begin > 0 else ""]
    position = begin
    for start, stop, _term, matched in tokens[first:last]:
        if matched:
            parts.append(_escape(text[position:start]))
            parts.append(f"<mark>{_escape(text[start:stop])}</mark>")
            position = stop
    parts.append(_escape(text[position:end]))
    if end < len(text):
        parts.append(" " + ELLIPSIS)
    return "".join(parts).strip()


def from_marked(marked: str, full_text: str = "") -> str:
    """Safe HTML from text whose matches are wrapped in START_MARK/STOP_MARK sentinels and
    whose fragments are separated by FRAGMENT_BREAK (ts_headline's options)."""
    marked = marked.replace(LESS_THAN, "<").replace(GREATER_THAN, ">")
    fragments = [f.strip() for f in marked.split(FRAGMENT_BREAK) if f.strip()]
    out = []
    for fragment in fragments:
        escaped = _escape(fragment).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
        # An unpaired sentinel (never expected) must not leave an open tag behind.
        if escaped.count("<mark>") != escaped.count("</mark>"):
            escaped = escaped.replace("<mark>", "").replace("</mark>", "")
        out.append(escaped)
    if not out:
        return ""
    result = f" {ELLIPSIS} ".join(out)
    if full_text:
        first = fragments[0].replace(START_MARK, "").replace(STOP_MARK, "")
        last = fragments[-1].replace(START_MARK, "").replace(STOP_MARK, "")
        if not full_text.lstrip().startswith(first[:30]):
            result = f"{ELLIPSIS} {result}"
        if not full_text.rstrip().endswith(last[-30:]):
            result = f"{result} {ELLIPSIS}"
    return result
