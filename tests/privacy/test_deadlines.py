"""The deadline arithmetic of AVG art. 12(3): one month, once extended by up to two more."""

from __future__ import annotations

import datetime

import pytest

from doorbraak.privacy.deadlines import add_months, answer_deadline, extended_deadline, is_overdue

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 15), 1, D(2026, 4, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # over the year's end
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
        (D(2026, 2, 28), 1, D(2026, 3, 28)),  # not "the end of the month" again
    ],
)
def test_months_are_calendar_months_with_the_end_of_a_shorter_month(
    day: datetime.date, months: int, expected: datetime.date
) -> None:
    assert add_months(day, months) == expected


def test_negative_months_are_refused() -> None:
    with pytest.raises(ValueError):
        add_months(D(2026, 1, 1), -1)


def test_the_answer_is_due_one_month_after_receipt() -> None:
    assert answer_deadline(D(2026, 1, 31)) == D(2026, 2, 28)


def test_an_extension_counts_from_receipt_not_from_the_shortened_deadline() -> None:
    # 31 January + 1 month = 28 February; + 2 further months is 30 April, not 28 April.
    assert extended_deadline(D(2026, 1, 31), 2) == D(2026, 4, 30)
    assert extended_deadline(D(2026, 1, 31), 1) == D(2026, 3, 31)


@pytest.mark.parametrize("months", [0, 3, -1])
def test_an_extension_is_one_or_two_months(months: int) -> None:
    with pytest.raises(ValueError):
        extended_deadline(D(2026, 1, 1), months)


def test_the_deadline_day_itself_is_still_in_time() -> None:
    assert not is_overdue(D(2026, 2, 28), D(2026, 2, 28))
    assert is_overdue(D(2026, 2, 28), D(2026, 3, 1))
