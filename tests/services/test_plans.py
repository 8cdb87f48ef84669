"""Loading and dumping campaign plans: idempotent, round-tripping, all or nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.domain.plans import PlanError
from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking, MessageVersion
from campaign.persistence.network import Screen
from campaign.services.generation import current_generation
from campaign.services.plans import dump_plan, load_plan
from tests.conftest import DEMO_PLAN

PLAN = DEMO_PLAN.read_text(encoding="utf-8")


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Campaign, Phase, Screen, Booking, MessageVersion)
    }


def test_loading_twice_changes_nothing(app: Flask) -> None:
    with app.app_context():
        first = load_plan(PLAN)
        generation = current_generation()
        second = load_plan(PLAN)
        assert first.changed and not second.changed
        assert current_generation() == generation
        assert _counts() == {
            "campaigns": 1,
            "phases": 3,
            "screens": 6,
            "bookings": 5,
            "message_versions": 5,
        }


def test_load_dump_load_dump_round_trips_byte_for_byte(app: Flask, tmp_path) -> None:
    with app.app_context():
        load_plan(PLAN)
        first = dump_plan()
    with app.app_context():
        db.drop_all()  # an empty database of the same schema
        db.create_all()
        load_plan(first, "dump")
        second = dump_plan()
    assert first == second
    assert "[[hubs.zones.screens]]" in first and 'code = "LIM-ARR-01"' in first


# The demo with shares of voice: two hubs' for the campaign, phase 1's and phase 3's.
SHARED = (
    PLAN.replace(
        "[campaign.name]",
        "[campaign.share_of_voice_by_hub]\nLIM = 2\nCUZ = 0.5\n\n[campaign.name]",
        1,
    )
    .replace("months = 3\n", "months = 3\nshare_of_voice = 3\n", 1)
    .replace('hubs = ["CUZ-CENTRO",', 'share_of_voice = 1.25\nhubs = ["CUZ-CENTRO",', 1)
)


def _shares() -> tuple[dict[str, float], dict[int, float]]:
    campaign = db.session.scalar(select(Campaign))
    phases = db.session.execute(select(Phase.number, Phase.share_of_voice).order_by(Phase.number))
    return campaign.share_of_voice_by_hub, {number: share for number, share in phases}


def test_shares_of_voice_load_idempotently_and_dump_back(app: Flask) -> None:
    assert SHARED.count("share_of_voice") == 3
    with app.app_context():
        assert load_plan(SHARED).changed
        assert _shares() == ({"CUZ": 0.5, "LIM": 2.0}, {1: 3.0, 2: 1.0, 3: 1.25})
        assert not load_plan(SHARED).changed
        first = dump_plan()
        assert "[campaign.share_of_voice_by_hub]\nCUZ = 0.5\nLIM = 2\n\n" in first
        assert 'hubs = [\n    "LIM",\n]\nshare_of_voice = 3\n' in first
        assert "share_of_voice = 1.25\n" in first
        assert first.count("share_of_voice") == 3  # phase 2's share is 1: left out
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_plan(first, "dump")
        assert _shares() == ({"CUZ": 0.5, "LIM": 2.0}, {1: 3.0, 2: 1.0, 3: 1.25})
        assert dump_plan() == first


def test_a_plan_changes_and_removes_shares_of_voice(app: Flask) -> None:
    with app.app_context():
        load_plan(SHARED)
        changed = load_plan(SHARED.replace("LIM = 2\n", "LIM = 4\n", 1))
        assert (changed.created, changed.updated) == ({}, {"campaigns": 1})
        assert _shares()[0] == {"CUZ": 0.5, "LIM": 4.0}
        removed = load_plan(PLAN)  # a plan is the whole state: no shares, equal shares
        assert removed.updated == {"campaigns": 1, "phases": 2}
        assert _shares() == ({}, {1: 1.0, 2: 1.0, 3: 1.0})
        assert "share_of_voice" not in dump_plan()


def test_a_plan_with_a_bad_share_of_voice_changes_nothing(app: Flask) -> None:
    with app.app_context():
        load_plan(SHARED)
        before = dump_plan()
        bad = SHARED.replace("CUZ = 0.5\n", "CUZ = 0.5\nJUL = 2\n", 1).replace(
            "share_of_voice = 3\n", "share_of_voice = 7\n", 1
        )
        with pytest.raises(PlanError) as raised:
            load_plan(bad, "plan.toml")
        assert raised.value.problems == [
            "plan.toml: campaign.share_of_voice_by_hub.JUL: unknown hub 'JUL'"
        ]
        with pytest.raises(PlanError, match=r"phases\[1\]\.share_of_voice: must be a positive"):
            load_plan(SHARED.replace("share_of_voice = 3\n", "share_of_voice = 0\n", 1))
        assert dump_plan() == before


def test_demo_shift_puts_phase_one_three_weeks_back(app: Flask) -> None:
    from datetime import date

    with app.app_context():
        load_plan(PLAN, demo_today=date(2030, 6, 15))
        phase = db.session.scalar(select(Phase).filter_by(number=1))
        assert phase.starts_on == date(2030, 5, 25)
        booking = db.session.scalar(select(Booking).filter_by(key="phase1-zero-tolerance"))
        assert booking.starts_on == phase.starts_on


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('timezone = "America/Lima"', 'timezone = "America/Limaa"', 1), "hubs[LIM].timezone"),
        (("months = 3\n", "months = 3\nends_on = 2026-08-01\n", 1), "not both"),
        (('target = "zone:LIM/ARR"', 'target = "zone:LIM/XXX"', 1), "unknown zone 'LIM/XXX'"),
        (('code = "LIM-ARR-02"', 'code = "LIM-ARR-01"', 1), "screens[LIM-ARR-01]: appears more"),
        (("ends_on = 2026-11-30", "ends_on = 2026-08-30", 1), "is before starts_on"),
        (
            ('hotline = "100"\n\n[messages.en]', 'hotline = "100"\n\n[messages.fr]', 1),
            "'en' is missing",
        ),
        (("width = 1920", 'width = "wide"', 1), "expected a whole number"),
        (('orientation = "portrait"', 'orientation = "sideways"', 1), "'sideways' is not one of"),
        (("weight = 3", "wieght = 3", 1), "wieght: is not a known setting"),
        (('window = "18:00-02:00"', 'window = "18:00-18:00"', 1), "same time"),
        (("[campaign]", "[campaign", 1), "not valid TOML"),
        (("months = 3\n", "months = 3\nshare_of_voice = -1\n", 1), "not -1"),
    ],
)
def test_a_broken_plan_changes_nothing_and_names_the_problem(
    app: Flask, edit: tuple[str, str, int], expected: str
) -> None:
    old, new, count = edit
    assert old in PLAN
    broken = PLAN.replace(old, new, count)
    with app.app_context():
        with pytest.raises(PlanError) as raised:
            load_plan(broken, "plan.toml")
        assert any(expected in line for line in raised.value.problems), raised.value.problems
        assert all(line.startswith("plan.toml: ") for line in raised.value.problems)
        assert _counts() == dict.fromkeys(_counts(), 0)


def test_a_plan_that_fails_late_leaves_an_existing_campaign_as_it_was(app: Flask) -> None:
    with app.app_context():
        load_plan(PLAN)
        before = dump_plan()
        older = PLAN.replace('key = "zero-tolerance"\ntopic', 'key = "zero-tolerance"\ntopic', 1)
        newer = older.replace("version = 1\nfallback", "version = 2\nfallback", 1)
        load_plan(newer)
        stale = newer.replace("Tolerancia cero a la trata", "Otra cosa").replace(
            "version = 2\nfallback", "version = 1\nfallback"
        )
        stale = stale.replace('name = "Fajas 1–4"', 'name = "Fajas 1–6"')
        with pytest.raises(PlanError, match="already has version 2"):
            load_plan(stale)
        assert db.session.scalar(select(Screen.name).filter_by(code="LIM-BAG-01")) == "Fajas 1–4"
        assert before != dump_plan()  # the version-2 load did apply


def _pause(key: str) -> None:
    message = db.session.scalar(
        select(MessageVersion)
        .join(MessageVersion.message)
        .where(MessageVersion.status == "approved")
        .where(MessageVersion.message.has(key=key))
    )
    message.status = "paused"
    db.session.commit()


def test_reloading_a_plan_never_resumes_a_paused_message(app: Flask) -> None:
    with app.app_context():
        load_plan(PLAN)
        _pause("zero-tolerance")  # the crisis switch
        with pytest.raises(PlanError, match=r"zero-tolerance\]\.status: version 1 is paused"):
            load_plan(PLAN)
        statuses = db.session.scalars(select(MessageVersion.status)).all()
        assert "paused" in statuses


def test_a_plan_cannot_reword_an_approved_version_without_a_new_number(app: Flask) -> None:
    with app.app_context():
        load_plan(PLAN)
        reworded = PLAN.replace('hotline = "1818"', 'hotline = "0800-00000"', 1)
        with pytest.raises(PlanError, match="give version 2 for new wording"):
            load_plan(reworded)
        relinked = PLAN.replace(
            'link = "https://www.gob.pe/denuncia-trata"', 'link = "https://elsewhere.example"'
        )
        with pytest.raises(PlanError, match="words it differently"):
            load_plan(relinked)


def test_a_new_approved_version_from_a_plan_replaces_the_old_one(app: Flask) -> None:
    with app.app_context():
        load_plan(PLAN)
        newer = PLAN.replace(
            'key = "zero-tolerance"\ntopic = "zero-tolerance"\nstatus = "approved"\nversion = 1',
            'key = "zero-tolerance"\ntopic = "zero-tolerance"\nstatus = "approved"\nversion = 2',
        )
        assert newer != PLAN
        load_plan(newer)
        rows = db.session.execute(
            select(MessageVersion.number, MessageVersion.status)
            .join(MessageVersion.message)
            .where(MessageVersion.message.has(key="zero-tolerance"))
            .order_by(MessageVersion.number)
        ).all()
        assert [tuple(r) for r in rows] == [(1, "retired"), (2, "approved")]
