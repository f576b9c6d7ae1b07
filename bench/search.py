"""Search: the Whoosh backend on 30,000 generated articles, SQLite FTS5 as the reference.

The corpus is generated (seeded, so every run indexes the same text) from the real
articles: per language, 10,000 articles whose titles, headings and sentences are drawn
from content/<lang>/, so the vocabulary, word lengths and stopword density are those of the
help center. Both engines index the same sections (one document per heading, as the app
does) and answer the same fixed query set, in the same process, one after the other:

* build: the whole corpus indexed from scratch (Whoosh: ``rebuild``, into a new
  generation as in production; FTS5: one transaction of INSERTs into a file database);
* update: one article changed and re-indexed, then visible to the next search;
* search: top 10 articles (best section each) with highlighted snippets, p50/p95 over
  50 queries per language, after one warm-up pass.

FTS5 is the floor of what an engine in C does with the same job (``unicode61
remove_diacritics 2`` tokenizer, bm25 with the same field weights, sections with all the
query words first and any of them if too few, as the backend does, snippet()), without
stemming, synonyms, compounds or typo handling. FTS5 indexes sections; Whoosh indexes
articles (their sections stored with them) and picks the best section of each hit. Relevance is measured
on the real content: the mean reciprocal rank of the right article over
content/search-queries.yaml (queries as experts type them).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bench import _harness as h
from helpcenter.config import PROJECT_ROOT
from helpcenter.content.loader import load_articles, load_structure
from helpcenter.search import (
    SearchBackend,
    SearchDocument,
    documents_from_articles,
    documents_from_wizards,
    make_backend,
    section_titles_from_structure,
)
from helpcenter.search.text import LANGUAGES, WORD_RE, fold
from helpcenter.wizards.engine import load_wizards

TITLE = "search: Whoosh vs SQLite FTS5, 30,000 generated articles"
CONTENT_DIR = PROJECT_ROOT / "content"
QUERIES_FILE = CONTENT_DIR / "search-queries.yaml"

SEED = 20261120
ARTICLES_PER_LANGUAGE = 10_000
QUERIES_PER_LANGUAGE = 50
UPDATES = 20
TIMED_PASSES = 3
LIMIT = 10

GOAL_P95_MS = 25.0
GOAL_P95_RATIO = 2.0  # Whoosh p95 <= 2 x FTS5 p95
GOAL_BUILD_S = 60.0
GOAL_UPDATE_MS = 200.0
GOAL_MRR = 0.9

_SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+")


# --------------------------------------------------------------------------- corpus


@dataclass
class _Material:
    titles: list[str]
    headings: list[str]
    sentences: list[str]
    words: list[str]
    section_titles: list[str]


def real_documents() -> list[SearchDocument]:
    structure = load_structure(CONTENT_DIR)
    articles = load_articles(CONTENT_DIR, structure)
    return documents_from_articles(
        articles, section_titles_from_structure(structure)
    ) + documents_from_wizards(load_wizards(CONTENT_DIR / "wizards"))


def _material(docs: list[SearchDocument], lang: str) -> _Material:
    own = [d for d in docs if d.lang == lang and d.kind == "article"]
    sentences = [
        s.strip() for d in own for s in _SENTENCE_END.split(d.body) if len(s.strip()) >= 20
    ]
    return _Material(
        titles=sorted({d.title for d in own}),
        headings=sorted({d.heading for d in own if d.heading}),
        sentences=sentences,
        words=sorted({w for d in own for w in WORD_RE.findall(d.body) if len(w) > 3}),
        section_titles=sorted({d.section_title for d in own}),
    )


def _slug(text: str) -> str:
    return "-".join(fold(w) for w in WORD_RE.findall(text)).strip("-")[:60] or "section"


def generate_corpus(real: list[SearchDocument], per_language: int) -> list[SearchDocument]:
    """``per_language`` articles per language, as section documents, reproducibly."""
    docs: list[SearchDocument] = []
    for lang in LANGUAGES:
        rng = random.Random(f"{SEED}-{lang}")
        m = _material(real, lang)
        for number in range(per_language):
            key = f"gen-{number:05d}"
            words = rng.sample(m.words, 2)
            title = f"{rng.choice(m.headings)}: {words[0]} {words[1]}"
            slug = f"{_slug(title)[:50]}-{number}"
            section_title = rng.choice(m.section_titles)
            base = {
                "kind": "article",
                "lang": lang,
                "key": key,
                "slug": slug,
                "title": title,
                "section_title": section_title,
            }
            intro = " ".join(rng.sample(m.sentences, rng.randint(1, 2)))
            docs.append(
                SearchDocument(
                    doc_id=f"article:{lang}:{key}",
                    heading=None,
                    anchor=None,
                    body=intro,
                    url_path=f"/{lang}/articles/{slug}",
                    **base,
                )
            )
            for index in range(rng.randint(2, 5)):
                heading = rng.choice(m.headings)
                anchor = f"{_slug(heading)}-{index}"
                body = " ".join(rng.sample(m.sentences, rng.randint(1, 4)))
                docs.append(
                    SearchDocument(
                        doc_id=f"article:{lang}:{key}#{anchor}",
                        heading=heading,
                        anchor=anchor,
                        body=body,
                        url_path=f"/{lang}/articles/{slug}#{anchor}",
                        **base,
                    )
                )
    return docs


def query_set(real: list[SearchDocument], per_language: int) -> list[tuple[str, str]]:
    """(query, lang): the expert queries of search-queries.yaml, topped up with headings
    and word pairs of the real articles, ``per_language`` per language."""
    judged = yaml.safe_load(QUERIES_FILE.read_text("utf-8"))
    queries: list[tuple[str, str]] = []
    for lang in LANGUAGES:
        rng = random.Random(f"{SEED}-queries-{lang}")
        m = _material(real, lang)
        own = [str(entry["q"]) for entry in judged.get(lang, [])][: per_language * 3 // 5]
        while len(own) < per_language:
            if len(own) % 2:
                own.append(rng.choice(m.headings).lower())
            else:
                own.append(" ".join(rng.sample(m.words, 2)).lower())
        queries.extend((q, lang) for q in own)
    return queries


# --------------------------------------------------------------------------- FTS5


class Fts5:
    """The reference: SQLite FTS5 over the same section documents."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, heading, body, lang, doc_id UNINDEXED, "
            "group_id UNINDEXED, url_path UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
        )

    def build(self, docs: list[SearchDocument]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO fts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (d.title, d.heading or "", d.body, d.lang, d.doc_id, d.group_id, d.url_path)
                    for d in docs
                ),
            )

    def update(self, docs: list[SearchDocument]) -> None:
        with self.db:
            for group in {d.group_id for d in docs}:
                self.db.execute("DELETE FROM fts WHERE group_id = ?", (group,))
            self.db.executemany(
                "INSERT INTO fts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (d.title, d.heading or "", d.body, d.lang, d.doc_id, d.group_id, d.url_path)
                    for d in docs
                ),
            )

    def search(self, query: str, lang: str, limit: int = LIMIT) -> list[str]:
        """Top ``limit`` articles (best section each) with snippets, as the backend does:
        sections with every query word first, then (if too few) sections with any."""
        words = sorted({fold(w) for w in WORD_RE.findall(query)})
        if not words:
            return []
        quoted = [f'"{w}"' for w in words]
        found = self._top(f"lang:{lang} AND ({' AND '.join(quoted)})", limit)
        if len(found) < limit and len(words) > 1:
            for group in self._top(f"lang:{lang} AND ({' OR '.join(quoted)})", limit):
                if group not in found and len(found) < limit:
                    found.append(group)
        return found

    def _top(self, match: str, limit: int) -> list[str]:
        depth = limit * 4
        while True:
            rows = self.db.execute(
                "SELECT group_id, url_path, snippet(fts, 2, '<mark>', '</mark>', '…', 16) "
                "FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 3.0, 2.0, 1.0, 0.0) LIMIT ?",
                (match, depth),
            ).fetchall()
            seen: dict[str, str] = {}
            for group, url, _snippet in rows:
                seen.setdefault(group, url)
            if len(seen) >= limit or len(rows) < depth:
                return list(seen)[:limit]
            depth *= 4

    def close(self) -> None:
        self.db.close()


