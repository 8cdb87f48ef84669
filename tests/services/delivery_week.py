"""A synthetic week for planned against actual: one hub, two screens, three bookings (one with a
daily window, one starting mid-week on one screen), and a player that follows the loop rule."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import insert, select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import PlayRecord
from campaign.services.plans import load_plan

LIMA = ZoneInfo("America/Lima")
MONDAY = date(2026, 11, 2)
SUNDAY = date(2026, 11, 8)
THURSDAY = date(2026, 11, 5)
SLUG = "semana"
FUNDER = "Fondo Ñandú de la Niñez"
SCREENS = ("TST-HALL-01", "TST-HALL-02")
AFTER_THE_WEEK = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)

WEEK_PLAN = f"""
[campaign]
slug = "{SLUG}"
languages = ["es"]

[campaign.name]
es = "Semana de prueba"

[campaign.slogan]
es = "Una semana exacta."

[[partners]]
slug = "fondo-semana"
name = "{FUNDER}"
role = "funder"

[[hubs]]
code = "TST"
name = "Terminal de prueba"
kind = "airport"
timezone = "America/Lima"
yearly_passengers = 3650000

[[hubs.zones]]
code = "HALL"
name = "Hall principal"

[[hubs.zones.screens]]
code = "TST-HALL-01"
orientation = "landscape"
width = 1920
height = 1080

[[hubs.zones.screens]]
code = "TST-HALL-02"
orientation = "landscape"
width = 1920
height = 1080

[[phases]]
number = 1
name = "Fase de prueba"
starts_on = 2026-11-02
ends_on = 2026-11-30
funding_status = "confirmed"
funding_source = "{FUNDER}"
hubs = ["TST"]

[[messages]]
key = "alpha"
status = "approved"
version = 1
fallback = true

[messages.es]
headline = "Alfa"
body = "Uno dos."

[[messages]]
key = "beta"
status = "approved"
version = 1

[messages.es]
headline = "Beta"
body = "Tres cuatro."

[[messages]]
key = "gamma"
status = "approved"
version = 1

[messages.es]
headline = "Gamma"
body = "Cinco seis."

[[bookings]]
key = "all-day-alpha"
message = "alpha"
target = "hub:TST"
starts_on = 2026-11-02
ends_on = 2026-11-08
slot_seconds = 120

[[bookings]]
key = "evening-beta"
message = "beta"
target = "zone:TST/HALL"
starts_on = 2026-11-02
ends_on = 2026-11-08
window = "18:00-22:07"
slot_seconds = 180

[[bookings]]
key = "midweek-gamma"
message = "gamma"
target = "screen:TST-HALL-02"
starts_on = 2026-11-05
ends_on = 2026-11-08
slot_seconds = 240
"""

# The bookings as the test reads them, independently of the engine: (key, message, seconds).
ALPHA = ("all-day-alpha", "alpha", 120)
BETA = ("evening-beta", "beta", 180)
GAMMA = ("midweek-gamma", "gamma", 240)


def load_week(app: Flask) -> None:
    with app.app_context():
        load_plan(WEEK_PLAN, "week.toml")


def loop_at(screen: str, local: datetime) -> tuple[tuple[str, str, int], ...]:
    """What the screen plays at a Lima wall-clock instant of the week, read off the plan by
    hand: alpha all day, beta 18:00-22:07, gamma on screen 02 from Thursday; in key order."""
    items = [ALPHA]
    if time(18, 0) <= local.time() < time(22, 7):
        items.append(BETA)
    if screen == "TST-HALL-02" and local.date() >= THURSDAY:
        items.append(GAMMA)
    return tuple(items)


def simulated_plays(screen: str, first: date, last: date) -> list[tuple[str, str, datetime, int]]:
    """The plays of a player that follows the rule: the loop from its first item, restarted
    only when what plays changes, each item its full time (cut short by a change).
    (booking, message, started_at, seconds played)."""
    edges = []
    day = first
    while day <= last:
        for clock in (time(0), time(18, 0), time(22, 7)):
            edges.append(datetime.combine(day, clock, LIMA))
        day += timedelta(days=1)
    end = datetime.combine(last + timedelta(days=1), time(0), LIMA)
    edges.append(end)
    plays = []
    start = edges[0]
    loop = loop_at(screen, start)
    for edge in edges[1:]:
        if edge < end and loop_at(screen, edge) == loop:
            continue  # the same items: the loop goes on
        at, position = start, 0
        while at < edge:
            key, message, seconds = loop[position % len(loop)]
            played = min(seconds, int((edge - at).total_seconds()))
            plays.append((key, message, at.astimezone(UTC), played))
            at += timedelta(seconds=seconds)
            position += 1
        start = edge
        if edge < end:
            loop = loop_at(screen, edge)
    return plays


def store_plays(app: Flask, screen: str, plays: list[tuple[str, str, datetime, int]]) -> None:
    with app.app_context():
        screen_id = db.session.scalar(select(Screen.id).where(Screen.code == screen))
        rows = [
            {
                "screen_id": screen_id,
                "play_id": uuid.uuid4(),
                "item_id": f"{SLUG}/{message}.v1.es",
                "campaign": SLUG,
                "message_key": message,
                "message_version": 1,
                "lang": "es",
                "booking_key": key,
                "started_at": started_at,
                "duration_s": float(seconds),
                "received_at": started_at,
            }
            for key, message, started_at, seconds in plays
        ]
        db.session.execute(insert(PlayRecord), rows)
        db.session.commit()


def play_the_week(app: Flask) -> None:
    for screen in SCREENS:
        store_plays(app, screen, simulated_plays(screen, MONDAY, SUNDAY))
