"""The inline SVG charts of the dashboards (reports/charts.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from reports.charts import (
    Series,
    Target,
    bar_chart,
    line_chart,
    nice_maximum,
    number_text,
    percent_text,
)

SVG = "{http://www.w3.org/2000/svg}"
# The plotting area of a 720 × 300 chart: 48 left, 12 right, 64 bottom, and on top 12 plus 16 for
# each row of the legend (28 for one row: a plot 208 high; 44 for two: 192 high).


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, built by the test)


def marks(root: ET.Element, tag: str) -> list[dict[str, str]]:
    """Each element of `tag` as its attributes plus its <title> text."""
    found = []
    for element in root.iter(f"{SVG}{tag}"):
        title = element.find(f"{SVG}title")
        found.append({**element.attrib, "title": title.text if title is not None else ""})
    return found


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1.0), (0.4, 0.5), (7, 10), (12, 20), (23, 25), (45, 50), (100, 100), (101, 200)],
)
def test_the_value_axis_tops_out_at_a_round_number(value, expected) -> None:
    assert nice_maximum(value) == pytest.approx(expected)


def test_numbers_and_rates_are_written_the_vietnamese_way() -> None:
    assert [number_text(1234567), number_text(2.5), percent_text(0.625), percent_text(0.6)] == [
        "1.234.567",
        "2,5",
        "62,5%",
        "60%",
    ]


def test_bar_chart_draws_one_bar_per_value_scaled_to_the_axis() -> None:
    svg = bar_chart(
        title="Nhu cầu",
        categories=["Hàn", "Điện"],
        series=[Series("Nguyện vọng", [10, 5]), Series("Chỗ học", [0, None])],
    )

    root = parse(svg)
    bars = [(b["class"], b["y"], b["height"], b["title"]) for b in marks(root, "rect")]
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Nhu cầu"
    # The legend's two swatches, then the bars: 10 reaches the top of the axis (10), 5 half of
    # it, 0 is a bar of no height, None is no bar at all.
    assert bars == [
        ("swatch series-0", "8", "12", ""),
        ("swatch series-1", "8", "12", ""),
        ("bar series-0", "28.0", "208.0", "Hàn: Nguyện vọng 10"),
        ("bar series-1", "236.0", "0.0", "Hàn: Chỗ học 0"),
        ("bar series-0", "132.0", "104.0", "Điện: Nguyện vọng 5"),
    ]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "tick"]
    assert ticks == ["0", "2", "4", "6", "8", "10"]


def test_labels_are_escaped_never_markup() -> None:
    svg = bar_chart(
        title='<script>alert("x")</script>',
        categories=["<b>Hàn</b> & Điện"],
        series=[Series("A", [1])],
    )

    root = parse(svg)
    categories = [t.text for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "category"]
    assert categories == ["<b>Hàn</b> & Điện"]
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script>'


def test_line_chart_breaks_at_a_missing_value_and_draws_targets() -> None:
    svg = line_chart(
        title="Theo tháng",
        labels=["03/2026", "04/2026", "05/2026", "06/2026"],
        series=[Series("Đào tạo", [0.5, 0.6, None, 1.0])],
        targets=[Target("Mục tiêu", 0.6)],
        percent=True,
    )

    root = parse(svg)
    # The legend in two rows (series, then targets), so the plot runs from 44 down to 236.
    assert [(r["class"], r["y"]) for r in marks(root, "rect")] == [
        ("swatch series-0", "8"),
        ("swatch target series-0", "24"),
    ]
    # Four slots of 165 across the 660 of the plot: centres at 130.5, 295.5, 460.5, 625.5.
    assert [p["d"] for p in marks(root, "path")] == ["M130.5 140.0 L295.5 120.8 M625.5 44.0"]
    assert [(c["cx"], c["cy"], c["title"]) for c in marks(root, "circle")] == [
        ("130.5", "140.0", "03/2026 Đào tạo: 50%"),
        ("295.5", "120.8", "04/2026 Đào tạo: 60%"),
        ("625.5", "44.0", "06/2026 Đào tạo: 100%"),
    ]
    targets = [(t["class"], t["y1"], t["title"]) for t in marks(root, "line") if t["title"]]
    assert targets == [("target series-0", "120.8", "Mục tiêu: 60%")]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "tick"]
    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_a_chart_without_data_is_empty() -> None:
    assert (
        bar_chart(title="x", categories=[], series=[Series("a", [])]),
        line_chart(title="x", labels=[], series=[]),
    ) == ("", "")


def test_charts_carry_no_inline_style_or_script() -> None:
    svg = bar_chart(title="x", categories=["a"], series=[Series("a", [1])]) + line_chart(
        title="y", labels=["a"], series=[Series("a", [0.5])], percent=True
    )

    assert re.findall(r"style=|<script|\son[a-z]+=", svg) == []
