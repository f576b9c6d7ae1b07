"""Shared machinery: an app on its own throwaway database, a real WSGI server in a thread,
and a keep-alive HTTP client that times bounded loops of requests against 127.0.0.1.

Everything runs in one process so a benchmark needs no ports, services or clean-up
outside its temporary directory, and the same code paths as production are measured:
waitress in front of the Flask app, SQLite behind it, content imported from content/.
"""

from __future__ import annotations

import http.client
import http.cookies
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import waitress
from flask import Flask
from flask_migrate import upgrade

from helpcenter import create_app
from helpcenter.config import PROJECT_ROOT, TestConfig
from helpcenter.content.importer import import_content
from helpcenter.extensions import db

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
CONTENT_DIR = PROJECT_ROOT / "content"
HOST = "127.0.0.1"  # never anything but loopback: the benchmark must not reach the network


def make_config(data_dir: Path) -> TestConfig:
    """TestConfig for its isolated data dir and SQLite file, but with production behaviour.

    TESTING only changes error propagation today; switching it off keeps a benchmark honest
    if it ever gains a cost-bearing meaning (e.g. a debug toolbar or extra checks).
    """
    config = TestConfig(data_dir)
    config.TESTING = False
    return config


def prepare_database(config: TestConfig) -> None:
    """Migrate the empty database with Alembic and import content/, as `helpcenter setup`."""
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        import_content(db.session, CONTENT_DIR)
        db.session.remove()
        # This app object is thrown away; don't leave its pooled SQLite handles behind.
        db.engine.dispose()


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def serve(app: Flask, threads: int = 4) -> Iterator[int]:
    """Serve `app` with waitress on an ephemeral loopback port; yields the port."""
    server = waitress.create_server(app, host=HOST, port=0, threads=threads)
    # Daemon, so an exception in the benchmark can never leave the process hanging.
    thread = threading.Thread(target=server.run, name="bench-waitress", daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)  # type: ignore[union-attr]
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        # The asyncore loop notices the closed socket within its 1 s select timeout.
        thread.join(timeout=5)


class KeepAliveClient:
    """One HTTP/1.1 connection reused for every request, with a cookie jar, as a browser.

    Reusing the connection keeps TCP set-up out of the figures, so they show the app's cost
    per request. Keeping cookies makes every request after the first that of a returning
    reader: the same session (and CSRF token), no new language or session cookie each time.
    """

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}
        self.reconnects = 0
        self._conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        self._conn.request("GET", path, headers=headers)
        response = self._conn.getresponse()
        # The body must be read in full before the connection can carry the next request.
        body = response.read()
        self._remember_cookies(response.headers)
        if response.will_close:
            # Counted, because a server that drops keep-alive would skew the comparison.
            self.reconnects += 1
            self._conn.close()
            self._conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        return response.status, response.headers, body

    def _remember_cookies(self, headers: http.client.HTTPMessage) -> None:
        # Loopback only, one host: a name=value jar is enough; an empty value is a deletion.
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def close(self) -> None:
        self._conn.close()


@dataclass
class Round:
    """One timed loop of `len(latencies)` sequential requests to one path."""

    path: str
    seconds: float
    latencies: list[float] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds


def timed_round(client: KeepAliveClient, path: str, count: int) -> Round:
    """`count` requests in a row; any non-200 aborts, so an error page is never measured."""
    latencies: list[float] = []
    clock = time.perf_counter
    started = clock()
    for _ in range(count):
        before = clock()
        status, _headers, _body = client.get(path)
        latencies.append(clock() - before)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} during the benchmark")
    return Round(path, clock() - started, latencies)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; enough for a report and needs no numpy."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)
