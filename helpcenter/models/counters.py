"""Counting rows ("this happened once more") safely under concurrent requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpcenter.models.base import Base


def increment(session: Session, model: type[Base], key: dict[str, Any], **also: Any) -> None:
    """Add one to `model.count` for the row with these `key` columns, creating it at 1.

    `also` are columns set on every count (e.g. last_seen). The unique constraint on the
    key columns decides races: the loser of a concurrent insert counts on the winner's row.
    """
    column = model.count  # type: ignore[attr-defined]
    where = [getattr(model, name) == value for name, value in key.items()]
    changes = {"count": column + 1, **also}
    if session.execute(update(model).where(*where).values(**changes)).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(model(**key, count=1, **also))
        except IntegrityError:
            session.execute(update(model).where(*where).values(**changes))
    session.commit()
