"""The breakthrough's copies of its household's team and municipality (migration 0011).

The team's list, the fund form's choices, the table queue (page and API) and the partner
directory filter on ``Breakthrough.team`` and ``Breakthrough.municipality`` instead of
joining the households. A copy that were wrong would silently drop a breakthrough from a
list, or show it to the wrong team: so every breakthrough made here goes through the
service, and the lists are compared with the queries of before, row for row and in order.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import QuerySet
from django.utils import timezone

from doorbraak.accounts.models import Role, User
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.breakthroughs import selectors, services
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
)
from doorbraak.households.models import Household
from tests.breakthroughs.builders import bottleneck, draft
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MembershipFactory

BEFORE = ("breakthroughs", "0010_own_cost_lines")
AFTER = ("breakthroughs", "0011_team_municipality_copies")
TABLE = "breakthroughs_breakthrough"
INDEXES = {"breakthrough_team_created", "breakthrough_municipality"}


def _start(
    cast: Cast,
    actor: User,
    household: Household,
    *,
    status: str = BreakthroughStatus.DRAFT,
    level: int = EscalationLevel.OWN_MANDATE,
    deadline: int = 0,
) -> Breakthrough:
    """A breakthrough made by the service, then put at ``status`` and ``level`` (where it
    stands on the route is not what this file tests; the copies are made at the start)."""
    found = services.breakthrough_start(
        actor=actor,
        bottleneck=bottleneck(cast, household, actor=actor),
        title=f"Doorbraak {household.name}",
        proposal="Doe wat nodig is.",
    )
    submitted = status != BreakthroughStatus.DRAFT
    Breakthrough.objects.filter(pk=found.pk).update(
        status=status,
        level=level,
        submitted_at=timezone.now() if submitted else None,
        level_deadline=timezone.localdate() + datetime.timedelta(days=deadline)
        if submitted
        else None,
    )
    return found


def _population(cast: Cast) -> dict[str, Household]:
    """Breakthroughs at every level in both municipalities, in three teams, one of a
    household destroyed since (invisible), and a user in two teams."""
    north_a = HouseholdFactory.create(team=cast.team_a, coordinator=cast.alice)
    north_a2 = HouseholdFactory.create(team=cast.team_a, coordinator=cast.alice)
    north_b = HouseholdFactory.create(team=cast.team_b, coordinator=cast.bob)
    south = HouseholdFactory.create(team=cast.team_z, coordinator=cast.mallory)
    gone = HouseholdFactory.create(team=cast.team_a, coordinator=cast.alice)
    submitted = BreakthroughStatus.SUBMITTED
    for actor, household in (
        (cast.alice, north_a),
        (cast.alice, north_a2),
        (cast.bob, north_b),
        (cast.mallory, south),
        (cast.alice, gone),
    ):
        _start(cast, actor, household)
        for deadline, level in enumerate(EscalationLevel):
            _start(cast, actor, household, status=submitted, level=level, deadline=deadline % 3)
        _start(
            cast, actor, household, status=BreakthroughStatus.APPROVED, level=EscalationLevel.TABLE
        )
    Household.objects.filter(pk=gone.pk).update(destroyed_on=datetime.date(2026, 1, 1))
    # Carol leads team B as well; a chair in the south.
    MembershipFactory(
        user=cast.carol,
        role=Role.TEAM_LEAD,
        team=cast.team_b,
        organisation=cast.team_b.organisation,
        municipality=cast.north,
    )
    MembershipFactory(
        user=cast.oscar, role=Role.TABLE_CHAIR, organisation=cast.wi_south, municipality=cast.south
    )
    return {"north_a": north_a, "north_b": north_b, "south": south, "gone": gone}


def _everyone(cast: Cast) -> list[User]:
    return [
        cast.alice,
        cast.bob,
        cast.carol,
        cast.dave,
        cast.erin,
        cast.frank,
        cast.grace,
        cast.heidi,
        cast.ivan,
        cast.mallory,
        cast.oscar,
    ]


def _visible_before(user: User) -> QuerySet[Breakthrough]:
    """``Breakthrough.visible_to`` as it was written before the copies: the reference."""
    return Breakthrough.objects.filter(household__in=Household.objects.visible_to(user))


def _queue_before(user: User) -> QuerySet[Breakthrough]:
    """The table queue as it was written before the copies: the reference."""
    return Breakthrough.objects.filter(
        status=BreakthroughStatus.SUBMITTED,
        level__gte=EscalationLevel.TABLE,
        household__municipality_id__in=municipality_ids_of(user, role=Role.TABLE_CHAIR),
    ).order_by("level_deadline", "submitted_at", "pk")


def _ids(rows: QuerySet[Breakthrough]) -> list[int]:
    return list(rows.values_list("pk", flat=True))


def test_a_breakthrough_carries_its_households_team_and_municipality(
    cast: Cast, household_a: Household, household_z: Household
) -> None:
    north = draft(cast, household_a)
    south = _start(cast, cast.mallory, household_z)
    north.refresh_from_db()
    south.refresh_from_db()
    assert (north.team, north.municipality) == (cast.team_a, cast.north)
    assert (south.team, south.municipality) == (cast.team_z, cast.south)


def test_the_team_sees_exactly_the_breakthroughs_it_saw_before(cast: Cast) -> None:
    households = _population(cast)
    for user in _everyone(cast):
        expected = _ids(_visible_before(user).order_by("pk"))
        assert _ids(Breakthrough.objects.visible_to(user).order_by("pk")) == expected, user
        listed = _ids(selectors.breakthrough_list(user=user))
        assert listed == _ids(
            _visible_before(user).order_by("level_deadline", "-created_at", "pk")
        ), user
    # What the comparison covers: a team, two teams, none; and never a destroyed household.
    assert len(_ids(Breakthrough.objects.visible_to(cast.alice))) == 2 * 6
    assert len(_ids(Breakthrough.objects.visible_to(cast.carol))) == 3 * 6
    assert not Breakthrough.objects.visible_to(cast.erin).exists()
    assert not Breakthrough.objects.visible_to(cast.alice).filter(household=households["gone"])


def test_the_table_queue_holds_exactly_what_it_held_before(cast: Cast) -> None:
    _population(cast)
    for user in _everyone(cast):
        expected = _ids(_queue_before(user))
        assert _ids(selectors.table_queue_breakthroughs(user=user)) == expected, user
        # The queue page's ids (compiled once per shape) in the same order, and again
        # from the prepared SQL.
        assert selectors.table_queue_ids(user=user) == expected, user
        assert selectors.table_queue_ids(user=user) == expected, user
    # The north's chair: levels 3 and 4 of four households (the destroyed one's too, as
    # before: the table decides on the case, the household's page is what was destroyed).
    assert len(_ids(selectors.table_queue_breakthroughs(user=cast.erin))) == 2 * 4
    assert len(_ids(selectors.table_queue_breakthroughs(user=cast.oscar))) == 2


def test_the_partner_directory_counts_the_answers_of_its_municipality(cast: Cast) -> None:
    households = _population(cast)
    MembershipFactory(role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.south)
    # Answered requests, one per household (how they were answered is not tested here).
    asked = timezone.now() - datetime.timedelta(days=7)
    for household in households.values():
        PartnerRequest.objects.create(
            breakthrough=household.breakthroughs.filter(level=EscalationLevel.PARTNER).get(),
            organisation=cast.uwv,
            question="Kan de uitkering doorlopen?",
            status=RequestStatus.ACCEPTED,
            asked_by=cast.alice,
            asked_at=asked,
            deadline=timezone.localdate(),
            answered_by=cast.dave,
            answered_at=timezone.now(),
        )
    for user, answered in ((cast.alice, 3), (cast.bob, 3), (cast.mallory, 1)):
        entries = {e.organisation.name: e for e in selectors.partner_directory(user=user)}
        before = PartnerRequest.objects.filter(
            organisation=cast.uwv,
            breakthrough__household__municipality_id__in=municipality_ids_of(user),
            answered_at__isnull=False,
        )
        assert entries["UWV"].answered == before.count() == answered, user


# --- the migration ----------------------------------------------------------------------------
def _columns() -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, TABLE))


def _copies() -> dict[int, tuple[Any, ...]]:
    """Each breakthrough's copies beside its household's team and municipality, read in SQL
    (the model has the columns, the database may not)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT b.id, b.team_id, b.municipality_id, h.team_id, h.municipality_id "
            f"FROM {TABLE} b JOIN households_household h ON h.id = b.household_id"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_copies_and_goes_back_and_forth(cast: Cast) -> None:
    households = _population(cast)
    made = _copies()
    assert len(made) == 5 * 6
    try:
        _migrate(BEFORE)
        assert {"team_id", "municipality_id"}.isdisjoint(_columns())
        assert INDEXES.isdisjoint(_indexes())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            assert cursor.fetchone() == (len(made),)

        _migrate(AFTER)
        assert {"team_id", "municipality_id"}.issubset(_columns())
        assert INDEXES.issubset(_indexes())
        filled = _copies()
        assert filled == made
        assert all(row[:2] == row[2:] for row in filled.values())
        assert {row[0] for row in filled.values()} == {
            cast.team_a.pk,
            cast.team_b.pk,
            cast.team_z.pk,
        }
        # Made NOT NULL: a breakthrough without its copies is refused.
        with connection.cursor() as cursor, pytest.raises(IntegrityError):
            cursor.execute(f"UPDATE {TABLE} SET team_id = NULL")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert Breakthrough.objects.filter(household=households["south"]).count() == 6


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