# --------------------------------------------------------------------------- measuring


def _latencies(search: Callable[[str, str], Any], queries: list[tuple[str, str]]) -> list[float]:
    """One untimed pass (caches, first reads), then TIMED_PASSES timed passes, pooled."""
    for query, lang in queries:
        search(query, lang)
    latencies = []
    clock = time.perf_counter
    for _ in range(TIMED_PASSES):
        for query, lang in queries:
            started = clock()
            search(query, lang)
            latencies.append(clock() - started)
    return latencies


def _ms(values: list[float], fraction: float) -> float:
    return h.percentile(values, fraction) * 1000


def relevance(backend: SearchBackend, real: list[SearchDocument]) -> dict[str, Any]:
    """MRR of the expected article over search-queries.yaml, per language and overall."""
    backend.rebuild(real)
    judged = yaml.safe_load(QUERIES_FILE.read_text("utf-8"))
    per_lang: dict[str, list[float]] = {}
    anchors_right = anchors_total = 0
    misses: list[str] = []
    for lang, entries in judged.items():
        for entry in entries:
            results = backend.search(str(entry["q"]), lang)
            rank = next(
                (
                    i
                    for i, hit in enumerate(results.hits, 1)
                    if hit.kind == "article" and hit.key == entry["key"]
                ),
                None,
            )
            per_lang.setdefault(lang, []).append(1 / rank if rank else 0.0)
            if rank != 1:
                misses.append(f"{lang} {entry['q']!r}: rank {rank or '-'}")
            if entry.get("anchor") and rank:
                anchors_total += 1
                anchors_right += results.hits[rank - 1].anchor == entry["anchor"]
            elif entry.get("anchor"):
                anchors_total += 1
    every = [rr for values in per_lang.values() for rr in values]
    return {
        "mrr": statistics.fmean(every),
        "mrr_by_lang": {lang: statistics.fmean(v) for lang, v in per_lang.items()},
        "queries": {lang: len(v) for lang, v in per_lang.items()},
        "anchors": (anchors_right, anchors_total),
        "misses": misses,
    }


