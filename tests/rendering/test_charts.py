"""The reports' SVG charts: well-formed, labelled for screen readers, scaled to their values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from campaign.rendering.charts import Bar, ChartText, bar_chart, column_chart, nice_ceiling

NS = {"svg": "http://www.w3.org/2000/svg"}
TEXT = ChartText(
    title="Plays per day", desc="160 on the 26th, <the most> & more", x_label="Day", y_label="Plays"
)
AA_TEXT = {"#1d2433", "#4f586b"}  # 15:1 and 7:1 on white


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _bars(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:g[@class='bars']/svg:rect", NS)


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['svg']}}}text")]


def test_columns_are_an_accessible_image_scaled_to_a_round_top() -> None:
    days = [Bar("25 nov", 0, "0"), Bar("26 nov", 160, "160"), Bar("27 nov", 51, "51")]
    root = _parse(column_chart("days", days, TEXT, "200"))
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox", "").split()[:3] == ["0", "0", "400"]
    assert root.get("aria-labelledby") == "days-title days-desc"
    assert root.find("svg:title", NS).get("id") == "days-title"  # type: ignore[union-attr]
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text == "160 on the 26th, <the most> & more"
    rects = _bars(root)
    assert len(rects) == 3
    heights = [float(r.get("height", "")) for r in rects]
    assert heights[0] == 0 and heights[1] / heights[2] == pytest.approx(160 / 51)
    assert heights[1] == pytest.approx(172 * 160 / 200)  # the plot is 172 units high, top 200
    titles = [r.find("svg:title", NS).text for r in rects]  # type: ignore[union-attr]
    assert titles == ["25 nov: 0", "26 nov: 160", "27 nov: 51"]
    texts = _texts(root)
    assert {"Day", "Plays", "200", "0", "25 nov", "27 nov"} <= set(texts)
    fills = {t.get("fill") for t in root.iter(f"{{{NS['svg']}}}text")}
    assert fills <= AA_TEXT


def test_many_days_get_a_few_labels_that_stay_inside() -> None:
    days = [Bar(f"{n} nov", n, str(n)) for n in range(1, 91)]
    root = _parse(column_chart("d", days, TEXT, "100"))
    assert len(_bars(root)) == 90
    labels = [t for t in root.iter(f"{{{NS['svg']}}}text") if t.text and t.text.endswith("nov")]
    assert 2 <= len(labels) <= 6
    for label in labels:
        assert 0 <= float(label.get("x", "")) <= 400


def test_horizontal_bars_by_length_with_their_values_and_labels() -> None:
    hubs = [
        Bar("Aeropuerto Internacional Jorge Chávez " * 3, 195, "195"),
        Bar("Cusco <CUZ>", 21, "21"),
        Bar("Arequipa", 0, "0"),
    ]
    root = _parse(bar_chart("hubs", hubs, ChartText("Plays by hub", "d", "Plays", "Hub")))
    rects = _bars(root)
    widths = [float(r.get("width", "")) for r in rects]
    assert widths[0] == pytest.approx(400 - 4 - 84) and widths[2] == 0
    assert widths[0] / widths[1] == pytest.approx(195 / 21)
    texts = _texts(root)
    assert "Cusco <CUZ>" in texts and "195" in texts and "Hub" in texts and "Plays" in texts
    cut = next(t for t in texts if t.startswith("Aeropuerto"))
    assert cut.endswith("…") and len(cut) <= 40  # the whole name is the bar's <title>
    assert (
        rects[0].find("svg:title", NS).text.startswith("Aeropuerto Internacional Jorge Chávez Aero")
    )  # type: ignore[union-attr]


def test_an_empty_chart_is_still_a_drawing() -> None:
    root = _parse(column_chart("e", [], TEXT, "1"))
    assert _bars(root) == [] and root.get("role") == "img"
    assert _bars(_parse(bar_chart("e", [], TEXT))) == []


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (7, 10), (160, 200), (201, 250), (2400, 2500), (9001, 10000)]
)
def test_the_value_axis_ends_on_a_round_number(value: float, top: float) -> None:
    assert nice_ceiling(value) == top
