"""`campaign assets import FOLDER` (posters in bulk) and `campaign slides samples DIR`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from campaign.services import clock, poster_import, slide_samples
from campaign.services import posters as service
from campaign.services.errors import ServiceError

MANIFEST = "manifest.toml"
_LANG = re.compile(r"\A[a-z]{2,3}\Z")

assets_group = AppGroup("assets", help="Posters: pictures shown instead of text slides.")
slides_group = AppGroup("slides", help="Text slides.")


@dataclass(frozen=True)
class Entry:
    """One file to import and what it is for."""

    path: Path
    message: str | None
    lang: str | None
    fit: str = "contain"
    focal: tuple[float, float] = (0.5, 0.5)


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        files = tomllib.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        raise click.ClickException(f'{path}: write one [files."name.jpg"] table per file')
    return files


def _entry(path: Path, manifest: dict[str, dict[str, Any]]) -> Entry:
    """What a file is for: its manifest table, else its name; raises ValueError if unclear."""
    spec = manifest.get(path.name)
    if spec is not None:
        unknown = set(spec) - {"message", "lang", "fit", "focal_x", "focal_y"}
        if unknown:
            raise ValueError(f"{MANIFEST} gives unknown settings {sorted(unknown)}")
        focal = (spec.get("focal_x", 0.5), spec.get("focal_y", 0.5))
        return Entry(path, spec.get("message"), spec.get("lang"), spec.get("fit", "contain"), focal)
    parts = path.name.split(".")
    if len(parts) == 2:
        return Entry(path, parts[0], None)
    if len(parts) == 3 and _LANG.match(parts[1]):
        return Entry(path, parts[0], parts[1])
    raise ValueError(
        "its name says neither message nor language: name it <message-key>.<lang>.<ext> "
        f"(or <message-key>.<ext> for any language), or describe it in {MANIFEST}"
    )


def _import_one(entry: Entry, campaign_id: int | None) -> str:
    """Upload one file; returns what was made, raises ValueError/ServiceError with the reason."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    size = entry.path.stat().st_size
    if size > limit:  # refused before reading: a huge file never reaches memory
        raise ValueError(f"it is {size / 1048576:.1f} MB; the limit is {limit / 1048576:g} MB")
    poster = service.upload_poster(
        entry.path.read_bytes(),
        label=entry.path.name,
        place=service.Placement(campaign_id, entry.message, entry.lang),
        uploaded_by=None,
        now=clock.now(),
        fit=entry.fit,
        focal=entry.focal,
    )
    return (
        f"poster {poster.id} for {entry.message or 'no message'} "
        f"({entry.lang or 'any language'}), {poster.width}×{poster.height}"
    )


@assets_group.command("import")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path)
)
@click.option("--campaign", "slug", help="The campaign's slug (needed when there are several).")
def import_command(folder: Path, slug: str | None) -> None:
    """Import every picture in FOLDER as a poster (PNG, JPEG or WebP).

    \b
    What each file is for comes from FOLDER/manifest.toml when it names the file:
        [files."oferta-es.jpg"]
        message = "zero-tolerance"   # the message key
        lang = "es"                  # leave out: any language
        fit = "cover"                # or "contain" (the default)
        focal_x = 0.5                # 0..1, the point "cover" keeps in view
        focal_y = 0.3
    else from the file name:
        <message-key>.<lang>.<ext>   e.g. zero-tolerance.es.jpg
        <message-key>.<ext>          a poster for any language

    Each file is checked and imported on its own: a refused file leaves nothing behind.
    The exit status is 1 when any file was refused.
    """
    campaign_id = poster_import.import_campaign_id(slug)
    if campaign_id is None:
        raise click.ClickException(
            f"no campaign {slug!r}" if slug else "give --campaign: there are several (or none)"
        )
    manifest = _read_manifest(folder)
    missing = sorted(set(manifest) - {p.name for p in folder.iterdir()})
    paths = sorted(
        p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST and p.name[0] != "."
    )
    refused = [(name, f"listed in {MANIFEST} but not in the folder") for name in missing]
    for number, path in enumerate(paths, 1):
        try:
            made = _import_one(_entry(path, manifest), campaign_id)
        except (ValueError, OSError, ServiceError) as exc:
            reason = exc.detail if isinstance(exc, ServiceError) else str(exc)
            refused.append((path.name, reason))
            click.echo(f"[{number}/{len(paths)}] {path.name}: refused")
        else:
            click.echo(f"[{number}/{len(paths)}] {path.name}: {made}")
    imported = len(paths) - sum(1 for name, _ in refused if name not in missing)
    click.echo(f"Imported {imported} of {len(paths)} file(s); {len(refused)} refused.")
    for name, reason in refused:
        click.echo(f"  refused {name}: {reason}", err=True)
    if refused:
        raise SystemExit(1)


@slides_group.command("samples")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def samples_command(out_dir: Path) -> None:
    """Write sample slides (landscape, portrait, bilingual, long Spanish) as PNGs in OUT_DIR.

    They use the loaded campaign and its real messages when there is one campaign, else
    built-in examples.
    """
    try:
        samples = slide_samples.write_samples(out_dir)
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    for path in samples.paths:
        click.echo(f"Wrote {path}")
    click.echo(f"{len(samples.paths)} sample slides from {samples.source}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(assets_group)
    app.cli.add_command(slides_group)
