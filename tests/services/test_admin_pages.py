"""What the administration pages read and save: phases with their status, partners with their
campaigns, users with their tokens, the audit newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.services import accounts, admin_pages, audit
from campaign.services.clock import clock_of
from campaign.services.errors import Conflict, NotFound

LIVE = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
PASSWORD = "a long enough password"


@pytest.fixture
def ctx(demo: Flask) -> Iterator[Flask]:
    clock_of(demo).set(LIVE)
    with demo.app_context():
        yield demo


def person(email: str = "admin@example.org", role: str = "admin") -> User:
    return accounts.add_user(email, role, PASSWORD, now=LIVE)


def test_phases_have_the_status_the_overview_gives_them(ctx: Flask) -> None:
    admin = person()
    rows = admin_pages.phase_rows(admin, LIVE, "en")
    assert [(r.number, r.status) for r in rows] == [(1, "active"), (2, "planned"), (3, "planned")]
    assert rows[0].timezone == "America/Lima" and [h.code for h in rows[0].hubs] == ["LIM"]
    second = rows[1]
    saved = admin_pages.save_phase(
        second.id,
        {"funding_status": "confirmed"},
        user=admin,
        version=second.lock_version,
        at=LIVE,
        reader_lang="en",
    )
    assert saved.status == "planned"  # funded now, and it starts later
    assert admin_pages.phase(second.id, admin, LIVE + timedelta(days=90), "en").status == "active"


def test_a_stale_phase_edit_carries_what_is_saved_now(ctx: Flask) -> None:
    admin = person()
    row = db.session.scalar(select(Phase).filter_by(number=3))
    phase_id, version = row.id, row.lock_version
    admin_pages.save_phase(
        phase_id, {"name": "Theirs"}, user=admin, version=version, at=LIVE, reader_lang="en"
    )
    with pytest.raises(admin_pages.StaleEdit) as refused:
        admin_pages.save_phase(
            phase_id, {"name": "Mine"}, user=admin, version=version, at=LIVE, reader_lang="en"
        )
    assert refused.value.current.name == "Theirs"
    assert refused.value.current.lock_version == version + 1
    assert db.session.get(Phase, phase_id).name == "Theirs"


def test_a_partner_is_saved_with_its_campaigns_at_once(ctx: Flask) -> None:
    campaign = db.session.scalar(select(Campaign))
    values = {"slug": "unicef", "name": "UNICEF", "role": "agency"}
    made = admin_pages.save_partner(None, values, [campaign.id], version=None, reader_lang="es")
    assert [c.code for c in made.campaigns] == [campaign.slug]
    assert "unicef" in [p.slug for p in campaign.partners]
    with pytest.raises(NotFound):
        admin_pages.save_partner(
            made.id,
            {"name": "Gone"},
            [campaign.id, 99999],
            version=made.lock_version,
            reader_lang="es",
        )
    assert db.session.get(Partner, made.id).name == "UNICEF"  # refused whole
    cleared = admin_pages.save_partner(
        made.id, {"name": "UNICEF Perú"}, [], version=made.lock_version, reader_lang="es"
    )
    assert cleared.campaigns == () and cleared.name == "UNICEF Perú"
    with pytest.raises(admin_pages.StaleEdit):
        admin_pages.save_partner(
            made.id, {"name": "Old"}, [], version=made.lock_version, reader_lang="es"
        )


def test_users_are_listed_with_their_organisation_and_live_tokens(ctx: Flask) -> None:
    admin = person()
    mimp = db.session.scalar(select(Partner).filter_by(slug="mimp"))
    accounts.add_user("rosa@mimp.example.org", "partner", PASSWORD, now=LIVE, partner_id=mimp.id)
    first, _secret = admin_pages.create_token(admin.id, "laptop", now=LIVE)
    admin_pages.create_token(admin.id, "script", now=LIVE)
    admin_pages.revoke_token(admin.id, first.id, now=LIVE)
    listing = admin_pages.users_page(1)
    assert [(u.email, u.partner, u.tokens) for u in listing.rows] == [
        ("admin@example.org", "", 1),
        ("rosa@mimp.example.org", mimp.name, 0),
    ]
    assert listing.pages == 1


def test_tokens_are_refused_for_a_deactivated_user_and_kept_to_their_owner(ctx: Flask) -> None:
    admin = person()
    other = person("ana@example.org", "manager")
    made, _secret = admin_pages.create_token(other.id, "laptop", now=LIVE)
    with pytest.raises(NotFound):
        admin_pages.revoke_token(admin.id, made.id, now=LIVE)  # not the admin's token
    with pytest.raises(NotFound):
        admin_pages.token(admin.id, made.id)
    admin_pages.edit_user(other.id, {"active": False}, version=other.lock_version, acting=admin)
    with pytest.raises(Conflict, match="deactivated"):
        admin_pages.create_token(other.id, "another", now=LIVE)


def test_the_audit_is_newest_first_and_paged(ctx: Flask) -> None:
    clock = clock_of(ctx)
    for minute in range(admin_pages.EVENTS_PER_PAGE + 3):
        clock.set(LIVE + timedelta(minutes=minute))
        audit.record("login", "users", str(minute))
    db.session.commit()
    first = admin_pages.audit_page({"action": "login"}, 1)
    assert first.page.total == admin_pages.EVENTS_PER_PAGE + 3 and first.pages == 2
    stamps = [e.at for e in first.page.items]
    assert stamps == sorted(stamps, reverse=True) and stamps[0] == clock.now()
    last = admin_pages.audit_page({"action": "login"}, 2)
    assert [e.entity_id for e in last.page.items] == ["2", "1", "0"]
    since = {"action": "login", "since": LIVE + timedelta(minutes=50)}
    assert admin_pages.audit_page(since, 1).page.total == 3
    assert "login" in admin_pages.audit_choices().actions
