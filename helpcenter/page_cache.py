"""An in-process cache of whole rendered pages for anonymous readers.

Reading an article is the hot path, and its HTML changes only when content is imported or
edited. A page is stored with its CSRF token swapped for a placeholder (the token is per
session) and served again while the content version it was rendered at is current, so
an import in another process is seen on the very next request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

from flask import Response, current_app, request, session
from flask_wtf.csrf import generate_csrf

from helpcenter.i18n import current_language
from helpcenter.templating import wants_fragment

P = ParamSpec("P")
TOKEN_PLACEHOLDER = "\x00csrf-token\x00"
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Content-Language")


@dataclass(frozen=True)
class CachedPage:
    version: object
    body: str
    headers: tuple[tuple[str, str], ...]
    vary: tuple[str, ...]


class PageCache:
    """A small thread-safe LRU of rendered pages."""

    def __init__(self, max_entries: int = 1024) -> None:
        self._entries: OrderedDict[tuple[object, ...], CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: tuple[object, ...], version: object) -> CachedPage | None:
        with self._lock:
            page = self._entries.get(key)
            if page is None or page.version != version:
                return None
            self._entries.move_to_end(key)
            return page

    def put(self, key: tuple[object, ...], page: CachedPage) -> None:
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_stamps_lock = threading.Lock()


def throttled(seconds: float, read: Callable[[], object]) -> object:
    """`read()`, but at most once per `seconds` per app; the last value in between."""
    stamps: dict[int, tuple[float, object]] = current_app.extensions.setdefault("stamps", {})
    key = id(read.__code__)
    now = time.monotonic()
    with _stamps_lock:
        cached = stamps.get(key)
    if cached is not None and now - cached[0] < seconds:
        return cached[1]
    value = read()
    with _stamps_lock:
        stamps[key] = (now, value)
    return value


def _cache() -> PageCache:
    return current_app.extensions.setdefault("page_cache", PageCache())


def _cacheable() -> bool:
    """Only for anonymous readers: signed-in ones see their name and links in the header.

    Anonymous is told from the session and the remember-me cookie, without loading the
    user (the cheapest check on the hot path); a pending flash message is personal too.
    """
    return (
        request.method == "GET"
        and "_user_id" not in session
        and current_app.config["REMEMBER_COOKIE_NAME"] not in request.cookies
        and not session.get("_flashes")
    )


def cached_page(version: Callable[[], object]) -> Callable[[Callable[P, Any]], Callable[P, Any]]:
    """Serve the view's 200 responses from the cache while `version()` is unchanged."""

    def decorator(view: Callable[P, Any]) -> Callable[P, Any]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            if not current_app.config.get("PAGE_CACHE", True) or not _cacheable():
                return view(*args, **kwargs)
            key = (current_language(), request.full_path, wants_fragment())
            stamp = version()
            hit = _cache().get(key, stamp)
            if hit is not None:
                response = Response(hit.body.replace(TOKEN_PLACEHOLDER, generate_csrf()))
                for name, value in hit.headers:
                    response.headers[name] = value
                for name in hit.vary:
                    response.vary.add(name)
                return response
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.direct_passthrough:
                body = response.get_data(as_text=True).replace(generate_csrf(), TOKEN_PLACEHOLDER)
                headers = tuple(
                    (h, response.headers[h]) for h in KEPT_HEADERS if h in response.headers
                )
                _cache().put(key, CachedPage(stamp, body, headers, tuple(response.vary)))
            return response

        return wrapper

    return decorator
