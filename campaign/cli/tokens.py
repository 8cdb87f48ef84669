"""`campaign token create EMAIL`: a personal API token for automation, printed once."""

from __future__ import annotations

import getpass

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.services import audit, clock
from campaign.services import auth as auth_service
from campaign.services.errors import ServiceError

token = AppGroup("token", help="Manage personal API tokens.")


@token.command("create")
@click.argument("email")
@click.option("--name", default="", help="A label to tell the token apart, e.g. 'nightly export'.")
def token_create(email: str, name: str) -> None:
    """Create an API token for a user; it is printed once, alone on the last line."""
    try:
        row, secret = auth_service.create_token_for(email, name, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Created API token {row.prefix}… for {email} ({row.name or 'no name'}).")
    click.echo("It follows; it is shown only this once:")
    click.echo(secret)


def _cli_actor(_sender: Flask, **_extra: object) -> None:
    # Commands run inside a click context; requests (even under `campaign serve`) do not,
    # and the web layer names their actor itself.
    if click.get_current_context(silent=True) is not None:
        audit.set_actor(audit.Actor(label=_os_user(), source="cli"))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def init_app(app: Flask) -> None:
    from flask import appcontext_pushed

    app.cli.add_command(token)
    appcontext_pushed.connect(_cli_actor, app)
