"""`campaign calendar create|list|revoke` as an operator runs them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner


def test_create_prints_the_address_alone_on_the_last_line(demo: Flask) -> None:
    runner = demo.test_cli_runner()
    made = runner.invoke(args=["calendar", "create", "--hub", "LIM", "--label", "MIMP"])
    assert made.exit_code == 0, made.output
    url = made.output.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:5000/calendar/") and url.endswith(".ics")
    assert "hub LIM" in made.output
    feed = demo.test_client().get(url.removeprefix("http://127.0.0.1:5000"))
    assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.data
    other = runner.invoke(args=["calendar", "create", "--port", "8080"])
    assert other.output.strip().splitlines()[-1].startswith("http://127.0.0.1:8080/calendar/")
    public = runner.invoke(
        args=["calendar", "create", "--base-url", "https://campaign.example.org/"]
    )
    assert (
        public.output.strip().splitlines()[-1].startswith("https://campaign.example.org/calendar/")
    )


def test_list_and_revoke(demo: Flask) -> None:
    runner = demo.test_cli_runner()
    made = runner.invoke(args=["calendar", "create", "--label", "for the ministry"])
    url = made.output.strip().splitlines()[-1]
    listed = runner.invoke(args=["calendar", "list"])
    assert listed.exit_code == 0
    line = listed.output.strip().splitlines()[0]
    feed_id, scope, label, _made, status = line.split("\t")
    assert (scope, label, status) == ("peru-unido-contra-la-trata", "for the ministry", "active")
    assert url.rsplit("/", 1)[1] not in listed.output  # the address is never listed
    revoked = runner.invoke(args=["calendar", "revoke", feed_id])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert "revoked" in runner.invoke(args=["calendar", "list"]).output
    assert demo.test_client().get(url.removeprefix("http://127.0.0.1:5000")).status_code == 404


def test_mistakes_are_one_clear_line(runner: FlaskCliRunner, demo: Flask) -> None:
    unknown = runner.invoke(args=["calendar", "create", "--campaign", "nope"])
    assert unknown.exit_code != 0 and "There is no campaign nope." in unknown.output
    hub = runner.invoke(args=["calendar", "create", "--hub", "NOPE"])
    assert hub.exit_code != 0 and "There is no hub NOPE." in hub.output
    missing = runner.invoke(args=["calendar", "revoke", "9999"])
    assert missing.exit_code != 0 and "There is no calendar feed 9999." in missing.output
    assert "Traceback" not in unknown.output + hub.output + missing.output
    assert runner.invoke(args=["calendar", "list"]).output.strip() == "No calendar feed."
