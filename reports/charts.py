"""Server-side SVG charts: no script, no third-party request, no ``style`` attribute.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), readable without colour: bars are filled with a hatch pattern and
carry their value as text beside them. The page puts the same numbers in a table next to
the chart. Colours and strokes are SVG presentation attributes (``fill=``, ``stroke=``),
which the Content-Security-Policy (``style-src 'self'``) allows; the layout of the
``<svg>`` element itself comes from ``reports/static/reports/reports.css``.

Built with :mod:`xml.etree.ElementTree`, so every label is escaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
#: The colours (dark enough for white and black text around them; not the only cue).
INK = "#1f2933"
BAR = "#1d5f8a"
BAR_LIGHT = "#d4e6f1"
GRID = "#9aa5b1"
#: The drawing's width in user units (it scales to the page's width).
WIDTH = 520
FONT_SIZE = 14
ROW_HEIGHT = 28
LABEL_WIDTH = 170
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (for the length) and the value as it is written."""

    label: str
    value: float
    text: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def _svg(chart_id: str, height: int, title: str, description: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "font-family": "system-ui, sans-serif",
            "font-size": str(FONT_SIZE),
            "id": chart_id,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    defs = ET.SubElement(svg, "defs")
    pattern = ET.SubElement(
        defs,
        "pattern",
        {
            "id": f"{chart_id}-hatch",
            "width": "8",
            "height": "8",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": BAR_LIGHT})
    ET.SubElement(pattern, "rect", {"width": "4", "height": "8", "fill": BAR})
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:g}", "y": f"{y:g}", "fill": INK, **attrs})
    element.text = text
    return element


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _render(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308 (escaped by ElementTree)


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[Bar], maximum: float | None = None
) -> SafeString:
    """Horizontal bars, one row each: the label on the left, the hatched bar, its value.

    :param maximum: the value of a full-length bar (default: the largest value).
    """
    chart_id = _slug(chart_id)
    height = max(1, len(bars)) * ROW_HEIGHT + 12
    svg = _svg(chart_id, height, title, description)
    top = max((b.value for b in bars), default=0.0)
    scale_max = maximum if maximum else top
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    ET.SubElement(
        svg,
        "line",
        {
            "x1": str(LABEL_WIDTH),
            "x2": str(LABEL_WIDTH),
            "y1": "4",
            "y2": str(height - 4),
            "stroke": GRID,
        },
    )
    for index, bar in enumerate(bars):
        y = 8 + index * ROW_HEIGHT
        group = ET.SubElement(svg, "g")
        _text(group, LABEL_WIDTH - 8, y + 14, _short(bar.label), **{"text-anchor": "end"})
        length = span * bar.value / scale_max if scale_max and bar.value > 0 else 0
        if length:
            ET.SubElement(
                group,
                "rect",
                {
                    "x": str(LABEL_WIDTH),
                    "y": f"{y:g}",
                    "width": f"{max(length, 2):.1f}",
                    "height": str(ROW_HEIGHT - 8),
                    "fill": f"url(#{chart_id}-hatch)",
                    "stroke": BAR,
                },
            )
        _text(group, LABEL_WIDTH + length + 6, y + 14, bar.text, **{"font-weight": "600"})
    return _render(svg)


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    maximum: float = 1.0,
    axis_labels: tuple[str, str, str] = ("0 %", "50 %", "100 %"),
) -> SafeString:
    """Vertical columns over time (e.g. the fill rate per week), each with its value written
    above it and its label below; grid lines at 0, half and the maximum."""
    chart_id = _slug(chart_id)
    height = 230
    left, bottom, top_margin = 52, 40, 24
    plot_h = height - bottom - top_margin
    svg = _svg(chart_id, height, title, description)
    for fraction, label in zip((0.0, 0.5, 1.0), axis_labels, strict=True):
        y = top_margin + plot_h * (1 - fraction)
        ET.SubElement(
            svg,
            "line",
            {
                "x1": str(left),
                "x2": str(WIDTH - 4),
                "y1": f"{y:g}",
                "y2": f"{y:g}",
                "stroke": GRID,
                "stroke-dasharray": "0" if fraction == 0 else "3 3",
            },
        )
        _text(svg, left - 6, y + 4, label, **{"text-anchor": "end"})
    count = max(1, len(bars))
    slot = (WIDTH - left - 8) / count
    width = max(2.0, slot * 0.7)
    every = max(1, round(count / 8))
    show_values = count <= 16
    for index, bar in enumerate(bars):
        x = left + index * slot + (slot - width) / 2
        h = plot_h * min(bar.value, maximum) / maximum if maximum and bar.value > 0 else 0
        y = top_margin + plot_h - h
        group = ET.SubElement(svg, "g")
        if h:
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{x:.1f}",
                    "y": f"{y:.1f}",
                    "width": f"{width:.1f}",
                    "height": f"{h:.1f}",
                    "fill": f"url(#{chart_id}-hatch)",
                    "stroke": BAR,
                },
            )
        center = x + width / 2
        if show_values:
            _text(
                group,
                center,
                y - 5,
                bar.text,
                **{"text-anchor": "middle", "font-size": "13", "font-weight": "600"},
            )
        if index % every == 0:
            _text(
                group,
                center,
                height - bottom + 16,
                bar.label,
                **{"text-anchor": "middle", "font-size": "13"},
            )
    return _render(svg)
