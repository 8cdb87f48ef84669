"""What a report covers: the filter a person types is checked, defaulted and refused clearly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.services import accounts
from campaign.services.errors import Invalid, NotFound
from campaign.services.report_filters import DEFAULT_DAYS, parse_filter

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 15, tzinfo=UTC)
SLUG = "peru-unido-contra-la-trata"


def _phase(number: int) -> Phase:
    return db.session.scalar(select(Phase).filter_by(number=number))


def _refusal(**given: object) -> Invalid:
    with pytest.raises(Invalid) as caught:
        parse_filter(user=None, today=TODAY, **given)  # type: ignore[arg-type]
    return caught.value


def test_with_nothing_chosen_the_last_thirty_days_of_the_first_campaign(demo: Flask) -> None:
    with demo.app_context():
        chosen = parse_filter(user=None, today=TODAY)
        assert chosen.campaign == SLUG and chosen.phase_id is None and chosen.hub_code is None
        assert (chosen.date_from, chosen.date_to) == (date(2026, 10, 30), TODAY)
        assert chosen.days == DEFAULT_DAYS


def test_a_phase_alone_covers_the_phase_and_dates_given_override_it(demo: Flask) -> None:
    with demo.app_context():
        first = _phase(1)
        whole = parse_filter(user=None, today=TODAY, campaign=SLUG, phase=str(first.id))
        assert (whole.date_from, whole.date_to) == (first.starts_on, first.ends_on)
        part = parse_filter(
            user=None, today=TODAY, phase=first.id, hub="lim", date_from="2026-10-01"
        )
        assert (part.date_from, part.date_to, part.hub_code) == (
            date(2026, 10, 1),
            first.ends_on,
            "LIM",
        )
        assert part.query_args() == {
            "campaign": SLUG,
            "from": "2026-10-01",
            "to": first.ends_on.isoformat(),
            "phase": str(first.id),
            "hub": "LIM",
        }


def test_reversed_too_long_and_malformed_ranges_are_refused_with_the_field(demo: Flask) -> None:
    with demo.app_context():
        reversed_range = _refusal(date_from="2026-11-20", date_to="2026-11-01")
        assert reversed_range.field == "to" and "swap" in reversed_range.detail
        too_long = _refusal(date_from="2020-01-01", date_to="2026-11-01")
        assert too_long.field == "to" and "400" in too_long.detail
        assert _refusal(date_from="28/11/2026").field == "from"
        assert _refusal(date_to="2026-13-01").field == "to"
        # Days a calendar cannot step past are refused, not a crash.
        assert _refusal(date_to="0001-01-05").field == "to"
        assert _refusal(date_from="9999-12-01", date_to="9999-12-31").field == "from"


def test_a_hub_or_phase_outside_the_campaign_is_refused(demo: Flask) -> None:
    with demo.app_context():
        assert _refusal(hub="ZZZ").field == "hub"
        # CUZ is in phase 2, not in phase 1.
        assert _refusal(phase=_phase(1).id, hub="CUZ").field == "hub"
        assert parse_filter(user=None, today=TODAY, phase=_phase(2).id, hub="CUZ").hub_code
        assert _refusal(phase="first").field == "phase"
        assert _refusal(phase=10_000).field == "phase"
        assert _refusal(phase="99999999999999999999").field == "phase"


def test_a_campaign_the_person_may_not_see_is_not_found(demo: Flask) -> None:
    with demo.app_context():
        with pytest.raises(NotFound):
            parse_filter(user=None, today=TODAY, campaign="another-campaign")
        outsider = Partner(slug="outsider", name="Outsider", role="ministry")
        db.session.add(outsider)
        db.session.commit()
        stranger = accounts.add_user(
            "stranger@example.org",
            "partner",
            "a long enough password",
            now=NOW,
            partner_id=outsider.id,
        )
        with pytest.raises(NotFound):
            parse_filter(user=stranger, today=TODAY, campaign=SLUG)
        with pytest.raises(NotFound):
            parse_filter(user=stranger, today=TODAY)
        assert db.session.scalar(select(Campaign.slug)) == SLUG
