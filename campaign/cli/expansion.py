"""`campaign hub open|overview|kit`: open a hub from another's kit, and every hub at a glance."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.domain.model import HubKind
from campaign.services import clock
from campaign.services import expansion as service
from campaign.services.errors import ServiceError
from campaign.services.hub_overview import hub_overview, hub_overview_csv

hub = AppGroup("hub", help="Open hubs from another hub's kit; every hub at a glance.")

FATES = {
    service.COPIED: "copied",
    service.BY_VENUE: "not copied: it reaches every zone of its venue type, the new ones too",
    service.BY_PHASE: "not copied: it aims at the phase the hub joins, so it reaches it already",
    service.OUTSIDE: "not copied: shifted to the phase, it would fall after its last day",
    service.NO_SCREEN: "not copied: it aims at a screen, and no screens are created",
}


def _fail(exc: ServiceError) -> None:
    raise click.ClickException(exc.detail.replace("\n", " ")) from exc


def _shape(orientation: str, width: int, height: int, policy: str | None) -> str:
    return f"{width}×{height} {orientation}" + (f", {policy}" if policy else "")


def _phase(ref: service.PhaseRef) -> str:
    return f"phase {ref.number} ({ref.name}, {ref.starts_on} to {ref.ends_on})"


@hub.command("open")
@click.argument("code")
@click.option("--name", required=True, help="The hub's name.")
@click.option("--kind", type=click.Choice([k.value for k in HubKind]), default="airport")
@click.option("--region", default="", help="The department or province, such as Cusco.")
@click.option("--timezone", "timezone", default="America/Lima", show_default=True)
@click.option("--latitude", type=float)
@click.option("--longitude", type=float)
@click.option("--passengers", "yearly_passengers", type=click.IntRange(min=0))
@click.option("--from", "source_hub", required=True, help="The hub whose kit is copied (LIM).")
@click.option("--phase", type=int, required=True, help="The number of the phase it joins.")
@click.option("--campaign", help="The phase's campaign (needed when there are several).")
@click.option("--source-phase", type=int, help="The phase the bookings come from.")
@click.option("--no-screens", is_flag=True, help="Create the zones only, no screens.")
@click.option("--apply", "apply", is_flag=True, help="Create it (without: show the plan only).")
def hub_open(code: str, source_hub: str, no_screens: bool, apply: bool, **values: object) -> None:
    """Open the hub CODE from another hub's kit: without --apply, print what would be made."""
    request = service.OpenHubRequest(
        code=code.strip().upper(),
        source_hub=source_hub.strip().upper(),
        create_screens=not no_screens,
        **values,  # type: ignore[arg-type]
    )
    try:
        plan = service.open_hub(request) if apply else service.preview_open_hub(request)
    except ServiceError as exc:
        _fail(exc)
    _print_plan(plan)


def _print_plan(plan: service.OpenHubPlan) -> None:
    r = plan.request
    head = "Opened" if plan.applied else "Plan (nothing saved; add --apply to open it)"
    click.echo(f"{head}: hub {r.code}, {r.name} ({r.kind}, {r.timezone}), from {r.source_hub}")
    click.echo(f"Joins {_phase(plan.phase)} of {plan.phase.campaign}.")
    for zone in plan.zones:
        venue = f", {zone.venue_type}" if zone.venue_type else ""
        click.echo(f"  zone {zone.code}: {zone.name}{venue}")
        for s in zone.screens:
            click.echo(f"    screen {s.code}: {_shape(s.orientation, s.width, s.height, None)}")
    if plan.source_phase is None:
        click.echo(f"No bookings: {r.source_hub} is in no phase of the campaign.")
    else:
        click.echo(f"Bookings of {_phase(plan.source_phase)}:")
    for b in plan.bookings:
        was = f"{b.key} ({b.target}, {b.starts_on} to {b.ends_on})"
        if b.new_key:
            new = f"{b.new_key} ({b.new_target}, {b.new_starts_on} to {b.new_ends_on})"
            click.echo(f"  {was} -> {new}")
        else:
            click.echo(f"  {was}: {FATES[b.status]}")
    if plan.applied and plan.screens_created:
        click.echo(
            f"{plan.screens_created} screens registered without a token: give each one a token "
            "on its page (Screens) when it is installed."
        )


@hub.command("overview")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV (UTF-8 with a byte-order mark).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def hub_overview_command(as_csv: bool, output: Path | None) -> None:
    """Every hub: kind, region, phase and status, screens planned/installed/online, plays."""
    rows = hub_overview(None, clock.now())  # the command line sees every hub, as staff do
    if as_csv or (output is not None and output.suffix.lower() == ".csv"):
        text = hub_overview_csv(rows)
    else:
        text = _table(rows)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output} ({len(rows)} hubs)", err=True)


def _table(rows: list) -> str:  # type: ignore[type-arg]
    header = ("code", "kind", "region", "phase", "status", "planned", "installed", "online")
    header += ("plays", "passengers")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.code,
                row.kind,
                row.region,
                str(row.phase or "—"),
                row.status,
                str(row.screens_planned),
                str(row.screens_installed),
                str(row.screens_online),
                str(row.plays),
                "" if row.yearly_passengers is None else str(row.yearly_passengers),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in lines
    )


@hub.command("kit")
@click.argument("code")
@click.option("--phase", type=int, help="The phase the bookings come from.")
@click.option("--campaign", help="The campaign (needed when there are several).")
def hub_kit(code: str, phase: int | None, campaign: str | None) -> None:
    """What opening a hub from CODE copies: zones, screen classes and bookings."""
    try:
        kit = service.kit_from_hub(code.strip().upper(), phase, campaign)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"Kit of {kit.hub_code}, {kit.hub_name}:")
    if not kit.zones:
        click.echo("  no zones: a hub cannot be opened from it.")
    for zone in kit.zones:
        venue = f", {zone.venue_type}" if zone.venue_type else ""
        click.echo(f"  zone {zone.code}: {zone.name}{venue}")
        for c in zone.screen_classes:
            shape = _shape(c.orientation, c.width, c.height, c.language_policy)
            click.echo(f"    {c.count} × {shape}")
    if kit.phase is None:
        click.echo("No bookings: the hub is in no phase of a campaign.")
        return
    click.echo(f"Bookings of {_phase(kit.phase)}:")
    for b in kit.bookings:
        note = "" if b.copied else " (not copied: it reaches the new zones by venue type)"
        click.echo(f"  {b.key}: {b.message_key} on {b.target}, {b.starts_on} to {b.ends_on}{note}")


def init_app(app: Flask) -> None:
    app.cli.add_command(hub)
