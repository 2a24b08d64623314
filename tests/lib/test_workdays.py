"""Deadlines count working days: no weekends, no Dutch public holidays."""

from __future__ import annotations

import datetime

import pytest

from doorbraak.lib.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_and_public_holidays_do_not_count() -> None:
    assert not is_working_day(datetime.date(2026, 4, 27))  # King's Day
    assert not is_working_day(datetime.date(2026, 12, 25))
    assert not is_working_day(datetime.date(2026, 11, 28))  # a Saturday
    assert is_working_day(datetime.date(2026, 11, 30))


def test_adding_working_days_skips_christmas() -> None:
    # Wednesday 23 December 2026 + 3 working days: 24, (25, 26, 27 off), 28, 29.
    assert add_working_days(datetime.date(2026, 12, 23), 3) == datetime.date(2026, 12, 29)
    assert add_working_days(datetime.date(2026, 11, 27), 1) == datetime.date(2026, 11, 30)
    assert add_working_days(datetime.date(2026, 11, 27), 0) == datetime.date(2026, 11, 27)
    with pytest.raises(ValueError):
        add_working_days(datetime.date(2026, 11, 27), -1)


def test_working_days_between_is_the_inverse() -> None:
    start = datetime.date(2026, 12, 18)
    for days in range(0, 30):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(datetime.date(2026, 12, 1), datetime.date(2026, 11, 30)) == -1
