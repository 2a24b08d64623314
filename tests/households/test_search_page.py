"""The list page's search compiled once per shape (``households.selectors.household_search_page``):
the same page, count and rows, in the same queries, as ``household_list_page`` of
``household_search`` gives (what the page read before), for every filter, term and page
number; and its reads prepared, not built again on every request."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from doorbraak.accounts.models import District, User
from doorbraak.households.models import CloseReason, Household, HouseholdStatus
from doorbraak.households.selectors import (
    COORDINATOR_NAMES,
    LIST_DETAILS,
    LIST_ROWS,
    SEARCH_IDS,
    SEARCH_TAIL_IDS,
    coordinator_names,
    household_list,
    household_list_page,
    household_search,
    household_search_page,
)
from doorbraak.lib.prepared import Plan, Prepared
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

SURNAMES = ["de Vries", "van de Velde", "Velders", "O'Brien <b>", "100%_korting", "back\\slash"]
STREETS = ["Dorpsstraat", "Veldweg", "Jansenlaan"]
POSTCODES = ["3551 TW", "3552 AB", "1234 VE"]
#: Short and long terms (a term over seven characters is no postcode), upper and lower case,
#: the LIKE wildcards and escape, markup, spaces around, and nothing found.
TERMS = [
    *("", "  ", "velde", "van de Velde", "3551", "3551 tw", " 3552 AB ", "straat", "e"),
    *("%", "_", "\\", "%_", "<b>", "O'Brien", "nergens te vinden"),
]
PAGE_NUMBERS: list[Any] = [None, "1", "2", "3", "0", "-1", "99", "abc", 5]


@pytest.fixture
def varied(cast: Cast) -> District:
    """Households of two teams in two districts, open and closed, one destroyed, some with
    the same name (the order falls to the id), some coordinated by Alice, matching by name,
    street, postcode or a member's surname."""
    district = DistrictFactory(municipality=cast.north)
    combinations = itertools.product(SURNAMES, STREETS, POSTCODES)
    for n, (surname, street, postcode) in enumerate(combinations):
        closed = n % 5 == 0
        household = HouseholdFactory(
            team=cast.team_a if n % 4 else cast.team_b,
            name=f"Huishouden {SURNAMES[(n * 7) % len(SURNAMES)]}",
            street=street,
            postcode=postcode,
            district=district if n % 3 else None,
            status=HouseholdStatus.CLOSED if closed else HouseholdStatus.ACTIVE,
            closed_on=datetime.date(2026, 5, 1) if closed else None,
            close_reason=CloseReason.MOVED if closed else "",
            **({"coordinator": cast.alice} if n % 2 else {}),
        )
        if n % 3 == 0:
            MemberFactory(household=household, last_name=surname)
        if n % 29 == 0:
            Household.objects.filter(pk=household.pk).update(destroyed_on=datetime.date(2026, 6, 1))
    return district


def _seen(household: Household) -> tuple[Any, ...]:
    """What the list shows of a row, and which fields it left unread."""
    return (
        household.pk,
        household.public_id,
        household.name,
        household.address,
        household.municipality_id,
        household.district.name if household.district else None,
        household.status,
        household.latest_classification,
        household.current_member_count,  # type: ignore[attr-defined]
        household.current_coordinator_id,  # type: ignore[attr-defined]
        frozenset(household.get_deferred_fields()),
    )


def _compare(user: User, per_page: int, numbers: list[Any] = PAGE_NUMBERS, **filters: Any) -> None:
    households = household_search(user=user, **filters)
    for number in numbers:
        with CaptureQueriesContext(connection) as before_queries:
            before = household_list_page(
                user=user, households=households, number=number, per_page=per_page
            )
            before_rows = [_seen(h) for h in before.object_list]
        with CaptureQueriesContext(connection) as after_queries:
            after = household_search_page(user=user, number=number, per_page=per_page, **filters)
            after_rows = [_seen(h) for h in after.object_list]
        where = (user.username, filters, number)
        assert after_rows == before_rows, where
        assert (after.number, after.paginator.count, after.paginator.num_pages) == (
            before.number,
            before.paginator.count,
            before.paginator.num_pages,
        ), where
        assert (after.has_previous(), after.has_next()) == (
            before.has_previous(),
            before.has_next(),
        ), where
        assert len(after_queries) <= len(before_queries), where


def _prepared(*reads: Prepared) -> None:
    """Every shape these reads met was prepared (or gives nothing without a query)."""
    for read in reads:
        entries = list(read._plans[connections["default"]].values())
        assert entries, read
        assert all(entry is None or isinstance(entry, Plan) for entry in entries), entries


