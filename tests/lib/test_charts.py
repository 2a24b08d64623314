"""lib.charts: bars scaled to the largest value, suppressed and negative values draw none."""

from __future__ import annotations

from doorbraak.lib.charts import LABEL_WIDTH, WIDTH, bar_chart


def test_bars_are_scaled_to_the_largest_value() -> None:
    chart = bar_chart(
        [("Schulden", 10), ("Wonen", 5), ("Werk", None), ("Terugbetaald", -3)],
        title="Knelpunten",
        value_heading="Aantal",
        value_text=lambda value: "< 5" if value is None else str(value),
    )
    widths = [bar.width for bar in chart.bars]
    assert widths[1] > 0
    assert abs(widths[0] - 2 * widths[1]) <= 1  # rounded to whole units
    assert widths[2:] == [0, 0]
    assert [bar.value_text for bar in chart.bars] == ["10", "5", "< 5", "-3"]
    assert LABEL_WIDTH + widths[0] < WIDTH
    assert chart.height == 4 * (chart.bars[1].y - chart.bars[0].y)


def test_long_labels_are_shortened_in_the_picture_only() -> None:
    label = "Participatiewet artikel 18 lid 2 en de beleidsregels verlaging bijstand"
    bar = bar_chart([(label, 1)], title="x", value_heading="y").bars[0]
    assert bar.label == label
    assert len(bar.short_label) <= 21


def test_an_empty_chart_has_room_for_nothing_but_does_not_fail() -> None:
    chart = bar_chart([], title="Niets", value_heading="Aantal")
    assert chart.bars == []
    assert chart.height > 0
