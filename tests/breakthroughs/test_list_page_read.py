"""The team's breakthrough list's own read (``selectors.breakthrough_list_page``: the rows
with their total in one query, its SQL compiled once, lib/prepared.py) gives the page the
paginator gives of the former queryset: the same rows in the same order with the same
columns, the same number, count and pages, for every page number a link can carry (past
the end, below the first, not a number), every filter and every persona."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.breakthroughs import selectors
from doorbraak.breakthroughs.models import Breakthrough, BreakthroughStatus
from doorbraak.lib.prepared import Plan
from tests.breakthroughs.builders import draft, submitted
from tests.conftest import Cast
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 3
NUMBERS: list[Any] = [
    *(None, "", "1", "2", "3", "4", "99", "0", "-1", "abc", "1.0", " 2 ", 2, 2.0, 2.5),
    *("99999999999999999999999", float("inf"), float("nan")),
]


def _former_page(user: User, *, status: str, level: int | None, number: Any) -> Any:
    """The page as the list view read it before: ``breakthrough_list`` in the page's order,
    through the paginator."""
    today = timezone.localdate()
    breakthroughs = (
        selectors.breakthrough_list(user=user, status=status, level=level)
        .only(*selectors.LIST_ROW_COLUMNS)
        .order_by(
            Case(
                When(status=BreakthroughStatus.SUBMITTED, level_deadline__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            F("level_deadline").asc(nulls_last=True),
            "-created_at",
            "-pk",
        )
    )
    return Paginator(breakthroughs, PER_PAGE).get_page(number)


def _shown(breakthrough: Breakthrough) -> tuple[Any, ...]:
    loaded = breakthrough.get_deferred_fields()
    return (
        breakthrough.pk,
        breakthrough.title,
        breakthrough.status,
        breakthrough.level,
        breakthrough.level_deadline,
        breakthrough.household_id,
        breakthrough.household.public_id,
        breakthrough.household.name,
        breakthrough.household.municipality_id,
        breakthrough.bottleneck.title,
        frozenset(loaded),
        frozenset(breakthrough.household.get_deferred_fields()),
        frozenset(breakthrough.bottleneck.get_deferred_fields()),
    )


def _page(page: Any) -> tuple[Any, ...]:
    return (
        [_shown(b) for b in page.object_list],
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.has_next(),
        page.has_previous(),
    )


@pytest.fixture
def many(cast: Cast) -> None:
    """Eight breakthroughs in team A (some overdue, one without a deadline); none in B."""
    today = timezone.localdate()
    for n in range(8):
        household = HouseholdFactory(
            team=cast.team_a, name=f"Huishouden <{n}> %_", coordinator=cast.alice
        )
        made = submitted(cast, household) if n % 3 else draft(cast, household)
        deadline = None if n == 5 else today + datetime.timedelta(days=(n % 4) * 7 - 10)
        Breakthrough.objects.filter(pk=made.pk).update(level_deadline=deadline, level=1 + n % 2)


FILTERS = [("", None), (BreakthroughStatus.SUBMITTED, None), ("", 2), ("concept", 1), ("x", None)]


def test_the_page_is_the_page_of_the_former_read(cast: Cast, many: None) -> None:
    for status, level in FILTERS:
        for number in NUMBERS:
            for user in (cast.alice, cast.bob, cast.carol, cast.heidi, cast.dave):
                expected = _page(_former_page(user, status=status, level=level, number=number))
                page = selectors.breakthrough_list_page(
                    user=user,
                    today=timezone.localdate(),
                    status=status,
                    level=level,
                    number=number,
                    per_page=PER_PAGE,
                )
                assert _page(page) == expected, (user.username, status, level, number)


def test_a_page_is_one_query_and_compiled_once(cast: Cast, many: None) -> None:
    def read(number: Any, **filters: Any) -> Any:
        return selectors.breakthrough_list_page(
            user=cast.alice, today=timezone.localdate(), number=number, per_page=PER_PAGE, **filters
        )

    for filters in ({}, {"status": BreakthroughStatus.SUBMITTED}, {"level": 1}):
        read(1, **filters)
        with CaptureQueriesContext(connection) as queries:
            page = read(1, **filters)
            read(2, **filters)
            read("abc", **filters)
        assert len(queries.captured_queries) == 3
        assert page.object_list
        # The shape was prepared (not built on every request).
        prepared = selectors.list_page_read(filters.get("level", 0))
        plans = [entry for plan in prepared._plans.values() for entry in plan.values()]
        # (None: a user without teams, whose empty IN asks nothing; False would be a
        # shape built on every request.)
        assert any(isinstance(entry, Plan) for entry in plans)
        assert all(entry is None or isinstance(entry, Plan) for entry in plans)
    # Every page after the first shares one plan: the LIMIT and OFFSET are put after it.
    prepared = selectors.list_page_read(0)
    read(2)
    shapes = sum(len(plan) for plan in prepared._plans.values())
    read(3)
    assert sum(len(plan) for plan in prepared._plans.values()) == shapes
    # A page past the end: the empty page, then the last page with its total.
    with CaptureQueriesContext(connection) as queries:
        page = read(99)
    assert len(queries.captured_queries) == 2
    assert page.number == page.paginator.num_pages == 3
