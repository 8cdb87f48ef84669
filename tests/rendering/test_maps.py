"""The dashboard's drawings: Peru's outline, its hubs in the right places, the phases' timeline."""

from __future__ import annotations

from datetime import date

import pytest

from campaign.domain.geo import Bounds, contains, distance_to_edge_km, fit
from campaign.rendering.maps import Place, Span, draw_map, draw_timeline, peru_outline

# Real places: (longitude, latitude).
LIMA_AIRPORT = (-77.1143, -12.0219)
DESAGUADERO = (-69.0411, -16.5653)
CUSCO_AIRPORT = (-71.9388, -13.5357)
QUITO = (-78.4678, -0.1807)
LA_PAZ = (-68.1193, -16.4897)
SANTIAGO = (-70.6693, -33.4489)


def test_the_outline_is_small_public_domain_data() -> None:
    rings = peru_outline()
    assert len(rings) == 1
    assert 100 <= sum(len(r) for r in rings) <= 400  # simplified: a few hundred points
    west, east = min(x for x, _ in rings[0]), max(x for x, _ in rings[0])
    south, north = min(y for _, y in rings[0]), max(y for _, y in rings[0])
    # Peru spans about 81.3°W to 68.7°W and 18.35°S to the equator.
    assert west == pytest.approx(-81.33, abs=0.1) and east == pytest.approx(-68.65, abs=0.1)
    assert south == pytest.approx(-18.35, abs=0.1) and north == pytest.approx(-0.04, abs=0.1)


def test_lima_is_inside_near_the_coast_and_desaguadero_by_the_south_eastern_border() -> None:
    rings = peru_outline()
    assert contains(rings, *LIMA_AIRPORT)
    assert distance_to_edge_km(rings, *LIMA_AIRPORT) < 15  # the airport is by the Pacific
    assert contains(rings, *DESAGUADERO)
    assert distance_to_edge_km(rings, *DESAGUADERO) < 15  # on the Bolivian border
    assert contains(rings, *CUSCO_AIRPORT)
    assert distance_to_edge_km(rings, *CUSCO_AIRPORT) > 150  # deep inland
    for elsewhere in (QUITO, LA_PAZ, SANTIAGO):
        assert not contains(rings, *elsewhere)


def test_the_projection_keeps_north_up_and_proportions() -> None:
    box = Bounds(-81.0, -18.0, -69.0, 0.0)
    projection = fit(box, 400, margin=10)
    assert projection.xy(-81.0, 0.0) == pytest.approx((10, 10))
    east, south = projection.xy(-69.0, -18.0)
    assert east == pytest.approx(390)
    # 12° of longitude at 9°S are 11.85° of latitude wide: the map is about 1.5 times as tall.
    assert (south - 10) / (east - 10) == pytest.approx(18 / (12 * 0.98769), rel=1e-3)
    assert projection.height == pytest.approx(south + 10)


def test_hubs_sit_where_their_coordinates_are() -> None:
    places = [
        Place("LIM", *LIMA_AIRPORT, "active"),
        Place("PUN-DES", *DESAGUADERO, "unfunded"),
        Place("CUZ", *CUSCO_AIRPORT, "upcoming"),
    ]
    drawing = draw_map(places, width=400)
    at = {m.key: m for m in drawing.markers}
    assert set(at) == {"LIM", "PUN-DES", "CUZ"} and not drawing.off_map
    assert drawing.height > drawing.width > 0  # Peru is taller than wide
    lim, des, cuz = at["LIM"], at["PUN-DES"], at["CUZ"]
    assert lim.x < cuz.x < des.x  # west to east
    assert lim.y < cuz.y < des.y  # north to south
    assert des.x > 0.8 * drawing.width and des.y > 0.7 * drawing.height  # the south-east
    assert lim.x < 0.45 * drawing.width  # the west coast
    assert at["LIM"].status == "active" and drawing.outline.startswith("M")


def test_hubs_on_one_spot_get_labels_that_do_not_cover_each_other() -> None:
    places = [
        Place("CUZ", *CUSCO_AIRPORT, "active"),
        Place("CUZ-CENTRO", -71.9786, -13.5164, "ended"),
    ]
    markers = draw_map(places).markers
    first, second = sorted(markers, key=lambda m: m.label_y)
    assert second.label_y - first.label_y >= 13  # a line apart
    assert any(m.leader for m in markers)


def test_a_place_far_from_peru_is_left_off_the_map_not_shrinking_it() -> None:
    alone = draw_map([Place("LIM", *LIMA_AIRPORT, "active")])
    with_madrid = draw_map(
        [Place("LIM", *LIMA_AIRPORT, "active"), Place("MAD", -3.7, 40.4, "ended")]
    )
    assert with_madrid.off_map == ("MAD",)
    assert with_madrid.height == alone.height
    assert [m.key for m in with_madrid.markers] == ["LIM"]


PHASE_1 = "Fase 1 – Aeropuerto Internacional Jorge Chávez"
BORDERS = ("CUZ-CENTRO", "LIM", "PUN-DES", "TAC-TERM", "TUM-CEBAF")
DEMO_SPANS = [
    Span(1, PHASE_1, date(2026, 11, 7), date(2027, 2, 5), "active", ("LIM",)),
    Span(2, "Fase 2", date(2027, 2, 6), date(2027, 5, 6), "unfunded", ("AQP", "CUZ", "LIM")),
    Span(3, "Fase 3", date(2027, 5, 7), date(2027, 8, 6), "unfunded", BORDERS),
]


def test_the_timeline_draws_each_phase_from_its_first_to_its_last_day() -> None:
    t = draw_timeline(DEMO_SPANS, date(2026, 11, 28), width=800)
    one, two, three = t.bars
    assert one.x == 0 and three.x + three.width == pytest.approx(800, abs=0.2)
    assert one.x + one.width == pytest.approx(two.x, abs=0.2)  # phase 2 starts the day after
    assert one.y < two.y < three.y
    assert t.today_x is not None and one.x < t.today_x < one.x + one.width
    labelled = [tick.day for tick in t.ticks if tick.labelled]
    assert labelled[0] == date(2026, 12, 1) and date(2027, 8, 1) not in labelled[:-1]
    assert [tick.with_year for tick in t.ticks if tick.day.month == 1] == [True]


def test_on_a_phone_the_labels_fit_and_the_hubs_wrap() -> None:
    t = draw_timeline(DEMO_SPANS, date(2026, 11, 28), width=360)
    assert t.bars[0].label.endswith("…") and len(t.bars[0].label) < 45
    assert len(t.bars[2].hub_lines) >= 1
    codes = " ".join(line for _, line in t.bars[2].hub_lines)
    assert all(code in codes for code in DEMO_SPANS[2].hubs)
    gaps = [
        b.x - a.x for a, b in zip(t.ticks, t.ticks[1:], strict=False) if a.labelled and b.labelled
    ]
    assert all(gap >= 64 for gap in gaps)


def test_today_outside_the_phases_is_not_drawn_but_a_day_just_before_stretches_the_axis() -> None:
    far = draw_timeline(DEMO_SPANS, date(2030, 1, 1))
    assert far.today_x is None
    before = draw_timeline(DEMO_SPANS, date(2026, 10, 20))
    assert before.today_x is not None and before.today_x < before.bars[0].x


def test_a_campaign_without_phases_draws_an_empty_timeline_and_a_bare_map() -> None:
    t = draw_timeline([], date(2026, 11, 28), width=360)
    assert t.bars == () and t.today_x is not None and t.height > 0
    drawing = draw_map([])
    assert drawing.markers == () and drawing.off_map == () and drawing.outline
