"""The Whoosh search backend (the default): an index in a directory, no service needed.

Layout of ``index_dir``::

    CURRENT                 name of the live generation, replaced atomically (os.replace)
    gen-<ns>-<pid>/         one complete Whoosh index per generation
    journal-<gen>.jsonl     changes made while that generation was being built
    rebuild.lock            held (flock) by the one rebuild running

Searches read CURRENT and use that generation. A rebuild writes a *new* generation while
searches go on answering from the old one, then takes the old generation's write lock,
replays the journal of changes made meanwhile, and swaps CURRENT: no search ever sees a
half-built index, and no incremental change is lost. Incremental changes (``index`` and
``remove``) take the live generation's Whoosh write lock, waiting (bounded, retrying) for
another writer instead of failing, so several processes can write safely.

One Whoosh document holds a whole article (or wizard) in one language: its sections are
stored with it, and its words are indexed in one field per language, weighted by where
they stand (title > headings > body). Ranking articles, not sections, keeps posting lists
short; the best section of each article found is then chosen in Python
(helpcenter/search/whoosh_scoring.py), so a hit still links to its heading.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from whoosh import fields as F
from whoosh import index as whoosh_index
from whoosh.analysis import Analyzer, Token
from whoosh.index import LockError
from whoosh.searching import Searcher

from helpcenter.search.documents import (
    SearchDocument,
    SearchHit,
    SearchResults,
    group_id,
)
from helpcenter.search.query import (
    Concept,
    LangPlan,
    QueryPlan,
    Speller,
    Synonyms,
    make_plan,
    query_words,
    resolve_words,
    suggestion_text,
)
from helpcenter.search.snippets import highlight
from helpcenter.search.text import (
    LANGUAGES,
    WORD_RE,
    analyze_word,
    clean_query,
    surface_words,
)
from helpcenter.search.whoosh_scoring import Engine, best_section, top

# One field per language holds title, headings and body, each word weighted by where it
# stands (BM25F with the fields folded into one posting list per term).
TITLE_BOOST: Final = 3.0
HEADING_BOOST: Final = 2.0
BODY_BOOST: Final = 1.0
PART_BOOSTS: Final = (TITLE_BOOST, HEADING_BOOST, BODY_BOOST)
PART_SEPARATOR: Final = "\x1e"  # never in documents (control characters are cleaned out)
WIZARD_BOOST: Final = 0.7  # a wizard with the same words ranks below the article

WRITE_TIMEOUT: Final = 30.0  # seconds an incremental write waits for another writer
SWAP_TIMEOUT: Final = 60.0  # seconds a rebuild waits to swap in its generation
RETRY_DELAY: Final = 0.02
REBUILD_LIMITMB: Final = 256  # Whoosh's in-memory posting pool before it spills to disk
CURRENT: Final = "CURRENT"
GEN_PREFIX: Final = "gen-"
KEEP_GENERATIONS: Final = 2  # the live one and the one before (searches may still use it)


class LangAnalyzer(Analyzer):
    """Whoosh analyzer for one language: the words of helpcenter.search.text, one pass.

    The value is ``title \x1e headings \x1e body``; each word's weight is its part's
    boost, which BM25 then saturates like a term frequency (BM25F folded into one field).
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        lang = self.lang
        offset = 0
        for index, part in enumerate(value.split(PART_SEPARATOR)):
            boost = PART_BOOSTS[index] if index < len(PART_BOOSTS) else BODY_BOOST
            for pos, match in enumerate(WORD_RE.finditer(part)):
                term = analyze_word(lang, match.group(0))
                if not term:
                    if removestops:
                        continue
                    token.stopped = True
                    token.text = match.group(0).lower()
                else:
                    token.stopped = False
                    token.text = term
                token.boost = boost
                if keeporiginal:
                    token.original = match.group(0)
                if positions:  # unused (no phrase queries), but kept meaningful
                    token.pos = start_pos + index * 10_000 + pos
                if chars:
                    token.startchar = start_char + offset + match.start()
                    token.endchar = start_char + offset + match.end()
                yield token
            offset += len(part) + 1