def fts5_relevance(real: list[SearchDocument], directory: Path) -> float:
    """The same MRR for FTS5 (no stemming, synonyms or typo handling), for comparison."""
    fts = Fts5(directory / "relevance.sqlite3")
    fts.build(real)
    judged = yaml.safe_load(QUERIES_FILE.read_text("utf-8"))
    scores = []
    for lang, entries in judged.items():
        for entry in entries:
            groups = fts.search(str(entry["q"]), lang)
            expected = f"article:{lang}:{entry['key']}"
            rank = groups.index(expected) + 1 if expected in groups else None
            scores.append(1 / rank if rank else 0.0)
    fts.close()
    return statistics.fmean(scores)


def _changed(article: list[SearchDocument], round_: int) -> list[SearchDocument]:
    return [replace(d, body=f"{d.body} revision{round_}") for d in article]


def _articles(docs: list[SearchDocument]) -> dict[str, list[SearchDocument]]:
    grouped: dict[str, list[SearchDocument]] = {}
    for doc in docs:
        grouped.setdefault(doc.group_id, []).append(doc)
    return grouped


def run() -> dict[str, Any]:
    load = os.getloadavg()[0]
    real = real_documents()
    with tempfile.TemporaryDirectory(prefix="helpcenter-bench-search-") as tmp:
        root = Path(tmp)
        results: dict[str, Any] = {"load": load}
        results["relevance"] = relevance(make_backend("whoosh", index_dir=root / "real"), real)
        results["fts5_mrr"] = fts5_relevance(real, root)

        started = time.perf_counter()
        corpus = generate_corpus(real, ARTICLES_PER_LANGUAGE)
        results["generate_s"] = time.perf_counter() - started
        results["documents"] = len(corpus)
        results["articles"] = ARTICLES_PER_LANGUAGE * len(LANGUAGES)
        results["words"] = sum(len(WORD_RE.findall(d.body)) for d in corpus)
        queries = query_set(real, QUERIES_PER_LANGUAGE)
        results["queries"] = len(queries)
        rng = random.Random(f"{SEED}-updates")
        articles = _articles(corpus)
        to_update = [articles[g] for g in rng.sample(sorted(articles), UPDATES)]

        # Whoosh
        whoosh = make_backend("whoosh", index_dir=root / "whoosh")
        started = time.perf_counter()
        whoosh.rebuild(iter(corpus))
        results["whoosh_build_s"] = time.perf_counter() - started
        results["whoosh_index_mb"] = _size_mb(root / "whoosh")
        results["whoosh_search"] = _latencies(
            lambda q, lang: whoosh.search(q, lang, LIMIT), queries
        )
        update_s, visible_s = [], []
        for round_, article in enumerate(to_update):
            changed = _changed(article, round_)
            started = time.perf_counter()
            whoosh.index(changed)
            update_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            found = whoosh.search(f"revision{round_}", article[0].lang)
            visible_s.append(time.perf_counter() - started)
            if not any(hit.key == article[0].key for hit in found.hits):
                raise RuntimeError(f"update {round_} not visible to the next search")
        results["whoosh_update"] = update_s
        results["whoosh_visible"] = visible_s
        results["whoosh_search_after_updates"] = _latencies(
            lambda q, lang: whoosh.search(q, lang, LIMIT), queries
        )
        shutil.rmtree(root / "whoosh", ignore_errors=True)

        # FTS5 on the same corpus, queries and updates
        fts = Fts5(root / "fts5.sqlite3")
        started = time.perf_counter()
        fts.build(corpus)
        results["fts5_build_s"] = time.perf_counter() - started
        results["fts5_index_mb"] = _size_mb(root / "fts5.sqlite3")
        results["fts5_search"] = _latencies(fts.search, queries)
        fts_update = []
        for round_, article in enumerate(to_update):
            started = time.perf_counter()
            fts.update(_changed(article, round_ + 100))
            fts_update.append(time.perf_counter() - started)
        results["fts5_update"] = fts_update
        fts.close()
    return results


