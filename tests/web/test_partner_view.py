"""The partner's pages from a preview link: private answers, friendly refusals that tell nothing,
nothing outside the scope, and approving from the link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.persistence.messages import Message
from campaign.services import preview_links
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app, reset_database
from tests.web.test_api_helpers import caller

LIVE = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
PERSONAL = (
    "A preview link is personal: it was sent to your organisation by the team running the "
    "campaign. They can send you a new one."
)
# What no refusal may show: the campaign, the partner, the messages, the places.
SECRETS = ("Perú unido", "Peru United", "Ministerio", "Tolerancia", "Línea 100", "Jorge Chávez",
           "LIM-", "mimp", "peru-unido")  # fmt: skip


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


def ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            "campaign": db.session.scalar(select(Campaign.id)),
            "mimp": db.session.scalar(select(Partner.id).filter_by(slug="mimp")),
            "phase1": db.session.scalar(select(Phase.id).filter_by(number=1)),
            **{
                key: db.session.scalar(select(Message.id).filter_by(key=key))
                for key in ("violence-line-100", "tourism-without-exploitation")
            },
        }


def make(app: Flask, scope: str = "campaign", **values: object) -> tuple[int, str]:
    found = ids(app)
    with app.app_context():
        row, token = preview_links.make_link(
            found["campaign"],
            found["mimp"],
            scope,
            None,
            now=LIVE,
            **values,  # type: ignore[arg-type]
        )
        return row.id, f"/p/{token}"


def client(app: Flask, lang: str = "en") -> FlaskClient:
    browser = app.test_client()
    browser.set_cookie("lang", lang)
    return browser


def refusal_text(msgid: str, lang: str) -> str:
    with force_locale(lang):
        return gettext(msgid)


def assert_refused(app: Flask, path: str, status: int, heading: str) -> None:
    """The refusal page in Spanish and English: its status, its words, and nothing else."""
    for lang in ("es", "en"):
        answer = client(app, lang).get(path)
        html = answer.get_data(as_text=True)
        assert answer.status_code == status, path
        assert f'<html lang="{lang}">' in html
        with app.test_request_context("/"):
            assert refusal_text(heading, lang) in html
            assert refusal_text(PERSONAL, lang) in html  # what to do: ask for a new link
        # The language buttons send the reader back to the address they typed: not a leak.
        shown = re.sub(r'name="next" value="[^"]*"', "", html)
        assert not [s for s in SECRETS if s in shown], (path, [s for s in SECRETS if s in shown])
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert 'aria-label="Main"' not in html


def test_an_open_link_shows_the_campaign_privately_and_no_managers_navigation(live: Flask) -> None:
    _id, path = make(live)
    answer = client(live).get(path)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Peru United Against Human Trafficking" in html and "Line 100" in html
    assert "Ministerio de la Mujer y Poblaciones Vulnerables" in html
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Robots-Tag"] == "noindex"
    assert 'aria-label="Main"' not in html and "/admin" not in html  # no managers' navigation
    pictures = re.findall(r'src="(/p/[^"]+\.png)"', html)
    assert pictures
    picture = client(live).get(pictures[0])
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert picture.headers["Cache-Control"] == "private, no-store"


def test_a_tampered_or_made_up_link_is_a_friendly_404_in_both_languages(live: Flask) -> None:
    _id, path = make(live)
    payload, _dot, signature = path.rpartition(".")
    tampered = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    for bad in (tampered, "/p/nothing", "/p/" + "a" * 300, tampered + "/messages/1"):
        assert_refused(live, bad, 404, "There is nothing at this address")


def test_an_expired_link_is_410_from_its_last_instant_on(live: Flask) -> None:
    _id, path = make(live, days=1)
    assert client(live).get(path).status_code == 200
    clock_of(live).set(LIVE + timedelta(days=1))
    assert_refused(live, path, 410, "This preview link has expired")


def test_a_revoked_link_is_410_and_shows_nothing(live: Flask) -> None:
    link_id, path = make(live)
    found = ids(live)
    with live.app_context():
        preview_links.revoke_link(link_id, None, now=LIVE)
    assert_refused(live, path, 410, "This preview link was withdrawn")
    assert_refused(live, f"{path}/messages/{found['violence-line-100']}", 410,
                   "This preview link was withdrawn")  # fmt: skip


def test_a_partner_off_the_campaign_gets_403(live: Flask) -> None:
    _id, path = make(live)
    with live.app_context():
        row = db.session.scalar(select(Campaign))
        row.partners = [p for p in row.partners if p.slug != "mimp"]
        db.session.commit()
    assert_refused(live, path, 403, "This link no longer opens the preview")


def test_ids_codes_and_pictures_outside_the_scope_are_the_same_404(live: Flask) -> None:
    found = ids(live)
    _id, path = make(live, "message", message_id=found["tourism-without-exploitation"])
    tourism, line = found["tourism-without-exploitation"], found["violence-line-100"]
    assert client(live).get(f"{path}/messages/{tourism}").status_code == 200
    assert client(live).get(f"{path}/screens/LIM-ARR-01").status_code == 200
    assert client(live).get(f"{path}/pictures/{tourism}/v1/es/1920x1080.png").status_code == 200
    for outside in (
        f"{path}/messages/{line}",
        f"{path}/messages/99999",
        f"{path}/screens/LIM-DEP-01",
        f"{path}/screens/NOPE",
        f"{path}/pictures/{line}/v1/es/1920x1080.png",
        f"{path}/pictures/{tourism}/v2/es/1920x1080.png",
        f"{path}/pictures/{tourism}/v1/es/4000x4000.png",
        f"{path}/pictures/{tourism}/v1/xx/1920x1080.png",
        f"{path}/pictures/{tourism}/v1/es/\u00b2x1080.png",  # a superscript two is no number
    ):
        assert_refused(live, outside, 404, "There is nothing at this address")


def test_what_plays_takes_a_local_time_and_explains_a_bad_one(live: Flask) -> None:
    _id, path = make(live)
    page = client(live).get(f"{path}/screens/LIM-DEP-01?at=2026-11-28T19:00")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="2026-11-28T19:00"' in html
    assert "The loop at Nov 28, 2026, 19:00" in html
    bad = client(live).get(f"{path}/screens/LIM-DEP-01?at=3000-01-01T00:00")
    assert bad.status_code == 422
    assert "is not a date and time between 2000 and 2100" in bad.get_data(as_text=True)
    assert "The loop at" not in bad.get_data(as_text=True)


def test_the_language_buttons_come_back_to_the_same_link(live: Flask) -> None:
    _id, path = make(live)
    browser = client(live, "es")
    html = browser.get(path).get_data(as_text=True)
    assert f'name="next" value="{path}"' in html and '<html lang="es">' in html
    switched = browser.post("/language", data={"locale": "en", "next": path})
    assert switched.status_code == 302 and switched.headers["Location"] == path
    assert '<html lang="en">' in browser.get(path).get_data(as_text=True)


def test_the_approver_approves_from_the_link_and_the_trail_shows_it(live: Flask) -> None:
    rosa = caller(live, "rosa@mimp.example.org", "partner", "mimp")
    link_id, path = make(live, approver_id=rosa.id)
    line = ids(live)["violence-line-100"]
    page = client(live).get(f"{path}/messages/{line}").get_data(as_text=True)
    assert "Approve version 1" in page and "rosa@mimp.example.org" in page
    commented = client(live).post(
        f"{path}/messages/{line}/comment", data={"comment-number": 1, "comment-body": "De acuerdo."}
    )
    assert commented.status_code == 303
    done = client(live).post(f"{path}/messages/{line}/approve", data={"number": 1})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/messages/{line}")
    with live.app_context():
        version = db.session.scalar(select(Message).filter_by(id=line)).versions[0]
        assert version.status == "approved" and version.approved_by_id == rosa.id
        actors = set(
            db.session.scalars(
                select(AuditEvent.actor).where(AuditEvent.entity.in_(
                    ["message_versions", "review_comments", "preview_links"]))
            )
        )  # fmt: skip
    assert f"rosa@mimp.example.org via preview link #{link_id}" in actors
    after = client(live).get(f"{path}/messages/{line}").get_data(as_text=True)
    assert "Approve version" not in after and "De acuerdo." in after
    again = client(live).post(f"{path}/messages/{line}/approve", data={"number": 1})
    assert again.status_code == 303  # refused with the reason, nothing changes
    view_only_id, view_only = make(live)
    refused = client(live).post(f"{view_only}/messages/{line}/approve", data={"number": 1})
    assert refused.status_code == 303
    assert "viewing only" in client(live).get(refused.headers["Location"]).get_data(as_text=True)
    assert view_only_id != link_id


def test_a_form_without_its_csrf_token_changes_nothing_and_says_so(
    database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        reset_database()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    clock_of(app).set(LIVE)
    rosa = caller(app, "rosa@mimp.example.org", "partner", "mimp")
    _id, path = make(app, approver_id=rosa.id)
    line = ids(app)["violence-line-100"]
    browser = client(app)
    page = browser.get(f"{path}/messages/{line}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    forged = browser.post(f"{path}/messages/{line}/approve", data={"number": 1})
    assert forged.status_code == 303 and forged.headers["Location"] == f"{path}/messages/{line}"
    assert "The form had expired" in browser.get(forged.headers["Location"]).get_data(True)
    with app.app_context():
        assert db.session.get(Message, line).versions[0].status == "in_review"
    done = browser.post(f"{path}/messages/{line}/approve", data={"number": 1, "csrf_token": token})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(Message, line).versions[0].status == "approved"
        db.session.remove()
        db.engine.dispose()


def test_over_https_the_approver_approves_with_the_referer_the_page_lets_through(
    database_url: str, tmp_path: Path
) -> None:
    """Over HTTPS the CSRF check wants a Referer from this site: the link's pages send it to
    this site only (same-origin), so the browser's post carries it and the approval goes in."""
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        reset_database()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    clock_of(app).set(LIVE)
    rosa = caller(app, "rosa@mimp.example.org", "partner", "mimp")
    _id, path = make(app, approver_id=rosa.id)
    line = ids(app)["violence-line-100"]
    site = "https://campaign.example.org"
    browser = client(app)
    shown = browser.get(f"{path}/messages/{line}", base_url=site)
    assert shown.headers["Referrer-Policy"] == "same-origin"
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown.get_data(True)).group(1)
    form = {"number": 1, "csrf_token": token}
    without = browser.post(f"{path}/messages/{line}/approve", data=form, base_url=site)
    assert without.status_code == 303
    with app.app_context():
        assert db.session.get(Message, line).versions[0].status == "in_review"
    referer = {"Referer": f"{site}{path}/messages/{line}"}
    done = browser.post(
        f"{path}/messages/{line}/approve", data=form, base_url=site, headers=referer
    )
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(Message, line).versions[0].status == "approved"
        db.session.remove()
        db.engine.dispose()
