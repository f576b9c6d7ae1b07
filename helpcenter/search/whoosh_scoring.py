"""Ranking over a Whoosh index: BM25, term at a time, straight from the posting blocks.

Whoosh keeps the index (segments, postings, stored fields, deletions, locking); this
module does the query evaluation. Whoosh's own matchers walk a tree of Python objects per
posting (~2.5 µs each) and, with every article title weighing in, can rarely skip
blocks; reading a posting block as two arrays and scoring it in one loop is several times
cheaper. Evaluation is AND first (documents that match every concept: the rarest concept
is read in full, the others only looked up block by block), and OR (any concept, ranked
with a coordination factor) only to fill the list when AND finds too little.

The block reading uses whoosh-reloaded 2.7.5 internals (pinned exactly in pyproject);
:func:`_blocks` falls back to the public matcher API if they ever change, and the tests
compare both paths.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from whoosh.matching.wrappers import FilterMatcher

from helpcenter.search.query import Alternative, Concept, LangPlan
from helpcenter.search.text import analyze

K1: Final = 1.2
B: Final = 0.5
MAX_PREFIX_TERMS: Final = 40  # a German compound start expands to at most this many terms
HEADING_WEIGHT: Final = 2.0  # section choice: a match in the heading counts double
CONTEXT_WEIGHT: Final = 2.0  # ... and so does one in the h2 above an h3 (not both)
SECTION_B: Final = 0.5  # body length normalization when choosing a section
HEADING_PAIR_BONUS: Final = 0.3  # per pair of query words standing together in a heading


def _blocks(matcher: Any) -> Iterator[tuple[Any, Any]]:
    """(ids, weights) arrays of each posting block of a leaf matcher."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    fast = all(
        hasattr(matcher, name)
        for name in ("_read_ids", "_read_weights", "_next_block", "_atend", "_blocklength")
    )
    if not fast:  # pragma: no cover - only if Whoosh's internals change
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield ids, weights
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def _slow_blocks(matcher: Any) -> Iterator[tuple[Any, Any]]:
    """The public-API path of :func:`_blocks` (for the tests)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


# (segment id, field) -> field length of each document. A segment never changes once
# written, so this survives incremental updates (they add small segments) and reopened
# searchers; only a new segment (after a rebuild or a merge) is read again.
_LENGTHS: dict[tuple[str, str], list[int]] = {}


@dataclass
class _Leaf:
    reader: Any
    base: int
    deleted: frozenset[int]
    lengths: list[int]  # the field's length (words) of each document of the segment


class Engine:
    """Scores one field of one searcher's reader. Create one per search (cheap)."""

    def __init__(self, searcher: Any, fieldname: str) -> None:
        self.reader = searcher.reader()
        self.fieldname = fieldname
        self.doc_count = max(1, self.reader.doc_count_all())
        total_length = self.reader.field_length(fieldname) or 0
        avg_length = max(1.0, total_length / self.doc_count)
        # BM25's length normalization, K1 * (1 - B + B * length / average), as a + c * length
        self._norm_a = K1 * (1 - B)
        self._norm_c = K1 * B / avg_length
        self.leaves = [self._leaf(r, base) for r, base in self.reader.leaf_readers()]
        self._idf: dict[str, float] = {}
        self._expansions: dict[str, list[str]] = {}
        self._df: dict[str, int] = {}

    def _leaf(self, reader: Any, base: int) -> _Leaf:
        segment = reader.segment() if hasattr(reader, "segment") else None
        key = (segment.segment_id() if segment is not None else "", self.fieldname)
        lengths = _LENGTHS.get(key) if segment is not None else None
        if lengths is None:
            lengths = [
                reader.doc_field_length(d, self.fieldname, 0) or 0
                for d in range(reader.doc_count_all())
            ]
            if segment is not None:
                if len(_LENGTHS) > 256:
                    _LENGTHS.clear()
                _LENGTHS[key] = lengths
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        return _Leaf(reader, base, deleted, lengths)

    # ------------------------------------------------------------------ terms

    def doc_frequency(self, term: str) -> int:
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self.reader.doc_frequency(self.fieldname, term)
        return df

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.doc_frequency(term)
            value = math.log(1 + (self.doc_count - df + 0.5) / (df + 0.5)) if df else 0.0
            self._idf[term] = value
        return value

    def expand(self, prefix: str) -> list[str]:
        """Indexed terms that start with ``prefix`` (at most MAX_PREFIX_TERMS)."""
        terms = self._expansions.get(prefix)
        if terms is None:
            terms = []
            for raw in self.reader.expand_prefix(self.fieldname, prefix):
                terms.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                if len(terms) >= MAX_PREFIX_TERMS:
                    break
            self._expansions[prefix] = terms
        return terms

    def _matchers(self, term: str) -> Iterator[tuple[_Leaf, Any]]:
        for leaf in self.leaves:
            try:
                matcher = leaf.reader.postings(self.fieldname, term)
            except Exception:  # TermNotFound: not in this segment
                continue
            yield leaf, matcher

    def scores(self, term: str, factor: float) -> dict[int, float]:
        """{docnum: BM25 score of ``term`` × factor} for every document with the term."""
        idf = self.idf(term) * factor
        result: dict[int, float] = {}
        if not idf:
            return result
        k, a, c = (K1 + 1) * idf, self._norm_a, self._norm_c
        for leaf, matcher in self._matchers(term):
            base, lengths, deleted = leaf.base, leaf.lengths, leaf.deleted
            for ids, weights in _blocks(matcher):
                for docnum, weight in zip(ids, weights, strict=False):
                    if deleted and docnum in deleted:
                        continue
                    result[base + docnum] = k * weight / (weight + a + c * lengths[docnum])
        return result

    def lookup(self, term: str, factor: float, docnums: list[int]) -> dict[int, float]:
        """Like :meth:`scores`, only for ``docnums`` (sorted): blocks that hold none of
        them are skipped without being decoded."""
        idf = self.idf(term) * factor
        result: dict[int, float] = {}
        if not idf or not docnums:
            return result
        k, a, c = (K1 + 1) * idf, self._norm_a, self._norm_c
        for leaf, matcher in self._matchers(term):
            base, lengths, deleted = leaf.base, leaf.lengths, leaf.deleted
            start = bisect.bisect_left(docnums, base)
            end = bisect.bisect_left(docnums, base + len(lengths))
            wanted = [d - base for d in docnums[start:end]]
            if not wanted:
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child
            fast = all(hasattr(matcher, n) for n in ("_maxid", "_next_block", "_read_ids"))
            if not fast or len(wanted) * 4 > self.doc_frequency(term):
                # Few postings for many wanted documents (or Whoosh's internals changed):
                # reading every posting is cheaper than a binary search per document.
                wanted_set = set(wanted)
                for ids, weights in _blocks(matcher) if fast else _slow_blocks(matcher):
                    for docnum, weight in zip(ids, weights, strict=False):
                        if docnum in wanted_set and docnum not in deleted:
                            result[base + docnum] = k * weight / (weight + a + c * lengths[docnum])
                continue
            i, count = 0, len(wanted)
            while i < count and matcher.is_active():
                maxid = matcher._maxid
                if maxid < wanted[i]:
                    matcher._next_block()
                    continue
                matcher._read_ids()
                ids = matcher._ids
                weights = None
                while i < count and wanted[i] <= maxid:
                    docnum = wanted[i]
                    j = bisect.bisect_left(ids, docnum)
                    if j < len(ids) and ids[j] == docnum and docnum not in deleted:
                        if weights is None:
                            matcher._read_weights()
                            weights = matcher._weights
                        weight = weights[j]
                        result[base + docnum] = k * weight / (weight + a + c * lengths[docnum])
                    i += 1
                matcher._next_block()
        return result

    # ------------------------------------------------------------------ concepts

    def _alternative(self, alt: Alternative, docnums: list[int] | None) -> dict[int, float]:
        if alt.prefix:
            # The term itself is matched by the concept's own (stronger) alternative.
            terms = [t for t in self.expand(alt.terms[0]) if t != alt.terms[0]]
            found: dict[int, float] = {}
            for term in terms:
                part = (
                    self.scores(term, alt.weight)
                    if docnums is None
                    else self.lookup(term, alt.weight, docnums)
                )
                for docnum, score in part.items():
                    if score > found.get(docnum, 0.0):
                        found[docnum] = score
            return found
        # One word, or every word of a phrase synonym (anywhere in the document).
        result: dict[int, float] | None = None
        for term in sorted(alt.terms, key=self.doc_frequency):
            pool = docnums if result is None else sorted(result)
            part = (
                self.scores(term, alt.weight / len(alt.terms))
                if pool is None
                else self.lookup(term, alt.weight / len(alt.terms), pool)
            )
            if result is None:
                result = part
            else:
                result = {d: s + part[d] for d, s in result.items() if d in part}
            if not result:
                return {}
        return result or {}

    def concept(self, concept: Concept, docnums: list[int] | None = None) -> dict[int, float]:
        """{docnum: score} of the documents matching any alternative (the best one counts)."""
        found: dict[int, float] | None = None
        for alt in concept.alternatives:
            part = self._alternative(alt, docnums)
            if found is None:
                found = part
                continue
            for docnum, score in part.items():
                if score > found.get(docnum, 0.0):
                    found[docnum] = score
        return found or {}

    def estimate(self, concept: Concept) -> int:
        """How many documents a concept can match at most (for the evaluation order)."""
        total = 0
        for alt in concept.alternatives:
            if alt.prefix:
                total += sum(self.doc_frequency(t) for t in self.expand(alt.terms[0]))
            else:
                total += min((self.doc_frequency(t) for t in alt.terms), default=0)
        return total

    def match_all(self, concepts: list[Concept]) -> dict[int, float]:
        """Documents matching every concept, summed scores. The rarest concept is read in
        full, then each other concept is only looked up for the survivors."""
        if not concepts:
            return {}
        ordered = sorted(concepts, key=self.estimate)
        result = self.concept(ordered[0])
        for concept in ordered[1:]:
            if not result:
                break
            part = self.concept(concept, sorted(result))
            result = {d: s + part[d] for d, s in result.items() if d in part}
        return result

    def match_any(self, concepts: list[Concept]) -> dict[int, float]:
        """Documents matching any concept; the sum is scaled by the share of concepts
        matched, so documents with more of the query come first."""
        totals: dict[int, float] = {}
        counts: dict[int, int] = {}
        for concept in concepts:
            for docnum, score in self.concept(concept).items():
                totals[docnum] = totals.get(docnum, 0.0) + score
                counts[docnum] = counts.get(docnum, 0) + 1
        n = len(concepts)
        return {d: s * (0.5 + 0.5 * counts[d] / n) for d, s in totals.items()}


