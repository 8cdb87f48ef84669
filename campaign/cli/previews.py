"""`campaign preview-link make|list|revoke`: partner preview links from the command line."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from campaign.services import clock, preview_links
from campaign.services.errors import ServiceError

preview_link = AppGroup(
    "preview-link",
    help="Manage the preview links partners open on a phone (read only, signed, expiring).",
)


def _base(base_url: str | None, host: str, port: int | None) -> str:
    if base_url:
        return base_url.rstrip("/")
    return f"http://{host}:{port or current_app.config['PORT']}"


def _scope(phase: int | None, hub: str | None, message: str | None) -> str:
    given = [
        name for name, value in (("phase", phase), ("hub", hub), ("message", message)) if value
    ]
    if len(given) > 1:
        raise click.UsageError("A link covers one thing: give one of --phase, --hub, --message.")
    return given[0] if given else "campaign"


@preview_link.command("make")
@click.option("--partner", "partner_slug", required=True, help="The partner organisation's slug.")
@click.option("--campaign", "slug", help="The campaign's slug (needed when there are several).")
@click.option("--phase", "phase_number", type=int, help="Only this phase (its number).")
@click.option("--hub", "hub_code", help="Only this hub (its code).")
@click.option("--message", "message_key", help="Only this message (its key).")
@click.option("--approver", "approver_email", help="The partner's user who may approve from it.")
@click.option("--days", type=int, help="How many days it lasts (default: PREVIEW_LINK_DAYS, 30).")
@click.option("--label", default="", help="Who the link is for, to tell links apart.")
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
def make(
    partner_slug: str,
    slug: str | None,
    phase_number: int | None,
    hub_code: str | None,
    message_key: str | None,
    approver_email: str | None,
    days: int | None,
    label: str,
    host: str,
    port: int | None,
    base_url: str | None,
) -> None:
    """Make a preview link (of the campaign, or of one phase, hub or message); its address is
    printed once, alone on the last line."""
    scope = _scope(phase_number, hub_code, message_key)
    try:
        made, token = preview_links.make_link_for_codes(
            slug,
            partner_slug,
            scope,
            phase_number=phase_number,
            hub_code=hub_code,
            message_key=message_key,
            approver_email=approver_email,
            days=days,
            label=label,
            now=clock.now(),
        )
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    who = f", {made.approver} may approve from it" if made.approver else ", view only"
    click.echo(
        f"Made preview link {made.id} for {made.partner_slug}: {made.target} "
        f"({made.campaign_slug}){who}, until {made.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    click.echo("Its address follows; it is shown only this once. Anyone with it can open it:")
    click.echo(f"{_base(base_url, host, port)}/p/{token}")


@preview_link.command("list")
@click.option("--campaign-id", type=int, help="Only this campaign's links.")
def list_command(campaign_id: int | None) -> None:
    """List the preview links, the newest first (never their addresses)."""
    rows = preview_links.list_links(None, campaign_id, now=clock.now())
    if not rows:
        click.echo("No preview link.")
        return
    for row in rows:
        status = row.status
        if row.revoked_at is not None:
            status = f"revoked {row.revoked_at:%Y-%m-%d %H:%M} UTC"
        expires = f"until {row.expires_at:%Y-%m-%d %H:%M} UTC"
        who = row.approver or "view only"
        click.echo(
            f"{row.id}\t{row.partner_slug}\t{row.scope}: {row.target}\t{row.label or '-'}"
            f"\t{who}\t{expires}\t{status}"
        )


@preview_link.command("revoke")
@click.argument("link_id", type=int)
def revoke(link_id: int) -> None:
    """Revoke a preview link: from now on it shows nothing."""
    try:
        row = preview_links.revoke_link(link_id, None, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Preview link {row.id} is revoked (since {row.revoked_at:%Y-%m-%d %H:%M} UTC).")


def init_app(app: Flask) -> None:
    """Register `campaign preview-link`."""
    app.cli.add_command(preview_link)
