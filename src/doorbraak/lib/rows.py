"""Per-row values of a list page, prepared once in the view instead of in every row.

A list of 25 or 50 rows that calls ``{% url %}``, ``get_<field>_display`` or
``|date:"DATE_FORMAT"`` in each row pays the same work 25 or 50 times: ``reverse`` walks
the URLconf, ``get_<field>_display`` translates every choice of the field on each call, and
the date filter formats (and translates the month of) the same day again. The helpers here
do that work once per page and leave a cheap step per row. They return text, never markup:
the templates still write the HTML and escape what they show (docs/architecture.md).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import dateformat, formats, timezone

#: What ``url_maker`` reverses a URL with, to find where the id goes. An int that an
#: ``<int:…>`` converter takes and no URL of this site holds otherwise.
INT_PLACEHOLDER = 918_273_645
#: The same for a ``<uuid:…>`` converter.
UUID_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-918273645000")


def url_maker(
    viewname: str, *, placeholder: int | uuid.UUID = INT_PLACEHOLDER
) -> Callable[[int | uuid.UUID], str]:
    """``reverse(viewname, args=[id])`` for many ids, reversing the pattern only once.

    The URL is reversed once with ``placeholder`` (pass ``UUID_PLACEHOLDER`` for a
    ``<uuid:…>`` argument); each row's URL is that text with the row's id in the
    placeholder's place. Only ints and UUIDs are taken: their text is what ``reverse``
    would write for them (digits, hex and dashes, nothing to quote), so the result is the
    same as reversing each row's URL. The id is not checked against the converter's
    pattern as ``reverse`` would: pass ids of the kind the pattern names.
    """
    marker = str(placeholder)
    url = reverse(viewname, args=[placeholder])
    if url.count(marker) != 1:
        raise ValueError(f"{viewname}: the placeholder {marker} must occur once in {url}")
    before, after = url.split(marker)
    kind = type(placeholder)

    def make(pk: int | uuid.UUID) -> str:
        if type(pk) is not kind:  # no bool for an int, no text for either
            raise TypeError(f"{viewname} takes a {kind.__name__} id, not {pk!r}")
        return f"{before}{pk}{after}"

    return make


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """A field's choices (``Status.choices``, or a model field's ``choices``) as a dict of
    value to label, each label translated once, in the active language.

    Grouped choices (``(group, [(value, label), …])``) are flattened. Look a row's value up
    with ``labels.get(value, value)``, as ``get_<field>_display`` shows an unknown value.
    """
    labels: dict[Any, str] = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            labels.update(choice_labels(label))
        else:
            labels[value] = str(label)
    return labels


def day_writer(format_name: str = "DATE_FORMAT") -> Callable[[datetime.date | None], str]:
    """``|date:format_name`` for many dates, formatting each distinct day once.

    A datetime is taken on its day in the current time zone, as the template filter
    does; ``None`` gives ``""``. The format must show the day only (``DATE_FORMAT``,
    ``SHORT_DATE_FORMAT``): a time of day would be that of the first of the day's values.
    """
    written: dict[datetime.date, str] = {}

    def write(value: datetime.date | None) -> str:
        if value is None:
            return ""
        day = (
            timezone.localtime(value).date()
            if isinstance(value, datetime.datetime) and timezone.is_aware(value)
            else value.date()
            if isinstance(value, datetime.datetime)
            else value
        )
        text = written.get(day)
        if text is None:
            text = written[day] = formats.date_format(day, format_name)
        return text

    return write


#: The format characters whose text depends on more than the day (the time, the time zone's
#: offset or summer time): written for each moment. Every other one is written once a day.
_MOMENT_CHARS = frozenset("aAefgGhHiOPsTuZcrUI")
#: The time characters written straight from the moment, as ``dateformat.TimeFormat`` does.
_CLOCK: dict[str, Callable[[datetime.datetime], str]] = {
    "G": lambda moment: str(moment.hour),
    "H": lambda moment: f"{moment.hour:02d}",
    "i": lambda moment: f"{moment.minute:02d}",
    "s": lambda moment: f"{moment.second:02d}",
}


def moment_writer(format_name: str = "DATETIME_FORMAT") -> Callable[[datetime.datetime], str]:
    """``formats.date_format(moment, format_name)`` for many local moments (what
    ``|date:format_name`` writes for a moment already in the current time zone), writing
    the parts of the format that show the day (the month's name, the year…) once per day
    and only the time for each moment. Falls back to ``date_format`` for each moment when
    the format holds a character that mixes both (``c``, ``r``, ``U``, ``I``)."""
    format_string = str(formats.get_format(format_name))
    pieces = dateformat.re_formatchars.split(format_string)
    chars = pieces[1::2]
    if any(char in "crUI" for char in chars):
        return lambda moment: formats.date_format(moment, format_name)
    days: dict[datetime.date, list[str | None]] = {}
    # Hours, minutes and seconds read off the moment (what ``TimeFormat`` writes for them,
    # without making one per moment); any other time character goes through ``TimeFormat``.
    clock_only = all(char in _CLOCK for char in chars if char in _MOMENT_CHARS)

    def write(moment: datetime.datetime) -> str:
        day = moment.date()
        parts = days.get(day)
        if parts is None:
            whole = dateformat.DateFormat(moment)
            parts = days[day] = [
                dateformat.re_escaped.sub(r"\1", piece)
                if not n % 2
                else None
                if piece in _MOMENT_CHARS
                else str(getattr(whole, piece)())
                for n, piece in enumerate(pieces)
            ]
        if clock_only:
            return "".join(
                _CLOCK[pieces[n]](moment) if part is None else part for n, part in enumerate(parts)
            )
        time = dateformat.TimeFormat(moment)
        return "".join(
            str(getattr(time, pieces[n])()) if part is None else part
            for n, part in enumerate(parts)
        )

    return write


def page_asked(number: Any) -> int:
    """The page number a list was asked for, as ``Paginator.validate_number`` reads it
    (``get_page`` then turns what is not a number into page 1): an int, a whole float or
    its text; anything else is 1. Below 1 stays below 1 (the caller shows the last page,
    as ``get_page`` does)."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        return 1
