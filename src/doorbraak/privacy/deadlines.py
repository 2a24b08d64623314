"""The deadlines of a data-subject request (AVG art. 12 lid 3).

The controller answers "without undue delay and in any event within one month of receipt";
it may extend that "by two further months where necessary", once, telling the person why.
A month is counted as the EDPB does (Guidelines 01/2022 on the right of access, and
Regulation 1182/71 on periods): from the day of receipt to the same day of the next month;
where that month has no such day (31 January, 29 February in a common year), the last day
of that month.
"""

from __future__ import annotations

import calendar
import datetime

#: The answer is due one month after receipt.
ANSWER_MONTHS = 1
#: The deadline may be extended once by at most this many further months.
MAX_EXTENSION_MONTHS = 2


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the end of a shorter month where needed.

    >>> add_months(datetime.date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def answer_deadline(received_on: datetime.date) -> datetime.date:
    """The day by which the answer is due: one month after receipt."""
    return add_months(received_on, ANSWER_MONTHS)


def extended_deadline(received_on: datetime.date, months: int) -> datetime.date:
    """The deadline extended by ``months`` (1 or 2) further months, counted from receipt."""
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 1 to {MAX_EXTENSION_MONTHS} months")
    return add_months(received_on, ANSWER_MONTHS + months)


def is_overdue(deadline: datetime.date, today: datetime.date) -> bool:
    """Overdue once the deadline day has passed (the deadline day itself is still in time)."""
    return today > deadline