def _size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# --------------------------------------------------------------------------- report


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL  <-- goal missed"


def report(results: dict[str, Any]) -> None:
    r = results
    rule = "=" * 72
    ws, fs = r["whoosh_search"], r["fts5_search"]
    w95, f95 = _ms(ws, 0.95), _ms(fs, 0.95)
    wu95 = _ms(r["whoosh_update"], 0.95)
    rel = r["relevance"]
    print(rule)
    print(f"BENCH {TITLE}")
    print(rule)
    print(
        f"corpus       {r['articles']:,} articles ({ARTICLES_PER_LANGUAGE:,} per language), "
        f"{r['documents']:,} sections, {r['words'] / 1e6:.1f} M words of body text"
    )
    print(
        f"             drawn from the real articles (seed {SEED}); generated in {r['generate_s']:.1f} s"
    )
    print(
        f"queries      {r['queries']} ({QUERIES_PER_LANGUAGE} per language: expert queries, "
        f"then real headings and word pairs); top {LIMIT} articles with snippets"
    )
    print(
        f"method       one warm-up pass, then {TIMED_PASSES} timed passes over the queries; "
        "same process, one engine after the other"
    )
    print(f"machine      {os.cpu_count()} CPUs, load average {r['load']:.1f} at the start")
    print()
    print(f"{'':22} {'Whoosh':>12} {'FTS5':>12}")
    print(f"{'build (s)':22} {r['whoosh_build_s']:>12.1f} {r['fts5_build_s']:>12.1f}")
    print(f"{'index size (MB)':22} {r['whoosh_index_mb']:>12.1f} {r['fts5_index_mb']:>12.1f}")
    print(f"{'search p50 (ms)':22} {_ms(ws, 0.5):>12.2f} {_ms(fs, 0.5):>12.2f}")
    print(f"{'search p95 (ms)':22} {w95:>12.2f} {f95:>12.2f}")
    print(f"{'search max (ms)':22} {max(ws) * 1000:>12.2f} {max(fs) * 1000:>12.2f}")
    print(
        f"{'update p50 (ms)':22} {_ms(r['whoosh_update'], 0.5):>12.1f} "
        f"{_ms(r['fts5_update'], 0.5):>12.1f}"
    )
    print(f"{'update p95 (ms)':22} {wu95:>12.1f} {_ms(r['fts5_update'], 0.95):>12.1f}")
    print(
        f"{'1st search after (ms)':22} {_ms(r['whoosh_visible'], 0.5):>12.1f} {'':>12}"
        "   p50; reopens the index"
    )
    after = r["whoosh_search_after_updates"]
    print(
        f"{'p95 after updates (ms)':22} {_ms(after, 0.95):>12.2f} {'':>12}"
        f"   {UPDATES} small segments added"
    )
    print(f"{'relevance MRR':22} {rel['mrr']:>12.3f} {r['fts5_mrr']:>12.3f}")
    print()
    by_lang = "  ".join(
        f"{lang} {value:.3f} ({rel['queries'][lang]} q)"
        for lang, value in rel["mrr_by_lang"].items()
    )
    print(f"relevance    MRR by language: {by_lang}")
    right, total = rel["anchors"]
    print(f"             right section (anchor) on the article's hit: {right}/{total}")
    for miss in rel["misses"]:
        print(f"             not first: {miss}")
    print()
    goals = [
        (f"search p95 {w95:.1f} ms <= {GOAL_P95_MS:.0f} ms", w95 <= GOAL_P95_MS),
        (
            f"search p95 {w95:.1f} ms <= {GOAL_P95_RATIO:.0f} x FTS5 p95 ({GOAL_P95_RATIO * f95:.1f} ms)",
            w95 <= GOAL_P95_RATIO * f95,
        ),
        (
            f"full build {r['whoosh_build_s']:.1f} s <= {GOAL_BUILD_S:.0f} s",
            r["whoosh_build_s"] <= GOAL_BUILD_S,
        ),
        (
            f"one-article update p95 {wu95:.0f} ms <= {GOAL_UPDATE_MS:.0f} ms",
            wu95 <= GOAL_UPDATE_MS,
        ),
        (f"relevance MRR {rel['mrr']:.3f} >= {GOAL_MRR}", rel["mrr"] >= GOAL_MRR),
    ]
    for text, passed in goals:
        print(f"goal  {text:58} {_verdict(passed)}")
    print(rule)
