"""What `helpcenter create-user` and `helpcenter send-mail` do (registered in helpcenter.cli)."""

from __future__ import annotations

import sys

import click
from flask import current_app

from helpcenter import audit, mail
from helpcenter.auth import passwords, service
from helpcenter.extensions import db
from helpcenter.models import Role


def create_user(email: str, role: str, name: str, locale: str, password_stdin: bool) -> None:
    config = current_app.config
    if service.find_by_email(db.session, email) is not None:
        raise click.ClickException(f"an account with {email} exists already; nothing changed")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    display_name = name.strip() or email.partition("@")[0]
    problem = passwords.password_problem(
        password,
        min_length=config["PASSWORD_MIN_LENGTH"],
        max_length=config["PASSWORD_MAX_LENGTH"],
        personal_words=(email, display_name),
    )
    if problem is not None:
        reasons = {
            "too_short": f"use at least {problem.limit} characters",
            "too_long": f"use at most {problem.limit} characters",
            "too_guessable": "it is too easy to guess; try a few unrelated words",
        }
        raise click.ClickException(f"password refused: {reasons[problem.code]}; nothing changed")
    hasher = passwords.hasher_for(config["PASSWORD_HASH_PROFILE"])
    user = service.create_user(
        db.session,
        email=email,
        display_name=display_name,
        role=Role(role),
        locale=locale,
        timezone=config["DEFAULT_TIMEZONE"],
        password_hash=passwords.hash_password(hasher, password),
    )
    audit.record(db.session, "user.created", subject=user, email=user.email, details={"via": "cli"})
    db.session.commit()
    click.echo(f"created {user.email} ({user.role.value}); sign in at /{locale}/sign-in")


def send_mail() -> None:
    settings = mail.SmtpSettings.from_config(current_app.config)
    if settings is None:
        raise click.ClickException(
            "SMTP_HOST is not set: nothing is sent (admins read the outbox in the browser)"
        )
    report = mail.deliver_due(db.session, settings)
    click.echo(
        f"mail: {len(report.sent)} sent, {len(report.retrying)} to retry, "
        f"{len(report.failed)} failed"
    )
    if report.retrying or report.failed:
        sys.exit(1)
