"""Security events: stored for admins (AuditEvent) and written to the `helpcenter.security`
log as one JSON object per line (JSON escaping keeps user input from forging log lines).

No password, token or hash is ever passed here. Events that can come in floods (rate-limit
breaches, rejected CSRF tokens) go to the log only, so an attacker cannot fill the database.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from helpcenter.models import AuditEvent, User, utcnow

logger = logging.getLogger("helpcenter.security")

# Every stored event, with its label on the admin's audit page.
EVENTS = {
    "sign_in.success": _l("Signed in"),
    "sign_in.failure": _l("Sign-in failed"),
    "sign_out": _l("Signed out"),
    "password.reset_requested": _l("Password reset requested"),
    "password.reset": _l("Password reset"),
    "password.changed": _l("Password changed"),
    "sessions.ended": _l("Sessions ended"),
    "user.created": _l("Account created"),
    "user.invited": _l("Person invited"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "access.denied": _l("Access denied"),
}


def record(
    db: Session,
    event: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    email: str = "",
    ip: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the audit log (committed with the caller's transaction) and log it."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}: add it to audit.EVENTS")
    entry = AuditEvent(
        created_at=utcnow(),
        event=event,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        email=email[:254],
        ip=ip[:45],
        details=details or {},
    )
    db.add(entry)
    log(
        event,
        actor=entry.actor_id,
        subject=entry.subject_id,
        email=entry.email or None,
        ip=entry.ip or None,
        **(details or {}),
    )
    return entry


def log(event: str, **fields: Any) -> None:
    """Write a security event to the log only."""
    payload = {"event": event, "at": utcnow().isoformat()}
    payload.update({k: v for k, v in fields.items() if v is not None})
    logger.info(json.dumps(payload, default=str, ensure_ascii=False, sort_keys=True))
