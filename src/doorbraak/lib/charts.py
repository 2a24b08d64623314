"""Server-rendered bar charts: SVG drawn from numbers, always beside a table with the same
numbers (the alternative for screen readers and for printing).

No JavaScript and no inline styles (the CSP forbids them): the view computes the geometry,
``includes/bar_chart.html`` draws it, the CSS (``.db-chart``) colours it. Like the
assessment overview's score charts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from doorbraak.lib.text import shorten

WIDTH = 480
LABEL_WIDTH = 170  # room for the label left of each bar
VALUE_WIDTH = 115  # room for the value right of the longest bar
ROW = 32  # one bar with its gap
BAR = 22
LABEL_CHARS = 21  # longer labels are shortened in the picture; the table has them whole


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int | None  # None: suppressed (too few to show)
    value_text: str
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    value_heading: str


def bar_chart(
    rows: Sequence[tuple[str, int | None]],
    *,
    title: str,
    value_heading: str,
    value_text: Callable[[int | None], str] = lambda value: "–" if value is None else str(value),
) -> BarChart:
    """Horizontal bars, one per ``(label, value)``, scaled to the largest value.

    ``value_text`` writes a value as the page does (``format_euros`` for money, ``< 5`` for
    a suppressed count); negative values draw no bar.
    """
    top = max((value or 0 for _label, value in rows), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(rows):
        width = round(room * max(value or 0, 0) / top) if top > 0 else 0
        y = index * ROW + (ROW - BAR) // 2
        bars.append(
            Bar(
                label=label,
                short_label=shorten(label, LABEL_CHARS),
                value=value,
                value_text=value_text(value),
                y=y,
                text_y=y + BAR - 5,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        width=WIDTH,
        height=max(len(rows), 1) * ROW,
        label_x=LABEL_WIDTH - 8,
        bar_x=LABEL_WIDTH,
        bar_height=BAR,
        value_heading=value_heading,
    )
