"""One answer for what a screen plays: the poll and the preview agree, across every campaign."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Message
from campaign.persistence.network import Screen as ScreenRow
from campaign.services import messages, screens
from campaign.services.campaigns import update_phase
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from campaign.web.player import cache as player_cache
from tests.web.test_api_helpers import Caller, staff

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on DEMO_TODAY
POLL = "/api/v1/player/playlist"
DEMO_SLUG = "peru-unido-contra-la-trata"
SECOND_SLUG = "viaja-seguro"

# A second campaign at Lima, running across NOW: two messages booked 3:1 on the whole hub.
SECOND_PLAN = """
[campaign]
slug = "viaja-seguro"
languages = ["es", "en"]

[campaign.name]
es = "Viaja seguro"
en = "Travel safe"

[campaign.slogan]
es = "Infórmate antes de viajar."
en = "Know before you go."

[[hubs]]
code = "LIM"
name = "Aeropuerto Internacional Jorge Chávez"
kind = "airport"
timezone = "America/Lima"

[[phases]]
number = 1
name = "Lima"
starts_on = 2026-11-01
ends_on = 2027-01-31
funding_status = "confirmed"
hubs = ["LIM"]

[[messages]]
key = "documents"
status = "approved"
version = 1
fallback = true

[messages.es]
headline = "Lleva tus documentos"
body = "Tu pasaporte es tuyo: nadie más debe guardarlo."

[messages.en]
headline = "Keep your documents"
body = "Your passport is yours: nobody else should keep it."

[[messages]]
key = "offers"
status = "approved"
version = 1

[messages.es]
headline = "Desconfía de ofertas fáciles"
body = "Un trabajo demasiado bueno para ser verdad suele no serlo."

[messages.en]
headline = "Beware of easy offers"
body = "A job too good to be true usually is."

[[bookings]]
key = "lim-documents"
message = "documents"
target = "hub:LIM"
starts_on = 2026-11-01
ends_on = 2027-01-31
weight = 3

[[bookings]]
key = "lim-offers"
message = "offers"
target = "hub:LIM"
starts_on = 2026-11-01
ends_on = 2027-01-31
weight = 1
"""


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    return staff(demo)


@pytest.fixture
def tokens(demo: Flask) -> dict[str, str]:
    with demo.app_context():
        codes = sorted(db.session.scalars(select(ScreenRow.code)))
        return {code: screens.issue_token(code, now=NOW) for code in codes}


def at(app: Flask, instant: datetime) -> None:
    """Set the whole app's clock, and let the player caches look for new content now."""
    clock_of(app).set(instant)
    player_cache.cache(app).checked_at = float("-inf")


