"""Small-cell suppression: planted small cells are hidden, and cannot be worked back."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from doorbraak.insights.aggregates import (
    DEFAULT_K_EXTERNAL,
    DEFAULT_K_INTERNAL,
    k_external,
    k_internal,
    suppress,
)


def test_k_defaults_to_ten_outside_and_five_inside(settings: Any) -> None:
    for name in ("DOORBRAAK_K_EXTERNAL", "DOORBRAAK_K_INTERNAL"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert (k_external(), k_internal()) == (DEFAULT_K_EXTERNAL, DEFAULT_K_INTERNAL) == (10, 5)


def test_k_comes_from_the_settings_when_set(settings: Any) -> None:
    settings.DOORBRAAK_K_EXTERNAL = 15
    settings.DOORBRAAK_K_INTERNAL = 3
    assert (k_external(), k_internal()) == (15, 3)


@pytest.mark.parametrize("value", [0, -1, "10", True])
def test_a_nonsensical_k_setting_fails_loudly(settings: Any, value: object) -> None:
    settings.DOORBRAAK_K_EXTERNAL = value
    with pytest.raises(ValueError, match="DOORBRAAK_K_EXTERNAL"):
        k_external()


def test_it_hides_planted_small_cells_and_shows_the_rest() -> None:
    table = suppress({"huur": 4, "schulden": 25, "werk": 12, "zorg": 9, "wonen": 30}, k=10)
    assert table.primary == {"huur", "zorg"}
    assert table.secondary == frozenset()  # two hidden cells: neither can be worked out
    assert table.cells == {"huur": None, "schulden": 25, "werk": 12, "zorg": None, "wonen": 30}
    assert table.total == 80
    assert table.is_suppressed("huur")
    assert not table.is_suppressed("werk")


def test_a_cell_of_exactly_k_is_shown_and_zero_is_not_a_small_cell() -> None:
    table = suppress({"a": 10, "b": 0, "c": 11}, k=10)
    assert table.cells == {"a": 10, "b": 0, "c": 11}
    assert not table.any_suppressed


def test_a_single_hidden_cell_takes_the_smallest_other_with_it() -> None:
    # With the total 63 published, "huur" would be 63 - 20 - 40 = 3.
    table = suppress({"huur": 3, "werk": 20, "wonen": 40}, k=10)
    assert table.primary == {"huur"}
    assert table.secondary == {"werk"}
    assert table.cells == {"huur": None, "werk": None, "wonen": 40}
    assert table.suppressed == {"huur", "werk"}


def test_secondary_suppression_prefers_a_non_zero_cell() -> None:
    table = suppress({"a": 2, "b": 0, "c": 15, "d": 30}, k=10)
    assert table.secondary == {"c"}
    assert table.cells["b"] == 0


def test_in_a_cross_table_no_row_or_column_keeps_a_single_hidden_cell() -> None:
    counts = {
        ("Noord", "huur"): 3,
        ("Noord", "werk"): 20,
        ("Noord", "zorg"): 25,
        ("Zuid", "huur"): 30,
        ("Zuid", "werk"): 22,
        ("Zuid", "zorg"): 40,
    }
    table = suppress(counts, k=10)
    assert table.primary == {("Noord", "huur")}
    hidden = table.suppressed
    rows = {key[0] for key in counts}
    columns = {key[1] for key in counts}
    for row in rows:
        assert len([key for key in hidden if key[0] == row]) != 1
    for column in columns:
        assert len([key for key in hidden if key[1] == column]) != 1
    # Smallest complements: Noord-werk in the row, Zuid-huur in the column, Zuid-werk to
    # close the Zuid row and the werk column.
    assert hidden == {
        ("Noord", "huur"),
        ("Noord", "werk"),
        ("Zuid", "huur"),
        ("Zuid", "werk"),
    }


def test_a_small_total_is_hidden_too() -> None:
    table = suppress({"a": 3, "b": 4}, k=10)
    assert table.total is None
    assert table.cells == {"a": None, "b": None}


def test_an_empty_table_is_fine() -> None:
    empty: dict[str, int] = {}
    table = suppress(empty, k=10)
    assert table.cells == {}
    assert table.total == 0
    assert not table.suppressed


def test_it_refuses_negative_counts_and_k_below_one() -> None:
    with pytest.raises(ValueError):
        suppress({"a": -1}, k=10)
    with pytest.raises(ValueError):
        suppress({"a": 1}, k=0)


def test_the_note_says_which_cells_are_hidden() -> None:
    with translation.override("en"):
        note = suppress({"a": 3}, k=10).note
    assert "smaller than 10" in note
    assert "not shown" in note
