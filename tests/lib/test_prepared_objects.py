"""A queryset of model instances compiled once per shape (``PreparedObjects``) and a list
handed to an object as ``prefetch_related`` would (``attach``): the same instances, with
their joined relations, annotations and deferred fields, as the queryset gives them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.test.utils import CaptureQueriesContext

from doorbraak.households.models import Household, Member
from doorbraak.lib.prepared import PreparedObjects, attach
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory


def _households(*, teams: tuple[int, ...], opened: datetime.date) -> QuerySet[Household]:
    return (
        Household.objects.filter(team__in=teams, opened_on__gte=opened)
        .select_related("team")
        .annotate(label=F("team__name"), one=Value(1))
        .order_by("opened_on", "pk")
    )


@pytest.fixture
def households(cast: Cast) -> list[Household]:
    return [
        HouseholdFactory(team=team, opened_on=datetime.date(2026, 3, day))
        for day, team in ((1, cast.team_a), (5, cast.team_b), (9, cast.team_a))
    ]


def _seen(household: Household) -> tuple[Any, ...]:
    return (household.pk, household.name, household.team.name, household.label, household.one)  # type: ignore[attr-defined]


def test_it_gives_the_instances_the_queryset_gives(cast: Cast, households: list[Household]) -> None:
    prepared = PreparedObjects(_households)
    for teams, day in (((cast.team_a.pk,), 1), ((cast.team_a.pk,), 2), ((cast.team_b.pk,), 1)):
        inputs: dict[str, Any] = {"teams": teams, "opened": datetime.date(2026, 3, day)}
        expected = [_seen(h) for h in _households(**inputs)]
        for _ in range(2):  # compiled, then from the plan
            found = prepared.objects(**inputs)
            with CaptureQueriesContext(connection) as queries:
                assert [_seen(h) for h in found] == expected  # the team joined, no query
            assert len(queries) == 0
            assert all(isinstance(h, Household) and not h._state.adding for h in found)


def test_it_builds_the_query_once_per_shape(cast: Cast, households: list[Household]) -> None:
    built: list[dict[str, Any]] = []

    def build(**inputs: Any) -> QuerySet[Household]:
        built.append(inputs)
        return _households(**inputs)

    prepared = PreparedObjects(build)
    prepared.objects(teams=(cast.team_a.pk,), opened=datetime.date(2026, 3, 1))
    first = len(built)
    for day in (2, 6, 10):
        prepared.objects(teams=(cast.team_b.pk,), opened=datetime.date(2026, 3, day))
    assert len(built) == first


def test_deferred_fields_stay_deferred(cast: Cast, households: list[Household]) -> None:
    prepared = PreparedObjects(
        lambda *, household: Household.objects.filter(pk=household).only("pk", "name")
    )
    (found,) = prepared.objects(household=households[0].pk)
    assert found.name == households[0].name
    assert "opened_on" in found.get_deferred_fields()


def test_it_takes_model_querysets_without_prefetch_only(cast: Cast) -> None:
    with pytest.raises(TypeError):
        PreparedObjects(lambda *, pk: Household.objects.filter(pk=pk).values("id")).objects(pk=1)
    with pytest.raises(TypeError):
        PreparedObjects(
            lambda *, pk: Household.objects.filter(pk=pk).prefetch_related("members")
        ).objects(pk=1)


def test_attach_is_what_prefetch_related_leaves_behind(cast: Cast) -> None:
    household = HouseholdFactory(team=cast.team_a)
    MemberFactory(household=household)
    other = HouseholdFactory(team=cast.team_a)
    MemberFactory(household=other)
    members = list(Member.objects.filter(household=household).order_by("pk"))
    assert len(members) >= 2
    read = Household.objects.get(pk=household.pk)
    attach(read, "members", [Member.objects.get(pk=m.pk) for m in members])
    with CaptureQueriesContext(connection) as queries:
        assert [m.pk for m in read.members.all()] == [m.pk for m in members]
        assert all(m.household is read for m in read.members.all())
        assert read.members.count() == len(members)
    assert len(queries) == 0
    # A filter on it asks the database, still within the household.
    assert list(read.members.filter(pk=members[-1].pk)) == [members[-1]]
    assert not read.members.filter(household=other).exists()


def test_a_slice_gives_the_instances_the_sliced_queryset_gives(
    cast: Cast, households: list[Household]
) -> None:
    prepared = PreparedObjects(_households)
    inputs: dict[str, Any] = {
        "teams": (cast.team_a.pk, cast.team_b.pk),
        "opened": datetime.date(2026, 3, 1),
    }
    for _ in range(2):  # compiled, then from the plans
        for start, stop in ((0, None), (0, 2), (1, 2), (1, None), (2, 9), (5, 7), (1, 1)):
            expected = [_seen(h) for h in _households(**inputs)[start:stop]]
            found = prepared.objects_between(start, stop, **inputs)
            assert [_seen(h) for h in found] == expected, (start, stop)
