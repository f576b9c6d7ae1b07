"""The PostgreSQL full-text search backend, for deployments that already run PostgreSQL.

Rows live in ``search_entry`` (helpcenter/search/models.py). :meth:`ensure_schema` adds
what only PostgreSQL has, idempotently and safely from several processes at once:

* the ``unaccent`` extension and an immutable wrapper ``hc_unaccent(text)``;
* text search configurations ``hc_es``/``hc_de``/``hc_en``: copies of ``spanish``,
  ``german`` and ``english`` whose words go through ``unaccent`` before the Snowball
  stemmer, so accents never matter and ts_headline still shows the accented text;
* ``hc_tsconfig(lang)`` (immutable) and a generated, weighted ``tsv`` column (title A,
  heading B, section title C, body D) with a GIN index.

Writes take one transaction-level advisory lock, so writers from several processes
queue (bounded wait, retried) instead of failing; readers never wait (MVCC), and a
rebuild is one transaction, so searches see the old rows until it commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from helpcenter.models.base import utcnow
from helpcenter.search.documents import SearchDocument, SearchHit, SearchResults, group_id
from helpcenter.search.models import TSV_INDEX, SearchEntry
from helpcenter.search.query import (
    Alternative,
    LangPlan,
    Speller,
    Synonyms,
    make_plan,
    query_words,
    resolve_words,
    suggestion_text,
)
from helpcenter.search.snippets import (
    FRAGMENT_BREAK,
    GREATER_THAN,
    LESS_THAN,
    START_MARK,
    STOP_MARK,
    from_marked,
)
from helpcenter.search.text import LANGUAGES, clean_query, fold, fold_variants

TABLE: Final = SearchEntry.__table__
WIZARD_BOOST: Final = 0.7
WRITE_TIMEOUT: Final = 60.0  # seconds a write waits for another writer (a rebuild can be long)
RETRY_DELAY: Final = 0.05
LOCK_KEY: Final = 72_001_337  # pg_advisory_xact_lock key of the search writers
SCHEMA_LOCK_KEY: Final = 72_001_338
BATCH: Final = 1000
HEADLINE_OPTIONS: Final = (
    f"StartSel={START_MARK}, StopSel={STOP_MARK}, MaxWords=32, MinWords=12, ShortWord=2, "
    f"MaxFragments=2, FragmentDelimiter={FRAGMENT_BREAK}"
)
_CONFIG_BASES: Final = {"es": "spanish", "de": "german", "en": "english"}


@dataclass
class _Sql:
    """A growing SQL text with its bind parameters."""

    params: dict[str, Any]

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


class PostgresBackend:
    def __init__(self, engine: Engine, *, synonyms: Synonyms | None = None) -> None:
        self.engine = engine
        self.synonyms = synonyms or Synonyms()
        self._ready = False
        self._ready_lock = threading.Lock()
        self._schema = "public"
        self._speller_lock = threading.Lock()
        self._spellers: dict[tuple[str, ...], tuple[tuple[Any, ...], Speller]] = {}

    # ----------------------------------------------------------------- schema

    def ensure_schema(self) -> None:
        """Create the table (if migrations did not), extension, configurations, column, index."""
        with self._ready_lock:
            if self._ready:
                return
            with self.engine.begin() as conn:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
                schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
                TABLE.create(conn, checkfirst=True)
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
                ext_schema = conn.execute(
                    sa.text(
                        "SELECT n.nspname FROM pg_extension e "
                        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
                    )
                ).scalar_one()
                s, x = _ident(schema), _ident(ext_schema)
                conn.execute(
                    sa.text(
                        f"CREATE OR REPLACE FUNCTION {s}.hc_unaccent(text) RETURNS text "
                        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
                        f"$$ SELECT {x}.unaccent('{x}.unaccent'::regdictionary, $1) $$"
                    )
                )
                for lang, base in _CONFIG_BASES.items():
                    exists = conn.execute(
                        sa.text(
                            "SELECT 1 FROM pg_ts_config c JOIN pg_namespace n "
                            "ON n.oid = c.cfgnamespace WHERE c.cfgname = :name AND n.nspname = :schema"
                        ),
                        {"name": f"hc_{lang}", "schema": schema},
                    ).first()
                    if exists is None:
                        conn.execute(
                            sa.text(
                                f"CREATE TEXT SEARCH CONFIGURATION {s}.hc_{lang} "
                                f"(COPY = pg_catalog.{base})"
                            )
                        )
                        conn.execute(
                            sa.text(
                                f"ALTER TEXT SEARCH CONFIGURATION {s}.hc_{lang} ALTER MAPPING "
                                f"FOR hword, hword_part, word WITH {x}.unaccent, {base}_stem"
                            )
                        )
                cases = " ".join(
                    f"WHEN '{lang}' THEN '{schema}.hc_{lang}'::regconfig" for lang in _CONFIG_BASES
                )
                conn.execute(
                    sa.text(
                        f"CREATE OR REPLACE FUNCTION {s}.hc_tsconfig(lang text) RETURNS regconfig "
                        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
                        f"$$ SELECT CASE lang {cases} ELSE 'pg_catalog.simple'::regconfig END $$"
                    )
                )
                has_column = conn.execute(
                    sa.text(
                        "SELECT 1 FROM information_schema.columns WHERE table_schema = :schema "
                        "AND table_name = :table AND column_name = 'tsv'"
                    ),
                    {"schema": schema, "table": TABLE.name},
                ).first()
                if has_column is None:
                    cfg = f"{s}.hc_tsconfig(lang)"
                    conn.execute(
                        sa.text(
                            f"ALTER TABLE {s}.{TABLE.name} ADD COLUMN tsv tsvector "
                            f"GENERATED ALWAYS AS ("
                            f"setweight(to_tsvector({cfg}, coalesce(title, '')), 'A') || "
                            f"setweight(to_tsvector({cfg}, coalesce(heading, '') || ' ' || "
                            f"coalesce(context, '')), 'B') || "
                            f"setweight(to_tsvector({cfg}, coalesce(section_title, '')), 'C') || "
                            f"setweight(to_tsvector({cfg}, coalesce(body, '')), 'D')) STORED"
                        )
                    )
                conn.execute(
                    sa.text(
                        f"CREATE INDEX IF NOT EXISTS {TSV_INDEX} ON {s}.{TABLE.name} USING gin (tsv)"
                    )
                )
            self._schema = schema
            self._ready = True

    def _cfg(self, lang: str) -> str:
        return f"'{self._schema}.hc_{lang}'::regconfig"

    # ----------------------------------------------------------------- writing

    def _locked(self, conn: Connection) -> None:
        """Wait (bounded) for the search writers' lock; never fail at the first conflict."""
        deadline = time.monotonic() + WRITE_TIMEOUT
        while not conn.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}
        ).scalar_one():
            if time.monotonic() > deadline:
                raise TimeoutError(f"search writers' lock busy for {WRITE_TIMEOUT} s")
            time.sleep(RETRY_DELAY)

    @staticmethod
    def _rows(docs: Iterable[SearchDocument]) -> Iterator[dict[str, Any]]:
        positions: dict[str, int] = {}
        seen: set[str] = set()
        now = utcnow()
        for doc in docs:
            if doc.lang not in LANGUAGES:
                raise ValueError(f"{doc.doc_id}: language {doc.lang!r} is not one of {LANGUAGES}")
            if doc.doc_id in seen:
                continue
            seen.add(doc.doc_id)
            position = positions.get(doc.group_id, 0)
            positions[doc.group_id] = position + 1
            yield {
                "doc_id": doc.doc_id,
                "group_key": doc.group_id,
                "kind": doc.kind,
                "lang": doc.lang,
                "key": doc.key,
                "slug": doc.slug,
                "title": doc.title,
                "section_title": doc.section_title,
                "heading": doc.heading,
                "anchor": doc.anchor,
                "context": doc.context,
                "body": doc.body,
                "url_path": doc.url_path,
                "position": position,
                "updated_at": now,
            }

    def _insert(self, conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                conn.execute(TABLE.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(TABLE.insert(), batch)
            count += len(batch)
        return count

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        self.ensure_schema()
        with self.engine.begin() as conn:
            self._locked(conn)
            conn.execute(TABLE.delete())
            return self._insert(conn, self._rows(docs))

    def index(self, docs: Iterable[SearchDocument]) -> int:
        docs = list(docs)
        if not docs:
            return 0
        rows = list(self._rows(docs))  # validates before taking the lock
        self.ensure_schema()
        with self.engine.begin() as conn:
            self._locked(conn)
            groups = sorted({row["group_key"] for row in rows})
            conn.execute(TABLE.delete().where(TABLE.c.group_key.in_(groups)))
            return self._insert(conn, rows)

    def remove(
        self,
        doc_ids: Iterable[str] = (),
        *,
        key: str | None = None,
        lang: str | None = None,
        kind: str = "article",
    ) -> int:
        ids = list(doc_ids)
        groups = []
        if key is not None:
            groups = [group_id(kind, code, key) for code in ([lang] if lang else LANGUAGES)]
        if not ids and not groups:
            return 0
        self.ensure_schema()
        with self.engine.begin() as conn:
            self._locked(conn)
            result = conn.execute(
                TABLE.delete().where(sa.or_(TABLE.c.doc_id.in_(ids), TABLE.c.group_key.in_(groups)))
            )
            return int(result.rowcount or 0)

    # ----------------------------------------------------------------- searching

    def search(self, query: str, lang: str | None, limit: int = 10) -> SearchResults:
        cleaned = clean_query(query)
        if lang is not None and lang not in LANGUAGES:
            return SearchResults(cleaned, lang)
        limit = max(1, min(int(limit), 100))
        self.ensure_schema()
        langs = [lang] if lang else list(LANGUAGES)
        words = query_words(cleaned)
        with self.engine.connect() as conn:
            known: dict[tuple[str, str], bool] = {}  # compound splitting asks again and again

            def is_known(code: str, word: str, _stem: str) -> bool:
                if (code, word) not in known:
                    known[code, word] = self._is_known(conn, code, word)
                return known[code, word]

            fixes = resolve_words(
                words,
                langs,
                lambda: self._get_speller(conn, tuple(langs)),
                is_known,
                self.synonyms,
            )
            plan = make_plan(cleaned, lang, self.synonyms, fixes)
            suggestion = suggestion_text(cleaned, words, fixes.corrections)
            if plan.empty:
                return SearchResults(cleaned, lang, [], 0, suggestion)
            hits, total = self._query(conn, plan.langs, limit)
        return SearchResults(cleaned, lang, hits, total, suggestion)

    def _is_known(self, conn: Connection, lang: str, word: str) -> bool:
        sql = _Sql({})
        condition = self._alternative_tsquery(sql, lang, Alternative((word,), (word,)))
        row = conn.execute(
            sa.text(
                f"SELECT 1 FROM {TABLE.name} WHERE lang = {sql.bind(lang)} "
                f"AND tsv @@ ({condition}) LIMIT 1"
            ),
            sql.params,
        ).first()
        return row is not None

    def _get_speller(self, conn: Connection, langs: tuple[str, ...]) -> Speller:
        """The vocabulary (words as written, ts_stat over 'simple'), cached until rows change."""
        version = tuple(
            conn.execute(
                sa.select(sa.func.count(), sa.func.max(TABLE.c.updated_at)).where(
                    TABLE.c.lang.in_(langs)
                )
            ).one()
        )
        with self._speller_lock:
            cached = self._spellers.get(langs)
            if cached is not None and cached[0] == version:
                return cached[1]
        in_langs = ", ".join(f"''{code}''" for code in langs if code in LANGUAGES)
        inner = (
            "SELECT to_tsvector(''simple'', coalesce(title, '''') || '' '' || "
            "coalesce(heading, '''') || '' '' || coalesce(body, '''')) "
            f"FROM {TABLE.name} WHERE lang IN ({in_langs})"
        )
        rows = conn.execute(sa.text(f"SELECT word, ndoc FROM ts_stat('{inner}')")).all()
        speller = Speller(
            {word: int(ndoc) for word, ndoc in rows if word.isalpha() and len(word) > 2}
        )
        with self._speller_lock:
            self._spellers[langs] = (version, speller)
        return speller

    def _alternative_tsquery(self, sql: _Sql, lang: str, alt: Alternative) -> str:
        """A tsquery for one alternative, PostgreSQL doing the stemming (same Snowball).

        Spelling variants PostgreSQL's configurations don't fold are added here: German
        ae/oe/ue for umlauts, and Spanish -ción/-ciones (Snowball strips "-aciones" but
        not an unaccented "-acion").
        """
        cfg = self._cfg(lang)
        if alt.is_phrase:
            return f"phraseto_tsquery({cfg}, {sql.bind(' '.join(alt.words))})"
        variants = {alt.words[0]}
        folded = fold(alt.words[0])
        if lang == "de":
            variants.add(fold_variants("de", alt.words[0]))
        elif lang == "es":
            if folded.endswith("ion"):
                variants.add(folded + "es")
            elif folded.endswith("iones"):
                variants.add(folded[:-2])
        parts = []
        for word in sorted(variants):
            if alt.prefix:
                if word.isalnum():  # only letters/digits reach to_tsquery's syntax
                    parts.append(f"to_tsquery({cfg}, {sql.bind(word + ':*')})")
            else:
                parts.append(f"plainto_tsquery({cfg}, {sql.bind(word)})")
        return " || ".join(parts) if parts else "''::tsquery"

    def _lang_expressions(self, sql: _Sql, plan: LangPlan) -> tuple[str, str]:
        """(tsquery matching any concept, rank expression) for one language."""
        by_weight: dict[float, list[str]] = {}
        concept_queries = []
        for concept in plan.concepts:
            alternatives = []
            for alt in concept.alternatives:
                tsquery = self._alternative_tsquery(sql, plan.lang, alt)
                alternatives.append(f"({tsquery})")
                by_weight.setdefault(alt.weight, []).append(f"({tsquery})")
            concept_queries.append("(" + " || ".join(alternatives) + ")")
        any_concept = " || ".join(concept_queries)
        # Rank: each weight class of alternatives (typed words 1.0, synonyms 0.8, ...)
        # scored by ts_rank (title A > heading B > section C > body D, length-normalized),
        # times a bonus for documents that match more of the query's concepts.
        ranks = [
            f"{weight} * ts_rank(tsv, {' || '.join(queries)}, 1)"
            for weight, queries in sorted(by_weight.items(), reverse=True)
        ]
        matched = " + ".join(f"(tsv @@ {q})::int" for q in concept_queries)
        rank = f"({' + '.join(ranks)}) * (1 + {matched}) / {1 + len(concept_queries)}.0"
        return any_concept, rank

    def _query(
        self, conn: Connection, plans: dict[str, LangPlan], limit: int
    ) -> tuple[list[SearchHit], int]:
        sql = _Sql({})
        conditions, ranks, headline_queries = [], [], []
        for code, plan in plans.items():
            if plan.empty:
                continue
            tsquery, rank = self._lang_expressions(sql, plan)
            conditions.append(f"(lang = '{code}' AND tsv @@ ({tsquery}))")
            ranks.append(f"WHEN '{code}' THEN {rank}")
            headline_queries.append(f"WHEN '{code}' THEN ({tsquery})")
        if not conditions:
            return [], 0
        statement = f"""
            WITH matches AS (
                SELECT doc_id, group_key, kind, lang, key, slug, title, section_title,
                       heading, anchor, url_path, body, position,
                       (CASE lang {" ".join(ranks)} END)
                         * (CASE WHEN kind = 'wizard' THEN {WIZARD_BOOST} ELSE 1.0 END) AS rank
                FROM {TABLE.name}
                WHERE {" OR ".join(conditions)}
            ), best AS (
                SELECT DISTINCT ON (group_key) * FROM matches
                ORDER BY group_key, rank DESC, position
            ), top AS (
                SELECT *, count(*) OVER () AS total FROM best
                ORDER BY rank DESC, group_key LIMIT {sql.bind(limit)}
            )
            SELECT top.*,
                   ts_headline({self._schema}.hc_tsconfig(lang),
                               translate(body, '<>', chr({ord(LESS_THAN)}) || chr({ord(GREATER_THAN)})),
                               CASE lang {" ".join(headline_queries)} END,
                               {sql.bind(HEADLINE_OPTIONS)}) AS headline
            FROM top ORDER BY rank DESC, group_key
        """
        rows = conn.execute(sa.text(statement), sql.params).mappings().all()
        hits = [
            SearchHit(
                kind=row["kind"],
                lang=row["lang"],
                key=row["key"],
                slug=row["slug"],
                title=row["title"],
                section_title=row["section_title"] or "",
                heading=row["heading"],
                anchor=row["anchor"],
                url_path=row["url_path"],
                snippet_html=from_marked(row["headline"] or "", row["body"] or ""),
                score=float(row["rank"]),
            )
            for row in rows
        ]
        return hits, int(rows[0]["total"]) if rows else 0


def _ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
