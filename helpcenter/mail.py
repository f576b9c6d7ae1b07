"""The outbox: every email is a row first, committed with whatever caused it, then sent.

- `queue()` adds a message to the caller's transaction: if that rolls back, no mail goes
  out; if it commits, the message exists even when sending fails.
- After the commit, a background thread tries to send it at once (MAIL_SEND_AFTER_COMMIT),
  so the request never waits for SMTP, and answers as fast whether or not a mail was queued.
- `helpcenter send-mail` (cron, every minute or so) sends whatever is due: new messages not
  sent yet, and failed ones again after a growing delay. A message that the server refuses
  for good (5xx), or that failed MAX_ATTEMPTS times, is marked failed and stays visible.
- Without SMTP_HOST nothing is sent; admins read the messages at /<lang>/admin/outbox.

Sending is at-least-once: a process that dies between the SMTP server's "OK" and the
commit of sent_at sends that message again after its claim runs out.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from flask import Flask, current_app, url_for
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from helpcenter.models import OutboxMessage, utcnow

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)
_PENDING_KEY = "helpcenter.outbox.new"


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def queue(db: Session, *, kind: str, to: str, subject: str, body: str) -> OutboxMessage:
    """Store a message in the current transaction; it is sent after the commit."""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject,
        body_text=body,
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.add(message)
    db.flush()
    db.info.setdefault(_PENDING_KEY, set()).add(message.id)
    return message


def link_to(endpoint: str, **values: Any) -> str:
    """An absolute link for an email: BASE_URL + path when BASE_URL is set. Without it, the
    request's host is used, which is only safe when TRUSTED_HOSTS limits it (a forged Host
    header would otherwise put another site into a password link)."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


# -- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    security: str  # "starttls" | "ssl" | "none"
    timeout: int
    sender: str

    @classmethod
    def from_config(cls, config: Any) -> SmtpSettings | None:
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            username=config.get("SMTP_USERNAME", ""),
            password=config.get("SMTP_PASSWORD", ""),
            security=config.get("SMTP_SECURITY", "starttls"),
            timeout=int(config.get("SMTP_TIMEOUT", 20)),
            sender=config["MAIL_FROM"],
        )


class Connection(Protocol):
    def send_message(self, msg: EmailMessage) -> Any: ...
    def quit(self) -> Any: ...


def smtp_connect(settings: SmtpSettings) -> Connection:
    """An SMTP connection; TLS certificates are verified (ssl.create_default_context)."""
    context = ssl.create_default_context()
    connection: smtplib.SMTP
    if settings.security == "ssl":
        connection = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            connection.starttls(context=context)
    if settings.username:
        connection.login(settings.username, settings.password)
    return connection


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def deliver_due(
    db: Session,
    settings: SmtpSettings,
    *,
    connect: Callable[[SmtpSettings], Connection] | None = None,
    ids: Iterable[int] | None = None,
    now: Callable[[], datetime] = utcnow,
    limit: int = 200,
) -> DeliveryReport:
    """Send the messages that are due (or only `ids`, if due), one SMTP connection for all."""
    connect = connect or smtp_connect
    report = DeliveryReport()
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now(),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    due = list(db.scalars(query))
    db.commit()
    connection: Connection | None = None
    try:
        for message_id in due:
            message = _claim(db, message_id, now())
            if message is None:
                continue  # another sender has it
            try:
                if connection is None:
                    connection = connect(settings)
                connection.send_message(_email(message, settings.sender))
            except (smtplib.SMTPException, OSError) as error:
                _record_failure(db, message, error, now(), report)
                if not isinstance(error, smtplib.SMTPRecipientsRefused):
                    connection = _close(connection)
            else:
                message.sent_at = now()
                message.claimed_until = None
                message.last_error = ""
                db.commit()
                report.sent.append(message.id)
    finally:
        _close(connection)
    return report


def _claim(db: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for CLAIM_FOR, unless another sender holds it (a conditional UPDATE,
    atomic on SQLite and PostgreSQL alike)."""
    result = db.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(
            claimed_until=now + CLAIM_FOR,
            attempts=OutboxMessage.attempts + 1,
            last_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.get(OutboxMessage, message_id, populate_existing=True)


def _record_failure(
    db: Session,
    message: OutboxMessage,
    error: Exception,
    now: datetime,
    report: DeliveryReport,
) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.claimed_until = None
    if _permanent(error) or message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        report.failed.append(message.id)
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        report.retrying.append(message.id)
    db.commit()


def _permanent(error: Exception) -> bool:
    """A 5xx answer about this message: sending it again would fail the same way."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _close(connection: Connection | None) -> None:
    if connection is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    # Stable per message, so a receiving server can tell a resend from a new message.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    return email


def retry(message: OutboxMessage) -> None:
    """Put a failed message back in the queue (an admin's decision)."""
    message.failed_at = None
    message.claimed_until = None
    message.attempts = 0
    message.next_attempt_at = utcnow()


# -- after commit -----------------------------------------------------------------------------


# Registered once, on every SQLAlchemy session: a message queued in a transaction that
# commits is handed to a background sender; one that rolls back is forgotten.
@event.listens_for(Session, "after_commit")
def _after_commit(db: Session) -> None:
    ids = db.info.pop(_PENDING_KEY, None)
    if not ids:
        return
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    except RuntimeError:  # committed outside an app: `helpcenter send-mail` sends it
        return
    if app.config.get("MAIL_SEND_AFTER_COMMIT") and SmtpSettings.from_config(app.config):
        send_in_background(app, sorted(ids))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(db: Session, previous_transaction: Any) -> None:
    db.info.pop(_PENDING_KEY, None)


def send_in_background(app: Flask, ids: list[int]) -> threading.Thread:
    def run() -> None:
        from helpcenter.extensions import db

        with app.app_context():
            settings = SmtpSettings.from_config(app.config)
            if settings is None:
                return
            try:
                deliver_due(db.session, settings, ids=ids)
            except Exception:  # the cron run retries; never let a thread die silently
                app.logger.exception("sending mail after commit failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name="outbox-sender", daemon=True)
    thread.start()
    return thread
