"""People who sign in, their sessions, what they did (audit) and the mail sent to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpcenter.models.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    """Roles from least to most powerful; each one may do everything the ones before it may.

    expert: comments, requests, follows. agent: answers support requests. editor: writes
    and translates articles. admin: everything, including managing users and roles.
    """

    EXPERT = "expert"
    AGENT = "agent"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """Whether someone with this role may do what `other` may."""
        return self.rank >= other.rank


def normalize_email(address: str) -> str:
    """Emails are stored and compared in lower case, so uniqueness ignores case."""
    return address.strip().lower()


class User(Base):
    """An account. Flask-Login's user protocol is implemented here, without UserMixin,
    because the id Flask-Login keeps in the cookie is a session token, not the user id."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # always normalize_email()d
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda roles: [r.value for r in roles],
        ),
        default=Role.EXPERT,
    )
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None until the person chooses a password (an invited account).
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    # Set by the session loader: the token of the session this request belongs to.
    session_token = None

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("a user is signed in through a session token (auth.sessions)")
        return self.session_token

    def has_role(self, minimum: Role) -> bool:
        return self.is_active and self.role.includes(minimum)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored,
    so a database dump cannot be replayed as sessions. Deleting the row signs that
    browser out, whatever cookies it still has."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(Base):
    """Who did what to whom, when and from where. Never holds a password or a token."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(50), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    # The address typed into a form (failed sign-ins name no account).
    email: Mapped[str] = mapped_column(String(254), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")


class OutboxMessage(Base):
    """An email, stored in the same transaction as what caused it, then sent (and retried)
    until delivered. Nothing is deleted, so no message is ever lost."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A sender holds a message until this time, so two senders never send it twice at once.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Set when the server refused the message for good, or after too many attempts.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        if self.failed_at is not None:
            return "failed"
        return "pending"
