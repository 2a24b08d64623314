"""Handling data-subject requests: registering, extending, rectifying, restricting, deciding,
and the erasure seam."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.services.partners import disclosure_record
from doorbraak.households import services as households
from doorbraak.households.models import (
    ConsentMethod,
    ConsentPurpose,
    EventKind,
    Household,
    Member,
    MemberRole,
)
from doorbraak.lib.access import Refused
from doorbraak.lib.crypto import blind_index
from doorbraak.privacy import services
from doorbraak.privacy.erasure import (
    ERASURE_HANDLERS,
    register_erasure_handler,
    unregister_erasure_handler,
)
from doorbraak.privacy.models import (
    DataSubjectRequest,
    Decision,
    RequestKind,
    RequestStatus,
)
from doorbraak.retention.services import erase_member
from tests.breakthroughs.builders import draft
from tests.conftest import Cast
from tests.privacy.conftest import BSN, head_of, make_request

NOW = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _records(member: Member) -> list[ProcessingLog]:
    return list(ProcessingLog.objects.filter(subject_pseudonym=member.pseudonym).order_by("id"))


# --- register and extend ----------------------------------------------------------------------
def test_registering_sets_the_deadline_one_month_on_and_logs_it(
    cast: Cast, household_a: Household
) -> None:
    member = head_of(household_a)
    dsr = services.request_register(
        actor=cast.heidi,
        municipality=cast.north,
        kind=RequestKind.ACCESS,
        member=member,
        received_on=datetime.date(2026, 10, 31),
    )
    assert dsr.deadline == datetime.date(2026, 11, 30)
    assert dsr.status == RequestStatus.RECEIVED
    assert dsr.subject_pseudonym == member.pseudonym
    assert dsr.steps.count() == 1
    [record] = _records(member)
    assert record.action == ProcessingAction.CREATE
    assert record.activity == ProcessingActivity.PRIVACY_SUPERVISION
    assert record.actor == cast.heidi


@pytest.mark.parametrize(
    ("received_on", "field"),
    [(datetime.date(2026, 12, 2), "received_on"), (datetime.date(2025, 1, 1), "received_on")],
)
def test_a_bad_date_of_receipt_is_refused_in_dutch(
    cast: Cast, household_a: Household, received_on: datetime.date, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.request_register(
            actor=cast.heidi,
            municipality=cast.north,
            kind=RequestKind.ACCESS,
            member=head_of(household_a),
            received_on=received_on,
        )
    assert field in raised.value.message_dict
    assert "ontvangst" in raised.value.message_dict[field][0]
    assert DataSubjectRequest.objects.count() == 0


def test_only_a_privacy_officer_of_the_municipality_registers(
    cast: Cast, household_a: Household
) -> None:
    for user in (cast.alice, cast.oscar):
        with pytest.raises(Refused):
            services.request_register(
                actor=user,
                municipality=cast.north,
                kind=RequestKind.ACCESS,
                member=head_of(household_a),
                received_on=datetime.date(2026, 11, 1),
            )
    with pytest.raises(ValidationError):  # a person of another municipality
        services.request_register(
            actor=cast.oscar,
            municipality=cast.south,
            kind=RequestKind.ACCESS,
            member=head_of(household_a),
            received_on=datetime.date(2026, 11, 1),
        )
    assert DataSubjectRequest.objects.count() == 0


def test_the_deadline_is_extended_once_only_and_with_a_reason(
    cast: Cast, access_request: DataSubjectRequest
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.request_extend(actor=cast.heidi, request=access_request, months=2, reason="  ")
    assert "reden" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        services.request_extend(actor=cast.heidi, request=access_request, months=3, reason="x")
    access_request.refresh_from_db()
    assert access_request.extended_at is None
    assert access_request.deadline == datetime.date(2026, 12, 20)

    services.request_extend(
        actor=cast.heidi, request=access_request, months=2, reason="Veel gegevens bij partners."
    )
    access_request.refresh_from_db()
    assert access_request.deadline == datetime.date(2027, 2, 20)
    assert access_request.extension_reason == "Veel gegevens bij partners."
    assert access_request.status == RequestStatus.IN_PROGRESS

    with pytest.raises(ValidationError) as raised:
        services.request_extend(actor=cast.heidi, request=access_request, months=1, reason="Nog")
    assert "al een keer verlengd" in raised.value.messages[0]
    access_request.refresh_from_db()
    assert access_request.deadline == datetime.date(2027, 2, 20)


# --- rectification and restriction ------------------------------------------------------------
def test_rectification_changes_the_details_and_logs_it(cast: Cast, household_a: Household) -> None:
    member = head_of(household_a)
    dsr = make_request(cast, member, kind=RequestKind.RECTIFICATION)
    services.request_rectify(
        actor=cast.heidi,
        request=dsr,
        changes={"last_name": "de Vries-Zwart", "bsn": BSN},
        reason="Naam na huwelijk; BSN ontbrak.",
    )
    member.refresh_from_db()
    assert member.last_name == "de Vries-Zwart"
    assert member.bsn_index == blind_index(BSN)
    actions = [(r.object_type, r.action) for r in _records(member)]
    assert ("households.member", ProcessingAction.UPDATE) in actions
    assert ("privacy.datasubjectrequest", ProcessingAction.UPDATE) in actions
    assert household_a.events.filter(kind=EventKind.MEMBER_CHANGED).exists()
    assert dsr.steps.filter(note="Naam na huwelijk; BSN ontbrak.").exists()


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        ({"last_name": "Jansen"}, "", "Zeg wat er niet klopte"),
        ({"bsn": "123456789"}, "BSN", "elfproef"),
        ({"role": MemberRole.CHILD}, "rol", "kunnen hier niet"),
        ({"last_name": "Zwart"}, "niets", "Er is niets gewijzigd"),
        ({"birth_date": datetime.date(2030, 1, 1)}, "datum", "toekomst"),
    ],
)
def test_bad_rectifications_are_refused_in_dutch_and_change_nothing(
    cast: Cast, household_a: Household, changes: dict[str, Any], reason: str, message: str
) -> None:
    member = head_of(household_a)
    dsr = make_request(cast, member, kind=RequestKind.RECTIFICATION)
    with pytest.raises(ValidationError) as raised:
        services.request_rectify(actor=cast.heidi, request=dsr, changes=changes, reason=reason)
    assert message in " ".join(raised.value.messages)
    member.refresh_from_db()
    assert member.last_name == "Zwart"
    assert _records(member) == []
    assert dsr.steps.count() == 0


def test_restriction_stops_changes_and_sharing_until_lifted(
    cast: Cast, household_a: Household
) -> None:
    member = head_of(household_a)
    dsr = make_request(cast, member, kind=RequestKind.RESTRICTION)
    services.request_restrict(actor=cast.heidi, request=dsr, reason="Juistheid betwist.")
    member.refresh_from_db()
    assert member.processing_restricted_at is not None
    assert [r.action for r in _records(member)] == [ProcessingAction.UPDATE] * 2

    with pytest.raises(ValidationError) as raised:
        households.member_update(
            actor=cast.alice,
            member=member,
            first_name="Ander",
            last_name=member.last_name,
            birth_date=member.birth_date,
            role=MemberRole(member.role),
        )
    assert "beperkt" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        households.member_leave(actor=cast.alice, member=member, left_on=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationError) as raised:
        households.consent_give(
            actor=cast.alice,
            household=household_a,
            given_by=member,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            recipient=cast.uwv,
            method=ConsentMethod.VERBAL,
        )
    assert "beperkt" in raised.value.message_dict["given_by"][0]
    breakthrough = draft(cast, household_a)
    with pytest.raises(ValidationError) as raised:
        disclosure_record(
            actor=cast.carol,
            breakthrough=breakthrough,
            organisation=cast.uwv,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            legal_basis="AVG art. 6 lid 1 sub e",
            override_reason="Spoed",
        )
    assert "beperkt" in raised.value.messages[0]
    member.refresh_from_db()
    assert member.first_name != "Ander"
    assert member.left_on is None

    # Rectification on the person's request stays possible while restricted.
    rectify = make_request(cast, member, kind=RequestKind.RECTIFICATION)
    # A name the random member cannot already have ("nothing changed" would be refused).
    corrected = "Anneke" if member.first_name != "Anneke" else "Annelies"
    services.request_rectify(
        actor=cast.heidi, request=rectify, changes={"first_name": corrected}, reason="Spelling."
    )

    with pytest.raises(ValidationError):
        services.request_restrict(actor=cast.heidi, request=dsr, reason="Nog eens.")
    services.request_restriction_lift(
        actor=cast.heidi, request=dsr, reason="Gegevens gecontroleerd."
    )
    member.refresh_from_db()
    assert member.processing_restricted_at is None
    # The reason for lifting is kept on the household's timeline, not dropped.
    assert household_a.events.filter(
        kind=EventKind.MEMBER_CHANGED, summary__contains="Gegevens gecontroleerd."
    ).exists()
    households.member_update(
        actor=cast.alice,
        member=member,
        first_name="Anna",
        last_name=member.last_name,
        birth_date=member.birth_date,
        role=MemberRole(member.role),
    )


def test_restriction_needs_a_reason_and_the_privacy_officer(
    cast: Cast, household_a: Household
) -> None:
    member = head_of(household_a)
    dsr = make_request(cast, member, kind=RequestKind.RESTRICTION)
    with pytest.raises(ValidationError) as raised:
        services.request_restrict(actor=cast.heidi, request=dsr, reason="")
    assert "reden" in raised.value.messages[0]
    with pytest.raises(Refused):
        households.processing_restrict(actor=cast.alice, member=member, reason="Zomaar")
    with pytest.raises(Refused):
        services.request_restrict(actor=cast.oscar, request=dsr, reason="Zomaar")
    member.refresh_from_db()
    assert member.processing_restricted_at is None


def test_steps_must_match_the_kind_of_request(
    cast: Cast, access_request: DataSubjectRequest
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.request_restrict(actor=cast.heidi, request=access_request, reason="x")
    assert "hoort niet bij" in raised.value.messages[0]


# --- decisions and erasure --------------------------------------------------------------------
@pytest.mark.parametrize("kind", [RequestKind.OBJECTION, RequestKind.ERASURE])
def test_a_decision_needs_reasons_and_is_final(
    cast: Cast, household_a: Household, kind: str
) -> None:
    dsr = make_request(cast, head_of(household_a), kind=RequestKind(kind))
    with pytest.raises(ValidationError) as raised:
        services.request_decide(actor=cast.heidi, request=dsr, decision=Decision.REFUSED, reason="")
    assert "motivering" in raised.value.messages[0]
    services.request_decide(
        actor=cast.heidi,
        request=dsr,
        decision=Decision.REFUSED,
        reason="Zwaarwegend algemeen belang: lopende schuldhulp.",
    )
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.REFUSED
    assert dsr.handled_by == cast.heidi
    assert dsr.handled_at is not None
    with pytest.raises(ValidationError) as raised:
        services.request_decide(
            actor=cast.heidi, request=dsr, decision=Decision.GRANTED, reason="x"
        )
    assert "al besloten" in raised.value.messages[0]


def test_the_retention_app_carries_out_erasure() -> None:
    assert erase_member in ERASURE_HANDLERS


def test_granting_erasure_without_an_erasure_app_is_refused_and_changes_nothing(
    cast: Cast, household_a: Household, no_erasure_handlers: None
) -> None:
    assert ERASURE_HANDLERS == []
    member = head_of(household_a)
    dsr = make_request(cast, member, kind=RequestKind.ERASURE)
    with pytest.raises(ValidationError) as raised:
        services.request_decide(
            actor=cast.heidi, request=dsr, decision=Decision.GRANTED, reason="Geen grond meer."
        )
    assert raised.value.messages == [
        "Verwijderen kan nog niet: er is geen bewaartermijnen-app die het uitvoert."
    ]
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.RECEIVED
    assert dsr.decision == ""
    assert dsr.steps.count() == 0
    assert Member.objects.filter(pk=member.pk).exists()


class _Eraser:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail = fail

    def __call__(self, *, member: Member, actor: User, reason: str, reference: str) -> None:
        self.calls.append({"member": member.pk, "actor": actor, "reason": reason, "ref": reference})
        if self.fail:
            raise ValidationError("Kan niet.")
        member.delete()


@pytest.fixture
def eraser(no_erasure_handlers: None) -> Iterator[_Eraser]:
    handler = _Eraser()
    register_erasure_handler(handler)
    yield handler
    unregister_erasure_handler(handler)


def test_granting_erasure_calls_the_registered_handler(
    cast: Cast, household_a: Household, eraser: _Eraser
) -> None:
    member = household_a.members.get(role=MemberRole.CHILD)
    dsr = make_request(cast, member, kind=RequestKind.ERASURE)
    services.request_decide(
        actor=cast.heidi, request=dsr, decision=Decision.GRANTED, reason="Niet meer nodig."
    )
    [call] = eraser.calls
    assert call["member"] == member.pk
    assert call["actor"] == cast.heidi
    assert call["reason"] == "Niet meer nodig."
    assert call["ref"] == f"AVG-verzoek {dsr.pk}"
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.DONE
    assert dsr.decision == Decision.GRANTED
    assert dsr.member is None  # the person is gone; the request and its pseudonym stay
    assert dsr.subject_pseudonym == member.pseudonym


def test_a_failing_handler_leaves_the_request_undecided(
    cast: Cast, household_a: Household, no_erasure_handlers: None
) -> None:
    handler = _Eraser(fail=True)
    register_erasure_handler(handler)
    try:
        dsr = make_request(cast, head_of(household_a), kind=RequestKind.ERASURE)
        with pytest.raises(ValidationError):
            services.request_decide(
                actor=cast.heidi, request=dsr, decision=Decision.GRANTED, reason="Weg ermee."
            )
    finally:
        unregister_erasure_handler(handler)
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.RECEIVED