def test_it_gives_the_page_the_list_page_gives_for_every_term(cast: Cast, varied: District) -> None:
    for user, query in itertools.product((cast.alice, cast.bob, cast.dave), TERMS):
        _compare(user, 4, PAGE_NUMBERS if user == cast.alice else [None, "2", "99"], query=query)
    _prepared(SEARCH_IDS, SEARCH_TAIL_IDS, LIST_ROWS)


def test_it_gives_the_page_the_list_page_gives_for_every_filter(
    cast: Cast, varied: District
) -> None:
    for query, status, district, mine in itertools.product(
        ("", "velde", "3551"),
        ("", HouseholdStatus.ACTIVE, HouseholdStatus.CLOSED),
        (None, varied.pk),
        (False, True),
    ):
        for user in (cast.alice, cast.carol):
            _compare(
                user,
                3,
                [None, "2", "99"],
                query=query,
                status=status,
                district_id=district,
                coordinator_is=user if mine else None,
            )
    _prepared(SEARCH_IDS, SEARCH_TAIL_IDS, LIST_ROWS)


def _counting(build: Callable[..., Any], built: list[str]) -> Callable[..., Any]:
    def counted(**inputs: Any) -> Any:
        built.append("built")
        return build(**inputs)

    return counted


def test_the_same_search_on_another_page_builds_no_query_again(
    cast: Cast, varied: District, monkeypatch: pytest.MonkeyPatch
) -> None:
    household_search_page(user=cast.alice, query="e", number=1, per_page=2)
    household_search_page(user=cast.alice, query="e", number=2, per_page=2)
    household_search_page(user=cast.alice, query="e", number=99, per_page=2)
    built: list[str] = []
    for read in (SEARCH_IDS, SEARCH_TAIL_IDS, LIST_ROWS):
        monkeypatch.setattr(read, "build", _counting(read.build, built))
    for number in (1, 2, 3, 4, 99):
        household_search_page(user=cast.alice, query="de", number=number, per_page=2)
    household_search_page(user=cast.bob, query="straat", number=2, per_page=2)
    assert built == []


def test_the_coordinators_names_are_the_names_the_list_showed(cast: Cast) -> None:
    named = UserFactory(first_name="Anna", last_name="de <Boer>")
    first_only = UserFactory(first_name="Bram", last_name="")
    nameless = UserFactory(first_name="", last_name="", username="zonder-naam")
    users = [named, first_only, nameless, cast.alice]
    expected = {u.pk: u.get_full_name() or u.username for u in users}
    assert coordinator_names([u.pk for u in users] + [None, named.pk]) == expected
    assert coordinator_names([named.pk]) == {named.pk: "Anna de <Boer>"}
    assert coordinator_names([None]) == {}
    assert coordinator_names([]) == {}
    _prepared(COORDINATOR_NAMES)


def _api_seen(household: Household) -> tuple[Any, ...]:
    """What the API's list shows of a row."""
    return (
        *_seen(household)[:-1],
        household.team.name,
        household.opened_on,
        household.closed_on,
        household.has_fixed_address,
        household.postal_address,
    )


def test_the_api_list_gives_the_count_and_pages_its_queryset_gives(
    cast: Cast, varied: District
) -> None:
    """``household_list`` for the API paginator: the count and every page the queryset
    it gave before gives (``HouseholdList.queryset``), the rows read with SQL compiled once."""
    for user, query, status in itertools.product(
        (cast.alice, cast.bob, cast.dave), ("", "velde", "3551", "%", "_"), ("", "actief")
    ):
        found = household_list(user=user, query=query, status=status)
        queryset = found.queryset()
        assert found.count() == queryset.count()
        for start, stop in ((0, 4), (4, 8), (8, 12), (0, None), (40, 44)):
            assert [_api_seen(h) for h in found[start:stop]] == [
                _api_seen(h) for h in queryset[start:stop]
            ], (user.username, query, status, start, stop)
        with CaptureQueriesContext(connection) as queries:
            found[4:8]
        assert len(queries) <= 1
    mine = household_list(user=cast.alice, coordinator_is=cast.alice, district_id=varied.pk)
    assert [h.pk for h in mine[0:50]] == [h.pk for h in mine.queryset()]
    _prepared(LIST_DETAILS)
    with pytest.raises(TypeError):
        mine[0]  # type: ignore[index]
