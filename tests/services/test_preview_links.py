"""Preview links: made only within a campaign, opened only while real, revoked for good."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.persistence.messages import Message
from campaign.persistence.network import Hub
from campaign.persistence.previews import PreviewLink
from campaign.services import generation
from campaign.services import preview_links as links
from campaign.services.errors import Forbidden, Invalid, NotFound
from campaign.services.preview_link_access import LinkGone, open_link
from tests.web.test_api_helpers import caller

AT = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@pytest.fixture
def ctx(demo: Flask) -> Iterator[Flask]:
    with demo.app_context():
        yield demo


def campaign() -> Campaign:
    return db.session.scalar(select(Campaign))


def partner(slug: str = "mimp") -> Partner:
    return db.session.scalar(select(Partner).filter_by(slug=slug))


def manager(app: Flask) -> User:
    found = db.session.scalar(select(User).filter_by(email="ana@example.org"))
    return found or db.session.get(User, caller(app, "ana@example.org", "manager").id)


def approver(app: Flask, slug: str = "mimp", email: str = "rosa@mimp.example.org") -> User:
    found = db.session.scalar(select(User).filter_by(email=email))
    return found or db.session.get(User, caller(app, email, "partner", slug).id)


def make(app: Flask, scope: str = "campaign", **values: object) -> tuple[links.LinkRow, str]:
    values.setdefault("now", AT)
    return links.make_link(campaign().id, partner().id, scope, manager(app), **values)  # type: ignore[arg-type]


def test_a_link_of_each_scope_names_what_it_covers(ctx: Flask) -> None:
    phase = db.session.scalar(select(Phase).filter_by(number=1))
    message = db.session.scalar(select(Message).filter_by(key="violence-line-100"))
    whole, token = make(ctx, label="  MIMP  ")
    assert whole.target == "The whole campaign" and whole.label == "MIMP"
    assert whole.status == "active" and whole.expires_at == AT + timedelta(days=30)
    assert whole.created_by == "ana@example.org" and whole.approver == ""
    assert whole.partner_slug == "mimp" and token and "." in token
    of_phase, _t = make(ctx, "phase", phase_id=phase.id)
    assert of_phase.target == phase.name and of_phase.phase_id == phase.id
    of_hub, _t = make(ctx, "hub", hub_code="lim")
    assert of_hub.hub_code == "LIM" and "(LIM)" in of_hub.target
    of_message, _t = make(ctx, "message", message_id=message.id, approver_id=approver(ctx).id)
    assert of_message.target == "Message «Line 100»"
    assert of_message.approver == "rosa@mimp.example.org"
    listed = links.list_links(None, now=AT)
    assert [r.id for r in listed] == [of_message.id, of_hub.id, of_phase.id, whole.id]


def test_targets_outside_the_campaign_and_wrong_people_are_refused(ctx: Flask) -> None:
    other = Campaign(slug="otra", names={"es": "Otra campaña"}, languages=["es"])
    db.session.add(other)
    db.session.flush()
    foreign = Message(campaign_id=other.id, key="ajeno")
    foreign_phase = Phase(
        campaign_id=other.id, number=1, name="Otra fase", starts_on=AT.date(), ends_on=AT.date()
    )
    db.session.add_all([foreign, foreign_phase, Hub(code="MAD", name="Madrid", kind="airport",
                                                    timezone="Europe/Madrid")])  # fmt: skip
    db.session.commit()

    def refused(error: type, field: str, scope: str = "campaign", **values: object) -> str:
        with pytest.raises(error) as caught:
            make(ctx, scope, **values)
        assert caught.value.field == field  # type: ignore[attr-defined]
        return str(caught.value.detail)

    refused(NotFound, "message", "message", message_id=foreign.id)
    refused(NotFound, "phase", "phase", phase_id=foreign_phase.id)
    assert "in none of this campaign's phases" in refused(Invalid, "hub", "hub", hub_code="MAD")
    refused(NotFound, "hub", "hub", hub_code="NOPE")
    assert refused(Invalid, "phase", "phase") == "Choose the phase the link covers."
    refused(Invalid, "scope", "everything")
    refused(Invalid, "hub", "campaign", hub_code="LIM")  # one thing at a time
    refused(Invalid, "days", days=0)
    refused(Invalid, "days", days=181)  # PREVIEW_LINK_MAX_DAYS
    assert make(ctx, days=180)[0].expires_at == AT + timedelta(days=180)
    refused(Invalid, "label", label="x" * 201)
    outsider = approver(ctx, "other-org", "someone@other.example.org")
    assert "active user of" in refused(Invalid, "approver_id", approver_id=outsider.id)
    refused(Invalid, "approver_id", approver_id=manager(ctx).id)  # staff are not the partner
    rosa = approver(ctx)
    rosa.active = False
    db.session.commit()
    refused(Invalid, "approver_id", approver_id=rosa.id)
    stranger = Partner(slug="stranger", name="Not on the campaign", role="ministry")
    db.session.add(stranger)
    db.session.commit()
    with pytest.raises(Invalid, match="is not a partner of this campaign"):
        links.make_link(campaign().id, stranger.id, "campaign", manager(ctx), now=AT)
    with pytest.raises(Forbidden):
        links.make_link(campaign().id, partner().id, "campaign", approver(ctx), now=AT)


def test_a_link_opens_until_the_exact_instant_it_expires(ctx: Flask) -> None:
    row, token = make(ctx, days=1)
    end = AT + timedelta(days=1)
    assert open_link(token, end - timedelta(microseconds=1)).link_id == row.id
    with pytest.raises(LinkGone) as caught:
        open_link(token, end)
    assert caught.value.status == 410 and caught.value.reason == "expired"
    assert links.get_link(row.id, None, now=end).status == "expired"


def test_tampered_made_up_and_foreign_tokens_are_not_found(ctx: Flask) -> None:
    _row, token = make(ctx)
    payload, _dot, signature = token.rpartition(".")
    tampered = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    made_up = URLSafeSerializer(ctx.config["SECRET_KEY"], salt="preview-link").dumps("x" * 32)
    # A calendar feed's token is signed with another salt: it never opens a preview.
    feed = URLSafeSerializer(ctx.config["SECRET_KEY"], salt="calendar-feed").dumps(
        db.session.scalar(select(PreviewLink.nonce))
    )
    for bad in (tampered, made_up, feed, "", "a" * 300):
        with pytest.raises(NotFound):
            open_link(bad, AT)


def test_revoking_is_audited_and_final(ctx: Flask) -> None:
    row, token = make(ctx)
    revoked = links.revoke_link(row.id, manager(ctx), now=AT + timedelta(hours=1))
    assert revoked.status == "revoked" and revoked.revoked_at == AT + timedelta(hours=1)
    again = links.revoke_link(row.id, manager(ctx), now=AT + timedelta(hours=2))
    assert again.revoked_at == AT + timedelta(hours=1)  # revoking twice changes nothing
    with pytest.raises(LinkGone) as caught:
        open_link(token, AT + timedelta(hours=3))
    assert caught.value.reason == "revoked"
    event = db.session.scalar(
        select(AuditEvent).filter_by(entity="preview_links", action="update", entity_id=str(row.id))
    )
    assert event is not None and "revoked_at" in event.after
    inserted = db.session.scalar(
        select(AuditEvent).filter_by(entity="preview_links", action="insert", entity_id=str(row.id))
    )
    assert inserted.after["nonce"] == "[redacted]"  # half of the URL never reaches the trail
    with pytest.raises(NotFound):
        links.revoke_link(99999, None)


def test_a_partner_taken_off_the_campaign_is_forbidden(ctx: Flask) -> None:
    _row, token = make(ctx)
    row = campaign()
    row.partners = [p for p in row.partners if p.slug != "mimp"]
    db.session.commit()
    with pytest.raises(Forbidden) as caught:
        open_link(token, AT)
    assert caught.value.status == 403


def test_opening_stamps_the_link_without_an_audit_event_or_a_new_generation(ctx: Flask) -> None:
    row, token = make(ctx)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    content = generation.current_generation()
    open_link(token, AT + timedelta(minutes=5))
    assert links.get_link(row.id, None).last_opened_at == AT + timedelta(minutes=5)
    open_link(token, AT + timedelta(minutes=5, seconds=30))  # within a minute: not written
    assert links.get_link(row.id, None).last_opened_at == AT + timedelta(minutes=5)
    open_link(token, AT + timedelta(minutes=7))
    assert links.get_link(row.id, None).last_opened_at == AT + timedelta(minutes=7)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert generation.current_generation() == content


def test_the_command_line_names_things_by_their_codes(ctx: Flask) -> None:
    rosa = approver(ctx)
    row, _token = links.make_link_for_codes(
        None, "mimp", "message", message_key="zero-tolerance", approver_email=rosa.email, now=AT
    )
    assert row.scope == "message" and row.approver_id == rosa.id and row.created_by == ""
    phase, _token = links.make_link_for_codes(None, "mimp", "phase", phase_number=2, now=AT)
    assert phase.target.startswith("Fase 2")
    for bad in ({"phase_number": 9}, {"message_key": "nope"}, {"approver_email": "x@y.org"}):
        with pytest.raises(NotFound):
            links.make_link_for_codes(None, "mimp", "phase", now=AT, **bad)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        links.make_link_for_codes("nope", "mimp", "campaign", now=AT)
    with pytest.raises(NotFound):
        links.make_link_for_codes(None, "nope", "campaign", now=AT)
