"""Erasure on request (issue 16.4): a granted data-subject request is carried out by the
retention app's machinery (``privacy.erasure`` → ``retention.services.erase_member``),
at once, in the transaction that records the decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.lib.access import Refused
from doorbraak.privacy import services as privacy_services
from doorbraak.privacy.models import Decision, RequestKind, RequestStatus
from doorbraak.retention.models import DestructionRecord
from tests.conftest import Cast
from tests.privacy.conftest import make_request


def test_a_granted_erasure_request_erases_the_person_at_once(
    cast: Cast, household_a: Household
) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    first_name, last_name = child.first_name, child.last_name
    head = household_a.members.get(role=MemberRole.HEAD)
    dsr = make_request(cast, child, kind=RequestKind.ERASURE)

    privacy_services.request_decide(
        actor=cast.heidi,
        request=dsr,
        decision=Decision.GRANTED,
        reason="Geen grondslag meer om de gegevens te bewaren.",
    )

    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.DONE
    record = DestructionRecord.objects.get(reference=f"AVG-verzoek {dsr.pk}")
    assert record.scope == "member"
    assert record.approved_by == cast.heidi
    # The person's names are nowhere in the member table any more; the household and its
    # other members stay.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM households_member WHERE first_name = %s AND last_name = %s",
            [first_name, last_name],
        )
        assert cursor.fetchone()[0] == 0
    assert Household.objects.filter(pk=household_a.pk).exists()
    assert Member.objects.get(pk=head.pk).first_name == head.first_name


def test_erasure_by_another_municipalitys_privacy_officer_is_refused_and_changes_nothing(
    cast: Cast, household_a: Household
) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    dsr = make_request(cast, child, kind=RequestKind.ERASURE)
    with pytest.raises((Refused, ValidationError)):
        privacy_services.request_decide(
            actor=cast.oscar, request=dsr, decision=Decision.GRANTED, reason="Verwijderen."
        )
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.RECEIVED
    assert Member.objects.get(pk=child.pk).first_name == child.first_name
    assert not DestructionRecord.objects.exists()
