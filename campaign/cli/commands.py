"""Commands for operators: load and dump plans, serve, add users and screens, back up."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from campaign.cli import (
    assets,
    calendars,
    expansion,
    phases,
    press_kits,
    previews,
    reports,
    tokens,
)
from campaign.config import PROJECT_ROOT
from campaign.domain.plans import PlanError
from campaign.domain.roles import Role
from campaign.services import accounts, backup, clock, demo, health, plans, screens
from campaign.services.errors import ServiceError

DEFAULT_PORT = 5000


def _now() -> datetime:
    return clock.now()


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--demo", is_flag=True, help="Load the demo plan, moved so that phase 1 is live.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has a campaign.")
@click.option(
    "--prepare/--no-prepare",
    default=True,
    show_default=True,
    help="Draw the slides the screens need right after loading.",
)
@with_appcontext
def load_command(path: Path | None, demo: bool, if_empty: bool, prepare: bool) -> None:
    """Create or update a campaign from a plan file (TOML), all or nothing."""
    if path is None and not demo:
        _fail("give a plan file, e.g. `campaign load schedules/peru-unido-2026.toml`, or --demo")
    if if_empty and not plans.database_is_empty():
        click.echo("The database already has a campaign; nothing loaded.")
        return
    path = path or PROJECT_ROOT / "schedules" / plans.DEMO_PLAN
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {exc}")
    click.echo(f"Loading {path} ...", err=True)
    try:
        report = plans.load_plan(text, str(path), demo_today=_now().date() if demo else None)
    except PlanError as exc:
        for line in exc.problems:
            click.echo(f"error: {line}", err=True)
        _fail(f"{len(exc.problems)} problem(s) in {path}; nothing was changed")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not report.changed:
        click.echo(f"Campaign {report.campaign}: already up to date, nothing changed.")
        return
    done = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items()))
    edited = ", ".join(f"{n} {what}" for what, n in sorted(report.updated.items()))
    click.echo(
        f"Campaign {report.campaign}: created {done or 'nothing'}; updated {edited or 'nothing'}."
    )
    if prepare:
        _prepare_renditions()


@click.command("dump")
@click.option("--campaign", "slug", help="The campaign's slug (needed when there are several).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def dump_command(slug: str | None, output: Path | None) -> None:
    """Write the current state of a campaign as a plan file (TOML)."""
    try:
        text = plans.dump_plan(slug)
    except PlanError as exc:
        _fail(exc.problems[0])
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, help="Port to listen on (default: $PORT, else 5000).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Start a `campaign scheduler` process beside the server (it waits while another "
    "scheduler holds the lock).",
)
@click.option("--jobs/--no-jobs", "jobs", default=None, hidden=True)  # the old name
@with_appcontext
def serve_command(
    host: str, port: int | None, workers: int, scheduler: bool, jobs: bool | None
) -> None:
    """Serve the app with gunicorn, the production WSGI server."""
    from campaign.cli.server import serve

    _refuse_unusable_database()
    serve(
        host=host,
        port=port or current_app.config["PORT"],
        workers=workers,
        scheduler=scheduler if jobs is None else jobs,
    )


def _refuse_unusable_database() -> None:
    """Stop here, with one line on stderr, unless the database exists at the head revision:
    a server on a lost or unmigrated database fails every request while looking alive."""
    problem = health.startup_problem(current_app._get_current_object())  # type: ignore[attr-defined]
    if problem is not None:
        _fail(f"not starting: {problem}")


def _run_scheduler() -> None:
    import logging
    import signal
    import threading

    from campaign.jobs.runner import run_scheduler

    _refuse_unusable_database()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Each run is logged by the task (what it did); APScheduler's own lines only when wrong.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        logging.getLogger(__name__).info("signal %d: stopping the scheduler", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    run_scheduler(current_app._get_current_object(), stop)  # type: ignore[attr-defined]


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the periodic jobs until stopped (SIGTERM, Ctrl+C): one scheduler per database.

    It takes the scheduler lock (a PostgreSQL advisory lock, or a file lock beside the SQLite
    file); while another one holds it, it waits and takes over if that one dies."""
    _run_scheduler()


jobs_group = AppGroup("jobs", help="Periodic work: run one job now, or draw slides ahead.")


@jobs_group.command("run")
def jobs_run() -> None:
    """The same as `campaign scheduler` (the old name)."""
    _run_scheduler()


def _job_names() -> list[str]:
    from campaign.jobs.tasks import TASKS

    return sorted(TASKS)


