"""Per-row values prepared once per page (``doorbraak.lib.rows``): each helper gives what
the template tag or filter it replaces gives, in both languages."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation

from doorbraak.breakthroughs.models import BreakthroughStatus, EscalationLevel, Theme
from doorbraak.lib.rows import (
    UUID_PLACEHOLDER,
    choice_labels,
    day_writer,
    moment_writer,
    url_maker,
)

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def filtered(value: object, format_name: str = "DATE_FORMAT") -> str:
    return Template(f'{{{{ value|date:"{format_name}" }}}}').render(Context({"value": value}))


# --- url_maker --------------------------------------------------------------------------------


@pytest.mark.parametrize("pk", [1, 7, 42, 918_273_645, 10**12])
def test_it_makes_the_url_reverse_makes_for_an_int_id(pk: int) -> None:
    assert url_maker("breakthroughs:detail")(pk) == reverse("breakthroughs:detail", args=[pk])


def test_it_makes_the_url_reverse_makes_for_a_uuid() -> None:
    household = url_maker("households:detail", placeholder=UUID_PLACEHOLDER)
    for public_id in (uuid.uuid4(), uuid.UUID(int=0), UUID_PLACEHOLDER):
        assert household(public_id) == reverse("households:detail", args=[public_id])


def test_it_reverses_the_pattern_once_and_fills_in_each_id() -> None:
    detail = url_maker("casebook:detail")
    assert [detail(pk) for pk in (3, 4)] == [
        reverse("casebook:detail", args=[3]),
        reverse("casebook:detail", args=[4]),
    ]


@pytest.mark.parametrize("wrong", ["1", "1/../admin", '1"><script>', True, 1.0, None])
def test_it_takes_no_text_or_other_values_in_place_of_an_int(wrong: object) -> None:
    with pytest.raises(TypeError):
        url_maker("breakthroughs:detail")(wrong)  # type: ignore[arg-type]


def test_it_takes_no_int_where_the_pattern_wants_a_uuid() -> None:
    household = url_maker("households:detail", placeholder=UUID_PLACEHOLDER)
    with pytest.raises(TypeError):
        household(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        household(str(uuid.uuid4()))  # type: ignore[arg-type]


def test_it_refuses_a_url_without_an_id() -> None:
    with pytest.raises(NoReverseMatch):
        url_maker("breakthroughs:list")


# --- choice_labels ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_labels_are_those_get_display_shows_in_the_active_language(language: str) -> None:
    with translation.override(language):
        statuses = choice_labels(BreakthroughStatus.choices)
        levels = choice_labels(EscalationLevel.choices)
        assert statuses == {value: str(label) for value, label in BreakthroughStatus.choices}
        assert levels[EscalationLevel.TABLE] == str(EscalationLevel.TABLE.label)
        assert all(isinstance(label, str) for label in statuses.values())


def test_the_labels_are_translated_when_made_not_when_imported() -> None:
    with translation.override("nl"):
        dutch = choice_labels(Theme.choices)
    with translation.override("en"):
        english = choice_labels(Theme.choices)
    assert dutch.keys() == english.keys()
    assert dutch != english


def test_grouped_choices_are_flattened() -> None:
    grouped = [("a", "A"), ("Group", [("b", "B"), ("c", "C")])]
    assert choice_labels(grouped) == {"a": "A", "b": "B", "c": "C"}


# --- day_writer -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_day_is_written_as_the_date_filter_writes_it(language: str) -> None:
    with translation.override(language):
        write = day_writer()
        for day in (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)):
            assert write(day) == filtered(day)
        assert write(datetime.date(2026, 3, 5)) == filtered(datetime.date(2026, 3, 5))


def test_a_moment_is_written_on_its_day_in_amsterdam() -> None:
    # 23:30 UTC on 31 March is 1 April in Amsterdam (summer time): the filter's day too.
    late = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    with timezone.override(AMSTERDAM), translation.override("nl"):
        write = day_writer()
        assert write(late) == filtered(late) == "1 april 2026"
        assert write(timezone.localtime(late)) == "1 april 2026"


def test_each_day_is_written_once() -> None:
    write = day_writer()
    first = write(datetime.date(2026, 6, 1))
    assert write(datetime.date(2026, 6, 1)) is first  # from the page's own memory


def test_nothing_is_written_for_no_date() -> None:
    assert day_writer()(None) == "" == filtered(None)


def test_another_day_format_is_taken_too() -> None:
    with translation.override("nl"):
        day = datetime.date(2026, 2, 9)
        assert day_writer("SHORT_DATE_FORMAT")(day) == filtered(day, "SHORT_DATE_FORMAT")


# --- moment_writer ----------------------------------------------------------------------------
MOMENTS = [
    datetime.datetime(2026, 3, 29, hour, minute, tzinfo=datetime.UTC)  # summer time begins
    for hour, minute in ((0, 0), (0, 59), (1, 0), (11, 0), (12, 0), (23, 30))
] + [
    datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC),  # summer time ends
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 31, 22, 59, 59, 123456, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "format_name",
    [
        "DATETIME_FORMAT",
        "SHORT_DATETIME_FORMAT",
        "j F Y, G:i:s",  # hours, minutes and seconds only: read off the moment
        r"l jS \o\f F Y, g:i:s.u a A e O P T Z",
        "c",
    ],
)
def test_a_moment_is_written_as_date_format_writes_it(language: str, format_name: str) -> None:
    with timezone.override(AMSTERDAM), translation.override(language):
        write = moment_writer(format_name)
        for moment in MOMENTS + MOMENTS:  # the second time from the days written
            local = timezone.localtime(moment)
            assert write(local) == formats.date_format(local, format_name), local


def test_the_day_is_written_once_and_the_time_for_each_moment() -> None:
    with translation.override("nl"):
        write = moment_writer()
        morning = datetime.datetime(2026, 5, 4, 9, 5)
        assert (
            write(morning) == "4 mei 2026, 09:05" == formats.date_format(morning, "DATETIME_FORMAT")
        )
        assert write(morning.replace(hour=17, minute=45)) == "4 mei 2026, 17:45"


@pytest.mark.parametrize(
    ("number", "asked"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1.5", 1),
        (2.5, 1),
        ([], 1),
        ("3", 3),
        (3, 3),
        (4.0, 4),
        ("0", 0),
        ("-2", -2),
    ],
)
def test_the_page_asked_is_what_paginator_reads(number: object, asked: int) -> None:
    """``page_asked`` reads a number as ``Paginator.validate_number`` does, and what it
    refuses as not a number is page 1, as ``get_page`` shows it."""
    from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

    from doorbraak.lib.rows import page_asked

    assert page_asked(number) == asked
    try:
        expected = Paginator(range(1000), 10).validate_number(number)
    except PageNotAnInteger:
        expected = 1
    except EmptyPage:  # below 1, which get_page answers with the last page
        expected = asked
    assert expected == asked
