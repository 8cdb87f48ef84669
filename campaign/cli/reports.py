"""`campaign report`: plays, uptime and audience reports, as tables or CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.services import clock, reports, reports_page
from campaign.services.errors import ServiceError

report = AppGroup("report", help="Reports of plays, on-screen time, uptime and audience.")
TABLE_OF = {
    "message": "messages",
    "lang": "languages",
    "hub": "hubs",
    "zone": "zones",
    "screen": "screens",
    "day": "days",
}


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--campaign", help="The campaign's slug (default: the first one)."),
        click.option("--phase", help="A phase's id: only its hubs and days."),
        click.option("--hub", help="A hub's code."),
        click.option("--from", "date_from", help="First day, YYYY-MM-DD, at each hub."),
        click.option("--to", "date_to", help="Last day, included (default: today)."),
        click.option(
            "--csv",
            "csv_file",
            type=click.File("wb"),
            help="Write the table to this CSV file instead ('-': standard output).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _page(asked: dict[str, Any]) -> reports_page.ReportPage:
    at = clock.now()
    args = {
        "campaign": asked["campaign"],
        "phase": asked["phase"],
        "hub": asked["hub"],
        "from": asked["date_from"],
        "to": asked["date_to"],
    }
    try:
        flt = reports_page.read_filter(None, at, args)
        return reports_page.report_page(flt, at=at, lang="en")
    except ServiceError as exc:
        field = getattr(exc, "field", None)
        raise click.ClickException(f"--{field}: {exc.detail}" if field else exc.detail) from exc


def _emit(name: str, page: reports_page.ReportPage, csv_file: BinaryIO | None) -> None:
    if csv_file is not None:
        csv_file.write(reports_page.table_csv(name, page))
        return
    header, rows = reports_page.table(name, page)
    click.echo("\t".join(header))
    for row in rows:
        click.echo("\t".join("" if v is None else str(v) for v in row))


def _covers(page: reports_page.ReportPage) -> str:
    p = page.plays
    hubs = ", ".join(p.hub_codes) or "no hub"
    return f"{page.filter.campaign}, {p.date_from} to {p.date_to} (days at each hub), {hubs}"


@report.command("plays")
@click.option(
    "--by",
    type=click.Choice(list(TABLE_OF)),
    default="day",
    show_default=True,
    help="What the rows are.",
)
@_filter_options
def report_plays(by: str, csv_file: BinaryIO | None, **asked: Any) -> None:
    """Plays and on-screen time (rejected plays never count)."""
    page = _page(asked)
    if csv_file is None:
        total = page.plays.total
        click.echo(f"Plays of {_covers(page)}: {total.plays} plays, {total.seconds:.1f} s.")
        click.echo(
            f"From the nightly roll-up: {page.plays.rolled_up_plays}; "
            f"from the plays received since: {page.plays.recent_plays}."
        )
    _emit(TABLE_OF[by], page, csv_file)


@report.command("uptime")
@click.option(
    "--by",
    type=click.Choice(["screen", "hub"]),
    default="screen",
    show_default=True,
    help="A row per screen or per hub.",
)
@_filter_options
def report_uptime(by: str, csv_file: BinaryIO | None, **asked: Any) -> None:
    """Screen uptime from the heartbeats."""
    page = _page(asked)
    if csv_file is None:
        share = page.uptime.share
        shown = "no hour has ended" if share is None else f"{share * 100:.1f} %"
        click.echo(f"Uptime of {_covers(page)}: {shown}.")
        click.echo(f"({reports.UPTIME_FORMULA}.)")
    _emit("uptime" if by == "screen" else "uptime-hubs", page, csv_file)


@report.command("audience")
@_filter_options
def report_audience(csv_file: BinaryIO | None, **asked: Any) -> None:
    """The audience estimate per hub (an estimate, not a count)."""
    page = _page(asked)
    if csv_file is None:
        click.echo(f"Audience estimate of {_covers(page)}: {reports.AUDIENCE_FORMULA}.")
    _emit("audience", page, csv_file)


def init_app(app: Flask) -> None:
    """Register `campaign report`."""
    app.cli.add_command(report)
