"""The request form's reads compiled once per number of teams or municipalities
(lib/prepared.py): the household it is opened from (``funds.selectors.requestable_household``),
the chosen household's breakthroughs (``breakthroughs_of_household``) and the cost items
(``cost_item_choices``) give what the querysets they replace give, for every user, also
another team's or a closed household (none), and every shape is prepared (none falls back
to building its query per request)."""

from __future__ import annotations

import datetime
import itertools
import uuid
from typing import Any
from typing import cast as cast_

import pytest
from django.db import connections

from doorbraak.accounts.models import User
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.funds import selectors
from doorbraak.funds.selectors import COST_ITEMS, HOUSEHOLD_BREAKTHROUGHS, REQUESTABLE_HOUSEHOLD
from doorbraak.households.models import CloseReason, Household, HouseholdStatus
from doorbraak.lib.prepared import Plan, PreparedObjects
from tests.breakthroughs.builders import draft as breakthrough_draft
from tests.conftest import Cast
from tests.factories import CostItemFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _all_prepared(prepared: PreparedObjects) -> None:
    plans = list(prepared._plans[connections["default"]].values())
    assert plans
    assert all(isinstance(plan, Plan) for plan in plans)


@pytest.fixture
def households(cast: Cast) -> list[Household]:
    """Open and closed households of both teams, one destroyed, each with a breakthrough or
    two (drafted while open in team A, then moved and closed as the case needs)."""
    found = []
    cases = itertools.product(
        (cast.team_a, cast.team_b), (HouseholdStatus.ACTIVE, HouseholdStatus.CLOSED)
    )
    for n, (team, status) in enumerate(cases):
        household = cast_(Household, HouseholdFactory(team=cast.team_a, name=f"Huishouden {n}"))
        for _ in range(1 + n % 2):
            breakthrough_draft(cast, household)
        Breakthrough.objects.filter(household=household).update(team=team)
        closed = status == HouseholdStatus.CLOSED
        Household.objects.filter(pk=household.pk).update(
            team=team,
            status=status,
            closed_on=datetime.date(2026, 5, 1) if closed else None,
            close_reason=CloseReason.MOVED if closed else "",
        )
        found.append(household)
    destroyed = cast_(Household, HouseholdFactory(team=cast.team_a, name="Weg"))
    breakthrough_draft(cast, destroyed)
    Household.objects.filter(pk=destroyed.pk).update(destroyed_on=datetime.date(2026, 6, 1))
    return [*found, destroyed]


def _users(cast: Cast) -> list[User]:
    return [cast.alice, cast.bob, cast.carol]


def test_the_household_opened_from_is_the_querysets(
    cast: Cast, households: list[Household]
) -> None:
    REQUESTABLE_HOUSEHOLD._plans.clear()
    opened = 0
    for user, public_id in itertools.product(
        _users(cast), [h.public_id for h in households] + [uuid.uuid4()]
    ):
        expected = selectors.requestable_households(user=user).filter(public_id=public_id).first()
        for _ in range(2):  # compiled, then from the plan
            found = selectors.requestable_household(user=user, public_id=public_id)
            if expected is None:
                assert found is None, (user, public_id)
                continue
            assert found is not None
            opened += 1
            assert _fields(found) == _fields(expected)
            assert _fields(found.municipality) == _fields(expected.municipality)
    assert opened == 2 * 3  # each team's open household, for its users
    _all_prepared(REQUESTABLE_HOUSEHOLD)


def test_the_households_breakthroughs_are_the_querysets(
    cast: Cast, households: list[Household]
) -> None:
    HOUSEHOLD_BREAKTHROUGHS._plans.clear()
    assert Breakthrough.objects.count() > len(households)
    listed = 0
    for user, household in itertools.product(_users(cast), households):
        expected = list(
            selectors.linkable_breakthroughs(user=user).filter(household_id=household.pk)
        )
        for _ in range(2):
            found = selectors.breakthroughs_of_household(user=user, household_id=household.pk)
            assert [_fields(b) for b in found] == [_fields(b) for b in expected], (user, household)
        listed += len(expected)
    assert listed > 0
    assert selectors.breakthroughs_of_household(user=cast.alice, household_id=None) == []
    _all_prepared(HOUSEHOLD_BREAKTHROUGHS)


def test_the_cost_items_are_the_querysets(cast: Cast) -> None:
    """National items and those of each municipality, some of the same name in several
    years (the order then falls to the year, newest first, and the id)."""
    COST_ITEMS._plans.clear()
    for municipality, year, name in itertools.product(
        (None, cast.north, cast.south), (2025, 2026), ("Huisuitzetting", "Schuldhulp")
    ):
        CostItemFactory(municipality=municipality, valid_year=year, name=name)
    users = [*_users(cast), cast.dave, *User.objects.exclude(pk=cast.alice.pk)[:3]]
    for user in users:
        expected = [_fields(item) for item in selectors.cost_items(user=user)]
        for _ in range(2):
            found = selectors.cost_item_choices(user=user)
            assert [_fields(item) for item in found] == expected, user
            assert [str(item) for item in found] == [
                str(item) for item in selectors.cost_items(user=user)
            ]
    _all_prepared(COST_ITEMS)


def test_open_funds_are_those_of_the_fund_list_open_for_requests(cast: Cast) -> None:
    """``open_funds`` (compiled once per year and number of ids) gives what
    ``fund_list(user=…)`` gives of the active funds of this year and later, in its order,
    for every user: municipality-wide, district (of the team's districts or not), team and
    another municipality's funds, inactive ones and last year's left out."""
    from django.utils import timezone

    from doorbraak.funds.selectors import open_funds
    from tests.factories import DistrictFactory
    from tests.funds.factories import FundFactory

    year = timezone.localdate().year
    ours, other = DistrictFactory(municipality=cast.north), DistrictFactory(municipality=cast.north)
    cast.team_a.districts.add(ours)
    cast.team_b.districts.add(ours, other)
    for name, extra in (
        ("Noord", {}),
        ("Noord volgend jaar", {"year": year + 1}),
        ("Noord vorig jaar", {"year": year - 1}),
        ("Noord dicht", {"active": False}),
        ("Wijk van A en B", {"district": ours}),
        ("Wijk van B", {"district": other}),
        ("Team A", {"team": cast.team_a}),
        ("Team B", {"team": cast.team_b}),
    ):
        FundFactory(municipality=cast.north, name=name, **extra)
    FundFactory(municipality=cast.south, name="Zuid")
    FundFactory(municipality=cast.south, name="Team Z", team=cast.team_z)
    seen = set()
    for user in User.objects.order_by("username"):
        expected = list(
            selectors.fund_list(user=user).filter(active=True, year__gte=year).select_related(None)
        )
        found = open_funds(user=user)
        assert [_fields(f) for f in found] == [_fields(f) for f in expected], user.username
        seen.add(tuple(f.name for f in found))
    assert ("Noord volgend jaar", "Noord", "Team A", "Wijk van A en B") in seen  # alice
    assert ("Noord volgend jaar", "Noord", "Team B", "Wijk van A en B", "Wijk van B") in seen
    assert ("Team Z", "Zuid") in seen  # mallory
    assert () in seen  # the partner contact and the privacy officers
    # Every shape prepared: a plan, or none at all for a user without scopes (no query).
    plans = list(selectors.open_funds_read(year)._plans[connections["default"]].values())
    assert sum(isinstance(plan, Plan) for plan in plans) == 2  # team members, the wide roles
    assert all(isinstance(plan, Plan) or plan is None for plan in plans)
