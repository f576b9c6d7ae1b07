"""The `helpcenter` command: set-up, serving and content tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from helpcenter.content.checker import check_content
from helpcenter.content.importer import ImportReport, import_content
from helpcenter.content.loader import ContentError
from helpcenter.extensions import db
from helpcenter.wizards.checks import wizard_checker


def _create_app() -> Flask:
    from helpcenter import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """Expert help center."""


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _import() -> ImportReport:
    try:
        report = import_content(db.session, _content_dir())
    except ContentError as error:
        raise click.ClickException(f"content not imported, nothing changed: {error}") from error
    click.echo(
        f"content: {len(report.created)} created, {len(report.revised)} revised, "
        f"{len(report.unchanged)} unchanged"
    )
    return report


def _reindex(show_progress: bool) -> None:
    """Build a fresh search index from the database and swap it in."""
    from helpcenter.search.service import rebuild_index
    from helpcenter.search.views import current_backend

    def progress(docs: list[Any]) -> Any:
        with click.progressbar(docs, label="indexing", show_pos=True) as bar:
            yield from bar

    summary = rebuild_index(
        current_backend(), db.session, _content_dir(), progress if show_progress else None
    )
    click.echo(
        f"search index: {summary.documents} documents ({summary.articles} articles, "
        f"{summary.wizards} wizards) in {summary.seconds:.2f} s"
    )


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Upgrade the database schema, import content/ and build the search index (safe to rerun)."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    _import()
    _reindex(show_progress=False)


@click.command("import-content")
@with_appcontext
def import_content_command() -> None:
    """Import content/ into the database; changed files become new revisions, re-indexed."""
    from helpcenter.search.service import index_changed_articles
    from helpcenter.search.views import current_backend

    report = _import()
    if report.changed:
        count = index_changed_articles(
            current_backend(), db.session, [*report.created, *report.revised]
        )
        click.echo(f"search index: {count} documents updated")


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database, with progress and a summary."""
    _reindex(show_progress=True)


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check content and wizards: rule anchors, links, front matter, translations."""
    problems = check_content(_content_dir(), [wizard_checker(_content_dir())])
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("content check passed")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the help center with a production WSGI server (waitress)."""
    from waitress import serve

    click.echo(f"Serving on http://{host}:{port}")
    serve(current_app._get_current_object(), host=host, port=port, threads=threads)  # type: ignore[attr-defined]


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["expert", "agent", "editor", "admin"]),
    default="expert",
    show_default=True,
)
@click.option("--name", default="", help="Name shown to others (default: the email's local part).")
@click.option("--language", "locale", type=click.Choice(["es", "de", "en"]), default="en")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
@with_appcontext
def create_user_command(
    email: str, role: str, name: str, locale: str, password_stdin: bool
) -> None:
    """Create an account, e.g. the first admin: create-user you@example.com --role admin."""
    from helpcenter.auth.cli import create_user

    create_user(email, role, name, locale, password_stdin)


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the outbox's due messages by SMTP (run it from cron; failures are retried)."""
    from helpcenter.auth.cli import send_mail

    send_mail()


def register_commands(app: Flask) -> None:
    for command in (
        setup_command,
        import_content_command,
        reindex_command,
        check_command,
        serve_command,
        create_user_command,
        send_mail_command,
    ):
        app.cli.add_command(command)
