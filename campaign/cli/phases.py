"""`campaign phase …`: record funding decisions, cancel a phase, move its dates (previewed unless
--apply), list or record its transitions, and make its phase-end report."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import click
from flask import Flask
from flask.cli import AppGroup

from campaign.services import clock, phase_report
from campaign.services import phase_lifecycle as service
from campaign.services.errors import ServiceError

phase = AppGroup("phase", help="A phase's funding, cancellation, dates and transitions.")

DAY = click.DateTime(formats=["%Y-%m-%d"])
campaign_option = click.option(
    "--campaign", "campaign", default=None, help="The campaign's slug (when several have it)."
)


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _local(instant: datetime, timezone: str) -> str:
    return instant.astimezone(ZoneInfo(timezone)).isoformat(timespec="minutes") + f" {timezone}"


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        _fail(f"--amount must be a number such as 45000 or 45000.50, not {text!r}")
    if not amount.is_finite():
        _fail(f"--amount must be a number such as 45000 or 45000.50, not {text!r}")
    return amount


@phase.command("fund")
@click.argument("number", type=int)
@click.option(
    "--status",
    type=click.Choice(["confirmed", "declined", "pending"]),
    required=True,
    help="confirmed lets the phase play; declined cancels it for good.",
)
@click.option(
    "--amount", default=None, help="The amount decided, e.g. 45000; it becomes the budget."
)
@click.option("--currency", default=None, help="Three letters, e.g. USD (the phase's by default).")
@click.option("--note", default="", help="A note kept with the decision.")
@campaign_option
@click.option("--by", "by", default=None, help="The e-mail of the user who decided.")
def fund_command(
    number: int,
    status: str,
    amount: str | None,
    currency: str | None,
    note: str,
    campaign: str | None,
    by: str | None,
) -> None:
    """Record a decision on phase NUMBER's funding."""
    value = _amount(amount)
    try:
        row, user = service.find_phase(number, campaign, by)
        decision = service.decide_funding(
            row.id, status=status, amount=value, currency=currency, note=note, user=user
        )
    except ServiceError as exc:
        _fail(exc.detail)
    money = f" ({decision.amount} {decision.currency})" if decision.amount is not None else ""
    who = decision.decided_by_label or "unknown"
    click.echo(
        f"Phase {row.number} of {row.campaign.slug}: funding {decision.status}{money}, "
        f"decided by {who} at {decision.decided_at.isoformat(timespec='minutes')}."
    )


@phase.command("cancel")
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why the phase is cancelled, for the record.")
@campaign_option
@click.option("--by", "by", default=None, help="The e-mail of the user who decided.")
def cancel_command(number: int, reason: str, campaign: str | None, by: str | None) -> None:
    """Cancel phase NUMBER now: it plays no more."""
    try:
        row, user = service.find_phase(number, campaign, by)
        service.cancel_phase(row.id, reason=reason, user=user)
    except ServiceError as exc:
        _fail(exc.detail)
    assert row.cancelled_at is not None
    click.echo(
        f"Cancelled phase {row.number} of {row.campaign.slug} at "
        f"{row.cancelled_at.isoformat(timespec='minutes')}: {row.cancel_reason}"
    )


def _show(plan: service.ResizePlan) -> None:
    click.echo(
        f"Phase {plan.number} of {plan.campaign}: {plan.old_starts_on} → {plan.old_ends_on} "
        f"becomes {plan.new_starts_on} → {plan.new_ends_on}."
    )
    if plan.moves:
        click.echo(f"{len(plan.moves)} booking(s) move with it:")
    else:
        click.echo("No booking moves with it.")
    for move in plan.moves:
        click.echo(
            f"  {move.key} ({move.target}, {move.message}): {move.old_starts_on} → "
            f"{move.old_ends_on} becomes {move.new_starts_on} → {move.new_ends_on}"
        )
    for warning in plan.warnings:
        click.echo(f"Note: {warning}")


@phase.command("resize")
@click.argument("number", type=int)
@click.option("--starts-on", "starts_on", type=DAY, default=None, help="The new first day.")
@click.option("--ends-on", "ends_on", type=DAY, default=None, help="The new last day.")
@click.option("--apply", "apply", is_flag=True, help="Apply it; without it only the preview.")
@campaign_option
def resize_command(
    number: int,
    starts_on: datetime | None,
    ends_on: datetime | None,
    apply: bool,
    campaign: str | None,
) -> None:
    """Move phase NUMBER's first or last day, and the bookings that ran to them."""
    if starts_on is None and ends_on is None:
        _fail("give --starts-on, --ends-on or both")
    try:
        row, _user = service.find_phase(number, campaign)
        if apply:
            plan = service.apply_resize(row.id, _day(starts_on), _day(ends_on), row.lock_version)
        else:
            plan = service.preview_resize(row.id, _day(starts_on), _day(ends_on))
    except ServiceError as exc:
        _fail(exc.detail)
    _show(plan)
    if plan.refusals:
        _fail("cannot be applied: " + " ".join(plan.refusals))
    if apply:
        click.echo("Applied.")
    else:
        click.echo("Nothing was changed: run it again with --apply to apply it.")


@phase.command("transitions")
@click.option("--record", is_flag=True, help="First record those due now (the scheduler's job).")
def transitions_command(record: bool) -> None:
    """List the phases' recorded transitions at each hub, oldest first."""
    if record:
        found = service.record_transitions(clock.now())
        click.echo(f"Recorded {len(found)} transition(s).")
    rows = service.all_transitions()
    if not rows:
        click.echo("No transition is recorded yet.")
    for slug, number, row in rows:
        click.echo(
            f"{_local(row.at, row.timezone)}  {slug} phase {number} at {row.hub_code}: "
            f"{row.state} (recorded {row.recorded_at.isoformat(timespec='minutes')})"
        )


@phase.command("report")
@click.argument("phase_id", type=int)
@click.option(
    "--lang",
    type=click.Choice(phase_report.LANGUAGES),
    default="es",
    show_default=True,
    help="The report's language.",
)
@click.option(
    "--pdf",
    "pdf_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report's PDF (A4) to this file.",
)
def report_command(phase_id: int, lang: str, pdf_file: str | None) -> None:
    """The phase-end report of phase PHASE_ID (its id): a summary here, the PDF with --pdf."""
    try:
        report = phase_report.phase_report(phase_id, None, lang=lang, at=clock.now())
    except ServiceError as exc:
        _fail(exc.detail)
    for line in phase_report.summary_lines(report):
        click.echo(line)
    if pdf_file:
        data = phase_report.phase_report_pdf(report)
        with open(pdf_file, "wb") as out:
            out.write(data)
        click.echo(f"Wrote {pdf_file} ({len(data):,} bytes).")


def init_app(app: Flask) -> None:
    app.cli.add_command(phase)
