"""`campaign press-kit`: a phase's approved materials as a ZIP, per language."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from campaign.services import press_kit
from campaign.services.errors import ServiceError


@click.command("press-kit")
@click.argument("phase_id", type=int)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the ZIP (default: the kit's own name, in this folder).",
)
@with_appcontext
def press_kit_command(phase_id: int, out: Path | None) -> None:
    """Write the press and partner kit of phase PHASE_ID (its database id, as in
    /admin/phases/<id>): every approved material of the phase, per language, with a contents
    sheet. Prints one line: the file, its size and its number of files."""
    started = time.perf_counter()
    try:
        kit = press_kit.build_press_kit(phase_id, None)
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    path = out or Path(kit.filename)
    try:
        path.write_bytes(kit.data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    seconds = time.perf_counter() - started
    click.echo(
        f"Wrote {path}: {len(kit.data):,} bytes, {kit.file_count} files "
        f"({kit.drawn} pictures drawn, {seconds:.1f} s)."
    )
    for skipped in kit.skipped:
        click.echo(f"Left out (could not be drawn): {skipped}", err=True)


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(press_kit_command)
