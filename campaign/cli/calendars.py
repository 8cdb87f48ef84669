"""`campaign calendar create|list|revoke`: the signed calendar feeds partners subscribe to."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from campaign.services import calendar_feeds, clock
from campaign.services.errors import ServiceError

calendar = AppGroup("calendar", help="Manage the calendar feeds (iCalendar) partners subscribe to.")


def _base(base_url: str | None, host: str, port: int | None) -> str:
    if base_url:
        return base_url.rstrip("/")
    return f"http://{host}:{port or current_app.config['PORT']}"


@calendar.command("create")
@click.option("--campaign", "slug", help="The campaign's slug (needed when there are several).")
@click.option("--hub", "hub_code", help="A hub's code: only that hub's phases and bookings.")
@click.option("--label", default="", help="Who the feed is for, to tell feeds apart.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the app listens.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="The port the app listens on, for the address printed (default: $PORT, else 5000).",
)
@click.option(
    "--base-url",
    help="The app's public address, e.g. https://campaign.example.org (instead of host and port).",
)
def calendar_create(
    slug: str | None,
    hub_code: str | None,
    label: str,
    host: str,
    port: int | None,
    base_url: str | None,
) -> None:
    """Make a calendar feed; its address is printed once, alone on the last line."""
    try:
        made, token = calendar_feeds.create_feed_for_slug(slug, hub_code, label, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    scope = f"hub {made.hub_code}" if made.hub_code else "every hub"
    click.echo(f"Made calendar feed {made.id} of {made.campaign_slug} ({scope}).")
    click.echo("Its address follows; it is shown only this once. Anyone with it can read the feed:")
    click.echo(f"{_base(base_url, host, port)}/calendar/{token}.ics")


@calendar.command("list")
@click.option("--campaign-id", type=int, help="Only this campaign's feeds.")
def calendar_list(campaign_id: int | None) -> None:
    """List the calendar feeds, the newest first (never their addresses)."""
    rows = calendar_feeds.list_feeds(None, campaign_id)
    if not rows:
        click.echo("No calendar feed.")
        return
    for row in rows:
        scope = f"{row.campaign_slug}/{row.hub_code}" if row.hub_code else row.campaign_slug
        status = f"revoked {row.revoked_at:%Y-%m-%d %H:%M} UTC" if row.revoked_at else "active"
        made = f"{row.created_at:%Y-%m-%d %H:%M} UTC by {row.created_by or 'the command line'}"
        click.echo(f"{row.id}\t{scope}\t{row.label or '-'}\t{made}\t{status}")


@calendar.command("revoke")
@click.argument("feed_id", type=int)
def calendar_revoke(feed_id: int) -> None:
    """Revoke a calendar feed: its address answers 404 from now on."""
    try:
        row = calendar_feeds.revoke_feed(feed_id, None, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Calendar feed {row.id} is revoked (since {row.revoked_at:%Y-%m-%d %H:%M} UTC).")


def init_app(app: Flask) -> None:
    app.cli.add_command(calendar)
