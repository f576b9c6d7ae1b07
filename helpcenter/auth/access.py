"""Who is signed in and what they may open: Flask-Login wiring, `role_required`,
the account links in the header, and the signed-in person's language and time zone.

    from helpcenter.auth import Role, role_required

    @bp.post("/requests/<int:request_id>/answer")
    @role_required(Role.AGENT)
    def answer(request_id): ...

Not signed in: a redirect to the sign-in page (back here afterwards). Signed in without the
role: a translated 403 page, and an "access.denied" audit event. Every new route must also
get an entry in tests/security/test_access.py, or that test fails.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy.exc import SQLAlchemyError

from helpcenter import audit
from helpcenter.auth import sessions
from helpcenter.extensions import db, login_manager
from helpcenter.models import Role, utcnow
from helpcenter.security import client_ip

F = TypeVar("F", bound=Callable[..., Any])

ROLE_LABELS = {
    Role.EXPERT: _l("Expert"),
    Role.AGENT: _l("Support agent"),
    Role.EDITOR: _l("Editor"),
    Role.ADMIN: _l("Administrator"),
}


class AnonymousUser(AnonymousUserMixin):
    display_name = ""
    locale = None
    timezone = None
    role = None

    def has_role(self, minimum: Role) -> bool:
        return False


def lifetimes() -> sessions.Lifetimes:
    config = current_app.config
    return sessions.Lifetimes(
        idle=config["SESSION_IDLE_TIMEOUT"],
        max_age=config["SESSION_MAX_AGE"],
        remember=config["REMEMBER_COOKIE_DURATION"],
    )


def _load_user(token: str) -> Any:
    """Flask-Login's loader: the id in the cookie is a session token (see auth.sessions)."""
    try:
        found = sessions.resume(db.session, token, lifetimes=lifetimes(), now=utcnow())
        db.session.commit()
    except SQLAlchemyError:
        # A database that fails here fails the page too; the error page must still render.
        db.session.rollback()
        current_app.logger.exception("could not load the signed-in user")
        return None
    if found is None:
        return None
    user = found.user
    user.session_token = token
    g.auth_session = found
    return user


def _unauthorized() -> Response:
    """Not signed in: to the sign-in page, and back here afterwards (after a GET)."""
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    target = url_for("auth.sign_in", next=back)
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    flash(str(_l("Please sign in to open this page.")), "info")
    return redirect(target)


def role_required(minimum: Role) -> Callable[[F], F]:
    """Only people with `minimum` or a higher role; see the module docstring."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _unauthorized()
            if not current_user.has_role(minimum):
                _deny(minimum)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def login_required(view: F) -> F:
    """Anyone signed in, whatever their role."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _deny(minimum: Role) -> None:
    audit.record(
        db.session,
        "access.denied",
        actor=current_user._get_current_object(),  # type: ignore[attr-defined]
        ip=client_ip(),
        details={"path": request.path[:200], "method": request.method, "needs": minimum.value},
    )
    db.session.commit()
    abort(403)


def preferred_timezone() -> str:
    """The signed-in person's time zone, else the site's DEFAULT_TIMEZONE."""
    return getattr(current_user, "timezone", None) or current_app.config["DEFAULT_TIMEZONE"]


# -- the account links in the header ---------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    minimum: Role
    endpoint: str
    label: Any  # a lazy string


_NAV_LINKS: list[NavLink] = []


def register_nav_link(minimum: Role, endpoint: str, label: Any) -> None:
    """Show a link to `endpoint` in the header to people with `minimum` or a higher role.
    Call it where the blueprint is defined, with a `_l()` label."""
    if not any(link.endpoint == endpoint for link in _NAV_LINKS):
        _NAV_LINKS.append(NavLink(minimum, endpoint, label))


def account_links() -> list[dict[str, Any]]:
    links = []
    for link in _NAV_LINKS:
        if current_user.has_role(link.minimum):
            links.append(
                {
                    "url": url_for(link.endpoint),
                    "label": link.label,
                    "current": request.endpoint == link.endpoint,
                }
            )
    return links


def sign_in_url() -> str:
    """The sign-in link in the header: back to this page afterwards (not from auth pages)."""
    if request.blueprint == "auth" or request.endpoint is None or request.method != "GET":
        return url_for("auth.sign_in")
    return url_for("auth.sign_in", next=request.full_path.rstrip("?"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousUser
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.session_protection = "basic"

    # Times in the reader's time zone (Flask-Babel's timezone selector: preferred_timezone).
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)

    @app.context_processor
    def account_helpers() -> dict[str, Any]:
        return {
            "account_links": account_links,
            "sign_in_url": sign_in_url,
            "role_labels": ROLE_LABELS,
            "Role": Role,
        }
