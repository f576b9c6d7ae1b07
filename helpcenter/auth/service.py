"""Signing in, password tokens, password changes and profiles: the rules, without Flask's
request. Views pass what they know (hasher, links, address) and commit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpcenter import mail
from helpcenter.auth import passwords, sessions
from helpcenter.models import Role, User, normalize_email, utcnow

TOKEN_SALT = "helpcenter.password-token"
RESET = "reset"
INVITATION = "invitation"


class EmailTaken(Exception):
    """Another account already uses this email address (in any letter case)."""


def find_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    db: Session,
    *,
    email: str,
    display_name: str,
    role: Role,
    locale: str,
    timezone: str,
    password_hash: str | None = None,
) -> User:
    if find_by_email(db, email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        role=role,
        locale=locale,
        timezone=timezone,
        is_active=True,
        password_hash=password_hash,
        created_at=utcnow(),
    )
    db.add(user)
    db.flush()
    return user


# -- signing in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    user: User | None  # set only on success
    reason: str  # "ok" | "unknown_email" | "no_password" | "wrong_password" | "inactive"
    account: User | None = None  # the account the email names, success or not (for audit)


def authenticate(db: Session, hasher: PasswordHasher, email: str, password: str) -> SignInResult:
    """Check an email and password. The same work is done whether the account exists or
    not (a dummy hash is verified), so neither the answer nor its timing tells them apart.
    A hash made with older argon2 parameters is replaced by one with the current ones."""
    account = find_by_email(db, email)
    stored = account.password_hash if account is not None else None
    matches = passwords.verify_password(hasher, stored, password)
    if account is None:
        return SignInResult(None, "unknown_email")
    if stored is None:
        return SignInResult(None, "no_password", account)
    if not matches:
        return SignInResult(None, "wrong_password", account)
    if not account.is_active:
        return SignInResult(None, "inactive", account)
    if passwords.needs_rehash(hasher, stored):
        account.password_hash = passwords.hash_password(hasher, password)
    return SignInResult(account, "ok", account)


def signed_in(
    db: Session,
    user: User,
    *,
    remember: bool,
    user_agent: str,
    lifetimes: sessions.Lifetimes,
    now: datetime,
) -> str:
    """Record a successful sign-in; returns the new session's token."""
    user.last_sign_in_at = now
    return sessions.start(
        db, user, remember=remember, user_agent=user_agent, lifetimes=lifetimes, now=now
    )


# -- password tokens (reset and invitation links) ------------------------------------------------


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "used"


def _fingerprint(user: User) -> str:
    """Changes when the password (or email) does: a used link, or one sent before the
    password last changed, stops working. Nothing has to be stored per link."""
    source = f"{user.id}|{user.email}|{user.password_hash or ''}"
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:20]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=TOKEN_SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )


def make_password_token(user: User, purpose: str, secret_key: str) -> str:
    serializer = _serializer(secret_key)
    return str(serializer.dumps({"u": user.id, "f": _fingerprint(user), "p": purpose}))


def read_password_token(
    db: Session,
    token: str,
    secret_key: str,
    *,
    max_ages: dict[str, timedelta],
    now: datetime,
) -> tuple[User, str]:
    """The account and purpose of a valid, unused, unexpired link; else TokenError."""
    serializer = _serializer(secret_key)
    try:
        payload, issued = serializer.loads(token, return_timestamp=True)
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict) or payload.get("p") not in max_ages:
        raise TokenError("invalid")
    user = db.get(User, payload.get("u"))
    if user is None:
        raise TokenError("invalid")
    if not user.is_active or payload.get("f") != _fingerprint(user):
        raise TokenError("used")
    if now - issued > max_ages[payload["p"]]:
        raise TokenError("expired")
    return user, payload["p"]


def set_password(db: Session, hasher: PasswordHasher, user: User, password: str) -> None:
    """A new password (reset or first one): every session of the account ends."""
    user.password_hash = passwords.hash_password(hasher, password)
    sessions.end_all(db, user)


def change_password(
    db: Session, hasher: PasswordHasher, user: User, new_password: str, *, keep_token: str
) -> int:
    """A signed-in change: the other sessions end (ASVS 7.4.3); returns how many."""
    user.password_hash = passwords.hash_password(hasher, new_password)
    return sessions.end_all(db, user, except_token=keep_token)


def check_password(hasher: PasswordHasher, user: User, password: str) -> bool:
    return passwords.verify_password(hasher, user.password_hash, password)


# -- emails -------------------------------------------------------------------------------------


def queue_reset_email(
    db: Session, user: User, *, link: str, valid_for: timedelta, site_name: str
) -> None:
    with force_locale(user.locale):
        subject = _("Reset your password for %(site)s", site=site_name)
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "Someone (hopefully you) asked to reset your password for %(site)s. "
                    "Open this link within %(minutes)s minutes to choose a new one:",
                    site=site_name,
                    minutes=int(valid_for.total_seconds() // 60),
                ),
                link,
                _("If you did not ask for this, ignore this email: your password stays the same."),
            ]
        )
    mail.queue(db, kind="password_reset", to=user.email, subject=subject, body=body + "\n")


def queue_invitation_email(
    db: Session, user: User, *, link: str, valid_for: timedelta, site_name: str, inviter: str
) -> None:
    with force_locale(user.locale):
        subject = _("You are invited to %(site)s", site=site_name)
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "%(inviter)s invited you to %(site)s. Open this link within %(days)s days "
                    "to choose your password:",
                    inviter=inviter,
                    site=site_name,
                    days=max(1, valid_for.days),
                ),
                link,
                _("You sign in with this email address and the password you choose."),
            ]
        )
    mail.queue(db, kind="invitation", to=user.email, subject=subject, body=body + "\n")
