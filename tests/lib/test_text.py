from __future__ import annotations

import pytest

from doorbraak.lib.text import shorten


def test_short_text_is_kept() -> None:
    assert shorten("  Awb art. 4:84 en CJIB  ", 200) == "Awb art. 4:84 en CJIB"


def test_long_text_is_cut_at_a_word_boundary() -> None:
    text = "Participatiewet artikel 18 lid 2 en Uitvoeringsinstituut Werknemersverzekeringen"
    short = shorten(text, 40)
    assert len(short) <= 40
    assert short == "Participatiewet artikel 18 lid 2 en…"


def test_exact_length_is_not_cut() -> None:
    assert shorten("a" * 10, 10) == "a" * 10


def test_one_long_word_is_cut_inside_it() -> None:
    short = shorten("https://wetten.overheid.nl/" + "x" * 300, 50)
    assert len(short) == 50
    assert short.endswith("…")


def test_punctuation_before_the_cut_is_dropped() -> None:
    assert shorten("Wet op de zorgtoeslag, artikel 2 en verder", 25) == "Wet op de zorgtoeslag…"


@pytest.mark.parametrize("limit", range(1, 30))
def test_never_longer_than_the_limit(limit: int) -> None:
    assert len(shorten("een twee drie vier vijf zes zeven acht negen tien", limit)) <= limit