def poll(client: FlaskClient, token: str) -> dict:
    answer = client.get(POLL, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def preview(client: FlaskClient, caller: Caller, code: str, instant: datetime) -> dict:
    answer = client.get(
        f"/api/v1/screens/{code}/preview",
        query_string={"at": instant.isoformat()},
        headers=caller.headers,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def airtime(items: list[dict]) -> Counter[str]:
    seconds = Counter[str]()
    for item in items:
        seconds[item["campaign"]] += item["duration_s"]
    return seconds


def add_second_campaign(app: Flask) -> None:
    with app.app_context():
        load_plan(SECOND_PLAN, "second.toml")


def set_phase_share(app: Flask, slug: str, share: float) -> None:
    with app.app_context():
        from campaign.persistence.campaigns import Campaign

        phase = db.session.scalar(
            select(Phase).join(Campaign).where(Campaign.slug == slug, Phase.number == 1)
        )
        update_phase(phase.id, {"share_of_voice": share, "version": phase.lock_version})


# --- several campaigns ----------------------------------------------------------------------------


def test_two_campaigns_at_lima_play_in_the_proportions_set(
    demo: Flask, people: dict[str, Caller], tokens: dict[str, str]
) -> None:
    add_second_campaign(demo)
    set_phase_share(demo, SECOND_SLUG, 2)  # twice the demo campaign's airtime
    at(demo, NOW)
    client = demo.test_client()
    for code, token in tokens.items():
        body = poll(client, token)
        seconds = airtime(body["items"])
        assert set(seconds) == {DEMO_SLUG, SECOND_SLUG}, code
        ratio = Fraction(seconds[SECOND_SLUG], seconds[DEMO_SLUG])
        # Exact where the two loops fit a mixed loop of MAX_MIX_ITEMS, else the closest there.
        assert abs(ratio - 2) <= Fraction(2, 40), (code, seconds)
        if code.startswith("LIM-ARR"):
            assert ratio == 2, (code, seconds)
        shown = preview(client, people["admin"], code, NOW)
        assert [i["id"] for i in shown["items"]] == [i["id"] for i in body["items"]]
        assert shown["version"] == body["version"]
        assert shown["campaigns"] == sorted([DEMO_SLUG, SECOND_SLUG])
        # Each campaign's own loop is kept whole: the second plays its 3:1 inside its share.
        mine = Counter(i["message"] for i in body["items"] if i["campaign"] == SECOND_SLUG)
        assert mine["documents"] == 3 * mine["offers"], mine


def test_three_to_one_plays_three_to_one(demo: Flask, tokens: dict[str, str]) -> None:
    add_second_campaign(demo)
    with demo.app_context():  # the demo campaign's messages leave the screens: only 3:1 is left
        for message in db.session.scalars(select(Message)):
            if message.campaign.slug == DEMO_SLUG and message.key != "zero-tolerance":
                messages.retire(message.id, _admin(demo))
        messages.pause(_id(DEMO_SLUG, "zero-tolerance"), _admin(demo))
    at(demo, NOW)
    body = poll(demo.test_client(), tokens["LIM-ARR-01"])
    slots = [i["message"] for i in body["items"] if i["lang"] in ("es", "es+en")]
    assert Counter(slots) == {"documents": 3, "offers": 1}
    assert {i["campaign"] for i in body["items"]} == {SECOND_SLUG}


def test_a_paused_or_unfunded_campaign_takes_nothing_from_the_others(
    demo: Flask, tokens: dict[str, str]
) -> None:
    add_second_campaign(demo)
    with demo.app_context():
        from campaign.persistence.campaigns import Campaign

        phase = db.session.scalar(select(Phase).join(Campaign).where(Campaign.slug == SECOND_SLUG))
        phase.funding_status = "pending"
        db.session.commit()
    at(demo, NOW)
    body = poll(demo.test_client(), tokens["LIM-ARR-01"])
    assert {i["campaign"] for i in body["items"]} == {DEMO_SLUG}


# --- never empty --------------------------------------------------------------------------------


def test_adding_quechua_leaves_every_screen_playing(
    demo: Flask, people: dict[str, Caller], tokens: dict[str, str]
) -> None:
    client = demo.test_client()
    admin = people["admin"]
    campaign = client.get("/api/v1/campaigns", headers=admin.headers).get_json()["items"][0]
    at(demo, NOW)
    before = {code: poll(client, token) for code, token in tokens.items()}
    change = {
        "version": campaign["version"],
        "languages": ["es", "en", "qu"],
        "names": {**campaign["names"], "qu": "Perú huñulla runa qhatuypa contra"},
        "slogans": {**campaign["slogans"], "qu": "Ama pipas. Rikuspaqa willakuy."},
    }
    answer = client.patch(f"/api/v1/campaigns/{campaign['id']}", json=change, headers=admin.headers)
    assert answer.status_code == 200, answer.get_json()
    at(demo, NOW)
    for code, token in tokens.items():
        body = poll(client, token)
        assert body["items"] and body["fallback"], code
        assert {i["lang"] for i in body["items"]} == {i["lang"] for i in before[code]["items"]}
    listing = client.get("/api/v1/messages", headers=admin.headers)
    assert listing.status_code == 200, listing.get_data(as_text=True)
    listed = listing.get_json()["items"]
    assert listed and all(m["missing_languages"] == ["qu"] for m in listed)
    with demo.app_context():
        draft = _id(DEMO_SLUG, "zero-tolerance")
    edit = client.put(
        f"/api/v1/messages/{draft}/texts",
        json={"version": _lock(demo, draft), "texts": {"es": {"headline": "Tolerancia cero"}}},
        headers=admin.headers,
    )
    assert edit.status_code == 200, edit.get_json()
    submit = client.post(f"/api/v1/messages/{draft}/submit", json={}, headers=admin.headers)
    assert submit.status_code == 422 and "qu" in submit.get_json()["detail"]


def test_removing_a_language_in_use_is_refused_unless_confirmed(
    demo: Flask, people: dict[str, Caller], tokens: dict[str, str]
) -> None:
    client = demo.test_client()
    admin = people["admin"]
    campaign = client.get("/api/v1/campaigns", headers=admin.headers).get_json()["items"][0]
    change = {"version": campaign["version"], "languages": ["es"]}
    refused = client.patch(
        f"/api/v1/campaigns/{campaign['id']}", json=change, headers=admin.headers
    )
    assert refused.status_code == 409
    assert (
        "zero-tolerance" in refused.get_json()["detail"] and "en:" in refused.get_json()["detail"]
    )
    again = client.get(f"/api/v1/campaigns/{campaign['id']}", headers=admin.headers).get_json()
    assert again["languages"] == ["es", "en"] and again["version"] == campaign["version"]
    confirmed = {**change, "confirm_language_removal": True}
    answer = client.patch(
        f"/api/v1/campaigns/{campaign['id']}", json=confirmed, headers=admin.headers
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["names"].keys() == {"es"}
    at(demo, NOW)
    body = poll(client, tokens["LIM-ARR-01"])
    assert body["items"] and {i["lang"] for i in body["items"]} == {"es"}


def test_a_share_of_voice_that_is_not_positive_gets_422_naming_the_field(
    demo: Flask, people: dict[str, Caller]
) -> None:
    client = demo.test_client()
    admin = people["admin"]
    phase = client.get("/api/v1/phases", headers=admin.headers).get_json()["items"][0]
    for bad in (0, -1, "lots", None):
        answer = client.patch(
            f"/api/v1/phases/{phase['id']}",
            json={"version": phase["version"], "share_of_voice": bad},
            headers=admin.headers,
        )
        assert answer.status_code == 422, bad
        assert "share_of_voice" in str(answer.get_json()), answer.get_json()
    campaign = client.get("/api/v1/campaigns", headers=admin.headers).get_json()["items"][0]
    answer = client.patch(
        f"/api/v1/campaigns/{campaign['id']}",
        json={"version": campaign["version"], "share_of_voice_by_hub": {"LIM": 0}},
        headers=admin.headers,
    )
    assert answer.status_code == 422 and "share_of_voice_by_hub" in str(answer.get_json())


# --- the poll and the preview are one answer ------------------------------------------------------

CHANGES = st.sampled_from(
    ["nothing", "pause", "resume", "retire", "second-campaign", "share", "unfund", "add-language"]
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    change=CHANGES,
    message_index=st.integers(0, 5),
    code_index=st.integers(0, 10),
    hours=st.integers(-24 * 30, 24 * 60),
)
def test_the_poll_and_the_preview_list_the_same_items_and_version(
    demo: Flask,
    people: dict[str, Caller],
    tokens: dict[str, str],
    change: str,
    message_index: int,
    code_index: int,
    hours: int,
) -> None:
    apply_change(demo, change, message_index)
    instant = NOW + timedelta(hours=hours, minutes=17)
    at(demo, instant)
    client = demo.test_client()
    code = sorted(tokens)[code_index % len(tokens)]
    body = poll(client, tokens[code])
    shown = preview(client, people["admin"], code, instant)
    assert [(i["id"], i["duration_s"]) for i in shown["items"]] == [
        (i["id"], i["duration_s"]) for i in body["items"]
    ]
    assert [i["url"] for i in shown["items"]] == [i["url"] for i in body["items"]]
    assert shown["version"] == body["version"]
    assert body["items"] and body["fallback"]


def apply_change(app: Flask, change: str, index: int) -> None:
    """One manager action, as the services do it."""
    with app.app_context():
        admin = _admin(app)
        rows = sorted(db.session.scalars(select(Message)), key=lambda m: (m.campaign_id, m.key))
        row = rows[index % len(rows)]
        try:
            if change == "pause":
                messages.pause(row.id, admin)
            elif change == "resume":
                messages.resume(row.id, admin)
            elif change == "retire":
                messages.retire(row.id, admin)
            elif change == "second-campaign":
                load_plan(SECOND_PLAN, "second.toml")
            elif change == "share":
                phase = db.session.scalars(select(Phase).order_by(Phase.id)).first()
                update_phase(phase.id, {"share_of_voice": 1 + index, "version": phase.lock_version})
            elif change == "unfund":
                phase = db.session.scalars(select(Phase).order_by(Phase.id)).first()
                phase.funding_status = "pending"
                db.session.commit()
            elif change == "add-language":
                campaign = row.campaign
                if "qu" not in campaign.languages:
                    campaign.languages = [*campaign.languages, "qu"]
                campaign.names = {**campaign.names, "qu": "Qhichwa suti"}
                db.session.commit()
        except Exception as exc:  # a change that does not apply (already paused, …) is skipped
            from campaign.services.errors import ServiceError

            db.session.rollback()
            if not isinstance(exc, ServiceError):
                raise


def _admin(app: Flask):  # type: ignore[no-untyped-def]
    from campaign.persistence.accounts import User

    user = db.session.scalar(select(User).filter_by(role="admin"))
    if user is None:
        from campaign.services.accounts import add_user

        user = add_user("playback-admin@example.org", "admin", "a long enough password", now=NOW)
    return user


def _id(slug: str, key: str) -> int:
    from campaign.persistence.campaigns import Campaign

    return db.session.scalar(
        select(Message.id).join(Campaign).where(Campaign.slug == slug, Message.key == key)
    )


def _lock(app: Flask, message_id: int) -> int:
    with app.app_context():
        return db.session.get(Message, message_id).lock_version


def test_a_partner_sees_the_whole_loop_but_only_their_campaigns_words(
    demo: Flask, people: dict[str, Caller]
) -> None:
    add_second_campaign(demo)
    client = demo.test_client()
    shown = preview(client, people["partner"], "LIM-ARR-01", NOW)  # a partner of the demo's
    mine = [i for i in shown["items"] if i["campaign"] == DEMO_SLUG]
    others = [i for i in shown["items"] if i["campaign"] == SECOND_SLUG]
    assert mine and others
    assert all(i["headline"] for i in mine)
    assert all(i["headline"] == "" and i["url"] is None for i in others)
    outsider = client.get("/api/v1/screens/LIM-ARR-01/preview", headers=people["outsider"].headers)
    assert outsider.status_code == 404  # no campaign of theirs: nothing to preview


def test_a_campaign_whose_card_would_not_be_legible_is_refused(
    demo: Flask, people: dict[str, Caller]
) -> None:
    client = demo.test_client()
    admin = people["admin"]
    campaign = client.get("/api/v1/campaigns", headers=admin.headers).get_json()["items"][0]
    grey = {"version": campaign["version"], "foreground": "#777777", "background": "#888888"}
    answer = client.patch(f"/api/v1/campaigns/{campaign['id']}", json=grey, headers=admin.headers)
    assert answer.status_code == 422
    assert "card" in answer.get_json()["detail"] and "contrast" in answer.get_json()["detail"]
    again = client.get(f"/api/v1/campaigns/{campaign['id']}", headers=admin.headers).get_json()
    assert again["foreground"] == campaign["foreground"] and again["version"] == campaign["version"]
