"""The reports page: filters and their errors in both languages, tables, charts, CSV files."""

from __future__ import annotations

import csv
import html as markup
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.network import Zone
from campaign.services.clock import clock_of
from tests.services.report_fixture import AT, add_other_campaign, load_report_fixture
from tests.web.signing import signed_in

DAYS = "from=2026-11-25&to=2026-11-28"


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(AT)
    with demo.app_context():
        load_report_fixture()
        add_other_campaign()
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, "manager", locale="en")


def _in(app: Flask, locale: str, text: str, **values: object) -> str:
    """The text as the page writes it in `locale` (the catalogue's, once translated)."""
    with app.test_request_context("/reports"), force_locale(locale):
        return gettext(text, **values)


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert found is not None, f"no error next to {field}"
    return markup.unescape(found.group(1))


def test_the_report_shows_the_figures_charts_and_links(live: Flask, manager: FlaskClient) -> None:
    answer = manager.get(f"/reports?{DAYS}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<dd>216</dd>" in html  # every play of the campaign, each once
    assert "From the nightly roll-up: 210 plays; from the plays received since: 6." in html
    assert "Zero tolerance for human trafficking" in html and "Spanish + English" in html
    assert html.count('role="img"') == 3 and '<title id="chart-days-title">' in html
    slug = "campaign=peru-unido-contra-la-trata&amp;from=2026-11-25&amp;to=2026-11-28"
    assert f'href="/reports/delivery?{slug}"' in html
    for table in ("messages", "languages", "hubs", "zones", "screens", "days", "uptime"):
        assert f'href="/reports/{table}.csv?{slug}"' in html
    assert "yearly passengers ÷ 365 × days on which the hub&#39;s screens played" in html
    assert "≈ 197,260" in html  # Lima's estimate, in the reader's numbers
    assert "overlapping another play" in html  # a rejected play, listed, never counted
    assert "999" not in html  # the other campaign's plays


def test_a_phase_and_a_hub_narrow_the_report(live: Flask, manager: FlaskClient) -> None:
    html = manager.get(f"/reports?{DAYS}&hub=CUZ").get_data(as_text=True)
    assert "<dd>21</dd>" in html and "Jorge Chávez" not in html.split("Charts")[1]
    assert '<option selected value="CUZ">' in html
    empty = manager.get(f"/reports?{DAYS}&hub=AQP").get_data(as_text=True)
    assert "No plays were reported for this filter." in empty and 'role="img"' not in empty
    phase = manager.get("/reports?phase=1&from=2026-11-01").get_data(as_text=True)
    assert "From November 7, 2026 to February 5, 2027" in phase  # within the phase's days


@pytest.mark.parametrize("locale", ["en", "es"])
def test_filter_errors_are_shown_on_the_form_in_the_readers_language(
    live: Flask, locale: str
) -> None:
    client = signed_in(live, "manager", locale=locale)
    reversed_days = client.get("/reports?from=2026-11-28&to=2026-11-25")
    html = reversed_days.get_data(as_text=True)
    assert reversed_days.status_code == 400 and f'<html lang="{locale}">' in html
    swap = _in(live, locale, "The last day comes before the first day: swap them.")
    assert _field_error(html, "to") == swap
    assert 'id="to" name="to" type="date" value="2026-11-25"' in html  # kept as typed
    assert "<dd>" not in html  # no figures from a filter that cannot be used
    too_long = client.get("/reports?from=2024-01-01&to=2026-11-28").get_data(as_text=True)
    longest = _in(
        live, locale, "A report covers at most %(days)d days; choose a shorter range.", days=400
    )
    assert _field_error(too_long, "to") == longest
    hub = client.get(f"/reports?{DAYS}&hub=NOWHERE").get_data(as_text=True)
    assert _field_error(hub, "hub") == _in(
        live, locale, "Choose a hub where the campaign (or the phase) runs."
    )
    phase = client.get(f"/reports?{DAYS}&phase=9999").get_data(as_text=True)
    assert _field_error(phase, "phase") == _in(live, locale, "Choose one of the campaign's phases.")
    day = client.get("/reports?from=28/11/2026").get_data(as_text=True)
    assert _field_error(day, "from") == _in(
        live, locale, "Write the date as YYYY-MM-DD, e.g. 2026-12-24."
    )


def test_every_table_downloads_as_a_spreadsheet_safe_csv(live: Flask, manager: FlaskClient) -> None:
    with live.app_context():
        zone = db.session.scalar(
            select(Zone).where(Zone.code == "ARR", Zone.name != "Llegadas Cusco")
        )
        assert zone is not None
        zone.name = "=cmd|' /C calc'!A0"
        db.session.commit()
    answer = manager.get(f"/reports/zones.csv?{DAYS}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="report-zones-20261125-20261128.csv"' in answer.headers["Content-Disposition"]
    assert answer.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Hub/zone",
        "Zone",
        "Number of plays",
        "Seconds on screen",
        "Hours on screen",
    ]
    assert ["LIM/ARR", "'=cmd|' /C calc'!A0", "163", "1632.5", "0.45"] in rows
    audience = manager.get(f"/reports/audience.csv?{DAYS}").data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(audience)))
    assert header[-1].startswith("Audience estimate (estimate = yearly passengers ÷ 365 × days")
    assert "LIM,Aeropuerto Internacional Jorge Chávez,24000000,3,197260" in audience
    for table in ("messages", "languages", "hubs", "screens", "days", "uptime", "uptime-hubs"):
        found = manager.get(f"/reports/{table}.csv?{DAYS}")
        assert found.status_code == 200 and found.data.startswith(b"\xef\xbb\xbf"), table
    rejected = manager.get(f"/reports/rejected.csv?{DAYS}").data.decode("utf-8-sig")
    assert "LIM,LIM-ARR-01,overlap,2," in rejected
    assert manager.get(f"/reports/nothing.csv?{DAYS}").status_code == 404
    bad = manager.get("/reports/days.csv?from=2026-11-28&to=2026-11-25")
    assert bad.status_code == 400 and b"to: " in bad.data


def test_a_partner_sees_only_the_campaigns_shared_with_them(live: Flask) -> None:
    partner = signed_in(live, "partner", "mimp", locale="en")
    html = partner.get(f"/reports?{DAYS}").get_data(as_text=True)
    assert "<dd>216</dd>" in html
    assert 'name="campaign"' not in html  # one campaign: nothing to choose
    refused = partner.get(f"/reports?{DAYS}&campaign=otra-campana")
    assert refused.status_code == 400
    assert "There is no campaign otra-campana, or you may not see it." in refused.get_data(
        as_text=True
    )
    assert partner.get(f"/reports/hubs.csv?{DAYS}&campaign=otra-campana").status_code == 404
    staff = signed_in(live, "manager", locale="en")
    other = staff.get(f"/reports?{DAYS}&campaign=otra-campana").get_data(as_text=True)
    assert "<dd>1,000</dd>" in other  # 999 rolled up on the 27th, one today
    assert 'name="campaign"' in other


def test_anonymous_visitors_are_sent_to_sign_in(live: Flask) -> None:
    answer = live.test_client().get("/reports")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
