"""Dutch names with a tussenvoegsel (issue 15.7): ``split_name`` and ``join_name``."""

from __future__ import annotations

import pytest

from doorbraak.lib.names import join_name, split_name


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Cato de Boer", ("Cato", "de", "Boer")),
        ("Jan van der Berg", ("Jan", "van der", "Berg")),
        ("Anna van den Heuvel", ("Anna", "van den", "Heuvel")),
        ("Piet ter Horst", ("Piet", "ter", "Horst")),
        ("Els ten Cate", ("Els", "ten", "Cate")),
        ("Kees 't Hart", ("Kees", "'t", "Hart")),
        ("Sanne in 't Veld", ("Sanne", "in 't", "Veld")),
        ("Mo van 't Hek", ("Mo", "van 't", "Hek")),
        ("Jan Willem de Vries", ("Jan Willem", "de", "Vries")),
        ("Fatima El Amrani", ("Fatima", "El", "Amrani")),
        ("Cato Boer", ("Cato", "", "Boer")),
        ("Anja Maria Zwart", ("Anja Maria", "", "Zwart")),
        ("de Boer", ("", "de", "Boer")),
        ("Boer", ("", "", "Boer")),
        ("  Cato   de   Boer  ", ("Cato", "de", "Boer")),
        ("", ("", "", "")),
        ("Ed van", ("Ed", "", "van")),
    ],
)
def test_split_name(full: str, parts: tuple[str, str, str]) -> None:
    assert split_name(full) == parts


@pytest.mark.parametrize(
    "full", ["Cato de Boer", "Jan van der Berg", "Cato Boer", "Sanne in 't Veld"]
)
def test_join_gives_the_name_back(full: str) -> None:
    assert join_name(*split_name(full)) == full