def test_queue_page_read(cast: Cast) -> None:
    """A page of cards (its SQL compiled once per shape) holds the same breakthroughs, with
    the same fields loaded and the same related objects, as the ``only()`` and
    ``select_related`` queryset it replaces, also for ids outside the chair's queue."""
    _population(cast)
    everything = _ids(Breakthrough.objects.order_by("pk"))
    for user in _everyone(cast):
        queue = selectors.table_queue_ids(user=user)
        for page in (queue, queue[1:3], everything):
            expected = list(
                selectors.table_queue_breakthroughs(user=user)
                .filter(pk__in=page)
                .only(*selectors.QUEUE_CARD_COLUMNS)
                .select_related("household__district", "bottleneck", "regulation")
            )
            for _ in range(2):  # compiled, then from the prepared SQL
                items = selectors.table_queue(user=user, page=page)

                found = [item.breakthrough for item in items]
                assert [_loaded(b) for b in found] == [_loaded(b) for b in expected], user
                for path in ("household", "bottleneck", "regulation"):
                    assert [_loaded(getattr(b, path)) for b in found] == [
                        _loaded(getattr(b, path)) for b in expected
                    ], (user, path)
                assert [_loaded(b.household.district) for b in found] == [
                    _loaded(b.household.district) for b in expected
                ], user
    assert any(selectors.table_queue_ids(user=user) for user in _everyone(cast))
