"""What every response carries (security headers, no caching of personal pages), the safe
redirect after sign-in, the htmx-aware redirect after a POST, and the translated answers to
a missing CSRF token and to too many requests."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, make_response, redirect, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from helpcenter import audit

# htmx 4 needs neither 'unsafe-inline' nor 'unsafe-eval' as long as no template uses hx-on,
# js: values or trigger filters (which htmx runs with Function()), and htmx does not inject
# its indicator <style> (includeIndicatorCSS false in base.html).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
# Blueprints whose pages are about one person: never stored by browsers or proxies.
PRIVATE_BLUEPRINTS = ("auth", "admin")
_MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`.

    Only "/something" passes: no scheme, no host, no "//" (protocol-relative), no backslash
    (browsers read "/\\evil.example" as "//evil.example"), no control characters or
    whitespace that browsers strip before parsing.
    """
    if not target or len(target) > _MAX_NEXT_LENGTH:
        return fallback
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def redirect_after_post(url: str) -> Response:
    """303 to `url`; for htmx, a full page load of `url` instead (fetch would follow a
    redirect itself and swap the whole next page into the form)."""
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def client_ip() -> str:
    return request.remote_addr or ""


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and _is_private():
        headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def _is_private() -> bool:
    if request.blueprint in PRIVATE_BLUEPRINTS:
        return True
    user = g.get("_login_user")  # loaded by Flask-Login during this request, if at all
    return bool(user is not None and user.is_authenticated) or "_user_id" in session


def _csrf_failed(error: CSRFError) -> Response:
    from helpcenter.errors import _error_response

    audit.log("csrf.rejected", path=request.path, ip=client_ip(), reason=error.description)
    return _error_response(
        error,
        title=_("This form has expired"),
        message=_(
            "For your security, forms only work for a while and only on this site. "
            "Go back, reload the page and send the form again."
        ),
    )


def _untrusted_host(error: SecurityError) -> Response:
    """A Host header outside TRUSTED_HOSTS: no page can be built for it (url_for has no host
    to build with), so a short plain answer, never a 500."""
    audit.log("host.rejected", ip=client_ip(), host=request.headers.get("Host", "")[:200])
    return Response("Bad Request: this host is not served here.\n", 400, mimetype="text/plain")


def _limit_urlencoded_forms() -> None:
    """Werkzeug applies MAX_FORM_MEMORY_SIZE to multipart fields only (since 3.1.9); a plain
    form body is read whole, so it gets that limit as its size limit: a 413 beyond it."""
    if request.mimetype == "application/x-www-form-urlencoded":
        config = current_app.config
        limits = [v for v in (config["MAX_CONTENT_LENGTH"], config["MAX_FORM_MEMORY_SIZE"]) if v]
        if limits:
            request.max_content_length = min(limits)


def init_app(app: Flask) -> None:
    # First of all hooks: before CSRFProtect (or anything else) reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_urlencoded_forms)
    if count := app.config.get("PROXY_COUNT"):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    app.after_request(_set_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(SecurityError, _untrusted_host)