def _instant(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date and time") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@jobs_group.command("once")
@click.argument("job", type=click.Choice(_job_names()))
@click.option(
    "--at",
    callback=_instant,
    help="The instant to run it for, ISO 8601 (e.g. 2026-12-01T05:00Z; without an offset, "
    "UTC). Default: now.",
)
def jobs_once(job: str, at: datetime | None) -> None:
    """Run one job now, recorded like the scheduler's runs (whether or not one is running)."""
    from campaign.jobs import tasks

    outcome = tasks.run(current_app._get_current_object(), job, at or _now())  # type: ignore[attr-defined]
    click.echo(f"{job} for {outcome.at.isoformat()}: {outcome.detail or 'done'}")
    if not outcome.ok:
        _fail(f"{job} failed (see the log above)")


@jobs_group.command("prepare")
def jobs_prepare() -> None:
    """Draw now every slide the screens need, instead of waiting for the job."""
    _prepare_renditions()


def _prepare_renditions() -> None:
    from campaign.jobs import tasks

    click.echo("Drawing slides for every screen size in use ...", err=True)
    counts = tasks.prepare_renditions(current_app._get_current_object(), _now())  # type: ignore[attr-defined]
    click.echo(
        f"Slides: {counts['needed']} needed, {counts['drawn']} drawn, {counts['failed']} failed."
    )


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the app listens.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="The port the app listens on, for the links printed (default: $PORT, else 5000).",
)
@click.option(
    "--new-kiosk-link",
    is_flag=True,
    help="Give the demo screen a new token even though it has a working one: the kiosk link "
    "changes and the old one stops working.",
)
@with_appcontext
def demo_command(host: str, port: int | None, new_kiosk_link: bool) -> None:
    """Print how to get into the demo: a first administrator, and a screen's kiosk link.

    The demo screen keeps a working token (a kiosk left open goes on playing); it gets one only
    when it has none, or with --new-kiosk-link. The links name --port, else $PORT, else 5000:
    give the port `campaign serve` listens on."""
    access = demo.demo_access(_now(), new_kiosk_link=new_kiosk_link)
    port = port or current_app.config["PORT"]
    base = f"http://{host}:{port}"
    if access.email:
        click.echo(f"Sign in at {base}/login as {access.email}, password {access.password}")
        click.echo("  (shown only this once; `campaign user add` makes accounts for people).")
    else:
        click.echo(f"Sign in at {base}/login with your account (`campaign user add` makes one).")
    if access.token:
        click.echo(f"Screen {access.screen} plays at {base}/player/#token={access.token}")
    elif access.screen:
        since = f" (issued {access.kept_since:%Y-%m-%d %H:%M} UTC)" if access.kept_since else ""
        again = "" if port == DEFAULT_PORT else f" --port {port}"
        click.echo(
            f"Screen {access.screen} keeps its kiosk link{since}: a kiosk left open goes on "
            "playing. For a new link (the old one stops working): "
            f"`.venv/bin/campaign demo --new-kiosk-link{again}`."
        )


user = AppGroup("user", help="Manage the people who sign in.")


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", default="")
@click.option("--partner", "partner_slug", help="Partner organisation slug (partner role).")
def user_add(email: str, role: str, name: str, partner_slug: str | None) -> None:
    """Add a user; the password is asked for, or read from standard input when piped."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        created = accounts.add_user(
            email, role, password, now=_now(), name=name, partner_slug=partner_slug
        )
    except ServiceError as exc:
        _fail(exc.detail)
    click.echo(f"Added {created.role} {created.email}.")


screen = AppGroup("screen", help="Manage screens and their tokens.")


@screen.command("add")
@click.argument("hub")
@click.argument("zone")
@click.argument("code")
@click.option("--orientation", type=click.Choice(["landscape", "portrait"]), default="landscape")
@click.option("--width", type=int, default=None, help="Pixels (default 1920 or 1080).")
@click.option("--height", type=int, default=None, help="Pixels (default 1080 or 1920).")
@click.option("--name", default="")
@click.option("--language-policy", default=None, help="pair, alternate, bilingual or a language.")
def screen_add(
    hub: str,
    zone: str,
    code: str,
    orientation: str,
    width: int | None,
    height: int | None,
    name: str,
    language_policy: str | None,
) -> None:
    """Register a screen; its token is printed once, alone on the last line."""
    long_side, short_side = 1920, 1080
    landscape = orientation == "landscape"
    width = width or (long_side if landscape else short_side)
    height = height or (short_side if landscape else long_side)
    try:
        row, token = screens.add_screen(
            hub,
            zone,
            code,
            orientation=orientation,
            width=width,
            height=height,
            name=name,
            language_policy=language_policy,
            now=_now(),
        )
    except ServiceError as exc:
        _fail(exc.detail)
    click.echo(f"Added screen {row.code} in {hub}/{zone}, {width}×{height} {orientation}.")
    click.echo("Its token follows; it is shown only this once:")
    click.echo(token)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the embedded SQLite database, consistently, while the app runs."""
    try:
        target = backup.backup_sqlite(path)
    except ServiceError as exc:
        _fail(exc.detail)
    click.echo(f"Backed up to {target}")


def init_app(app: Flask) -> None:
    for command in (
        load_command,
        demo_command,
        dump_command,
        serve_command,
        scheduler_command,
        jobs_group,
        user,
        screen,
        backup_command,
    ):
        app.cli.add_command(command)
    tokens.init_app(app)
    assets.init_app(app)
    phases.init_app(app)
    expansion.init_app(app)
    calendars.init_app(app)
    previews.init_app(app)
    reports.init_app(app)
    press_kits.init_app(app)
