"""The managers' preview links page: make a link (its address shown once), list, revoke."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.services.clock import clock_of
from tests.web.signing import signed_in
from tests.web.test_api_helpers import caller

LIVE = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
ADDRESS = re.compile(r'value="http://localhost(/p/[^"]+)"')


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, "manager", locale="en")


def form(app: Flask, **values: object) -> dict[str, object]:
    with app.app_context():
        found = {
            "campaign_id": db.session.scalar(select(Campaign.id)),
            "partner_id": db.session.scalar(select(Partner.id).filter_by(slug="mimp")),
        }
    return {**found, "scope": "campaign", "days": 30, "label": "MIMP", **values}


def test_a_new_link_shows_its_address_once_and_it_opens(live: Flask, manager: FlaskClient) -> None:
    rosa = caller(live, "rosa@mimp.example.org", "partner", "mimp")
    with live.app_context():
        phase = db.session.scalar(select(Phase.id).filter_by(number=1))
    made = manager.post("/previews", data=form(live, scope="phase", phase_id=phase,
                                               approver_id=rosa.id, days=7))  # fmt: skip
    html = made.get_data(as_text=True)
    assert made.status_code == 201, html
    assert made.headers["Cache-Control"] == "no-store"
    path = ADDRESS.search(html).group(1)
    assert 'data-copy="link-url"' in html and "network-copy.js" in html
    assert "rosa@mimp.example.org may approve and comment from it." in html
    listing = manager.get("/previews").get_data(as_text=True)
    assert path not in listing and path.removeprefix("/p/") not in listing  # shown once
    assert "Fase 1" in listing and "never opened" in listing and "Dec 5, 2026" in listing
    opened = live.test_client().get(path)
    assert opened.status_code == 200 and "Fase 1" in opened.get_data(as_text=True)
    assert "last opened Nov 28, 2026" in manager.get("/previews").get_data(as_text=True)


def test_refusals_are_shown_on_the_field(live: Flask, manager: FlaskClient) -> None:
    missing = manager.post("/previews", data=form(live, scope="hub", hub=""))
    assert missing.status_code == 422
    assert re.search(r'id="hub-error">Choose the hub the link covers\.', missing.get_data(True))
    long = manager.post("/previews", data=form(live, days=181))
    assert long.status_code == 422 and "A link lasts from 1 to 180 days." in long.get_data(True)
    with live.app_context():
        db.session.add(Partner(slug="lonely", name="Lonely", role="ministry"))
        db.session.commit()
        lonely = db.session.scalar(select(Partner.id).filter_by(slug="lonely"))
    off = manager.post("/previews", data=form(live, partner_id=lonely))
    assert off.status_code == 422  # not on a campaign: not even offered


def test_revoking_asks_first_then_the_link_answers_410(live: Flask, manager: FlaskClient) -> None:
    made = manager.post("/previews", data=form(live))
    path = ADDRESS.search(made.get_data(as_text=True)).group(1)
    listing = manager.get("/previews").get_data(as_text=True)
    revoke = re.search(r'href="(/previews/\d+/revoke)"', listing).group(1)
    confirm = manager.get(revoke)
    assert confirm.status_code == 200 and "MIMP" in confirm.get_data(as_text=True)
    assert live.test_client().get(path).status_code == 200  # asking changed nothing
    done = manager.post(revoke)
    assert done.status_code == 303 and done.headers["Location"].startswith("/previews#link-")
    assert live.test_client().get(path).status_code == 410
    assert "revoked on" in manager.get("/previews").get_data(as_text=True)
    assert "already revoked" in manager.get(revoke).get_data(as_text=True)
    assert manager.get("/previews/99999/revoke").status_code == 404


def test_only_staff_see_the_page(live: Flask) -> None:
    partner = signed_in(live, "partner", "mimp")
    assert partner.get("/previews").status_code == 403
    anonymous = live.test_client().get("/previews")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
