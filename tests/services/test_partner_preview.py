"""What a preview link shows: only its scope's messages, screens and phases; approving from it
goes through the workflow, by the approver, and the audit trail names the link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from io import BytesIO

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.persistence.messages import Message
from campaign.persistence.network import Hub
from campaign.persistence.reviews import ReviewComment
from campaign.services import partner_preview, partner_preview_review, preview_links
from campaign.services.errors import Forbidden, Invalid, NotFound
from campaign.services.preview_link_access import PreviewAccess, open_link
from tests.web.test_api_helpers import caller

AT = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on the demo's day
EVENING = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)  # 19:00 in Lima: the evening booking plays


@pytest.fixture
def ctx(demo: Flask) -> Iterator[Flask]:
    with demo.test_request_context("/", headers={"Accept-Language": "en"}):
        yield demo


def rosa(app: Flask) -> User:
    found = db.session.scalar(select(User).filter_by(email="rosa@mimp.example.org"))
    return found or db.session.get(User, caller(app, "rosa@mimp.example.org", "partner", "mimp").id)


def message_id(key: str) -> int:
    return db.session.scalar(select(Message.id).filter_by(key=key))


def link(scope: str = "campaign", **values: object) -> PreviewAccess:
    campaign = db.session.scalar(select(Campaign))
    mimp = db.session.scalar(select(Partner).filter_by(slug="mimp"))
    _row, token = preview_links.make_link(campaign.id, mimp.id, scope, None, now=AT, **values)  # type: ignore[arg-type]
    return open_link(token, AT)


def keys(page: partner_preview.Overview) -> list[str]:
    return [m.key for m in page.messages]


def test_each_scope_shows_its_own_messages_screens_and_phases(ctx: Flask) -> None:
    whole = partner_preview.overview(link(), AT, "en")
    assert keys(whole) == [
        "recognise-the-signs",
        "tourism-without-exploitation",
        "violence-line-100",
        "where-to-report",
        "zero-tolerance",
    ]
    assert [p.number for p in whole.phases] == [1, 2, 3] and len(whole.screens) == 6
    assert whole.head.scope_title == "The whole campaign"
    line = next(m for m in whole.messages if m.key == "violence-line-100")
    assert line.live is None and line.review is not None and line.review.number == 1
    assert [t.lang for t in line.review.texts] == ["es", "en"]
    assert {(s.lang, s.orientation) for s in line.review.slots} >= {
        ("es", "landscape"), ("en", "landscape"), ("es", "portrait"), ("en", "portrait"),
        ("es+en", "landscape"),
    }  # fmt: skip
    phase = db.session.scalar(select(Phase).filter_by(number=1))
    first = partner_preview.overview(link("phase", phase_id=phase.id), AT, "en")
    assert "violence-line-100" not in keys(first)  # booked nowhere, in review: not in a phase
    assert [p.number for p in first.phases] == [1]
    bookings = {(b.headline, b.window, b.days) for b in first.phases[0].bookings}
    assert ("Where to report", "18:00–02:00", "") in bookings
    assert ("Where to report", "", "Fri, Sat, Sun") in bookings
    cusco = partner_preview.overview(link("hub", hub_code="CUZ"), AT, "en")
    assert keys(cusco) == ["zero-tolerance"]  # only the fallback plays where nothing is booked
    assert cusco.screens == () and [p.number for p in cusco.phases] == [2]
    tourism = partner_preview.overview(
        link("message", message_id=message_id("tourism-without-exploitation")), AT, "en"
    )
    assert keys(tourism) == ["tourism-without-exploitation"]
    assert [s.code for s in tourism.screens] == ["LIM-ARR-01", "LIM-ARR-02"]  # its zone only


def test_nothing_outside_the_scope_is_reached_by_changing_an_id(ctx: Flask) -> None:
    phase = db.session.scalar(select(Phase).filter_by(number=1))
    access = link("phase", phase_id=phase.id)
    line = message_id("violence-line-100")
    with pytest.raises(NotFound):
        partner_preview.message_card(access, line, AT, "en")
    with pytest.raises(NotFound):
        partner_preview.picture(access, line, 1, "es", "1920x1080", AT)
    one = link("message", message_id=message_id("tourism-without-exploitation"))
    with pytest.raises(NotFound):
        partner_preview.screen_timezone(one, "LIM-DEP-01")  # not a screen it plays on
    with pytest.raises(NotFound):
        partner_preview.screen_plays(one, "LIM-DEP-01", AT, "en")
    tourism = message_id("tourism-without-exploitation")
    for number, lang, size in ((2, "es", "1920x1080"), (1, "fr", "1920x1080"),
                               (1, "es", "640x480"), (1, "es", "big")):  # fmt: skip
        with pytest.raises(NotFound):
            partner_preview.picture(one, tourism, number, lang, size, AT)
    png = partner_preview.picture(one, tourism, 1, "en", "1920x1080", AT)
    with Image.open(BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (480, 270)


def test_what_plays_shows_the_scope_and_hides_the_rest(ctx: Flask) -> None:
    tourism = link("message", message_id=message_id("tourism-without-exploitation"))
    view = partner_preview.screen_plays(tourism, "LIM-ARR-01", AT, "en")
    shown = [i for i in view.items if i.shown]
    hidden = [i for i in view.items if not i.shown]
    assert shown and all(i.message_id == message_id("tourism-without-exploitation") for i in shown)
    assert hidden and all(i.headline == "" and i.message_id is None for i in hidden)
    assert view.local_time.hour == 12 and view.timezone == "America/Lima"
    whole = link()
    noon = partner_preview.screen_plays(whole, "LIM-DEP-01", AT, "en")
    evening = partner_preview.screen_plays(whole, "LIM-DEP-01", EVENING, "en")
    report = message_id("where-to-report")  # booked 18:00-02:00 in departures
    assert report not in {i.message_id for i in noon.items}
    assert report in {i.message_id for i in evening.items}
    assert partner_preview.asked_instant("", "America/Lima", AT) == AT
    assert partner_preview.asked_instant("2026-11-28T19:00", "America/Lima", AT) == EVENING
    for bad in ("tomorrow", "9999-01-01T00:00", "1900-01-01T00:00"):
        with pytest.raises(Invalid, match="is not a date and time between 2000 and 2100"):
            partner_preview.asked_instant(bad, "America/Lima", AT)


def test_the_approver_approves_through_the_workflow_and_the_trail_names_the_link(
    ctx: Flask,
) -> None:
    person = rosa(ctx)
    access = link(approver_id=person.id)
    line = message_id("violence-line-100")
    state = partner_preview_review.review_state(access, line)
    assert state.may_approve and state.number == 1 and state.approver == person.email
    partner_preview_review.comment(access, line, 1, "Falta el horario de atención.", AT)
    assert partner_preview_review.approve(access, line, 1, AT) == 1
    version = db.session.scalar(select(Message).filter_by(id=line)).versions[0]
    assert version.status == "approved" and version.approved_by_id == person.id
    label = f"rosa@mimp.example.org via preview link #{access.link_id}"
    approved = db.session.scalar(
        select(AuditEvent).filter_by(
            entity="message_versions", entity_id=str(version.id), action="update"
        )
    )
    assert approved.actor == label and approved.actor_id == person.id
    assert approved.after["status"] == "approved"
    used = db.session.scalar(select(AuditEvent).filter_by(action="approve_via_preview_link"))
    assert used.entity_id == str(access.link_id)
    assert used.after == {"message_id": line, "version": 1}
    comment = db.session.scalar(select(ReviewComment))
    assert comment.author_id == person.id
    noted = db.session.scalar(select(AuditEvent).filter_by(entity="review_comments"))
    assert noted.actor == label
    after = partner_preview_review.review_state(access, line)
    assert not after.may_approve and "nothing to approve" in after.approve_reason
    assert [c.body for c in after.comments] == ["Falta el horario de atención."]


def test_no_approval_from_a_view_only_link_or_by_someone_who_left(ctx: Flask) -> None:
    line = message_id("violence-line-100")
    view_only = link()
    state = partner_preview_review.review_state(view_only, line)
    assert not state.may_approve and not state.may_comment
    assert "viewing only" in state.approve_reason
    assert state.comments == ()
    with pytest.raises(Forbidden):
        partner_preview_review.approve(view_only, line, 1, AT)
    person = rosa(ctx)
    access = link(approver_id=person.id)
    person.partner_id = db.session.scalar(select(Partner.id).filter_by(slug="oim-peru"))
    db.session.commit()
    moved = partner_preview_review.review_state(access, line)
    assert not moved.may_approve and "no longer an active user" in moved.approve_reason
    with pytest.raises(Forbidden, match="no longer an active user"):
        partner_preview_review.approve(access, line, 1, AT)
    with pytest.raises(Forbidden):
        partner_preview_review.comment(access, line, 1, "hola", AT)
    assert db.session.scalar(select(Message).filter_by(id=line)).versions[0].status == "in_review"


def test_where_managers_approve_a_partner_is_told_so(ctx: Flask) -> None:
    row = db.session.scalar(select(Campaign))
    row.requires_partner_approval = False
    db.session.commit()
    access = link(approver_id=rosa(ctx).id)
    state = partner_preview_review.review_state(access, message_id("violence-line-100"))
    assert not state.may_approve and "approved by its campaign managers" in state.approve_reason
    assert state.may_comment  # they may still say what they think
    with pytest.raises(Forbidden):
        partner_preview_review.approve(access, message_id("violence-line-100"), 1, AT)


def test_a_hub_taken_out_of_the_phases_is_forbidden(ctx: Flask) -> None:
    _row, token = preview_links.make_link(
        db.session.scalar(select(Campaign.id)),
        db.session.scalar(select(Partner.id).filter_by(slug="mimp")),
        "hub",
        None,
        hub_code="AQP",
        now=AT,
    )
    aqp = db.session.scalar(select(Hub).filter_by(code="AQP"))
    for phase in db.session.scalars(select(Phase)):
        phase.hubs = [h for h in phase.hubs if h.id != aqp.id]
    db.session.commit()
    with pytest.raises(Forbidden):
        open_link(token, AT)
