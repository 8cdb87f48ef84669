"""The phase-end report: its figures (the reports service's and planned against actual), the
funder's name, a phase not over yet, and both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Phase
from campaign.services import phase_report
from campaign.services.errors import Invalid, NotFound
from tests.services.delivery_week import AFTER_THE_WEEK, FUNDER, load_week, play_the_week
from tests.web.test_api_helpers import caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@pytest.fixture
def week(app: Flask) -> Iterator[Flask]:
    load_week(app)
    play_the_week(app)
    with app.test_request_context("/"):
        yield app


def phase_id(number: int) -> int:
    found = db.session.scalar(select(Phase.id).where(Phase.number == number))
    assert found is not None
    return found


def test_the_week_report_has_the_figures_and_the_funder(week: Flask) -> None:
    report = phase_report.phase_report(phase_id(1), None, lang="es", at=AFTER_THE_WEEK)
    assert report.funder == FUNDER
    assert report.funding.partners == (FUNDER,)
    assert (report.funding.status, report.status) == ("confirmed", "active")
    # The phase runs to 30 November: on the 20th the report is "so far, up to" that day.
    assert (report.started, report.over) == (True, False)
    assert (report.period_from, report.period_to) == (date(2026, 11, 2), date(2026, 11, 20))
    assert [(h.code, h.screens, [z.name for z in h.zones]) for h in report.hubs] == [
        ("TST", 2, ["Hall principal"])
    ]
    assert report.plays.total.plays == 7378 + 602 + 904  # every play the simulated week made
    assert {m.key: m.plays for m in report.plays.by_message} == {
        "alpha": 7378,
        "beta": 602,
        "gamma": 904,
    }
    assert len(report.plays.by_day) == 19
    assert (report.delivery.total.planned, report.delivery.total.shortfall) == (8884, 0)
    assert report.delivery.fallback.actual == 0  # nothing played after the bookings ended
    assert report.delivery.fallback.planned > 0
    assert [a.days_with_plays for a in report.audience] == [7]
    assert report.audience[0].estimate == 3_650_000 // 365 * 7
    assert report.day_chart.lstrip().startswith("<svg")
    document = report.as_json()
    assert document["funder"] == FUNDER
    assert document["delivery"]["total"]["shortfall"] == 0
    assert "day_chart" not in document


def test_the_report_speaks_its_language(demo: Flask) -> None:
    with demo.test_request_context("/"):
        es = phase_report.phase_report(phase_id(1), None, lang="es", at=NOON_IN_LIMA)
        en = phase_report.phase_report(phase_id(1), None, lang="en", at=NOON_IN_LIMA)
        assert es.campaign_name.startswith("Perú unido contra la trata")
        assert en.campaign_name.startswith("Peru United Against Human Trafficking")
        assert es.funder == en.funder == "Misión de la OIM en el Perú"
        assert "Misión de la OIM en el Perú (fondos de la fase 1)" in es.funding.partners
        assert en.audience_formula.startswith("estimate = yearly passengers")
        html_en = phase_report.phase_report_html(en)
        html_es = phase_report.phase_report_html(es)
        assert '<html lang="en">' in html_en and '<html lang="es">' in html_es
        assert "Campaign</dt>" in html_en and "Campaña</dt>" in html_es
        lines = phase_report.summary_lines(en)
        assert lines[2] == "Funded by Misión de la OIM en el Perú"


def test_a_phase_not_begun_says_so(demo: Flask) -> None:
    with demo.test_request_context("/"):
        report = phase_report.phase_report(phase_id(2), None, lang="en", at=NOON_IN_LIMA)
        assert (report.started, report.over) == (False, False)
        assert report.period_to == report.starts_on
        assert report.plays.total.plays == 0
        assert "The phase has not begun" in phase_report.phase_report_html(report)


def test_partners_see_only_their_campaigns_and_languages_are_checked(demo: Flask) -> None:
    load_week(demo)
    funder = caller(demo, "fondo@example.org", "partner", "fondo-semana")
    with demo.test_request_context("/"):
        with pytest.raises(Invalid):
            phase_report.phase_report(phase_id(1), None, lang="fr", at=NOON_IN_LIMA)
        with pytest.raises(NotFound):
            phase_report.phase_report(10_000, None, lang="es", at=NOON_IN_LIMA)
        user = db.session.get(User, funder.id)
        demo_phase, week_phase = db.session.scalars(select(Phase.id).order_by(Phase.id)).all()[::3]
        with pytest.raises(NotFound):
            phase_report.phase_report(demo_phase, user, lang="es", at=NOON_IN_LIMA)
        mine = phase_report.phase_report(week_phase, user, lang="es", at=NOON_IN_LIMA)
        assert mine.funder == FUNDER


def test_funding_decisions_are_for_staff_and_their_notes_never_reach_the_report(
    demo: Flask,
) -> None:
    from campaign.services import phase_lifecycle

    load_week(demo)
    funder = caller(demo, "fondo@example.org", "partner", "fondo-semana")
    with demo.test_request_context("/"):
        week_phase = db.session.scalars(select(Phase.id).order_by(Phase.id)).all()[-1]
        phase_lifecycle.decide_funding(
            week_phase, status="confirmed", note="INTERNAL: the donor hesitated"
        )
        staff = phase_report.phase_report(week_phase, None, lang="en", at=NOON_IN_LIMA)
        assert [d.status for d in staff.funding.decisions][-1] == "confirmed"
        assert all(d.note == "" for d in staff.funding.decisions)
        partner = db.session.get(User, funder.id)
        theirs = phase_report.phase_report(week_phase, partner, lang="en", at=NOON_IN_LIMA)
        assert theirs.funding.decisions == () and theirs.funding.status == "confirmed"
        html = phase_report.phase_report_html(staff)
        assert "INTERNAL" not in html and "hesitated" not in html