def top(scores: dict[int, float], n: int) -> list[tuple[float, int]]:
    """The ``n`` best (score, docnum), best first; ties by docnum (index order)."""
    return heapq.nsmallest(n, ((-s, d) for d, s in scores.items()))


# --------------------------------------------------------------------------- sections


def best_section(sections: list[tuple[Any, ...]], plan: LangPlan, idf: dict[str, float]) -> int:
    """Index of the section that answers the query best.

    A query word scores by where it stands: in the section's heading or in the h2 above
    an h3 (double), plus in the body (BM25-like: saturating, and shorter sections win
    ties). Query words side by side in the heading, as typed, add a bonus (half as much
    when they stand in the h2 above). Title-only matches (every section has the title)
    choose the first section.
    """
    lang = plan.lang
    pairs = [
        (a.alternatives[0].terms[-1], b.alternatives[0].terms[0])
        for a, b in itertools.pairwise(plan.concepts)
    ]
    analyzed = []
    for section in sections:
        _doc_id, heading, _anchor, context, body = section[:5]
        body_terms = analyze(lang, body or "")
        counts: dict[str, int] = {}
        for term in body_terms:
            counts[term] = counts.get(term, 0) + 1
        heading_terms = analyze(lang, heading or "")
        context_terms = analyze(lang, context or "")
        analyzed.append((heading_terms, context_terms, counts, len(body_terms)))
    average = max(1.0, sum(a[3] for a in analyzed) / max(1, len(analyzed)))

    def present(terms: Any, term: str, prefix: bool) -> int:
        if prefix:
            return (
                sum(c for t, c in terms.items() if t.startswith(term))
                if isinstance(terms, dict)
                else int(any(t.startswith(term) for t in terms))
            )
        return terms.get(term, 0) if isinstance(terms, dict) else int(term in terms)

    best, best_score = 0, 0.0
    for index, (heading_terms, context_list, counts, length) in enumerate(analyzed):
        heading_set = set(heading_terms)
        context_terms = set(context_list)
        norm = K1 * (1 - SECTION_B + SECTION_B * length / average)
        score = 0.0
        for concept in plan.concepts:
            concept_score = 0.0
            for alt in concept.alternatives:
                weight = 0.0
                for term in alt.terms:
                    tf = present(counts, term, alt.prefix)
                    where = max(
                        HEADING_WEIGHT * present(heading_set, term, alt.prefix),
                        CONTEXT_WEIGHT * present(context_terms, term, alt.prefix),
                    ) + tf / (tf + norm)
                    weight += idf.get(term, 1.0) * where
                concept_score = max(concept_score, alt.weight * weight / len(alt.terms))
            score += concept_score
        if score and pairs and (heading_terms or context_list):
            own = set(itertools.pairwise(heading_terms))
            above = set(itertools.pairwise(context_list))
            score *= 1.0 + HEADING_PAIR_BONUS * sum(
                1.0 if pair in own else 0.5 if pair in above else 0.0 for pair in pairs
            )
        if score > best_score:
            best, best_score = index, score
    return best
