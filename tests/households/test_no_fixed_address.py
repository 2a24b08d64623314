"""Households without a fixed address: referral, intake, a later address, lists and the API.

The seeds' own example: "geen uitkering zonder adres, geen huis zonder inkomen". A household
that sleeps at friends' or in a shelter is registered with "geen vast adres", an optional
postal address (briefadres, shelter) and a district chosen by the team.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorbraak.accounts.models import District
from doorbraak.assessments import services as assessment_services
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    EventKind,
    Household,
    HouseholdEvent,
    MemberRole,
    Referral,
    ReferralSource,
    Urgency,
)
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory, PostcodeAreaFactory

SHELTER = "Briefadres: Stadsloket, Marktplein 1"


@pytest.fixture
def west(cast: Cast) -> District:
    """A district of Gemeente Noord served by team A, with a postcode range."""
    district = DistrictFactory(municipality=cast.north, name="West")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return district


@pytest.fixture
def east(cast: Cast) -> District:
    """Another district of Gemeente Noord, served by team B (postcodes 3561–3563)."""
    district = DistrictFactory(municipality=cast.north, name="Oost")
    cast.team_b.districts.add(district)
    PostcodeAreaFactory(district=district, first=3561, last=3563)
    return district


def head() -> services.MemberData:
    return services.MemberData("Cato", "Boer", datetime.date(1990, 3, 4), MemberRole.HEAD)


def homeless_intake(district: District | None, **changes: Any) -> services.IntakeData:
    data: dict[str, Any] = {
        "name": "Huishouden Boer",
        "members": [head()],
        "has_fixed_address": False,
        "postal_address": SHELTER,
        "district": district,
    }
    data.update(changes)
    return services.IntakeData(**data)


def refer(cast: Cast, **address: Any) -> Referral:
    return services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.CRISIS,
        reason="Slaapt bij vrienden, geen woonadres, geen uitkering.",
        resident_name="Cato de Boer",
        **address,
    )


# --- referral ----------------------------------------------------------------------------------
def test_a_referral_without_an_address_goes_to_the_team_of_the_chosen_district(
    cast: Cast, west: District, east: District
) -> None:
    referral = refer(cast, has_fixed_address=False, district=east, postal_address=SHELTER)
    assert referral.team == cast.team_b
    assert referral.district == east
    assert referral.postcode == ""
    assert referral.house_number is None
    assert "Geen vast adres" in referral.address
    assert SHELTER in referral.address


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({"has_fixed_address": False}, "district"),
        ({"has_fixed_address": False, "district": "other"}, "district"),
        ({"has_fixed_address": False, "district": "west", "postcode": "3552 AB"}, "postcode"),
        (
            {"has_fixed_address": False, "district": "west", "postal_address": "x" * 201},
            "postal_address",
        ),
        ({"has_fixed_address": True, "postcode": "3552 AB"}, "house_number"),
        ({"has_fixed_address": True, "house_number": 3}, "postcode"),
    ],
)
def test_a_referral_with_an_incomplete_address_is_refused_in_dutch_and_writes_nothing(
    cast: Cast, west: District, address: dict[str, Any], field: str
) -> None:
    if address.get("district") == "west":
        address["district"] = west
    elif address.get("district") == "other":
        address["district"] = DistrictFactory(municipality=cast.south, name="Elders")
    with pytest.raises(ValidationError) as raised:
        refer(cast, **address)
    assert field in raised.value.message_dict
    assert not Referral.objects.exists()


def test_a_district_without_a_team_cannot_receive_a_referral(cast: Cast) -> None:
    lonely = DistrictFactory(municipality=cast.north, name="Buitengebied")
    with pytest.raises(ValidationError) as raised:
        refer(cast, has_fixed_address=False, district=lonely)
    assert "district" in raised.value.message_dict
    assert not Referral.objects.exists()


# --- intake --------------------------------------------------------------------------------------
def test_the_team_registers_a_household_without_an_address_in_the_district_it_chooses(
    cast: Cast, west: District, east: District
) -> None:
    household = services.household_register(
        actor=cast.alice, team=cast.team_a, intake=homeless_intake(east)
    )
    assert household.has_fixed_address is False
    assert household.district == east
    assert household.team == cast.team_a
    assert (household.postcode, household.house_number, household.street) == ("", None, "")
    assert household.postal_address == SHELTER
    assert household.address == f"Geen vast adres; post: {SHELTER}"


def test_an_intake_from_a_referral_without_an_address_keeps_its_district(
    as_user: Any, cast: Cast, west: District
) -> None:
    referral = refer(cast, has_fixed_address=False, district=west, postal_address=SHELTER)
    client = as_user(cast.alice)
    url = reverse("households:referral-intake", args=[referral.pk])
    form = client.get(url).content.decode()
    assert 'name="no_fixed_address"' in form
    assert "checked" in form.split('name="no_fixed_address"', 1)[1].split(">", 1)[0]
    response = client.post(
        url,
        {
            "name": "Huishouden Boer",
            "no_fixed_address": "on",
            "postal_address": SHELTER,
            "district": str(west.pk),
            "leden-TOTAL_FORMS": "1",
            "leden-INITIAL_FORMS": "0",
            "leden-0-first_name": "Cato",
            "leden-0-last_name": "Boer",
            "leden-0-birth_date": "1990-03-04",
            "leden-0-role": MemberRole.HEAD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(name="Huishouden Boer")
    assert not household.has_fixed_address
    assert household.district == west
    referral.refresh_from_db()
    assert referral.household == household


def test_the_intake_page_says_what_is_missing_and_registers_nothing(
    as_user: Any, cast: Cast, west: District
) -> None:
    response = as_user(cast.alice).post(
        reverse("households:register"),
        {
            "name": "Huishouden Boer",
            "no_fixed_address": "on",
            "postcode": "3552 AB",
            "leden-TOTAL_FORMS": "1",
            "leden-INITIAL_FORMS": "0",
            "leden-0-first_name": "Cato",
            "leden-0-last_name": "Boer",
            "leden-0-birth_date": "1990-03-04",
            "leden-0-role": MemberRole.HEAD,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kies de wijk" in body
    assert "laat straat, huisnummer en postcode leeg" in body
    assert not Household.objects.filter(name="Huishouden Boer").exists()


# --- a later address -----------------------------------------------------------------------------
def test_an_address_found_later_is_recorded_with_the_old_one_on_the_timeline(
    as_user: Any, cast: Cast, west: District, east: District
) -> None:
    household = services.household_register(
        actor=cast.alice, team=cast.team_a, intake=homeless_intake(east)
    )
    client = as_user(cast.alice)
    url = reverse("households:address", args=[household.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "street": "Lange Nieuwstraat",
            "house_number": "7",
            "postcode": "3552ab",
            "city": "Demostad",
            "note": "Sociale huurwoning via urgentie.",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.has_fixed_address
    assert household.postcode == "3552 AB"
    assert household.postal_address == ""
    assert household.district == west  # routed by the postcode now
    event = HouseholdEvent.objects.get(household=household, kind=EventKind.ADDRESS)
    assert "Geen vast adres" in event.summary
    assert "Lange Nieuwstraat 7" in event.summary
    assert "urgentie" in event.summary
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE,
        object_type="households.household",
        object_id=str(household.pk),
    ).exists()


def test_losing_the_home_is_recorded_too_and_bad_input_changes_nothing(
    as_user: Any, cast: Cast, west: District
) -> None:
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice, district=west)
    before = household.address
    client = as_user(cast.alice)
    url = reverse("households:address", args=[household.public_id])
    # "No fixed address" but the old street still filled in: a Dutch message, nothing changed.
    response = client.post(url, {"no_fixed_address": "on", "street": household.street})
    assert response.status_code == 200
    assert "Kies de wijk" in response.content.decode()
    household.refresh_from_db()
    assert household.address == before
    assert not HouseholdEvent.objects.filter(household=household, kind=EventKind.ADDRESS).exists()
    # The same address again is not a change.
    response = client.post(
        url,
        {
            "street": household.street,
            "house_number": str(household.house_number),
            "postcode": household.postcode,
            "city": household.city,
        },
    )
    assert response.status_code == 200
    assert "al heeft" in response.content.decode()

    response = client.post(
        url, {"no_fixed_address": "on", "district": str(west.pk), "postal_address": SHELTER}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert not household.has_fixed_address
    assert household.house_number is None
    assert HouseholdEvent.objects.filter(household=household, kind=EventKind.ADDRESS).count() == 1


def test_a_closed_household_or_another_team_cannot_change_the_address(
    cast: Cast, west: District, household_a: Household
) -> None:
    address = services.AddressData(has_fixed_address=False, district=west)
    with pytest.raises(ValidationError):
        services.household_address_change(actor=cast.bob, household=household_a, address=address)
    assessment_services.household_close(
        actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED, note=""
    )
    with pytest.raises(ValidationError):
        services.household_address_change(
            actor=cast.alice,
            household=household_a,
            address=services.AddressData(has_fixed_address=False, district=west),
        )
    household_a.refresh_from_db()
    assert household_a.has_fixed_address


@pytest.mark.parametrize("persona", ["bob", "mallory", "dave"])
def test_the_address_page_is_404_outside_the_team(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    url = reverse("households:address", args=[household_a.public_id])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"no_fixed_address": "on"}).status_code in (403, 404)
    household_a.refresh_from_db()
    assert household_a.has_fixed_address


# --- lists and the API ---------------------------------------------------------------------------
def test_the_list_shows_no_fixed_address_in_constant_queries(
    as_user: Any, cast: Cast, west: District
) -> None:
    services.household_register(actor=cast.alice, team=cast.team_a, intake=homeless_intake(west))
    client = as_user(cast.alice)
    url = reverse("households:list")
    body = client.get(url).content.decode()
    assert "Geen vast adres; post: Briefadres: Stadsloket" in body

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for n in range(12):
        services.household_register(
            actor=cast.alice,
            team=cast.team_a,
            intake=homeless_intake(
                west,
                name=f"Huishouden {n}",
                members=[
                    services.MemberData(
                        "Kim", f"Lid{n}", datetime.date(1980, 1, 1), MemberRole.HEAD
                    )
                ],
            ),
        )
    assert count() == small


def test_the_api_registers_and_lists_a_household_without_an_address(
    as_user: Any, cast: Cast, west: District
) -> None:
    client = as_user(cast.alice)
    body = {
        "name": "Huishouden Boer",
        "hasFixedAddress": False,
        "postalAddress": SHELTER,
        "district": west.pk,
        "members": [
            {"firstName": "Cato", "lastName": "Boer", "birthDate": "1990-03-04", "role": "hoofd"}
        ],
    }
    response = client.post("/api/v1/households", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["hasFixedAddress"] is False
    assert data["houseNumber"] is None
    assert data["postalAddress"] == SHELTER
    assert data["district"]["name"] == "West"

    missing = dict(body, name="Huishouden Ander", district=None)
    response = client.post("/api/v1/households", missing, content_type="application/json")
    assert response.status_code == 400
    assert "district" in response.content.decode()
    unknown = dict(body, name="Huishouden Ander", district=987654)
    response = client.post("/api/v1/households", unknown, content_type="application/json")
    assert response.status_code == 400
    assert Household.objects.filter(name="Huishouden Ander").count() == 0
