"""The one CSV writer of the project: every CSV download and export goes through it.

A cell that a spreadsheet would read as a formula (text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: ``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``) is written
with a leading apostrophe, which spreadsheets show as text and do not evaluate. Numbers
stay numbers: ``-12.50`` is not a formula. An import of our own files undoes the
apostrophe with :func:`unneutralise`, so an export still round-trips.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, TextIO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet may safely open it."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The text :func:`neutralise` was given (for importing a file we wrote)."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def csv_text(
    header: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
) -> str:
    """Header and rows as CSV text, every cell neutralised. Semicolons by default, as Dutch
    spreadsheets expect."""
    out = io.StringIO()
    csv_write(out, header, rows, delimiter=delimiter, lineterminator=lineterminator)
    return out.getvalue()


def csv_write(
    out: TextIO,
    header: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
) -> None:
    """:func:`csv_text` into a file, row by row: for files too big to hold as one text
    (the rows may be a generator; nothing is kept)."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
