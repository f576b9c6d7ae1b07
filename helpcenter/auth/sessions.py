"""Server-side records of signed-in browsers.

Flask's session cookie is signed, not stored: on its own, signing out could not stop a
copied cookie from working. So the cookie (and the remember-me cookie) carry a random token
whose hash is a row here; signing out, a password change or a deactivation deletes rows,
and the cookies stop working at once. Timeouts are checked against the row, never the
browser's word.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from helpcenter.models import User, UserSession

# last_seen_at is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta  # without "remember me": signed out after this long without a request
    max_age: timedelta  # without "remember me": signed out this long after signing in
    remember: timedelta  # with "remember me": signed out this long after signing in

    def expires_at(self, created_at: datetime, remember: bool) -> datetime:
        return created_at + (self.remember if remember else self.max_age)

    def idle_limit(self, remember: bool) -> timedelta:
        return self.remember if remember else self.idle


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(
    db: Session,
    user: User,
    *,
    remember: bool,
    user_agent: str,
    lifetimes: Lifetimes,
    now: datetime,
) -> str:
    """A new session for `user`; returns the token for the cookie (256 random bits)."""
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            remember=remember,
            user_agent=user_agent[:200],
            created_at=now,
            last_seen_at=now,
            expires_at=lifetimes.expires_at(now, remember),
        )
    )
    # Sessions that ran out are removed as new ones start: no scheduled job needed.
    db.execute(delete(UserSession).where(UserSession.expires_at <= now))
    return token


def resume(db: Session, token: str, *, lifetimes: Lifetimes, now: datetime) -> UserSession | None:
    """The live session for a cookie's token, or None (unknown, timed out, or its user
    deactivated). Refreshes last_seen_at; the caller commits."""
    if not token or len(token) > 200:
        return None
    found = db.scalar(select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if found is None:
        return None
    idle_since = now - found.last_seen_at
    if (
        found.expires_at <= now
        or idle_since > lifetimes.idle_limit(found.remember)
        or not found.user.is_active
    ):
        db.delete(found)
        return None
    if idle_since >= TOUCH_INTERVAL:
        found.last_seen_at = now
    return found


def end(db: Session, token: str) -> None:
    db.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all(db: Session, user: User, *, except_token: str | None = None) -> int:
    """Sign `user` out everywhere (but in the session `except_token`); returns how many."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        statement = statement.where(UserSession.token_hash != token_hash(except_token))
    return db.execute(statement).rowcount or 0


def active(db: Session, user: User, *, lifetimes: Lifetimes, now: datetime) -> list[UserSession]:
    """The user's sessions that still work, most recently used first."""
    found = db.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())
    )
    return [s for s in found if now - s.last_seen_at <= lifetimes.idle_limit(s.remember)]
