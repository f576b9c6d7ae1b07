"""Whoosh-specific: generations, the fast posting reader, the ranking engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpcenter.search import SearchDocument, make_backend
from helpcenter.search.query import Synonyms, make_plan
from helpcenter.search.whoosh_backend import WhooshBackend
from helpcenter.search.whoosh_scoring import Engine, _blocks, _slow_blocks


def _backend(tmp_path: Path, corpus: list[SearchDocument]) -> WhooshBackend:
    backend = make_backend("whoosh", index_dir=tmp_path / "index")
    assert isinstance(backend, WhooshBackend)
    backend.rebuild(corpus)
    return backend


def test_rebuilds_swap_generations_and_clean_up(
    tmp_path: Path, corpus: list[SearchDocument]
) -> None:
    backend = _backend(tmp_path, corpus)
    first = (backend.index_dir / "CURRENT").read_text()
    backend.rebuild(corpus)
    backend.rebuild(corpus)
    current = (backend.index_dir / "CURRENT").read_text()
    assert current != first
    generations = sorted(p.name for p in backend.index_dir.glob("gen-*"))
    assert len(generations) == 2 and generations[-1] == current  # the live one + one before
    assert not list(backend.index_dir.glob("journal-*"))
    assert backend.search("refund", "en").hits


def test_a_failed_rebuild_leaves_the_index_as_it_was(
    tmp_path: Path, corpus: list[SearchDocument]
) -> None:
    backend = _backend(tmp_path, corpus)
    current = (backend.index_dir / "CURRENT").read_text()

    def broken():
        yield corpus[0]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert (backend.index_dir / "CURRENT").read_text() == current
    assert backend.search("refund", "en").hits
    assert len(list(backend.index_dir.glob("gen-*"))) == 1


def test_search_before_any_index_exists(tmp_path: Path) -> None:
    backend = make_backend("whoosh", index_dir=tmp_path / "nothing-yet")
    results = backend.search("refund", "en")
    assert results.hits == [] and results.total == 0


def test_the_fast_posting_reader_agrees_with_whoosh(
    tmp_path: Path, corpus: list[SearchDocument]
) -> None:
    backend = _backend(tmp_path, corpus)
    searcher = backend._searcher()
    reader = searcher.reader()

    def postings(blocks):
        return [pair for ids, weights in blocks for pair in zip(ids, weights, strict=True)]

    for term in ("question", "refund", "rate", "custom"):
        fast = postings(_blocks(reader.postings("text_en", term)))
        slow = postings(_slow_blocks(reader.postings("text_en", term)))
        assert fast == slow and fast, term


def test_lookup_agrees_with_a_full_scan(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    backend = _backend(tmp_path, corpus)
    # An incremental update adds a segment and deletes the old article: both paths of
    # the engine must see the same, live documents.
    backend.index([d for d in corpus if d.lang == "en" and d.key == "guide-to-customer-reports"])
    engine = Engine(backend._searcher(), "text_en")
    assert len(engine.leaves) == 2
    for term in ("question", "refund", "duplic"):
        full = engine.scores(term, 1.0)
        assert full
        everyone = sorted(range(engine.reader.doc_count_all()))
        assert engine.lookup(term, 1.0, everyone) == full  # scan path
        one = [sorted(full)[0]]
        assert engine.lookup(term, 1.0, one) == {one[0]: full[one[0]]}  # binary-search path


def test_match_all_and_any(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    backend = _backend(tmp_path, corpus)
    engine = Engine(backend._searcher(), "text_en")
    plan = make_plan("duplicate refund", "en", Synonyms()).langs["en"]
    every = engine.match_all(plan.concepts)
    anything = engine.match_any(plan.concepts)
    assert every and set(every) <= set(anything)
    only_duplicate = engine.match_all(plan.concepts[:1])
    assert set(every) <= set(only_duplicate)