def make_schema() -> F.Schema:
    """One document per article (or wizard) and language; its sections are stored."""
    schema = F.Schema(
        group=F.ID(stored=True, unique=True),  # "article:<lang>:<key>", "wizard:<lang>:<slug>"
        doc_ids=F.KEYWORD(stored=False, commas=False, scorable=True),  # its sections' ids
        kind=F.STORED,
        lang=F.STORED,
        key=F.STORED,
        slug=F.STORED,
        title=F.STORED,
        section_title=F.STORED,
        # (doc_id, heading, anchor, context, body, url_path) of each section, in order
        sections=F.STORED,
    )
    for lang in LANGUAGES:
        schema.add(f"text_{lang}", F.TEXT(analyzer=LangAnalyzer(lang), phrase=False))
        # The words as written (accents kept): the did-you-mean vocabulary. A rebuild puts
        # them all on one document per language (a posting per word, not per word and
        # article); an incremental update on the article's document. Scorable only because
        # whoosh-reloaded 2.7.5 stats the disk for every posting of a field without a
        # lengths column while it writes a segment.
        schema.add(f"words_{lang}", F.KEYWORD(lowercase=False, scorable=True))
    return schema


def _group_fields(docs: list[SearchDocument], vocabulary: set[str] | None = None) -> dict[str, Any]:
    """The Whoosh document of one article/wizard from its section documents. Its words go
    into ``vocabulary`` when given, else into the document's own words field."""
    first = docs[0]
    lang = first.lang
    if lang not in LANGUAGES:
        raise ValueError(f"{first.doc_id}: language {lang!r} is not one of {LANGUAGES}")
    headings = " ".join(
        " ".join(p for p in (d.heading, d.context) if p) for d in docs if d.heading or d.context
    )
    body = " ".join(d.body for d in docs)
    words: set[str] = set() if vocabulary is None else vocabulary
    for doc in docs:
        words |= surface_words(f"{doc.title} {doc.heading or ''} {doc.body}")
    fields: dict[str, Any] = {
        "group": first.group_id,
        "doc_ids": " ".join(d.doc_id for d in docs),
        "kind": first.kind,
        "lang": lang,
        "key": first.key,
        "slug": first.slug,
        "title": first.title,
        "section_title": first.section_title,
        "sections": [(d.doc_id, d.heading, d.anchor, d.context, d.body, d.url_path) for d in docs],
        f"text_{lang}": PART_SEPARATOR.join((first.title, headings, body)),
    }
    if vocabulary is None:
        fields[f"words_{lang}"] = " ".join(sorted(words))
    return fields


def _documents_of(stored: dict[str, Any]) -> list[SearchDocument]:
    """The section documents back from a stored Whoosh document."""
    return [
        SearchDocument(
            doc_id=doc_id,
            kind=stored["kind"],
            lang=stored["lang"],
            key=stored["key"],
            slug=stored["slug"],
            title=stored["title"],
            section_title=stored.get("section_title") or "",
            heading=heading,
            anchor=anchor,
            body=body,
            url_path=url_path,
            context=context or "",
        )
        for doc_id, heading, anchor, context, body, url_path in stored["sections"]
    ]


def _add_documents(writer: Any, docs: Iterable[SearchDocument], *, rebuild: bool = False) -> int:
    """Add ``docs`` (each doc_id once) as one Whoosh document per article/wizard.

    The sections of an article come one after the other (documents_from_articles yields
    them so); an article whose sections are scattered becomes several Whoosh documents,
    which searches still report as one hit. With ``rebuild``, the spelling vocabulary of
    each language goes on one document of its own. Returns the number of sections.
    """
    seen: set[str] = set()
    count = 0
    batch: list[SearchDocument] = []
    vocabularies: dict[str, set[str]] | None = (
        {lang: set() for lang in LANGUAGES} if rebuild else None
    )

    def flush() -> None:
        nonlocal count, batch
        vocabulary = None if vocabularies is None else vocabularies.get(batch[0].lang)
        writer.add_document(**_group_fields(batch, vocabulary))
        count += len(batch)
        batch = []

    for doc in docs:
        if doc.doc_id in seen:
            continue
        seen.add(doc.doc_id)
        if batch and batch[-1].group_id != doc.group_id:
            flush()
        batch.append(doc)
    if batch:
        flush()
    for lang, words in (vocabularies or {}).items():
        if words:
            writer.add_document(
                group=f"vocabulary:{lang}",
                kind="vocabulary",
                lang=lang,
                **{f"words_{lang}": " ".join(sorted(words))},
            )
    return count


