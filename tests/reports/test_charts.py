"""The SVG charts (``reports.charts``): accessible, readable without colour, CSP-safe."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports import charts

NS = {"svg": charts.SVG_NS}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _bars() -> list[charts.Bar]:
    return [
        charts.Bar("Arabisch", 7, "7"),
        charts.Bar("Farsi", 2, "2"),
        charts.Bar("Tigrinya", 0, "0"),
    ]


@pytest.mark.parametrize("make", [charts.bar_chart, charts.column_chart])
def test_a_chart_is_an_image_with_title_and_description(make: object) -> None:
    svg = _parse(
        make(chart_id="demand", title="Demand by language", description="Requests", bars=_bars())  # type: ignore[operator]
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "demand-title demand-desc"
    assert svg.find("svg:title", NS).text == "Demand by language"  # type: ignore[union-attr]
    assert svg.find("svg:desc", NS).text == "Requests"  # type: ignore[union-attr]
    assert svg.find("svg:title", NS).get("id") == "demand-title"  # type: ignore[union-attr]


def test_bars_carry_their_values_as_text_and_a_pattern() -> None:
    svg = _parse(charts.bar_chart(chart_id="d", title="t", description="d", bars=_bars()))
    texts = [t.text for t in svg.iter(f"{{{charts.SVG_NS}}}text")]
    assert texts == ["Arabisch", "7", "Farsi", "2", "Tigrinya", "0"]
    rects = [r for r in svg.iter(f"{{{charts.SVG_NS}}}rect") if r.get("fill") == "url(#d-hatch)"]
    assert len(rects) == 2  # the zero has no bar, only its value
    widths = sorted(float(r.get("width", 0)) for r in rects)
    assert widths[1] / widths[0] == pytest.approx(7 / 2, rel=1e-2)
    assert svg.find(".//svg:pattern[@id='d-hatch']", NS) is not None


def test_column_heights_follow_the_rate() -> None:
    bars = [charts.Bar("01.06.", 1.0, "100 %"), charts.Bar("08.06.", 0.5, "50 %")]
    svg = _parse(charts.column_chart(chart_id="w", title="t", description="d", bars=bars))
    rects = [r for r in svg.iter(f"{{{charts.SVG_NS}}}rect") if r.get("fill") == "url(#w-hatch)"]
    heights = [float(r.get("height", 0)) for r in rects]
    assert heights[0] == pytest.approx(2 * heights[1])
    texts = {t.text for t in svg.iter(f"{{{charts.SVG_NS}}}text")}
    assert {"100 %", "50 %", "01.06.", "08.06."} <= texts


def test_no_style_no_script_no_outside_request() -> None:
    out = charts.bar_chart(
        chart_id="x", title="t", description="d", bars=[charts.Bar("<script>", 1, "1")]
    )
    assert "style" not in out
    assert "<script" not in out
    assert "&lt;script&gt;" in out
    assert "href" not in out
    assert out.count("http") == 1  # only the namespace


def test_long_labels_are_shortened_in_the_picture() -> None:
    label = "Fachdienst Jugend, Familie und Soziales"
    svg = _parse(
        charts.bar_chart(chart_id="x", title="t", description="d", bars=[charts.Bar(label, 1, "1")])
    )
    first = next(svg.iter(f"{{{charts.SVG_NS}}}text")).text or ""
    assert first.endswith("…") and len(first) <= 26


def test_an_empty_chart_is_still_valid() -> None:
    svg = _parse(charts.bar_chart(chart_id="e", title="t", description="d", bars=[]))
    assert svg.get("role") == "img"
