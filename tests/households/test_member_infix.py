"""Members with a tussenvoegsel (issue 15.7): intake from a referral, pages, forms and API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doorbraak.audit.models import ProcessingLog
from doorbraak.households import services
from doorbraak.households.models import (
    Household,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    Urgency,
)
from tests.conftest import Cast
from tests.factories import DistrictFactory, PostcodeAreaFactory


@pytest.fixture
def cato(cast: Cast) -> Referral:
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.HIGH,
        reason="Huurachterstand",
        resident_name="Cato de Boer",
        postcode="3552 AB",
        house_number=12,
    )


def test_the_intake_from_a_referral_splits_the_name(
    as_user: Any, cast: Cast, cato: Referral
) -> None:
    page = as_user(cast.alice).get(reverse("households:referral-intake", args=[cato.pk]))
    assert page.status_code == 200
    member_form = page.context["formset"].forms[0]
    assert member_form.initial["first_name"] == "Cato"
    assert member_form.initial["infix"] == "de"
    assert member_form.initial["last_name"] == "Boer"


def test_the_infix_is_stored_and_shown(as_user: Any, cast: Cast, household_a: Household) -> None:
    client = as_user(cast.alice)
    url = reverse("households:member-add", args=[household_a.public_id])
    response = client.post(
        url,
        {
            "first_name": "Cato",
            "infix": "de",
            "last_name": "Boer",
            "birth_date": "1990-03-04",
            "role": MemberRole.OTHER_ADULT,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = Member.objects.get(last_name="Boer")
    assert (member.first_name, member.infix, member.full_name) == ("Cato", "de", "Cato de Boer")
    page = client.get(reverse("households:detail", args=[household_a.public_id]))
    assert "Cato de Boer" in page.content.decode()

    edit = reverse("households:member-edit", args=[household_a.public_id, member.public_id])
    assert client.get(edit).context["form"].initial["infix"] == "de"
    response = client.post(
        edit,
        {
            "first_name": "Cato",
            "infix": "van der",
            "last_name": "Boer",
            "birth_date": "1990-03-04",
            "role": MemberRole.OTHER_ADULT,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Cato van der Boer"
    assert ProcessingLog.objects.filter(object_type="households.member", object_id=member.pk)


def test_a_too_long_infix_is_a_dutch_error_and_changes_nothing(
    cast: Cast, household_a: Household
) -> None:
    member = household_a.members.first()
    assert member is not None
    with pytest.raises(ValidationError) as caught:
        services.member_update(
            actor=cast.alice,
            member=member,
            first_name=member.first_name,
            infix="van " * 10,
            last_name=member.last_name,
            birth_date=member.birth_date,
            role=MemberRole(member.role),
        )
    assert "infix" in caught.value.message_dict
    member.refresh_from_db()
    assert member.infix == ""


def test_the_api_reads_and_writes_the_infix(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    member = household_a.members.first()
    assert member is not None
    path = reverse("api:household-detail", args=[household_a.public_id])
    response = client.patch(
        f"{path}/members/{member.public_id}",
        {"infix": "van der"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["infix"] == "van der"
    assert response.json()["fullName"].endswith(f"van der {member.last_name}")
    too_long = client.patch(
        f"{path}/members/{member.public_id}",
        {"infix": "x" * 21},
        content_type="application/json",
    )
    assert too_long.status_code == 400
    member.refresh_from_db()
    assert member.infix == "van der"


def test_another_team_cannot_change_the_infix(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    member = household_a.members.first()
    assert member is not None
    edit = reverse("households:member-edit", args=[household_a.public_id, member.public_id])
    response = as_user(cast.bob).post(
        edit,
        {
            "first_name": "X",
            "infix": "de",
            "last_name": "Y",
            "birth_date": "1990-03-04",
            "role": MemberRole.OTHER_ADULT,
        },
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.infix == ""
    assert datetime.date(1990, 3, 4) != member.birth_date
