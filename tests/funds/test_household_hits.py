"""The request form's household search reads the hits' ids first, then their rows
(``funds.selectors.requestable_household_hits``): the same households, in the same order,
as the first ``HOUSEHOLD_HITS`` rows of the search itself, which is what it read before.
Its SQL is compiled once per number of teams and kind of term (``funds.selectors.HITS``,
lib/prepared.py), and it loads only what the form shows of a hit (``HIT_COLUMNS``)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from doorbraak.accounts.models import User
from doorbraak.funds import selectors
from doorbraak.funds.selectors import HIT_COLUMNS, HITS, HOUSEHOLD_HITS, team_ids_of
from doorbraak.households.models import CloseReason, Household, HouseholdStatus, Member
from doorbraak.households.selectors import household_search
from doorbraak.lib.prepared import Plan
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

SURNAMES = ["de Vries", "Jansen", "van de Velde", "Velders", "de Groot", "Bakker"]
STREETS = ["Dorpsstraat", "Veldweg", "Jansenlaan"]
POSTCODES = ["3551 TW", "3552 AB", "1234 VE"]
STATUSES = [HouseholdStatus.ACTIVE, HouseholdStatus.ACTIVE, HouseholdStatus.CLOSED]
TERMS = [
    *("velde", "Velde", "van de Velde", "jansen", "3551", "3551 tw", "straat", "de", "e"),
    *("%", "_", "\\", "a%b", "Huishouden de Vries", " velde ", "VE"),
]


def _before(user: User, query: str, team_id: int | None = None) -> list[Household]:
    """The selector as it read before: the first rows of the search, whole."""
    if not query.strip():
        return []
    teams = team_ids_of(user) if team_id is None else {team_id} & team_ids_of(user)
    found = household_search(user=user, query=query, status=HouseholdStatus.ACTIVE).filter(
        team_id__in=teams
    )
    return list(found[:HOUSEHOLD_HITS])


@pytest.fixture
def varied(cast: Cast) -> None:
    """Households of two teams, open and closed, one destroyed, several with the same name
    (the order then falls to the id), matching by name, street, postcode or a member's
    surname (also a member who left), more than twenty hits for the commonest terms."""
    combinations = itertools.product(SURNAMES, STREETS, POSTCODES, STATUSES)
    for n, (surname, street, postcode, status) in enumerate(combinations):
        team = cast.team_a if n % 3 else cast.team_b
        household = HouseholdFactory(
            team=team,
            name=f"Huishouden {SURNAMES[(n * 7) % len(SURNAMES)]}",
            street=street,
            postcode=postcode,
            status=status,
            closed_on=None if status == HouseholdStatus.ACTIVE else datetime.date(2026, 5, 1),
            close_reason="" if status == HouseholdStatus.ACTIVE else CloseReason.MOVED,
        )
        if n % 4 == 0:
            MemberFactory(household=household, last_name=surname)
        if n % 11 == 0:
            MemberFactory(household=household, last_name=surname, left_on=datetime.date(2026, 3, 1))
        if n % 37 == 0:
            Household.objects.filter(pk=household.pk).update(destroyed_on=datetime.date(2026, 6, 1))
    assert Member.objects.count() > Household.objects.count()


@pytest.mark.usefixtures("varied")
def test_the_hits_are_the_searchs_first_rows_in_its_order(cast: Cast) -> None:
    for user, term in itertools.product((cast.alice, cast.bob, cast.carol), TERMS):
        before = _before(user, term)
        after = selectors.requestable_household_hits(user=user, query=term)
        assert [h.pk for h in after] == [h.pk for h in before], (user, term)
        assert [h.name for h in after] == [h.name for h in before]
    # The commonest terms find more than the form shows; a text nobody holds, nobody.
    assert len(_before(cast.alice, "e")) == HOUSEHOLD_HITS
    assert selectors.requestable_household_hits(user=cast.alice, query="no such text") == []


@pytest.mark.usefixtures("varied")
def test_the_hits_are_prepared_and_read_only_what_the_form_shows(cast: Cast) -> None:
    """Each (user, term, team) twice: compiled, then from its plan; every shape is
    prepared (none falls back to building the query per request), and a hit carries its
    id, public id, municipality and name without another query."""
    HITS._plans.clear()
    teams = (None, cast.team_a.pk, cast.team_b.pk)
    for user, term, team_id in itertools.product((cast.alice, cast.bob), TERMS, teams):
        expected = [h.pk for h in _before(user, term, team_id)]
        for _ in range(2):
            found = selectors.requestable_household_hits(user=user, query=term, team_id=team_id)
            assert [h.pk for h in found] == expected, (user, term, team_id)
            with CaptureQueriesContext(connection) as queries:
                shown = [(h.public_id, h.municipality_id, h.name, h.pseudonym) for h in found]
            assert len(queries) == 0
            by_pk = Household.objects.in_bulk([h.pk for h in found])
            assert shown == [
                (
                    by_pk[h.pk].public_id,
                    by_pk[h.pk].municipality_id,
                    by_pk[h.pk].name,
                    by_pk[h.pk].pseudonym,
                )
                for h in found
            ]
            assert all(set(h.get_deferred_fields()).isdisjoint(HIT_COLUMNS) for h in found)
    plans = list(HITS._plans[connections["default"]].values())
    assert plans
    assert all(isinstance(plan, Plan) for plan in plans)
