"""The lists of a page of the table queue (scenario lines, partner requests, the
household's current members), read with SQL compiled once per number of cards
(lib/prepared.py), give the cards what the prefetches of one card (``table_queue(pk=...)``)
give it: the same return, the same requests and members with the same fields loaded, in
the same order, with the same related objects; also for a household with two cards,
without members or lines, with members who left or have not joined yet."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorbraak.breakthroughs import selectors
from doorbraak.breakthroughs.models import PartnerRequest, RequestStatus
from doorbraak.households.models import Household, MemberRole
from tests.breakthroughs.builders import at_table
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory


def _loaded(obj: Any) -> dict[str, Any] | None:
    """The fields a read loaded, with their values (the deferred ones left out)."""
    if obj is None:
        return None
    deferred = obj.get_deferred_fields()
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in deferred
    }


def _lists(item: selectors.QueueItem) -> tuple[Any, ...]:
    """What a card holds of its lists (the return of its scenario lines, its requests, its
    household's current members), with what each row knows of its parent, without a
    query (``django_assert_num_queries`` around the caller)."""
    breakthrough = item.breakthrough
    household = breakthrough.household
    members = household.current_members  # type: ignore[attr-defined]
    return (
        item.return_calculation,
        [
            (
                _loaded(request),
                _loaded(request.organisation),
                request.breakthrough is breakthrough,
                request.state_label,
            )
            for request in item.partner_requests
        ],
        [(_loaded(member), member.household.pk == household.pk) for member in members],
        item.initials,
        item.age_band,
        item.district,
    )


def _population(cast: Cast) -> list[Household]:
    """Cards of four households at the table: one with two cards and members who left or
    have not joined yet, one without members, requests open and answered."""
    today = timezone.localdate()
    twice = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    MemberFactory(household=twice, role=MemberRole.CHILD, birth_date=datetime.date(2015, 3, 1))
    MemberFactory(household=twice, left_on=today - datetime.timedelta(days=1))
    MemberFactory(household=twice, joined_on=today + datetime.timedelta(days=1))
    MemberFactory(household=twice, role=MemberRole.OTHER_ADULT, first_name="<Émile %_")
    empty = HouseholdFactory(team=cast.team_a, coordinator=cast.alice, head=False)
    plain = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    other = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    households = [twice, twice, empty, plain, other]
    breakthroughs = [at_table(cast, household) for household in households]
    # One card without lines.
    breakthroughs[3].scenario_lines.all().delete()
    for breakthrough, status in (
        (breakthroughs[0], RequestStatus.OPEN),
        (breakthroughs[0], RequestStatus.MORE_INFORMATION),
        (breakthroughs[2], RequestStatus.OPEN),
        (breakthroughs[4], RequestStatus.WITHDRAWN),
    ):
        answered = status not in (RequestStatus.OPEN, RequestStatus.WITHDRAWN)
        PartnerRequest.objects.create(
            breakthrough=breakthrough,
            organisation=cast.uwv,
            question="Kan het <b>& 100%_?",
            status=status,
            asked_by=cast.alice,
            asked_at=timezone.now(),
            deadline=today,
            answered_by=cast.dave if answered else None,
            answered_at=timezone.now() if answered else None,
        )
    return households


def test_queue_lists_read(cast: Cast, django_assert_num_queries: Any) -> None:
    _population(cast)
    user = cast.erin
    queue = selectors.table_queue_ids(user=user)
    assert len(queue) == 5
    for page in (queue, queue[1:3], queue[::-1], queue[:1]):
        # A page's cards come in the queue's order, whatever the order of its ids.
        ordered = [pk for pk in queue if pk in page]
        expected = []
        for pk in ordered:
            (item,) = selectors.table_queue(user=user, pk=pk)
            with django_assert_num_queries(0):
                expected.append(_lists(item))
        for _ in range(2):  # compiled, then from the prepared SQL
            # The page, the log, and the three lists.
            with CaptureQueriesContext(connection) as queries:
                items = selectors.table_queue(user=user, page=page)
            assert len(queries.captured_queries) <= 6
            assert [item.breakthrough.pk for item in items] == ordered
            with django_assert_num_queries(0):
                assert [_lists(item) for item in items] == expected
    assert selectors.table_queue(user=user, page=[]) == []