def _doc_to_json(doc: SearchDocument) -> dict[str, Any]:
    return dataclasses.asdict(doc)


def _doc_from_json(data: dict[str, Any]) -> SearchDocument:
    return SearchDocument(**data)


class _Local(threading.local):
    generation: str | None = None
    searcher: Searcher | None = None


class WhooshBackend:
    """See the module docstring. Safe to share between threads; one per process is enough."""

    def __init__(self, index_dir: Path, *, synonyms: Synonyms | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms or Synonyms()
        self.schema = make_schema()
        self._local = _Local()
        self._speller_lock = threading.Lock()
        self._spellers_version: tuple[str, int] | None = None
        self._spellers: dict[tuple[str, ...], Speller] = {}

    # ----------------------------------------------------------------- generations

    def _current(self) -> str | None:
        try:
            name = (self.index_dir / CURRENT).read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def _open(self, generation: str) -> whoosh_index.FileIndex:
        return whoosh_index.open_dir(str(self.index_dir / generation), schema=self.schema)

    def _set_current(self, generation: str) -> None:
        tmp = self.index_dir / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(generation, "utf-8")
        os.replace(tmp, self.index_dir / CURRENT)

    def _new_generation(self) -> tuple[str, whoosh_index.FileIndex]:
        name = f"{GEN_PREFIX}{time.time_ns():020d}-{os.getpid()}"
        path = self.index_dir / name
        path.mkdir(parents=True)
        return name, whoosh_index.create_in(str(path), self.schema)

    @contextlib.contextmanager
    def _rebuild_lock(self, blocking: bool = True) -> Iterator[bool]:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / "rebuild.lock", os.O_CREAT | os.O_WRONLY, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _ensure_index(self) -> str:
        """The live generation, creating an empty one when there is none yet."""
        current = self._current()
        if current is not None:
            return current
        with self._rebuild_lock():
            current = self._current()  # another process may have made it meanwhile
            if current is None:
                current, _ix = self._new_generation()
                self._set_current(current)
        return current

    def _cleanup(self) -> None:
        """Remove old generations (all but the newest KEEP_GENERATIONS up to the live one).

        Only called while holding the rebuild lock, so no generation is being built.
        """
        current = self._current()
        if current is None:
            return
        names = sorted(
            p.name for p in self.index_dir.iterdir() if p.name.startswith(GEN_PREFIX) and p.is_dir()
        )
        live = [n for n in names if n <= current][-KEEP_GENERATIONS:]
        for name in names:
            if name not in live:
                shutil.rmtree(self.index_dir / name, ignore_errors=True)

    # ----------------------------------------------------------------- writing

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        with self._rebuild_lock():
            generation, ix = self._new_generation()
            journal = self.index_dir / f"journal-{generation}.jsonl"
            journal.touch()
            try:
                writer = ix.writer(procs=1, limitmb=REBUILD_LIMITMB)
                try:
                    count = _add_documents(writer, docs, rebuild=True)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
                self._swap(generation, ix, journal)
            except BaseException:
                shutil.rmtree(self.index_dir / generation, ignore_errors=True)
                raise
            finally:
                journal.unlink(missing_ok=True)
            self._cleanup()
        return count

    def _swap(self, generation: str, ix: whoosh_index.FileIndex, journal: Path) -> None:
        """Replay the journal into the new generation and make it the live one.

        Holding the old generation's write lock means no incremental write can land in
        the old generation after the journal was read.
        """
        old = self._current()
        lock = None
        if old is not None and (self.index_dir / old).is_dir():
            lock = self._open(old).lock("WRITELOCK")
            deadline = time.monotonic() + SWAP_TIMEOUT
            while not lock.acquire(blocking=False):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"search index {old} stayed locked for {SWAP_TIMEOUT} s")
                time.sleep(RETRY_DELAY)
        try:
            entries = [
                json.loads(line) for line in journal.read_text("utf-8").splitlines() if line.strip()
            ]
            if entries:
                writer = ix.writer()
                for entry in entries:
                    self._apply(writer, entry)
                writer.commit()
            self._set_current(generation)
        finally:
            if lock is not None:
                lock.release()

    @staticmethod
    def _apply(writer: Any, entry: dict[str, Any]) -> None:
        """Delete the entry's articles/wizards, then add its documents."""
        for group in entry.get("groups", ()):
            writer.delete_by_term("group", group)
        _add_documents(writer, (_doc_from_json(data) for data in entry.get("docs", ())))

    def _write(self, prepare: Callable[[Searcher], tuple[dict[str, Any], int]]) -> int:
        """Apply one change to the live generation, waiting (bounded) for other writers.

        ``prepare`` gets a searcher on the index as it is under the write lock and returns
        the change (groups to delete, documents to add) and the count to return.
        """
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            generation = self._ensure_index()
            try:
                ix = self._open(generation)
                remaining = max(0.0, deadline - time.monotonic())
                writer = ix.writer(timeout=remaining, delay=RETRY_DELAY)
            except LockError:
                raise TimeoutError(
                    f"the search index stayed locked for {WRITE_TIMEOUT} s; change not indexed"
                ) from None
            except (FileNotFoundError, whoosh_index.EmptyIndexError):
                if time.monotonic() > deadline:
                    raise
                continue  # swapped out and removed while we looked: take the new one
            if self._current() != generation:
                writer.cancel()  # a rebuild swapped generations while we waited
                continue
            try:
                with ix.searcher() as searcher:
                    entry, result = prepare(searcher)
                self._apply(writer, entry)
                self._journal(entry)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            return result

    def _journal(self, entry: dict[str, Any]) -> None:
        """Record a change for the rebuilds in progress (called with the write lock held)."""
        journals = list(self.index_dir.glob("journal-*.jsonl"))
        if not journals:
            return
        with self._rebuild_lock(blocking=False) as free:
            if free:  # no rebuild runs: these journals were left by a crash
                for path in journals:
                    path.unlink(missing_ok=True)
                return
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        for path in journals:
            with contextlib.suppress(FileNotFoundError):
                fd = os.open(path, os.O_WRONLY | os.O_APPEND)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)

    def index(self, docs: Iterable[SearchDocument]) -> int:
        docs = list(docs)
        if not docs:
            return 0
        for doc in docs:
            if doc.lang not in LANGUAGES:  # validate before taking any lock
                raise ValueError(f"{doc.doc_id}: language {doc.lang!r} is not one of {LANGUAGES}")
        entry = {
            "groups": sorted({doc.group_id for doc in docs}),
            "docs": [_doc_to_json(d) for d in docs],
        }
        return self._write(lambda _searcher: (entry, len(docs)))

    def remove(
        self,
        doc_ids: Iterable[str] = (),
        *,
        key: str | None = None,
        lang: str | None = None,
        kind: str = "article",
    ) -> int:
        ids = set(doc_ids)
        groups: set[str] = set()
        if key is not None:
            groups = {group_id(kind, code, key) for code in ([lang] if lang else LANGUAGES)}
        if not ids and not groups:
            return 0

        def prepare(searcher: Searcher) -> tuple[dict[str, Any], int]:
            # Sections live inside their article's Whoosh document: removing some of them
            # rewrites the article without them.
            touched = set(groups)
            for doc_id in ids:
                for docnum in searcher.document_numbers(doc_ids=doc_id):
                    touched.add(searcher.stored_fields(docnum)["group"])
            removed, keep = 0, []
            for group in sorted(touched):
                for docnum in searcher.document_numbers(group=group):
                    for doc in _documents_of(searcher.stored_fields(docnum)):
                        if group in groups or doc.doc_id in ids:
                            removed += 1
                        else:
                            keep.append(_doc_to_json(doc))
            return {"groups": sorted(touched), "docs": keep}, removed

        return self._write(prepare)

    # ----------------------------------------------------------------- searching

    def _searcher(self) -> Searcher | None:
        """This thread's searcher on the live generation, reopened when the index changed.

        Reopened rather than ``Searcher.refresh()``ed: whoosh-reloaded 2.7.5's reader reuse
        keeps a segment's old reader when only deletions changed, hiding them.
        """
        generation = self._current()
        if generation is None:
            return None
        local = self._local
        searcher = local.searcher
        if local.generation == generation and searcher is not None and searcher.up_to_date():
            return searcher
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()
        local.searcher = None
        local.generation = None
        searcher = self._open(generation).searcher()
        local.generation, local.searcher = generation, searcher
        return searcher

    def search(self, query: str, lang: str | None, limit: int = 10) -> SearchResults:
        cleaned = clean_query(query)
        if lang is not None and lang not in LANGUAGES:
            return SearchResults(cleaned, lang)
        limit = max(1, min(int(limit), 100))
        for attempt in range(3):
            try:
                searcher = self._searcher()
                if searcher is None:
                    return SearchResults(cleaned, lang)
                return self._search(searcher, cleaned, lang, limit)
            except (OSError, whoosh_index.EmptyIndexError):
                # The generation was swapped and removed under this searcher: start again.
                self._local.generation = None
                self._local.searcher = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _is_known(self, searcher: Searcher, lang: str, term: str) -> bool:
        reader = searcher.reader()
        return reader.doc_frequency(f"text_{lang}", term) > 0

    def _get_speller(self, searcher: Searcher, langs: tuple[str, ...]) -> Speller:
        """The did-you-mean vocabulary of ``langs``, cached until the index changes."""
        version = (self._local.generation or "", searcher.reader().generation())
        with self._speller_lock:
            if self._spellers_version != version:
                self._spellers = {}
                self._spellers_version = version
            speller = self._spellers.get(langs)
        if speller is not None:
            return speller
        reader = searcher.reader()
        vocabulary: dict[str, int] = {}
        indexed = set(reader.indexed_field_names())
        for lang in langs:
            fieldname = f"words_{lang}"
            if fieldname in indexed:
                for word in reader.lexicon(fieldname):
                    vocabulary[word.decode("utf-8") if isinstance(word, bytes) else word] = 1

        def frequency(word: str) -> int:
            """Articles with the word's stem (0: the word left the index with its article)."""
            return max(
                reader.doc_frequency(f"text_{lang}", analyze_word(lang, word)) for lang in langs
            )

        speller = Speller(vocabulary, frequency)
        with self._speller_lock:
            if self._spellers_version == version:
                self._spellers[langs] = speller
        return speller

    def _search(
        self, searcher: Searcher, cleaned: str, lang: str | None, limit: int
    ) -> SearchResults:
        langs = [lang] if lang else list(LANGUAGES)
        words = query_words(cleaned)
        fixes = resolve_words(
            words,
            langs,
            lambda: self._get_speller(searcher, tuple(langs)),
            lambda code, _word, term: self._is_known(searcher, code, term),
            self.synonyms,
        )
        plan = make_plan(cleaned, lang, self.synonyms, fixes)
        suggestion = suggestion_text(cleaned, words, fixes.corrections)
        if plan.empty:
            return SearchResults(cleaned, lang, [], 0, suggestion)
        hits, total = self._collect(searcher, plan, limit)
        return SearchResults(cleaned, lang, hits, total, suggestion)

    def _collect(
        self, searcher: Searcher, plan: QueryPlan, limit: int
    ) -> tuple[list[SearchHit], int]:
        """The ``limit`` best articles/wizards with their best section, and their count.

        Documents matching every concept of the query come first (what a reader means,
        and far cheaper to find); only when they are fewer than ``limit``, documents
        matching any concept follow. ``total`` counts the articles/wizards that match.
        """
        if searcher.doc_count() == 0:
            return [], 0
        engines: list[tuple[LangPlan, Engine, list[Concept]]] = []
        for lang_plan in plan.langs.values():
            if lang_plan.empty:
                continue
            engine = Engine(searcher, f"text_{lang_plan.lang}")
            # A concept nothing in the index matches (an unknown word left uncorrected)
            # would make "all concepts" impossible; it is left out.
            concepts = [c for c in lang_plan.concepts if engine.estimate(c)]
            if concepts:
                engines.append((lang_plan, engine, concepts))
        ranked: list[tuple[float, int, LangPlan, Engine]] = []
        total = 0
        for lang_plan, engine, concepts in engines:
            found = engine.match_all(concepts)
            total += len(found)
            ranked.extend((s, d, lang_plan, engine) for s, d in _top(found, limit * 2))
        ranked.sort(key=lambda item: -item[0])
        chosen = self._distinct(searcher, ranked, limit)
        if len(chosen) < limit and any(len(c) > 1 for _, _, c in engines):
            more: list[tuple[float, int, LangPlan, Engine]] = []
            total = 0
            for lang_plan, engine, concepts in engines:
                found = engine.match_any(concepts)
                total += len(found)
                more.extend((s, d, lang_plan, engine) for s, d in _top(found, limit * 2))
            more.sort(key=lambda item: -item[0])
            have = {stored["group"] for _, stored, _, _ in chosen}
            for item in self._distinct(searcher, more, limit):
                if len(chosen) >= limit:
                    break
                if item[1]["group"] not in have:
                    chosen.append(item)
        hits = [
            self._hit(score, stored, lang_plan, engine)
            for score, stored, lang_plan, engine in chosen
        ]
        return hits, max(total, len(hits))

    @staticmethod
    def _distinct(
        searcher: Searcher, ranked: list[tuple[float, int, LangPlan, Engine]], limit: int
    ) -> list[tuple[float, dict[str, Any], LangPlan, Engine]]:
        """The first ``limit`` of ``ranked`` with their stored fields, one per article."""
        chosen: list[tuple[float, dict[str, Any], LangPlan, Engine]] = []
        groups: set[str] = set()
        loaded = []
        for score, docnum, lang_plan, engine in ranked:
            stored = searcher.stored_fields(docnum)
            factor = WIZARD_BOOST if stored["kind"] == "wizard" else 1.0
            loaded.append((score * factor, stored, lang_plan, engine))
        loaded.sort(key=lambda item: -item[0])
        for score, stored, lang_plan, engine in loaded:
            if stored["group"] in groups:
                continue  # an article whose sections were indexed apart
            groups.add(stored["group"])
            chosen.append((score, stored, lang_plan, engine))
            if len(chosen) >= limit:
                break
        return chosen

    @staticmethod
    def _hit(score: float, stored: dict[str, Any], plan: LangPlan, engine: Engine) -> SearchHit:
        sections = stored["sections"]
        idf = {
            term: engine.idf(term)
            for concept in plan.concepts
            for alt in concept.alternatives
            if not alt.prefix
            for term in alt.terms
        }
        best = sections[best_section(sections, plan, idf)]
        _doc_id, heading, anchor, _context, body, url_path = best
        terms, prefixes = plan.highlight_terms()
        return SearchHit(
            kind=stored["kind"],
            lang=stored["lang"],
            key=stored["key"],
            slug=stored["slug"],
            title=stored["title"],
            section_title=stored.get("section_title") or "",
            heading=heading,
            anchor=anchor,
            url_path=url_path,
            snippet_html=highlight(body or "", plan.lang, terms, prefixes),
            score=float(score),
        )


def _top(scores: dict[int, float], n: int) -> list[tuple[float, int]]:
    return [(-negative, docnum) for negative, docnum in top(scores, n)]


__all__ = ["LangAnalyzer", "WhooshBackend", "make_schema"]
