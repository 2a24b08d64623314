"""Free text of referrals and households has a limit: over it is refused in Dutch, at it is kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.assessments import services as assessment_services
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Household,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from doorbraak.lib import limits
from tests.conftest import Cast
from tests.factories import DistrictFactory, PostcodeAreaFactory
from tests.limits import TextCase, check_text_limit, database_counts, text, too_long_message


def _referral(cast: Cast, reason: str = "Huurachterstand van drie maanden") -> Referral:
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.HIGH,
        reason=reason,
        resident_name="Mevrouw Zwart",
        postcode="3552 AB",
        house_number=12,
    )


def referral_reason(cast: Cast, household: Household) -> TextCase:
    _referral(cast)  # routes the postcode; its reason is not the one under test
    return TextCase(
        run=lambda value: services.referral_submit(
            actor=cast.dave,
            municipality=cast.north,
            source=ReferralSource.HOUSING_CORPORATION,
            source_organisation=cast.uwv,
            urgency=Urgency.HIGH,
            reason=value,
            resident_name="Meneer de Vries",
            postcode="3552 AB",
            house_number=14,
        ),
        stored=lambda: (
            Referral.objects.order_by("pk").values_list("reason", flat=True).last() or ""
        ),
    )


def referral_decline_reason(cast: Cast, household: Household) -> TextCase:
    referral = _referral(cast)
    return TextCase(
        run=lambda value: services.referral_decline(
            actor=cast.alice, referral=referral, reason=value
        ),
        stored=lambda: Referral.objects.get(pk=referral.pk).decline_reason,
    )


def household_close_note(cast: Cast, household: Household) -> TextCase:
    return TextCase(
        run=lambda value: assessment_services.household_close(
            actor=cast.alice, household=household, reason=CloseReason.OTHER, note=value
        ),
        stored=lambda: Household.objects.get(pk=household.pk).close_note,
    )


def handover_note(cast: Cast, household: Household) -> TextCase:
    return TextCase(
        run=lambda value: services.coordinator_handover(
            actor=cast.alice, household=household, to=cast.carol, note=value
        ),
        stored=lambda: household.coordinator_assignments.order_by("pk").last().handover_note,  # type: ignore[union-attr]
    )


def consent_withdrawal_note(cast: Cast, household: Household) -> TextCase:
    consent = services.consent_give(
        actor=cast.alice,
        household=household,
        given_by=household.members.first(),
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        recipient=cast.uwv,
        method=ConsentMethod.WRITTEN,
        given_on=timezone.localdate(),
        valid_until=None,
    )
    return TextCase(
        run=lambda value: services.consent_withdraw(actor=cast.alice, consent=consent, note=value),
        stored=lambda: Consent.objects.get(pk=consent.pk).withdrawal_note,
    )


@pytest.mark.parametrize(
    ("case", "limit"),
    [
        (referral_reason, limits.TEXT),
        (referral_decline_reason, limits.SHORT_TEXT),
        (household_close_note, limits.SHORT_TEXT),
        (handover_note, limits.SHORT_TEXT),
        (consent_withdrawal_note, limits.SHORT_TEXT),
    ],
)
def test_free_text_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, household_a: Household, case: Callable[[Cast, Household], TextCase], limit: int
) -> None:
    check_text_limit(case(cast, household_a), limit)


# --- through the page and the API ----------------------------------------------------------
def test_the_close_page_refuses_a_long_note_in_dutch(
    cast: Cast, household_a: Household, as_user: Any
) -> None:
    client: Client = as_user(cast.alice)
    address = reverse("assessments:household-close", args=[household_a.public_id])
    page = client.get(address).content.decode()
    assert f'maxlength="{limits.SHORT_TEXT}"' in page
    assert f"Maximaal {limits.SHORT_TEXT} tekens." in page
    before = database_counts(reads=False)
    response = client.post(
        address,
        {
            "reason": CloseReason.OTHER,
            "note": text(limits.SHORT_TEXT + 1),
            "closed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert too_long_message(limits.SHORT_TEXT) in response.content.decode()
    assert database_counts(reads=False) == before
    household_a.refresh_from_db()
    assert household_a.closed_on is None


def test_the_api_refuses_a_long_decline_reason_as_a_problem(cast: Cast, as_user: Any) -> None:
    referral = _referral(cast)
    client: Client = as_user(cast.alice)
    address = reverse("api:referral-decline", args=[referral.pk])
    response = client.post(
        address,
        json.dumps({"reason": text(limits.SHORT_TEXT + 1)}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [problem] = response.json()["invalidParams"]
    assert problem["name"] == "reason"
    assert f"niet meer dan {limits.SHORT_TEXT} karakters" in problem["reason"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.decline_reason == ""
    response = client.post(
        address, json.dumps({"reason": text(limits.SHORT_TEXT)}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.decline_reason == text(limits.SHORT_TEXT)
