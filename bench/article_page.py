"""Article page vs bare route: how much of the server's capacity does rendering an article cost?

The bare route returns the article page's bytes (rendered once; only its CSRF token is
stale), with the same content type, from the same app behind the same waitress server,
over the same keep-alive connection. App-wide hooks (session, security headers, rate
limiter) run for both. So the difference between the two is what the article view adds
per request (queries, template rendering, Babel, the DB session's teardown) and nothing
else; server, HTTP parsing and client cost the same on both sides. Goal: the article page
serves at least 67% of the bare route's requests per second.
"""

from __future__ import annotations

import gzip
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import waitress
from flask import Flask, Response

from bench import _harness as h
from helpcenter import create_app

TITLE = "article page vs bare route"
ARTICLE_PATH = "/en/articles/asking-customers-for-ratings"
BARE_PATH = "/__bench/bare"
GOAL_RATIO = 0.67

WARMUP = 200  # per route: compiles templates, fills SQLAlchemy's caches and the pool
ROUNDS = 5
REQUESTS_PER_ROUND = 1_000
# Measured rounds stay within this many seconds, so `make bench` stays under about a
# minute even on a slow machine; fewer requests per round are used (and reported) if needed.
MEASURE_BUDGET_S = 35.0
MIN_REQUESTS_PER_ROUND = 100
THREADS = 4

# Both routes get the same headers; cookies (language, session) are kept by the client.
CLIENT_HEADERS = {"Accept-Language": "en"}
# Pages carry a per-session, timestamped CSRF token, so two renderings of the same page
# differ in these bytes only; they are masked when checking the bare route serves "the page".
CSRF_TOKENS = re.compile(rb'("X-CSRFToken": "|name="csrf_token" value=")[^"]*"')


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="helpcenter-bench-") as tmp:
        config = h.make_config(Path(tmp))
        h.prepare_database(config)
        body, content_type = _snapshot_article(config)

        # Flask forbids new routes once an app has served a request, so the measured app is
        # a fresh one: the bare route is added before it serves anything.
        app = create_app(config)
        _add_bare_route(app, body, content_type)
        try:
            with h.serve(app, threads=THREADS) as port:
                client = h.KeepAliveClient(port, CLIENT_HEADERS)
                try:
                    return _measure(client, body, content_type)
                finally:
                    client.close()
        finally:
            h.dispose(app)


def _snapshot_article(config: h.TestConfig) -> tuple[bytes, str]:
    """The article page's bytes and content type, rendered by a throwaway app."""
    app = create_app(config)
    response = app.test_client().get(ARTICLE_PATH, headers=CLIENT_HEADERS)
    h.dispose(app)
    if response.status_code != 200:
        raise RuntimeError(f"GET {ARTICLE_PATH} answered {response.status_code}")
    return response.get_data(), response.content_type or "text/html; charset=utf-8"


def _add_bare_route(app: Flask, body: bytes, content_type: str) -> None:
    def bare() -> Response:
        # A new Response each time, as a real view returns, but no work beyond that.
        return Response(body, content_type=content_type)

    app.add_url_rule(BARE_PATH, endpoint="bench_bare", view_func=bare)


