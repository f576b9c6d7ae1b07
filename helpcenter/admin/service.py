"""Managing people (invite, role, deactivate, end sessions) and reading the outbox and the
audit log. Every change is audited in the caller's transaction; the caller commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpcenter import audit
from helpcenter.auth import service as auth_service
from helpcenter.auth import sessions
from helpcenter.models import AuditEvent, OutboxMessage, Role, User, UserSession

T = TypeVar("T")
PER_PAGE = 50


class AdminRuleError(Exception):
    """A change the rules forbid; `code` says which (the view words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "last_admin" | "self_deactivate"


def users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.is_active.desc(), User.email)))


def session_counts(db: Session, now: datetime) -> dict[int, int]:
    rows = db.execute(
        select(UserSession.user_id, func.count())
        .where(UserSession.expires_at > now)
        .group_by(UserSession.user_id)
    )
    return {user_id: count for user_id, count in rows}


def invite(
    db: Session,
    *,
    admin: User,
    email: str,
    display_name: str,
    role: Role,
    locale: str,
    timezone: str,
    secret_key: str,
    link_for: Callable[[User, str], str],
    valid_for: timedelta,
    site_name: str,
    ip: str,
) -> User:
    """A new account without a password, and an email with a link to choose one."""
    user = auth_service.create_user(
        db, email=email, display_name=display_name, role=role, locale=locale, timezone=timezone
    )
    token = auth_service.make_password_token(user, auth_service.INVITATION, secret_key)
    auth_service.queue_invitation_email(
        db,
        user,
        link=link_for(user, token),
        valid_for=valid_for,
        site_name=site_name,
        inviter=admin.display_name,
    )
    audit.record(
        db, "user.invited", actor=admin, subject=user, email=user.email, ip=ip,
        details={"role": role.value},
    )  # fmt: skip
    return user


def _other_active_admins(db: Session, user: User) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)
        )
        or 0
    )


def change_role(db: Session, *, admin: User, user: User, role: Role, ip: str) -> bool:
    """False when nothing changed. The last active admin keeps the role."""
    if user.role == role:
        return False
    if user.role == Role.ADMIN and user.is_active and _other_active_admins(db, user) == 0:
        raise AdminRuleError("last_admin")
    previous = user.role
    user.role = role
    audit.record(
        db, "user.role_changed", actor=admin, subject=user, ip=ip,
        details={"from": previous.value, "to": role.value},
    )  # fmt: skip
    return True


def deactivate(db: Session, *, admin: User, user: User, ip: str) -> int:
    """The account can no longer sign in, and every session of it ends now (ASVS 7.4.2)."""
    if user.id == admin.id:
        raise AdminRuleError("self_deactivate")
    if not user.is_active:
        return 0
    if user.role == Role.ADMIN and _other_active_admins(db, user) == 0:
        raise AdminRuleError("last_admin")
    user.is_active = False
    ended = sessions.end_all(db, user)
    audit.record(
        db, "user.deactivated", actor=admin, subject=user, ip=ip, details={"sessions_ended": ended}
    )
    return ended


def reactivate(db: Session, *, admin: User, user: User, ip: str) -> None:
    if user.is_active:
        return
    user.is_active = True
    audit.record(db, "user.reactivated", actor=admin, subject=user, ip=ip)


def end_sessions(db: Session, *, admin: User, user: User, ip: str) -> int:
    """Sign the person out everywhere (ASVS 7.4.5)."""
    ended = sessions.end_all(db, user)
    audit.record(db, "sessions.ended", actor=admin, subject=user, ip=ip, details={"count": ended})
    return ended


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page(db: Session, query: select, number: int) -> Page:  # type: ignore[type-arg]
    number = max(1, number)
    rows = list(db.scalars(query.limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)))
    return Page(rows[:PER_PAGE], number, len(rows) > PER_PAGE)


def audit_events(db: Session, *, event: str | None, page: int) -> Page[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if event:
        query = query.where(AuditEvent.event == event)
    return _page(db, query, page)


def outbox(db: Session, *, page: int) -> Page[OutboxMessage]:
    return _page(db, select(OutboxMessage).order_by(OutboxMessage.id.desc()), page)
