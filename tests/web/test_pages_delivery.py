"""The planned-against-actual page, its CSV and its API: the synthetic week, for staff and for
partners (only their campaigns)."""

from __future__ import annotations

import csv
import io

from flask import Flask

from campaign.services.clock import clock_of
from tests.services.delivery_week import AFTER_THE_WEEK, load_week, play_the_week
from tests.web.signing import signed_in
from tests.web.test_api_helpers import caller

WEEK = "campaign=semana&from=2026-11-02&to=2026-11-08"


def week_app(app: Flask, *, played: bool = False) -> Flask:
    load_week(app)
    if played:
        play_the_week(app)
    clock_of(app).set(AFTER_THE_WEEK)
    return app


def test_the_shortfall_is_marked_in_words_not_by_colour_alone(app: Flask) -> None:
    client = signed_in(week_app(app), "manager", locale="en")
    page = client.get(f"/reports/delivery?{WEEK}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Nothing was played: every booking is short by all it planned.
    assert '<tr id="booking-midweek-gamma" class="short">' in html
    assert "<strong>904</strong> <span" in html and ">short</span>" in html
    assert "Shortfall: 8,884 plays planned were not played (0 % delivered)." in html
    assert "A loop restarts when the playlist changes" in html
    assert f'href="/reports/delivery.csv?{WEEK.replace("&", "&amp;")}"' in html


def test_a_week_played_in_full_has_no_shortfall(app: Flask) -> None:
    client = signed_in(week_app(app, played=True), "manager", locale="en")
    html = client.get(f"/reports/delivery?{WEEK}").get_data(as_text=True)
    assert 'class="short"' not in html and "Shortfall:" not in html
    assert html.count(">in full</span>") == 4  # three bookings and the total
    assert "7,378" in html and "100 %" in html


def test_the_csv_opens_in_a_spreadsheet(app: Flask) -> None:
    client = signed_in(week_app(app, played=True), "manager", locale="es")
    answer = client.get(f"/reports/delivery.csv?{WEEK}")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert (
        'filename="delivery-semana-20261102-20261108.csv"' in answer.headers["Content-Disposition"]
    )
    raw = answer.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows[0]) == 9
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["evening-beta"][1:3] == ["beta", "Beta"]
    assert by_key["evening-beta"][5:] == ["602", "602", "0", "100"]
    assert by_key["midweek-gamma"][3] == "screen:TST-HALL-02"
    assert rows[-1][5:8] == ["8884", "8884", "0"]  # the total, plain digits


def test_a_filter_that_cannot_be_used_is_marked_in_the_readers_language(app: Flask) -> None:
    client = signed_in(week_app(app), "manager", locale="en")
    page = client.get("/reports/delivery?campaign=semana&from=2026-11-08&to=2026-11-02")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="to-error">The last day comes before the first day: swap them.</p>' in html
    assert client.get("/reports/delivery.csv?campaign=semana&from=nope").status_code == 400


def test_partners_see_only_their_campaigns(app: Flask) -> None:
    week_app(app)
    funder = signed_in(app, "partner", partner="fondo-semana", locale="en")
    assert funder.get(f"/reports/delivery?{WEEK}").status_code == 200
    from campaign.services.plans import load_plan
    from tests.conftest import DEMO_PLAN, DEMO_TODAY

    with app.app_context():
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    refused = funder.get("/reports/delivery?campaign=peru-unido-contra-la-trata")
    assert refused.status_code == 400
    assert "There is no campaign peru-unido-contra-la-trata, or you may not see it." in (
        refused.get_data(as_text=True)
    )
    assert app.test_client().get(f"/reports/delivery?{WEEK}").status_code == 302  # sign in


def test_the_api_answers_the_same_figures(app: Flask) -> None:
    week_app(app, played=True)
    manager = caller(app, "api@example.org", "manager")
    answer = app.test_client().get(f"/api/v1/reports/delivery?{WEEK}", headers=manager.headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert {
        b["booking_key"]: (b["planned"], b["actual"], b["shortfall"]) for b in body["bookings"]
    } == {
        "all-day-alpha": (7378, 7378, 0),
        "evening-beta": (602, 602, 0),
        "midweek-gamma": (904, 904, 0),
    }
    assert body["complete"] is True and body["filter"]["date_to"] == "2026-11-08"
    wrong = app.test_client().get(
        "/api/v1/reports/delivery?campaign=semana&from=2026-11-08&to=2026-11-01",
        headers=manager.headers,
    )
    assert wrong.status_code == 422
    assert wrong.get_json()["error"] == "invalid"
