"""The overview page: phases with their status and a preview of each screen's playlist."""

from __future__ import annotations

from flask import Flask


def test_overview_shows_the_campaign_phases_and_screens(demo: Flask) -> None:
    page = demo.test_client().get("/?at=2026-11-28T10:00")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Perú unido contra la trata de personas" in html
    assert '<span class="badge active">active</span>' in html  # phase 1, funded, running
    assert '<span class="badge unfunded">unfunded</span>' in html  # phases 2 and 3 wait
    assert 'id="screen-LIM-ARR-01"' in html and 'id="screen-LIM-GAT-01"' in html
    assert "zero-tolerance · es" in html


def test_preview_answers_what_a_screen_plays_at_a_given_time(demo: Flask) -> None:
    client = demo.test_client()
    evening = client.get("/?at=2026-12-24T21:00&screen=LIM-DEP-01").get_data(as_text=True)
    morning = client.get("/?at=2026-12-24T09:00&screen=LIM-DEP-01").get_data(as_text=True)
    assert 'id="screen-LIM-DEP-01"' in evening and 'id="screen-LIM-ARR-01"' not in evening
    # The departures booking "where to report" runs 18:00-02:00 only.
    assert "where-to-report · es" in evening
    assert "where-to-report · es" not in morning


def test_preview_with_a_bad_time_says_so_and_shows_now(demo: Flask) -> None:
    page = demo.test_client().get("/?at=tomorrow-ish")
    assert page.status_code == 200
    assert "no es una fecha y hora" in page.get_data(as_text=True)


def test_script_in_the_preview_field_is_escaped(demo: Flask) -> None:
    page = demo.test_client().get("/?at=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


def test_without_a_campaign_the_page_says_how_to_load_one(client) -> None:
    page = client.get("/")
    assert page.status_code == 404
    assert "campaign load" in page.get_data(as_text=True)
