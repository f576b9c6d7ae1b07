"""Changing the index: incremental updates, removal, rebuilds under load, concurrent writers."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from helpcenter.search import SearchBackend, SearchDocument, make_backend
from helpcenter.search.whoosh_backend import WhooshBackend

from .conftest import BackendFactory

RATINGS = "asking-customers-for-ratings"


def ratings_en(corpus: list[SearchDocument]) -> list[SearchDocument]:
    return [d for d in corpus if d.kind == "article" and d.lang == "en" and d.key == RATINGS]


def with_word(docs: list[SearchDocument], anchor: str, word: str) -> list[SearchDocument]:
    """The article with ``word`` added to one section, as an edit would."""
    return [
        dataclasses.replace(d, body=f"{d.body} {word}") if d.anchor == anchor else d for d in docs
    ]


def extra_article(lang: str, key: str, word: str) -> list[SearchDocument]:
    return [
        SearchDocument(
            doc_id=f"article:{lang}:{key}#{key}-part",
            kind="article",
            lang=lang,
            key=key,
            slug=key,
            title=f"Article {key}",
            section_title="Tests",
            heading="Part",
            anchor=f"{key}-part",
            body=f"This section mentions {word} once.",
            url_path=f"/{lang}/articles/{key}#{key}-part",
        )
    ]


def found(backend: SearchBackend, word: str, lang: str = "en") -> list[str]:
    return [h.key for h in backend.search(word, lang).hits]


def test_an_edited_article_is_searchable_at_once(
    fresh_backend: SearchBackend, corpus: list[SearchDocument]
) -> None:
    docs = with_word(ratings_en(corpus), "email-reminders", "zanzibar")
    assert found(fresh_backend, "zanzibar") == []
    started = time.perf_counter()
    assert fresh_backend.index(docs) == len(docs)
    assert time.perf_counter() - started < 2
    (hit,) = fresh_backend.search("zanzibar", "en").hits
    assert (hit.key, hit.anchor) == (RATINGS, "email-reminders")
    assert "<mark>zanzibar</mark>" in hit.snippet_html
    # The article is replaced, not duplicated: still one hit and the same total.
    assert fresh_backend.search("Asking customers for ratings", "en").total == 4


def test_reindexing_an_article_drops_its_deleted_sections(
    fresh_backend: SearchBackend, corpus: list[SearchDocument]
) -> None:
    docs = [d for d in ratings_en(corpus) if d.anchor != "email-reminders"]
    fresh_backend.index(docs)
    hit = next(h for h in fresh_backend.search("email reminders", "en").hits if h.key == RATINGS)
    assert hit.anchor != "email-reminders"


def test_remove(fresh_backend: SearchBackend) -> None:
    assert RATINGS in found(fresh_backend, "rating")
    assert fresh_backend.remove(key=RATINGS, lang="en") > 0
    assert RATINGS not in found(fresh_backend, "rating")
    assert RATINGS in found(fresh_backend, "Bewertung", "de")  # other languages stay
    fresh_backend.remove(key=RATINGS)
    assert RATINGS not in found(fresh_backend, "Bewertung", "de")
    assert fresh_backend.remove(["wizard:en:which-report"]) == 1
    assert "which-report" not in found(fresh_backend, "duplicate")
    assert fresh_backend.remove() == 0


def test_snippets_escape_html(fresh_backend: SearchBackend) -> None:
    doc = dataclasses.replace(
        extra_article("en", "escaping", "refund")[0],
        body='Type <script>alert("x")</script> & <b>bold</b> then ask for a quokka refund.',
    )
    fresh_backend.index([doc])
    (hit,) = [h for h in fresh_backend.search("quokka", "en").hits]
    assert "<script>" not in hit.snippet_html and "<b>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "<mark>quokka</mark>" in hit.snippet_html


def test_rebuild_replaces_everything(
    fresh_backend: SearchBackend, corpus: list[SearchDocument]
) -> None:
    fresh_backend.index(extra_article("en", "temporary", "wombat"))
    assert found(fresh_backend, "wombat") == ["temporary"]
    assert fresh_backend.rebuild(corpus) == len(corpus)
    assert found(fresh_backend, "wombat") == []
    assert fresh_backend.rebuild([]) == 0
    assert fresh_backend.search("refund", "en").hits == []
    assert fresh_backend.rebuild(iter(corpus)) == len(corpus)
    assert found(fresh_backend, "refund")


def test_searches_keep_working_during_rebuilds(
    backend_factory: BackendFactory, corpus: list[SearchDocument]
) -> None:
    """A reader in another thread (its own backend object, as another process would have)
    searches in a loop while the index is rebuilt: never an error, never empty."""
    reader = backend_factory()
    writer = backend_factory()
    stop = threading.Event()
    errors: list[BaseException] = []
    counts: list[int] = []

    def search_loop() -> None:
        while not stop.is_set():
            try:
                counts.append(len(reader.search("refund", "en").hits))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
                return

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        for _ in range(4):
            writer.rebuild(slow(corpus))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert errors == []
    assert len(counts) > 10
    assert min(counts) > 0


def slow(docs: list[SearchDocument]) -> Iterator[SearchDocument]:
    for i, doc in enumerate(docs):
        if i % 20 == 0:
            time.sleep(0.01)
        yield doc


def test_two_writers_at_once_both_succeed(backend_factory: BackendFactory) -> None:
    backends = [backend_factory(), backend_factory()]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            barrier.wait()
            for round_ in range(5):
                backends[i].index(extra_article("en", f"writer-{i}-{round_}", f"numbat{i}"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    reader = backend_factory()
    assert reader.search("numbat0", "en").total == 5
    assert reader.search("numbat1", "en").total == 5


def test_an_edit_during_a_rebuild_is_not_lost(
    backend_factory: BackendFactory, corpus: list[SearchDocument]
) -> None:
    rebuilder, editor = backend_factory(), backend_factory()
    started = threading.Event()

    def docs() -> Iterator[SearchDocument]:
        started.set()
        yield from slow(corpus)
        time.sleep(0.3)

    thread = threading.Thread(target=lambda: rebuilder.rebuild(docs()))
    thread.start()
    assert started.wait(10)
    editor.index(extra_article("en", "mid-rebuild", "pangolin"))
    thread.join(timeout=60)
    assert found(backend_factory(), "pangolin") == ["mid-rebuild"]


def test_a_locked_index_makes_writers_wait_not_fail(
    backend_factory: BackendFactory, request: pytest.FixtureRequest
) -> None:
    """Another writer holds the lock for a moment: the write waits for it and succeeds."""
    backend = backend_factory()
    with _hold_write_lock(backend, request, seconds=0.6):
        started = time.perf_counter()
        backend.index(extra_article("en", "patient", "axolotl"))
        waited = time.perf_counter() - started
    assert waited >= 0.3
    assert found(backend, "axolotl") == ["patient"]


class _hold_write_lock:
    def __init__(self, backend: SearchBackend, request: pytest.FixtureRequest, seconds: float):
        self.backend, self.request, self.seconds = backend, request, seconds
        self.thread: threading.Thread | None = None

    def __enter__(self) -> None:
        locked = threading.Event()
        if isinstance(self.backend, WhooshBackend):
            index_dir = self.backend.index_dir
            generation = (index_dir / "CURRENT").read_text().strip()
            from whoosh import index as whoosh_index

            lock = whoosh_index.open_dir(str(index_dir / generation)).lock("WRITELOCK")
            assert lock.acquire()

            def hold() -> None:
                locked.set()
                time.sleep(self.seconds)
                lock.release()

        else:
            from helpcenter.search.postgres_backend import LOCK_KEY

            engine: sa.Engine = self.request.getfixturevalue("pg_engine")

            def hold() -> None:
                with engine.begin() as conn:
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
                    locked.set()
                    time.sleep(self.seconds)

        self.thread = threading.Thread(target=hold)
        self.thread.start()
        assert locked.wait(10)

    def __exit__(self, *exc: object) -> None:
        assert self.thread is not None
        self.thread.join(timeout=30)


def _index_in_process(kind: str, location: str, n: int) -> None:
    """Runs in a child process: index a few articles through a backend of its own."""
    if kind == "whoosh":
        backend = make_backend("whoosh", index_dir=Path(location))
    else:
        backend = make_backend("postgres", engine=sa.create_engine(location))
    for round_ in range(4):
        backend.index(extra_article("de", f"process-{n}-{round_}", f"Erdferkel{n}"))


def test_two_processes_write_at_once(
    backend_factory: BackendFactory, request: pytest.FixtureRequest
) -> None:
    backend = backend_factory()
    if isinstance(backend, WhooshBackend):
        kind, location = "whoosh", str(backend.index_dir)
    else:
        kind = "postgres"
        location = request.getfixturevalue("pg_engine").url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_index_in_process, args=(kind, location, n)) for n in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]
    assert backend.search("Erdferkel0", "de").total == 4
    assert backend.search("Erdferkel1", "de").total == 4


def test_removing_one_section_keeps_the_rest_of_the_article(fresh_backend: SearchBackend) -> None:
    doc_id = f"article:en:{RATINGS}#email-reminders"
    assert fresh_backend.remove([doc_id]) == 1
    for hit in fresh_backend.search("email reminders", "en").hits:
        assert hit.anchor != "email-reminders"
    hit = next(h for h in fresh_backend.search("banner", "en").hits if h.key == RATINGS)
    assert hit.anchor == "banner-on-the-question-page"
    assert fresh_backend.remove([doc_id]) == 0  # already gone