def _measure(client: h.KeepAliveClient, body: bytes, content_type: str) -> dict[str, Any]:
    # Both routes must serve the same page (CSRF token aside), or the comparison would not
    # be fair; a mismatch is reported rather than raised, so the figures still print.
    mismatches: list[str] = []
    for path in (ARTICLE_PATH, BARE_PATH):
        status, headers, served = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        if _masked(served) != _masked(body):
            mismatches.append(f"{path} serves {len(served):,} bytes, not the snapshot's")
        if headers.get("Content-Type") != content_type:
            mismatches.append(f"{path} serves {headers.get('Content-Type')}, not {content_type}")

    # Warm-up, timed on its second half only (first requests compile templates), gives the
    # estimate that sizes the measured rounds to the time budget.
    estimate = 0.0
    for path in (ARTICLE_PATH, BARE_PATH):
        h.timed_round(client, path, WARMUP // 2)
        estimate += h.timed_round(client, path, WARMUP - WARMUP // 2).seconds / (
            WARMUP - WARMUP // 2
        )
    per_round = min(
        REQUESTS_PER_ROUND,
        max(MIN_REQUESTS_PER_ROUND, int(MEASURE_BUDGET_S / (ROUNDS * estimate))),
    )

    rounds: dict[str, list[h.Round]] = {ARTICLE_PATH: [], BARE_PATH: []}
    for index in range(ROUNDS):
        # Interleaved, and in alternating order (ABBA...), so drift and background noise
        # (CPU frequency, other processes) fall on both routes equally.
        order = (ARTICLE_PATH, BARE_PATH) if index % 2 == 0 else (BARE_PATH, ARTICLE_PATH)
        for path in order:
            rounds[path].append(h.timed_round(client, path, per_round))

    article = _summary(rounds[ARTICLE_PATH])
    bare = _summary(rounds[BARE_PATH])
    ratio = article["rps"] / bare["rps"]
    return {
        "path": ARTICLE_PATH,
        "size": len(body),
        # Level 6 is zlib's default and what most front proxies are configured with;
        # mtime=0 so the figure is reproducible.
        "gzip_size": len(gzip.compress(body, compresslevel=6, mtime=0)),
        "content_type": content_type,
        "rounds": ROUNDS,
        "requests_per_round": per_round,
        "warmup": WARMUP,
        "threads": THREADS,
        "waitress": _version(waitress),
        "reconnects": client.reconnects,
        "mismatches": mismatches,
        "article": article,
        "bare": bare,
        "ratio": ratio,
        # Each article round against the bare round next to it in time: how much the
        # ratio moves with machine noise (the headline ratio uses the medians above).
        "round_ratios": [
            a.requests_per_second / b.requests_per_second
            for a, b in zip(rounds[ARTICLE_PATH], rounds[BARE_PATH], strict=True)
        ],
        "goal": GOAL_RATIO,
        "passed": ratio >= GOAL_RATIO,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _masked(body: bytes) -> bytes:
    return CSRF_TOKENS.sub(rb'\1"', body)


def _summary(rounds: list[h.Round]) -> dict[str, Any]:
    latencies = [value for r in rounds for value in r.latencies]
    return {
        # The median round, not the mean: one round disturbed by a background job
        # should not move the result.
        "rps": h.median([r.requests_per_second for r in rounds]),
        "rounds_rps": [r.requests_per_second for r in rounds],
        "p50_ms": h.percentile(latencies, 0.50) * 1000,
        "p95_ms": h.percentile(latencies, 0.95) * 1000,
    }


def _version(module: Any) -> str:
    from importlib.metadata import version

    try:
        return version(module.__name__)
    except Exception:  # only decorates the report
        return "?"


def report(results: dict[str, Any]) -> None:
    r = results
    verdict = "PASS" if r["passed"] else "FAIL  <-- goal missed"
    rule = "=" * 72
    print(rule)
    print(f"BENCH {TITLE}")
    print(rule)
    print(f"page         GET {r['path']}")
    print(f"bare route   GET {BARE_PATH} (the page's bytes, {r['content_type']})")
    print(f"size         {r['size']:,} bytes, gzip -6 {r['gzip_size']:,} bytes")
    print(
        f"setup        waitress {r['waitress']}, {r['threads']} threads, one keep-alive "
        f"connection to 127.0.0.1, SQLite, one process"
    )
    print(
        f"method       {r['warmup']} warm-up requests per route, then {r['rounds']} interleaved "
        f"rounds x {r['requests_per_round']:,} requests per route; median round"
    )
    for mismatch in r["mismatches"]:
        print(f"warning      {mismatch}")
    if r["reconnects"]:
        print(f"warning      the server closed the connection {r['reconnects']} time(s)")
    print()
    print(f"{'route':8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8}   req/s of each round")
    for name in ("article", "bare"):
        s = r[name]
        each = " ".join(f"{value:,.0f}" for value in s["rounds_rps"])
        print(f"{name:8} {s['rps']:>9,.0f} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f}   {each}")
    print()
    each = " ".join(f"{value:.2f}" for value in r["round_ratios"])
    print(f"ratio article/bare  {r['ratio']:.2f}   (goal >= {r['goal']:.2f})   {verdict}")
    print(f"                    round by round: {each}")
    print(rule)
