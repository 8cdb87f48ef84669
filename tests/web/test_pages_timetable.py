"""The bookings pages as a campaign manager uses them: by names, with what keeps a booking off."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.config import PROJECT_ROOT
from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking, Message
from campaign.persistence.network import Hub
from campaign.services import campaigns, places
from campaign.services.clock import clock_of
from tests.web.signing import signed_in

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture(autouse=True)
def demo_day(demo: Flask) -> None:
    clock_of(demo).set(NOON_IN_LIMA)


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", locale="en")


def html(answer: object) -> str:
    return answer.get_data(as_text=True)  # type: ignore[attr-defined]


def text(fragment: str) -> str:
    """What a person reads in an HTML fragment, spaces made plain."""
    words = unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", words).strip()


def message_id(app: Flask, key: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Message.id).filter_by(key=key)))


def bookings_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Booking.id))) or 0


def form(app: Flask, message: str, target: str, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "message": message_id(app, message),
        "target": target,
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=14)).isoformat(),
        "weekdays": EVERY_DAY,
        "window_start": "",
        "window_end": "",
        "weight": "1",
        "priority": "0",
        "slot_duration_s": "10",
        "orientation": "",
        "key": "",
    }
    data.update(fields)
    return data


def create(client: FlaskClient, app: Flask, message: str, target: str, **fields: object) -> int:
    answer = client.post("/bookings/new", data=form(app, message, target, **fields))
    assert answer.status_code == 302, html(answer)
    found = re.fullmatch(r"/bookings/(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return int(found[1])


def playing(client: FlaskClient, screen: str, at: datetime) -> set[str]:
    answer = client.get(f"/api/v1/screens/{screen}/preview", query_string={"at": at.isoformat()})
    assert answer.status_code == 200, answer.get_json()
    return {item["message"] for item in answer.get_json()["items"]}


def lima(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) + timedelta(hours=5)


def test_a_booking_made_by_names_plays_on_the_screens(manager: FlaskClient, demo: Flask) -> None:
    page = html(manager.get("/bookings/new"))
    assert "Tourism yes, exploitation no (tourism-without-exploitation)" in page
    assert (
        "Salas de embarque (LIM/GAT)" in page and "Line 100 (violence-line-100) – in review" in page
    )
    booking = create(
        manager, demo, "tourism-without-exploitation", "zone:LIM/GAT", priority="5", weight="2"
    )
    assert playing(manager, "LIM-GAT-01", NOON_IN_LIMA) == {"tourism-without-exploitation"}
    detail = html(manager.get(f"/bookings/{booking}"))
    assert "Nothing keeps this booking off its screens." in detail
    assert (
        "Salas de embarque (LIM/GAT)" in detail
        and "tourism-without-exploitation-zone-lim-gat" in detail
    )
    listed = html(manager.get("/bookings?hub=LIM"))
    assert f'href="/bookings/{booking}"' in listed


def add_gates_at_cuzco(app: Flask) -> None:
    """A boarding-gates zone at Cusco with a screen, Cusco in the funded phase 1."""
    with app.app_context():
        hub = db.session.scalar(select(Hub).filter_by(code="CUZ"))
        zone = places.create_zone(
            {
                "hub_id": hub.id,
                "code": "GAT",
                "name": "Puertas",
                "venue_type": "transit.airports.gates",
            }
        )
        places.create_screen(
            {"zone_id": zone.id, "code": "CUZ-GAT-01", "orientation": "landscape",
             "width": 1920, "height": 1080},
            now=NOON_IN_LIMA,
        )  # fmt: skip
        one = db.session.scalar(select(Phase).filter_by(number=1))
        hubs = [h.id for h in one.hubs] + [hub.id]
        campaigns.update_phase(one.id, {"hub_ids": hubs})


def test_a_venue_type_reaches_its_zones_in_every_hub_and_no_other(
    manager: FlaskClient, demo: Flask
) -> None:
    add_gates_at_cuzco(demo)
    page = html(manager.get("/bookings/new"))
    assert "Airport boarding gates (transit.airports.gates) – CUZ/GAT, LIM/GAT" in page
    create(manager, demo, "where-to-report", "venue:transit.airports.gates", priority="7")
    assert playing(manager, "LIM-GAT-01", NOON_IN_LIMA) == {"where-to-report"}
    assert playing(manager, "CUZ-GAT-01", NOON_IN_LIMA) == {"where-to-report"}
    for other in ("LIM-ARR-01", "LIM-DEP-01"):
        assert playing(manager, other, NOON_IN_LIMA) != {"where-to-report"}, other


def test_a_window_across_midnight_plays_at_one_and_not_at_three(
    manager: FlaskClient, demo: Flask
) -> None:
    create(
        manager, demo, "tourism-without-exploitation", "zone:LIM/GAT",
        priority="9", window_start="22:00", window_end="02:00",
    )  # fmt: skip
    night = TODAY + timedelta(days=1)
    assert playing(manager, "LIM-GAT-01", lima(night, 1)) == {"tourism-without-exploitation"}
    assert "tourism-without-exploitation" not in playing(manager, "LIM-GAT-01", lima(night, 3))
    page = html(manager.get("/bookings"))
    assert "22:00–02:00" in page and "crosses midnight" in page


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        (
            {"window_start": "10:00", "window_end": "10:00"},
            "window_end",
            "The window ends where it starts",
        ),
        ({"ends_on": "2027-12-31"}, "ends_on", "is outside the phases this target runs in"),
        ({"target": "zone:LIM/XXX"}, "target", "Choose where it plays from the list."),
        ({"starts_on": "2026-11-31"}, "starts_on", "A date such as 2026-12-01, please."),
        ({"weekdays": []}, "weekdays", "Choose at least one day of the week."),
    ],
)
def test_bad_input_is_refused_with_422_and_nothing_is_saved(
    manager: FlaskClient, demo: Flask, fields: dict[str, object], field: str, text: str
) -> None:
    before = bookings_count(demo)
    data = {**form(demo, "zero-tolerance", "hub:LIM"), **fields}
    answer = manager.post("/bookings/new", data=data)
    assert answer.status_code == 422
    page = html(answer)
    assert f'id="{field}-error"' in page and text in page
    assert bookings_count(demo) == before
    # What was typed is still there.
    if field == "window_end":
        assert 'value="10:00"' in page
    if field == "ends_on":
        assert 'value="2027-12-31"' in page


EMPTY_WINDOW = "The window ends where it starts: leave both times empty to play all day."


def _spanish_has(msgid: str) -> bool:
    found = Translations.load(str(PROJECT_ROOT / "campaign" / "translations"), ["es"])
    return found.gettext(msgid) != msgid


@pytest.mark.skipif(
    not _spanish_has(EMPTY_WINDOW), reason="the bookings' Spanish is not merged into the catalogue"
)
def test_a_refusal_is_in_the_readers_language(demo: Flask) -> None:
    spanish = signed_in(demo, "manager", email="rosa@example.org", locale="es")
    data = form(demo, "zero-tolerance", "hub:LIM", window_start="22:00", window_end="22:00")
    page = html(spanish.post("/bookings/new", data=data))
    assert "La franja termina donde empieza" in page


def test_warnings_for_a_draft_an_unfunded_phase_and_a_higher_priority(
    manager: FlaskClient, demo: Flask
) -> None:
    written = manager.post(
        "/messages/new",
        data={"campaign_id": "1", "key": "new-line", "topic": "reporting", "action": "save",
              "es-headline": "Línea nueva", "es-body": "Llame."},
    )  # fmt: skip
    assert written.status_code == 302
    draft = create(manager, demo, "new-line", "zone:LIM/ARR")
    assert "The message is still a draft: it plays once it is approved." in html(
        manager.get(f"/bookings/{draft}")
    )
    with demo.app_context():
        two = db.session.scalar(select(Phase).filter_by(number=2))
        starts = two.starts_on
    unfunded = create(
        manager, demo, "where-to-report", "phase:2",
        starts_on=starts.isoformat(), ends_on=(starts + timedelta(days=3)).isoformat(),
    )  # fmt: skip
    page = html(manager.get(f"/bookings/{unfunded}"))
    assert "This booking will not play" in page and "is not confirmed" in page
    low = create(manager, demo, "where-to-report", "screen:LIM-BAG-01")
    create(manager, demo, "zero-tolerance", "hub:LIM", priority="3", key="urgent-lima")
    page = html(manager.get(f"/bookings/{low}"))
    assert "A higher priority booking plays on the same screens" in page and "urgent-lima" in page
    listed = html(manager.get("/bookings?state=warning"))
    for booking in (draft, unfunded, low):
        assert f'href="/bookings/{booking}"' in listed


def test_the_week_shows_the_booked_message_with_its_share(
    manager: FlaskClient, demo: Flask
) -> None:
    create(manager, demo, "tourism-without-exploitation", "zone:LIM/GAT", priority="4")
    page = html(manager.get("/bookings/timeline?hub=LIM&zone=GAT&week=2026-11-25"))
    assert "week of Nov 23, 2026" in page
    shares = page.split('id="share-title"')[1].split("</table>")[0]
    row = shares.split("Tourism yes, exploitation no")[1].split("</tr>")[0]
    # From today, Saturday, it alone plays there: two days of seven.
    assert "28.6 %" in text(row) and "tourism-without-exploitation-zone-lim-gat" in row
    saturday = page.split("Saturday, November 28, 2026")[1].split("</section>")[0]
    assert "Tourism yes, exploitation no 100 % · 00:00–24:00" in text(saturday)
    friday = page.split("Friday, November 27, 2026")[1].split("</section>")[0]
    assert "Tourism yes, exploitation no" not in friday
    whole = manager.get("/bookings/timeline")
    assert whole.status_code == 200 and "Aeropuerto Internacional Jorge Chávez" in html(whole)
    assert manager.get("/bookings/timeline?hub=LIM&zone=NOPE").status_code == 400


def test_a_booking_is_changed_and_a_stale_change_is_refused(
    manager: FlaskClient, demo: Flask
) -> None:
    booking = create(manager, demo, "zero-tolerance", "zone:LIM/ARR")
    page = html(manager.get(f"/bookings/{booking}/edit"))
    assert 'name="lock_version" type="hidden" value="1"' in page
    data = form(demo, "zero-tolerance", "zone:LIM/DEP", weight="4", lock_version="1")
    assert manager.post(f"/bookings/{booking}/edit", data=data).status_code == 302
    assert "Hall de salidas (LIM/DEP)" in html(manager.get(f"/bookings/{booking}"))
    stale = manager.post(f"/bookings/{booking}/edit", data={**data, "weight": "5"})
    assert stale.status_code == 409 and "changed by someone else" in html(stale)
    gone = manager.post(f"/bookings/{booking}/delete", data={"lock_version": "2"})
    assert gone.status_code == 302 and manager.get(f"/bookings/{booking}").status_code == 404


def test_a_partner_reads_the_bookings_but_cannot_make_one(demo: Flask) -> None:
    partner = signed_in(demo, "partner", partner="mimp", locale="en")
    assert partner.get("/bookings").status_code == 200
    assert "New booking" not in html(partner.get("/bookings"))
    assert partner.get("/bookings/new").status_code == 403
    before = bookings_count(demo)
    refused = partner.post("/bookings/new", data=form(demo, "zero-tolerance", "hub:LIM"))
    assert refused.status_code == 403 and bookings_count(demo) == before
    assert partner.get("/bookings/1/edit").status_code == 403
    assert partner.get("/bookings/timeline?hub=LIM").status_code == 200
