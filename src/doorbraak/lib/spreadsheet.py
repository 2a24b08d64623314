"""The one CSV writer and reader of the project: every CSV download and export goes through
it, and every CSV upload is read by :func:`csv_read_rows`.

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
from collections.abc import Iterable, Sequence
from typing import IO, Any, TextIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def csv_read_rows(
    file: IO[str],
    *,
    columns: Sequence[str],
    max_rows: int,
    empty_message: str,
    delimiter: str = ";",
    casefold_header: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV file with their line numbers, blank lines skipped.

    Refuses, with a Dutch message and before anything is imported, a file that is not UTF-8,
    lacks one of ``columns`` in its first line, has more than ``max_rows`` rows, cannot be
    read as CSV or has no rows (``empty_message``). A byte-order mark (Excel) is ignored;
    header names are stripped, and case-folded when ``casefold_header``.
    """
    try:
        text = file.read()
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text.")) from exc
    text = text.removeprefix("\ufeff")  # Excel writes a byte-order mark
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    if casefold_header:
        header = [name.casefold() for name in header]
    missing = [column for column in columns if column not in header]
    if missing:
        raise ValidationError(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": delimiter.join(columns), "missing": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
                continue  # blank line
            rows.append((reader.line_num, row))
            if len(rows) > max_rows:
                raise ValidationError(_("The file has more than %(max)s rows.") % {"max": max_rows})
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s cannot be read as CSV.") % {"line": reader.line_num}
        ) from exc
    if not rows:
        raise ValidationError(empty_message)
    return rows
