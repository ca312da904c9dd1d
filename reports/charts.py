"""Charts as inline SVG, drawn on the server: no chart library, no script, no inline style (the
Content-Security-Policy forbids both). Colours come from CSS classes in static/css/app.css
(`series-0`, `series-1`, …); every mark carries a <title> so that the value shows on hover and is
read out by a screen reader. Each chart is shown next to a table with the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
HEIGHT = 300
LEFT = 48  # room for the value axis labels
RIGHT = 12
LEGEND_TOP = 12  # the legend sits in rows above the plot, one row per kind of entry
LEGEND_ROW = 16
LEGEND_ENTRY = 200  # horizontal room for one legend entry
BOTTOM = 64  # room for the category labels, turned to fit long names
TICKS = 5


@dataclass(frozen=True)
class Series:
    """One named row of values; None is a missing value (no bar, a break in the line)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Target:
    """A horizontal reference line (a target rate)."""

    name: str
    value: float


def nice_maximum(value: float) -> float:
    """The top of the value axis: `value` rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def number_text(value: float) -> str:
    """A count as Vietnamese write it (1.234), a fraction with a comma (2,5)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def percent_text(value: float) -> str:
    return f"{number_text(round(value * 100, 1))}%"


@dataclass(frozen=True)
class _Frame:
    """The plotting area inside the margins and the scale of the value axis."""

    maximum: float
    legend_rows: int = 1
    width: float = WIDTH
    height: float = HEIGHT

    @property
    def top(self) -> float:
        return LEGEND_TOP + LEGEND_ROW * self.legend_rows

    @property
    def plot_width(self) -> float:
        return self.width - LEFT - RIGHT

    @property
    def plot_height(self) -> float:
        return self.height - self.top - BOTTOM

    def y(self, value: float) -> float:
        return self.top + self.plot_height * (1 - min(value, self.maximum) / self.maximum)

    def slot(self, index: int, count: int) -> tuple[float, float]:
        """The left edge and the width of the index-th of `count` equal slots along the x axis."""
        width = self.plot_width / count
        return LEFT + index * width, width


def _svg(title: str, frame: _Frame, body: list[SafeString]) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{body}</svg>',
        w=int(frame.width),
        h=int(frame.height),
        t=title,
        body=mark_safe("".join(body)),  # noqa: S308 (each part was built by format_html)
    )


def _grid(frame: _Frame, label: Callable[[float], str]) -> list[SafeString]:
    parts = []
    for tick in range(TICKS + 1):
        value = frame.maximum * tick / TICKS
        y = f"{frame.y(value):.1f}"
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                f"{frame.width - RIGHT:.1f}",
                y,
                y,
                LEFT - 6,
                y,
                label(value),
            )
        )
    return parts


def _legend(rows: Sequence[Sequence[tuple[str, str]]]) -> list[SafeString]:
    """Rows of (css class, name) entries: a swatch coloured by the class, then the name."""
    parts = []
    for row, entries in enumerate(rows):
        y = LEGEND_TOP + LEGEND_ROW * row
        for k, (css, name) in enumerate(entries):
            x = LEFT + k * LEGEND_ENTRY
            parts.append(
                format_html(
                    '<rect class="swatch {}" x="{}" y="{}" width="12" height="12"/>'
                    '<text class="legend" x="{}" y="{}">{}</text>',
                    css,
                    x,
                    y - 4,
                    x + 16,
                    y + 6,
                    name,
                )
            )
    return parts


def _series_entries(series: Sequence[Series]) -> list[tuple[str, str]]:
    return [(f"series-{k}", one.name) for k, one in enumerate(series)]


def _category_labels(frame: _Frame, labels: Sequence[str]) -> list[SafeString]:
    parts = []
    base = frame.top + frame.plot_height + 14
    for index, label in enumerate(labels):
        left, width = frame.slot(index, len(labels))
        x = f"{left + width / 2:.1f}"
        parts.append(
            format_html(
                '<text class="category" x="{}" y="{}" text-anchor="end"'
                ' transform="rotate(-30 {} {})">{}</text>',
                x,
                base,
                x,
                base,
                label,
            )
        )
    return parts


def bar_chart(*, title: str, categories: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Grouped bars: one group per category, one bar per series. Empty without categories."""
    if not categories or not series:
        return SafeString("")
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    frame = _Frame(maximum=nice_maximum(highest))
    body = [*_legend([_series_entries(series)]), *_grid(frame, number_text)]
    for index, category in enumerate(categories):
        left, width = frame.slot(index, len(categories))
        bar = width * 0.8 / len(series)
        for k, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            y = frame.y(value)
            body.append(
                format_html(
                    '<rect class="bar series-{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}: {} {}</title></rect>",
                    k,
                    f"{left + width * 0.1 + k * bar:.1f}",
                    f"{y:.1f}",
                    f"{bar:.1f}",
                    f"{frame.top + frame.plot_height - y:.1f}",
                    category,
                    one.name,
                    number_text(value),
                )
            )
    body.extend(_category_labels(frame, categories))
    return _svg(title, frame, body)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[Target] = (),
    percent: bool = False,
) -> SafeString:
    """Lines over evenly spaced labels (months), with dashed target lines. A None value breaks
    its line rather than drawing it down to zero. Percent charts run from 0 to 100 %."""
    if not labels or not series:
        return SafeString("")
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    # Targets get a legend row of their own under the series'.
    legend = [_series_entries(series)]
    if targets:
        legend.append([(f"target series-{k}", t.name) for k, t in enumerate(targets)])
    frame = _Frame(maximum=1.0 if percent else nice_maximum(highest), legend_rows=len(legend))
    text = percent_text if percent else number_text
    body = [*_legend(legend), *_grid(frame, text)]
    for k, target in enumerate(targets):
        y = f"{frame.y(target.value):.1f}"
        body.append(
            format_html(
                '<line class="target series-{}" x1="{}" x2="{}" y1="{}" y2="{}">'
                "<title>{}: {}</title></line>",
                k,
                LEFT,
                f"{frame.width - RIGHT:.1f}",
                y,
                y,
                target.name,
                text(target.value),
            )
        )
    for k, one in enumerate(series):
        body.extend(_line(frame, k, one, labels, text))
    body.extend(_category_labels(frame, labels))
    return _svg(title, frame, body)


def _line(
    frame: _Frame, k: int, one: Series, labels: Sequence[str], text: Callable[[float], str]
) -> list[SafeString]:
    points: list[tuple[str, str, str, float] | None] = []
    for index, value in enumerate(one.values):
        if value is None:
            points.append(None)
            continue
        left, width = frame.slot(index, len(labels))
        points.append((f"{left + width / 2:.1f}", f"{frame.y(value):.1f}", labels[index], value))
    commands, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{point[0]} {point[1]}")
        pen_down = True
    parts = []
    if commands:
        parts.append(format_html('<path class="line series-{}" d="{}"/>', k, " ".join(commands)))
    parts.append(
        format_html_join(
            "",
            '<circle class="point series-{}" cx="{}" cy="{}" r="3"><title>{} {}: {}</title>'
            "</circle>",
            (
                (k, x, y, label, one.name, text(value))
                for x, y, label, value in filter(None, points)
            ),
        )
    )
    return parts
