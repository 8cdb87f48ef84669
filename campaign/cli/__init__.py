"""The `campaign` console script: Flask's CLI with the project's commands."""

from __future__ import annotations

from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from campaign import create_app
    from campaign.services import migrations

    return migrations.enable(create_app())


cli = FlaskGroup(create_app=_create_app, help="Run and manage the campaign scheduler.")


def main() -> None:
    cli.main(prog_name="campaign")
