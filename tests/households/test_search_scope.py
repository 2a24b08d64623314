"""The member's copy of the household's team (migration 0014) stays right on every path that
makes or changes a member or a household, and the search finds exactly what it found before.

The search looks a surname up within ``Member.team`` (``MemberQuerySet.searchable_by``); a
member whose copy were wrong would silently drop out of the search, so every service that
makes a member or changes a name or an address is run here and then searched for.
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q, QuerySet

from doorbraak.households import services
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.households.selectors import household_search
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _found(cast: Cast, query: str) -> list[str]:
    return [h.name for h in household_search(user=cast.alice, query=query)]


def _search_before_0014(user: object, query: str) -> QuerySet[Household]:
    """The search as it was written before the member had a team: the reference."""
    q = query.strip()
    visible = Household.objects.visible_to(user)  # type: ignore[arg-type]
    members = Member.objects.filter(household__in=visible, last_name__icontains=q)
    return visible.filter(
        Q(name__icontains=q)
        | Q(street__icontains=q)
        | Q(postcode__icontains=q.upper())
        | Q(pk__in=members.values("household"))
    ).order_by("name", "pk")


def _intake(name: str, *surnames: str) -> services.IntakeData:
    return services.IntakeData(
        name=name,
        postcode="3552 AB",
        house_number=12,
        street="Kaatstraat",
        city="Demostad",
        members=[
            services.MemberData(
                "Anja",
                surname,
                datetime.date(1971, 5, 3),
                MemberRole.HEAD if n == 0 else MemberRole.PARTNER,
            )
            for n, surname in enumerate(surnames)
        ],
    )


def test_it_copies_the_team_on_intake_and_on_a_new_member(cast: Cast) -> None:
    household = services.household_register(
        actor=cast.alice, team=cast.team_a, intake=_intake("Huishouden Ploeg", "Ploeg", "Kramer")
    )
    added = services.member_add(
        actor=cast.alice,
        household=household,
        data=services.MemberData("Tim", "Terpstra", datetime.date(2010, 1, 1), MemberRole.CHILD),
        joined_on=datetime.date(2026, 1, 5),
    )
    assert {m.team_id for m in household.members.all()} == {cast.team_a.pk}
    assert added.team_id == cast.team_a.pk
    assert _found(cast, "kramer") == ["Huishouden Ploeg"]
    assert _found(cast, "terpst") == ["Huishouden Ploeg"]


def test_it_finds_a_changed_surname_and_not_the_old_one(cast: Cast, household_a: Household) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    services.member_update(
        actor=cast.alice,
        member=child,
        first_name=child.first_name,
        last_name="Oudenhoven",
        birth_date=child.birth_date,
        role=child.role,
    )
    assert _found(cast, "oudenhov") == ["Huishouden Zwart"]

    services.member_rectify(
        actor=cast.heidi,
        member=Member.objects.get(pk=child.pk),
        changes={"last_name": "Nieuwenhuis"},
        reason="Naam verkeerd gespeld.",
    )
    assert _found(cast, "nieuwenh") == ["Huishouden Zwart"]
    assert _found(cast, "oudenhov") == []


def test_it_still_finds_a_member_who_left_as_before(cast: Cast, household_a: Household) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    Member.objects.filter(pk=child.pk).update(last_name="Vertrokken")
    services.member_leave(
        actor=cast.alice,
        member=Member.objects.get(pk=child.pk),
        left_on=datetime.date.today(),
    )
    assert _found(cast, "vertrok") == ["Huishouden Zwart"]


def test_it_finds_a_new_address(cast: Cast, household_a: Household) -> None:
    services.household_address_change(
        actor=cast.alice,
        household=household_a,
        address=services.AddressData(
            has_fixed_address=True,
            postcode="3552 AB",
            house_number=3,
            street="Lindelaan",
            city="Demostad",
        ),
    )
    assert _found(cast, "lindel") == ["Huishouden Zwart"]


def test_it_finds_exactly_what_the_search_found_before(cast: Cast) -> None:
    """A mixed population: the team's households, another team's with the same surnames,
    a destroyed household, and households of the user's team in another municipality's
    team; every query gives the very rows (and order) of the search before 0014."""
    for n, surname in enumerate(["de Groot", "Groothuis", "Jansen", "de Groot"]):
        for team in (cast.team_a, cast.team_b, cast.team_z):
            household = HouseholdFactory(team=team, name=f"Huishouden {n} {surname}")
            MemberFactory(household=household, last_name=surname)
            MemberFactory(household=household, last_name="Bakker")
    destroyed = HouseholdFactory(team=cast.team_a, name="Huishouden Weg")
    MemberFactory(household=destroyed, last_name="de Groot")
    Household.objects.filter(pk=destroyed.pk).update(destroyed_on=datetime.date(2026, 1, 1))

    for query in ("groot", "GROOT", "de g", "Bakker", "jans", "3552", "zzz", "Weg", " oo "):
        for user in (cast.alice, cast.bob, cast.carol, cast.dave):
            expected = list(_search_before_0014(user, query))
            assert list(household_search(user=user, query=query)) == expected, (query, user)
    assert len(_found(cast, "groot")) == 3


def test_a_member_of_another_team_is_not_found(cast: Cast, household_b: Household) -> None:
    MemberFactory(household=household_b, last_name="Zeldzaamnaam")
    assert _found(cast, "zeldzaam") == []
    assert [h.name for h in household_search(user=cast.bob, query="zeldzaam")] == [household_b.name]


def test_the_factory_copies_the_team(cast: Cast) -> None:
    member = MemberFactory(household=HouseholdFactory(team=cast.team_b))
    assert member.team_id == cast.team_b.pk


def test_the_surname_subquery_does_not_ask_again_for_the_visible_households(
    cast: Cast,
) -> None:
    """The visible households are asked for once, by the search itself: the surname
    subquery takes the members of the user's teams (``of_teams_of``), whose households it
    names are matched among the visible ones only (at a million persons, asking again made
    PostgreSQL walk the team's households once per surname found). What it finds is held
    to the search before 0014 above."""
    sql = str(household_search(user=cast.alice, query="groot").order_by().values("pk").query)
    assert sql.count('FROM "households_household"') == 1, sql
    assert 'FROM "households_member"' in sql, sql
    assert list(Member.objects.of_teams_of(cast.dave)) == []  # no team, no members


def test_a_term_longer_than_a_postcode_is_not_compared_with_the_postcodes(cast: Cast) -> None:
    """Seven characters at most ("3552 AB"): a longer term is looked for in the name, the
    street and the surnames only, and finds what it found before."""
    from doorbraak.households.selectors import POSTCODE_LENGTH

    assert POSTCODE_LENGTH == 7
    household = HouseholdFactory(team=cast.team_a, name="Huishouden Velde", postcode="3552 AB")
    MemberFactory(household=household, last_name="van de Velde")

    def condition(query: str) -> str:
        return str(household_search(user=cast.alice, query=query).query).split(" WHERE ", 1)[1]

    assert '"postcode"' not in condition("van de Velde")
    assert '"postcode"' in condition("3552 ab")
    assert '"postcode"' in condition("3552")
    for query in ("van de Velde", "3552 ab", "3552 AB ", "52 A"):
        assert list(household_search(user=cast.alice, query=query)) == list(
            _search_before_0014(cast.alice, query)
        ), query
    assert _found(cast, "van de velde") == ["Huishouden Velde"]
    assert _found(cast, "3552 ab") == ["Huishouden Velde"]
