"""The households and referrals API: the same rules as the pages, as JSON.

Every endpoint answers 404 outside the team, 403 for roles without household work, 400
problem+json (nothing changed) on bad input, and never returns a BSN.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from doorbraak.assessments import services as assessment_services
from doorbraak.audit.models import ProcessingAction, ProcessingLog, SecurityEvent, SecurityStage
from doorbraak.households import services
from doorbraak.households.models import (
    Consent,
    CoordinatorAssignment,
    EventKind,
    Household,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from doorbraak.lib.crypto import search_hash
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory, MemberFactory, PostcodeAreaFactory

BSN = "111222333"  # passes the eleven test
OTHER_BSN = "123456782"
PROBLEM = "application/problem+json"


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data=json.dumps(data), content_type="application/json")


def patch(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.patch(path, data=json.dumps(data), content_type="application/json")


def hh(household: Household, suffix: str = "") -> str:
    base = url("household-detail", household.public_id)
    return f"{base}/{suffix}" if suffix else base


def params(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == PROBLEM
    return {p["name"]: p["reason"] for p in response.json().get("invalidParams", [])}


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Huishouden Zwart",
        "postcode": "3552ab",
        "houseNumber": 12,
        "street": "Kaatstraat",
        "city": "Demostad",
        "members": [
            {
                "firstName": "Anja",
                "lastName": "Zwart",
                "birthDate": "1971-05-03",
                "role": MemberRole.HEAD,
                "bsn": BSN,
            }
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def routed(cast: Cast):  # type: ignore[no-untyped-def]
    """Postcodes 3551–3553 lie in Ondiep, the district of Buurtteam A."""
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return district


@pytest.fixture
def referral(cast: Cast, routed) -> Referral:  # type: ignore[no-untyped-def]
    return services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.HIGH,
        reason="Huurachterstand van drie maanden",
        resident_name="Mevrouw Zwart",
        postcode="3552ab",
        house_number=12,
    )


def with_bsn(member: Member, bsn: str = BSN) -> Member:
    services.member_update(
        actor=member.household.coordinator_assignments.first().coordinator,  # type: ignore[union-attr]
        member=member,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date=member.birth_date,
        role=MemberRole(member.role),
        bsn=bsn,
    )
    return member


def head(household: Household) -> Member:
    return household.members.get(role=MemberRole.HEAD)


# --- households: list and detail ------------------------------------------------------------
def test_the_list_shows_the_team_households_only_paginated_and_logged(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    household_b: Household,
    household_z: Household,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for _ in range(3):
        HouseholdFactory(team=cast.team_a, coordinator=cast.carol)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(16):
        response = client.get(url("household-list"), {"pageSize": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    ids = {row["publicId"] for row in body["results"]}
    assert str(household_a.public_id) in ids
    assert str(household_b.public_id) not in ids
    assert str(household_z.public_id) not in ids
    row = next(r for r in body["results"] if r["publicId"] == str(household_a.public_id))
    assert row["memberCount"] == 2
    assert row["coordinatorId"] == cast.alice.pk
    assert "id" not in row
    assert ProcessingLog.objects.filter(actor=cast.alice, action=ProcessingAction.READ).exists()


def test_the_list_filters_by_search_status_and_mine(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    other = HouseholdFactory(team=cast.team_a, name="Huishouden Groen", coordinator=cast.carol)
    client = as_user(cast.alice)

    def names(**query: Any) -> set[str]:
        return {r["name"] for r in client.get(url("household-list"), query).json()["results"]}

    assert names(q="zwart") == {"Huishouden Zwart"}
    assert ProcessingLog.objects.filter(actor=cast.alice, action=ProcessingAction.SEARCH).exists()
    assert names(mine="true") == {"Huishouden Zwart"}
    assert names(status=HouseholdStatus.CLOSED) == set()
    assert names() == {"Huishouden Zwart", other.name}
    response = client.get(url("household-list"), {"status": "weg"})
    assert response.status_code == 400
    assert "status" in params(response)


def test_the_detail_shows_members_without_bsn_and_logs_the_read(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with_bsn(head(household_a))
    before = ProcessingLog.objects.count()
    client = as_user(cast.alice)
    with django_assert_max_num_queries(18):
        response = client.get(hh(household_a))
    assert response.status_code == 200
    body = response.json()
    assert body["publicId"] == str(household_a.public_id)
    assert {m["hasBsn"] for m in body["members"]} == {True, False}
    assert all("bsn" not in m for m in body["members"])
    assert body["coordinator"]["id"] == cast.alice.pk
    assert BSN.encode() not in response.content
    records = ProcessingLog.objects.order_by("pk")[before:]
    assert {(r.action, r.object_type) for r in records} == {
        (ProcessingAction.READ, "households.household")
    }
    assert {r.subject_pseudonym for r in records} == {
        m.pseudonym for m in household_a.members.all()
    }


def test_the_timeline_filters_by_kind(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    assessment_services.household_close(
        actor=cast.alice, household=household_a, reason="doelen_bereikt"
    )
    client = as_user(cast.alice)
    response = client.get(hh(household_a, "timeline"), {"kind": EventKind.CLOSED})
    assert response.status_code == 200
    assert [e["kind"] for e in response.json()["results"]] == [EventKind.CLOSED]
    assert client.get(hh(household_a, "timeline"), {"kind": "x"}).status_code == 400


# --- access ---------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["bob", "mallory"])
def test_another_team_gets_404_everywhere(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    persona: str,
) -> None:
    client = as_user(getattr(cast, persona))
    member = head(household_a)
    for path in [
        hh(household_a),
        hh(household_a, "timeline"),
        hh(household_a, "members"),
        hh(household_a, "professionals"),
        hh(household_a, "consents"),
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM
    assert post(client, hh(household_a, "close"), {"reason": "verhuisd"}).status_code == 404
    assert (
        patch(client, hh(household_a, f"members/{member.public_id}"), {"lastName": "X"}).status_code
        == 404
    )
    assert post(client, hh(household_a, "members"), {}).status_code == 404
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE
    assert household_a.name.encode() not in client.get(url("household-list")).content


@pytest.mark.parametrize("persona", ["dave", "heidi"])
def test_roles_without_household_work_are_refused(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    persona: str,
) -> None:
    client = as_user(getattr(cast, persona))
    for response in [
        client.get(url("household-list")),
        client.get(hh(household_a)),
        client.get(hh(household_a, "members")),
        post(client, url("household-list"), intake_body()),
        post(client, hh(household_a, "close"), {"reason": "verhuisd"}),
        client.get(url("referral-list")),
    ]:
        assert response.status_code in (403, 404)
        assert response["Content-Type"] == PROBLEM
    assert Household.objects.count() == 1


def test_an_anonymous_client_gets_401(household_a: Household, client: Client) -> None:
    response = client.get(hh(household_a))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


# --- households: register --------------------------------------------------------------------
def test_register_a_household_without_returning_the_bsn(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    routed,  # type: ignore[no-untyped-def]
) -> None:
    client = as_user(cast.alice)
    response = post(client, url("household-list"), intake_body())
    assert response.status_code == 201, response.content
    assert BSN.encode() not in response.content
    body = response.json()
    household = Household.objects.get(public_id=body["publicId"])
    assert response["Location"].endswith(hh(household))
    assert (household.team, household.district, household.postcode) == (
        cast.team_a,
        routed,
        "3552 AB",
    )
    assert body["members"][0]["hasBsn"] is True
    assert body["coordinator"]["id"] == cast.alice.pk
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.CREATE, object_type="households.household"
    ).exists()


def test_bad_input_is_refused_with_dutch_reasons_and_nothing_is_saved(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    client = as_user(cast.alice)
    body = intake_body(postcode="12", name=" ")
    body["members"][0].update(firstName="", bsn="123")
    response = post(client, url("household-list"), body)
    assert response.status_code == 400
    reasons = params(response)
    assert {"name", "postcode", "members.0.firstName", "members.0.bsn"} <= set(reasons)
    with translation.override("nl"):
        assert reasons["members.0.firstName"] == gettext("Enter a first name.")
        assert response.json()["detail"] == gettext("One or more fields are invalid.")
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    # a shape error (not JSON of the right kind) is a 400 too, never a 500
    response = post(client, url("household-list"), {"members": "x", "houseNumber": "twaalf"})
    assert response.status_code == 400
    assert {"members.nonFieldErrors", "houseNumber", "name"} <= set(params(response))


def test_a_possible_duplicate_answers_409_until_checked(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_b: Household,
    routed,  # type: ignore[no-untyped-def]
) -> None:
    with_bsn(head(household_b))
    client = as_user(cast.alice)
    response = post(client, url("household-list"), intake_body())
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 409
    # Nothing about the other team: only that a possible duplicate exists elsewhere.
    assert body["possibleDuplicates"] == []
    assert body["duplicateElsewhere"] is True
    assert "privacy officer" in body["detail"]
    [event] = SecurityEvent.objects.all()
    assert (event.stage, event.outcome, event.actor_id) == (
        SecurityStage.DUPLICATE_PROBE,
        409,
        cast.alice.pk,
    )
    assert event.object_type == "household"
    # Matched by BSN here: the hash is of the last name that was sent, never the name.
    sent = intake_body()["members"][0]["lastName"]
    assert event.search_hash == search_hash(sent)
    assert sent not in str(SecurityEvent.objects.values().get())
    assert b"Buurtteam B" not in response.content
    assert household_b.name.encode() not in response.content
    assert str(household_b.public_id).encode() not in response.content
    assert BSN.encode() not in response.content
    assert Household.objects.count() == 1

    response = post(client, url("household-list"), intake_body(duplicatesChecked=True))
    assert response.status_code == 201
    assert Household.objects.count() == 2


def test_a_duplicate_in_the_own_team_is_named(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    routed,  # type: ignore[no-untyped-def]
) -> None:
    with_bsn(head(household_a))
    response = post(as_user(cast.alice), url("household-list"), intake_body())
    assert response.status_code == 409
    [duplicate] = response.json()["possibleDuplicates"]
    assert duplicate["household"] == str(household_a.public_id)
    assert duplicate["team"] == "Buurtteam A"
    assert response.json()["duplicateElsewhere"] is False
    # A duplicate in the own team is ordinary work, not a probe.
    assert not SecurityEvent.objects.exists()


# --- members ---------------------------------------------------------------------------------
def test_add_change_and_let_a_member_leave(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    client = as_user(cast.alice)
    response = post(
        client,
        hh(household_a, "members"),
        {
            "firstName": "Piet",
            "lastName": "Zwart",
            "birthDate": "1970-02-02",
            "role": MemberRole.PARTNER,
            "bsn": OTHER_BSN,
        },
    )
    assert response.status_code == 201, response.content
    assert OTHER_BSN.encode() not in response.content
    member = Member.objects.get(public_id=response.json()["publicId"])
    assert member.has_bsn

    response = patch(
        client, hh(household_a, f"members/{member.public_id}"), {"firstName": "Pieter"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.first_name, member.has_bsn) == ("Pieter", True)
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE, object_type="households.member", object_id=str(member.pk)
    ).exists()

    response = patch(
        client, hh(household_a, f"members/{member.public_id}"), {"birthDate": "2999-01-01"}
    )
    assert response.status_code == 400
    assert "birthDate" in params(response)
    member.refresh_from_db()
    assert member.birth_date == datetime.date(1970, 2, 2)

    response = post(client, hh(household_a, f"members/{member.public_id}/leave"), {})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.left_on is not None

    members = client.get(hh(household_a, "members"))
    assert members.status_code == 200
    assert len(members.json()) == 3
    assert BSN.encode() not in members.content
    assert OTHER_BSN.encode() not in members.content


def test_an_unknown_member_is_404(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
    household_b: Household,
) -> None:
    other = head(household_b)
    response = patch(
        as_user(cast.alice), hh(household_a, f"members/{other.public_id}"), {"firstName": "X"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.first_name != "X"


# --- coordinator, professionals ---------------------------------------------------------------
def test_handover_to_a_colleague_of_the_team_only(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    client = as_user(cast.alice)
    response = post(client, hh(household_a, "coordinator"), {"to": cast.bob.pk, "note": "Over"})
    assert response.status_code == 400
    assert "to" in params(response)
    response = post(client, hh(household_a, "coordinator"), {"to": cast.carol.pk, "note": " "})
    assert response.status_code == 400
    assert "note" in params(response)
    response = post(
        client, hh(household_a, "coordinator"), {"to": cast.carol.pk, "note": "Ik ga met verlof"}
    )
    assert response.status_code == 201
    assert response.json()["id"] == cast.carol.pk
    assert CoordinatorAssignment.objects.get(household=household_a, ended_at=None).coordinator == (
        cast.carol
    )


def test_add_and_end_a_professional(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    client = as_user(cast.alice)
    response = post(
        client,
        hh(household_a, "professionals"),
        {"personName": "", "role": "Schuldhulp", "since": "2026-01-10"},
    )
    assert response.status_code == 400
    assert {"organisation", "personName"} <= set(params(response))
    assert InvolvedProfessional.objects.count() == 0
    response = post(
        client,
        hh(household_a, "professionals"),
        {
            "organisation": cast.uwv.pk,
            "personName": "Jan Jansen",
            "role": "Re-integratie",
            "since": "2026-01-10",
            "yearlyCostCents": 120000,
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["organisation"] == {"id": cast.uwv.pk, "name": "UWV"}
    response = post(client, hh(household_a, f"professionals/{pk}/end"), {"until": "2025-01-01"})
    assert response.status_code == 400
    assert "until" in params(response)
    response = post(client, hh(household_a, f"professionals/{pk}/end"), {})
    assert response.status_code == 200
    assert response.json()["until"] is not None
    listed = client.get(hh(household_a, "professionals")).json()
    assert [p["id"] for p in listed] == [pk]


# --- consent ----------------------------------------------------------------------------------
def test_give_and_withdraw_consent(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    client = as_user(cast.alice)
    child = household_a.members.get(role=MemberRole.CHILD)
    response = post(
        client,
        hh(household_a, "consents"),
        {
            "givenBy": str(child.public_id),
            "purpose": "delen_partner",
            "recipient": cast.uwv.pk,
            "method": "mondeling",
        },
    )
    assert response.status_code == 400
    assert "givenBy" in params(response)
    assert Consent.objects.count() == 0

    response = post(
        client,
        hh(household_a, "consents"),
        {
            "givenBy": str(head(household_a).public_id),
            "purpose": "delen_partner",
            "recipient": cast.uwv.pk,
            "method": "mondeling",
        },
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["active"] is True
    assert consent["givenBy"] == str(head(household_a).public_id)
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.CREATE, object_type="households.consent"
    ).exists()

    response = post(client, hh(household_a, f"consents/{consent['id']}/withdraw"), {"note": "Nee"})
    assert response.status_code == 200
    assert response.json()["active"] is False
    response = post(client, hh(household_a, f"consents/{consent['id']}/withdraw"), {})
    assert response.status_code == 400
    assert "nonFieldErrors" in params(response)
    assert len(client.get(hh(household_a, "consents")).json()) == 1


# --- closing ----------------------------------------------------------------------------------
def test_close_and_reopen(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    client = as_user(cast.alice)
    response = post(client, hh(household_a, "close"), {"reason": "overig"})
    assert response.status_code == 400
    with translation.override("nl"):
        assert params(response)["note"] == gettext("Explain the reason for closing.")
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE

    response = post(client, hh(household_a, "close"), {"reason": "doelen_bereikt"})
    assert response.status_code == 200
    assert response.json()["status"] == HouseholdStatus.CLOSED
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.CLOSED

    response = post(
        client,
        hh(household_a, "members"),
        {"firstName": "A", "lastName": "B", "birthDate": "1990-01-01", "role": "volwassene"},
    )
    assert response.status_code == 400
    assert "nonFieldErrors" in params(response)
    assert household_a.members.count() == 2

    assert post(client, hh(household_a, "reopen"), {"note": ""}).status_code == 400
    response = post(client, hh(household_a, "reopen"), {"note": "Nieuwe schulden"})
    assert response.status_code == 200
    assert response.json()["status"] == HouseholdStatus.ACTIVE


# --- referrals --------------------------------------------------------------------------------
def test_a_partner_submits_a_referral_and_sees_only_its_status(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    routed,  # type: ignore[no-untyped-def]
) -> None:
    client = as_user(cast.dave)
    body = {
        "source": ReferralSource.HOUSING_CORPORATION,
        "urgency": Urgency.CRISIS,
        "reason": "Huisuitzetting dreigt",
        "residentName": "Mevrouw Zwart",
        "postcode": "3552ab",
        "houseNumber": 12,
    }
    response = post(client, url("referral-list"), {**body, "postcode": "9999 ZZ"})
    assert response.status_code == 400
    assert "postcode" in params(response)
    assert Referral.objects.count() == 0

    response = post(client, url("referral-list"), body)
    assert response.status_code == 201, response.content
    assert response.json()["team"] == "Buurtteam A"
    referral = Referral.objects.get()
    assert referral.source_organisation == cast.uwv

    mine = client.get(url("referral-mine"))
    assert mine.status_code == 200
    [row] = mine.json()["results"]
    assert row["status"] == ReferralStatus.SUBMITTED
    assert "reason" not in row
    assert "phone" not in row
    assert client.get(url("referral-detail", referral.pk)).status_code == 403


def test_the_team_inbox_and_access_to_a_referral(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    referral: Referral,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    crisis = services.referral_submit(
        actor=cast.carol,
        municipality=cast.north,
        source=ReferralSource.GP,
        source_organisation=cast.team_a.organisation,
        urgency=Urgency.CRISIS,
        reason="Acute schuldenzorg",
        resident_name="Meneer Groen",
        postcode="3551 AA",
        house_number=3,
    )
    client = as_user(cast.alice)
    with django_assert_max_num_queries(16):  # the same for any page size: no N+1
        response = client.get(url("referral-list"))
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [crisis.pk, referral.pk]
    assert ProcessingLog.objects.filter(
        actor=cast.alice, object_type="households.referral"
    ).exists()
    detail = client.get(url("referral-detail", referral.pk))
    assert detail.status_code == 200
    assert detail.json()["residentName"] == "Mevrouw Zwart"

    for persona in (cast.bob, cast.mallory):
        other = as_user(persona)
        assert other.get(url("referral-list")).json()["results"] == []
        assert other.get(url("referral-detail", referral.pk)).status_code == 404
        assert post(other, url("referral-decline", referral.pk), {"reason": "x"}).status_code == 404


def test_decline_needs_a_reason(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    referral: Referral,
) -> None:
    client = as_user(cast.alice)
    response = post(client, url("referral-decline", referral.pk), {"reason": " "})
    assert response.status_code == 400
    assert "reason" in params(response)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    response = post(client, url("referral-decline", referral.pk), {"reason": "Niet ons gebied"})
    assert response.status_code == 200
    assert response.json()["status"] == ReferralStatus.DECLINED
    response = post(client, url("referral-decline", referral.pk), {"reason": "Nogmaals"})
    assert response.status_code == 400


def test_accept_with_an_intake(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    referral: Referral,
) -> None:
    client = as_user(cast.alice)
    response = post(client, url("referral-accept", referral.pk), {"intake": intake_body(name="")})
    assert response.status_code == 400
    assert "intake.name" in params(response)
    assert Household.objects.count() == 0

    response = post(client, url("referral-accept", referral.pk), {"intake": intake_body()})
    assert response.status_code == 200, response.content
    assert BSN.encode() not in response.content
    body = response.json()
    assert body["status"] == ReferralStatus.ACCEPTED
    household = Household.objects.get(public_id=body["household"])
    assert household.team == cast.team_a
    assert household.events.filter(kind=EventKind.REFERRAL).exists()


def test_accept_by_linking_after_a_duplicate(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    referral: Referral,
    household_a: Household,
) -> None:
    with_bsn(head(household_a))
    client = as_user(cast.alice)
    response = post(client, url("referral-accept", referral.pk), {"intake": intake_body()})
    assert response.status_code == 409
    [duplicate] = response.json()["possibleDuplicates"]
    assert duplicate["household"] == str(household_a.public_id)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    response = post(client, url("referral-accept", referral.pk), {})
    assert response.status_code == 400
    response = post(
        client, url("referral-accept", referral.pk), {"household": duplicate["household"]}
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.household) == (ReferralStatus.ACCEPTED, household_a)


def test_a_referral_cannot_be_linked_to_another_teams_household(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    referral: Referral,
    household_b: Household,
) -> None:
    response = post(
        as_user(cast.alice),
        url("referral-accept", referral.pk),
        {"household": str(household_b.public_id)},
    )
    assert response.status_code == 400
    assert "household" in params(response)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_bsn_never_leaves_through_any_read(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    with_bsn(head(household_a))
    MemberFactory(household=household_a, last_name="Zwart")
    client = as_user(cast.alice)
    for path in [
        url("household-list"),
        hh(household_a),
        hh(household_a, "members"),
        hh(household_a, "timeline"),
        hh(household_a, "consents"),
    ]:
        response = client.get(path)
        assert response.status_code == 200
        assert BSN.encode() not in response.content
        assert b'"bsn"' not in response.content


def test_a_restricted_member_cannot_be_changed_through_the_api(
    cast: Cast,
    as_user,  # type: ignore[no-untyped-def]
    household_a: Household,
) -> None:
    member = head(household_a)
    services.processing_restrict(actor=cast.heidi, member=member, reason="Juistheid betwist.")
    response = patch(
        as_user(cast.alice), hh(household_a, f"members/{member.public_id}"), {"firstName": "X"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "beperkt" in response.content.decode()
    member.refresh_from_db()
    assert member.first_name != "X"
