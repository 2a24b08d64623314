"""The one CSV writer: formulas neutralised, numbers kept, our own files round-trip."""

from __future__ import annotations

import csv
import io

import pytest

from doorbraak.lib.spreadsheet import csv_text, neutralise, unneutralise


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+31 6 1234", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"],
)
def test_a_cell_a_spreadsheet_would_evaluate_becomes_text(cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    assert unneutralise(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["-12.50", "+3", "-7", "1,5", "Ontruiming", "", "'quoted", 42])
def test_numbers_and_plain_text_stay_as_they_are(cell: object) -> None:
    assert neutralise(cell) == cell


def test_a_leading_apostrophe_of_our_own_is_not_removed_from_plain_text() -> None:
    assert unneutralise("'t Hooft") == "'t Hooft"


def test_every_cell_of_header_and_rows_is_neutralised() -> None:
    text = csv_text(["=header", "b"], [["=HYPERLINK(1)", -3], ["ok", "-4.25"]])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["'=header", "b"], ["'=HYPERLINK(1)", "-3"], ["ok", "-4.25"]]
    assert text.endswith("\r\n")
