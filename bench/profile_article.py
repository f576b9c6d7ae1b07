"""Where an article request's time goes: `python -m bench.profile_article [--cprofile]`.

Not one of the `make bench` benchmarks (it has no goal); it is the tool to reach for when
article_page reports FAIL. The split is measured by wall clock around the real request's
steps (timing wrappers installed in this process only, nothing in helpcenter/ changes),
not by a profiler: cProfile inflates call-heavy Python (Jinja, the ORM) far more than C
code (sqlite3) and so misstates the shares. `--cprofile` adds cProfile's top functions,
for finding the culprit inside a step once the split has named the step.

The view is still changing, so each step is wrapped only if it exists, and SQL statements
are counted per step rather than assumed.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import event

from bench import _harness as h
from bench.article_page import ARTICLE_PATH, BARE_PATH, CLIENT_HEADERS
from helpcenter import create_app
from helpcenter.articles import service, views
from helpcenter.extensions import db

WARMUP = 200
REQUESTS = 2_000
BATCHES = 4

WSGI = "Flask app (wsgi_app)"
VIEW = "article view"
RENDER = "render_template"
LAZY = "lazy loads from the template"
GETTEXT = "Babel gettext"
FORMAT_DATE = "Babel format_date"
OUTSIDE = "(outside the steps)"


@dataclass
class Totals:
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    statements: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    sqlite_seconds: float = 0.0
    # The innermost step running now, so a SQL statement is charged to the step that ran it.
    active: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.seconds.clear()
        self.statements.clear()
        self.sqlite_seconds = 0.0


def _timed(totals: Totals, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)  # keeps Jinja's pass_context marker on the gettext callable
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        totals.active.append(name)
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals.seconds[name] += time.perf_counter() - started
            totals.active.pop()

    return wrapper


@contextmanager
def _patched(target: Any, attribute: str, value: Any) -> Iterator[None]:
    if isinstance(target, dict):
        saved = target[attribute]
        target[attribute] = value
        try:
            yield
        finally:
            target[attribute] = saved
        return
    saved = getattr(target, attribute)
    setattr(target, attribute, value)
    try:
        yield
    finally:
        setattr(target, attribute, saved)


def _view_steps() -> list[tuple[ModuleType, str]]:
    """The functions the article view calls, as (module, name) as the view looks them up."""
    steps: list[tuple[ModuleType, str]] = [
        (service, "article_by_slug"),
        (service, "translations_of"),
    ]
    wizard_service = getattr(views, "wizard_service", None)
    if wizard_service is not None and hasattr(wizard_service, "callouts_for_article"):
        steps.append((wizard_service, "callouts_for_article"))
    if hasattr(views, "split_before_headings"):
        steps.append((views, "split_before_headings"))
    return steps


@contextmanager
def _instrumented(app: Flask, totals: Totals) -> Iterator[list[str]]:
    """Timing wrappers around each step of GET /<lang>/articles/<slug>; yields step names."""
    with ExitStack() as stack:
        names = []
        for module, name in _view_steps():
            names.append(name)
            wrapped = _timed(totals, name, getattr(module, name))
            stack.enter_context(_patched(module, name, wrapped))

        render = _timed(totals, RENDER, views.render)

        def render_after_lazy_loads(template: str, **context: Any) -> Response:
            # Relationships the template reads but the query did not load would be counted
            # as rendering; touching them first moves them, unchanged, to their own line.
            def touch() -> None:
                _ = context["article"].section.category.translations
                _ = context["article"].section.translations

            _timed(totals, LAZY, touch)()
            return render(template, **context)

        stack.enter_context(_patched(views, "render", render_after_lazy_loads))
        view = app.view_functions["articles.article"]
        stack.enter_context(
            _patched(app.view_functions, "articles.article", _timed(totals, VIEW, view))
        )
        stack.enter_context(_patched(app, "wsgi_app", _timed(totals, WSGI, app.wsgi_app)))
        for name in ("gettext", "ngettext"):
            if name in app.jinja_env.globals:
                wrapped = _timed(totals, GETTEXT, app.jinja_env.globals[name])
                stack.enter_context(_patched(app.jinja_env.globals, name, wrapped))
        date = _timed(totals, FORMAT_DATE, app.jinja_env.filters["date"])
        stack.enter_context(_patched(app.jinja_env.filters, "date", date))

        with app.app_context():
            engine = db.engine
        started_at: list[float] = []

        def before(*_args: Any) -> None:
            totals.statements[totals.active[-1] if totals.active else OUTSIDE] += 1
            started_at.append(time.perf_counter())

        def after(*_args: Any) -> None:
            totals.sqlite_seconds += time.perf_counter() - started_at.pop()

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            yield names
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)


def _run(client: FlaskClient, path: str, count: int) -> float:
    """Seconds for `count` requests in a row."""
    started = time.perf_counter()
    for _ in range(count):
        client.get(path, headers=CLIENT_HEADERS)
    return time.perf_counter() - started


def _statements(app: Flask) -> list[str]:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        app.test_client().get(ARTICLE_PATH, headers=CLIENT_HEADERS)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def _report(totals: Totals, steps: list[str], article_s: float, bare_s: float) -> None:
    seconds, counts = totals.seconds, totals.statements

    def label(name: str) -> str:
        n = counts.get(name, 0) // REQUESTS
        return f"{name} ({n} quer{'y' if n == 1 else 'ies'})" if n else name

    view_parts = sum(seconds[name] for name in [*steps, LAZY, RENDER])
    babel = seconds[GETTEXT] + seconds[FORMAT_DATE]
    queries = sum(seconds[name] for name in [*steps, LAZY] if counts.get(name))
    rows = [
        ("article page, whole request (test client)", article_s),
        ("  " + WSGI, seconds[WSGI]),
        ("    " + VIEW, seconds[VIEW]),
        *[("      " + label(name), seconds[name]) for name in [*steps, LAZY]],
        ("      " + RENDER, seconds[RENDER]),
        ("        " + GETTEXT, seconds[GETTEXT]),
        ("        " + FORMAT_DATE, seconds[FORMAT_DATE]),
        ("        Jinja itself, url_for, csrf_token, escaping", seconds[RENDER] - babel),
        ("      rest of the view (alternates, response)", seconds[VIEW] - view_parts),
        ("    Flask around the view (hooks, session, teardown)", seconds[WSGI] - seconds[VIEW]),
        ("  test client", article_s - seconds[WSGI]),
        ("SQLite itself, all statements (included above)", totals.sqlite_seconds),
        ("bare route, whole request (test client)", bare_s),
    ]
    print(f"per request, in-process, mean of {REQUESTS:,} (timing wrappers on)")
    for name, value in rows:
        print(f"{name:56} {value / REQUESTS * 1000:7.3f} ms")
    if counts.get(OUTSIDE):
        print(f"({counts[OUTSIDE] // REQUESTS} statement(s) per request outside the view's steps)")
    print(
        f"=> steps that query {queries / article_s:.0%} of the request "
        f"(SQLite itself {totals.sqlite_seconds / article_s:.0%}), "
        f"template {seconds[RENDER] / article_s:.0%} (Babel {babel / article_s:.0%}), "
        f"bare-route floor {bare_s / article_s:.0%}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_article", description=__doc__)
    parser.add_argument("--cprofile", action="store_true", help="add cProfile's top functions")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="helpcenter-profile-") as tmp:
        config = h.make_config(Path(tmp))
        h.prepare_database(config)
        snapshot = create_app(config)
        page = snapshot.test_client().get(ARTICLE_PATH, headers=CLIENT_HEADERS)
        h.dispose(snapshot)
        # A fresh app for the bare route: Flask refuses new routes after a first request.
        app = create_app(config)
        body, content_type = page.get_data(), page.content_type
        app.add_url_rule(BARE_PATH, "bench_bare", lambda: Response(body, content_type=content_type))
        client = app.test_client()
        try:
            statements = _statements(app)
            print(f"GET {ARTICLE_PATH}: {len(statements)} SQL statements")
            for statement in statements:
                print(f"  {statement[:120]}")
            print()

            totals = Totals()
            _run(client, BARE_PATH, WARMUP)
            with _instrumented(app, totals):
                _run(client, ARTICLE_PATH, WARMUP)
            totals.clear()
            # Alternating batches, so machine noise hits the article and the bare route alike;
            # the wrappers are only on for the article batches, so they time nothing else.
            bare_s = article_s = 0.0
            for _ in range(BATCHES):
                bare_s += _run(client, BARE_PATH, REQUESTS // BATCHES)
                with _instrumented(app, totals) as steps:
                    article_s += _run(client, ARTICLE_PATH, REQUESTS // BATCHES)
            _report(totals, steps, article_s, bare_s)

            if args.cprofile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(REQUESTS // 4):
                    client.get(ARTICLE_PATH, headers=CLIENT_HEADERS)
                profile.disable()
                print()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        finally:
            h.dispose(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
