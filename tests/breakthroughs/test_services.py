"""Rules of bottlenecks, breakthroughs, the value triangle, the escalation route and consent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.assessments import services as assessment_services
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs import selectors, services
from doorbraak.breakthroughs.models import (
    CONSENT_LEGAL_BASIS,
    Bottleneck,
    BreakthroughStatus,
    ContactProfile,
    Decision,
    DecisionOutcome,
    Disclosure,
    EscalationLevel,
    EscalationSettings,
    EscalationStep,
    ImmutableError,
    PartnerRequest,
    RequestStatus,
    Scenario,
    TimeOutStatus,
)
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    CloseReason,
    ConsentPurpose,
    EventKind,
    Household,
    HouseholdEvent,
)
from doorbraak.lib.workdays import add_working_days
from tests.breakthroughs.builders import (
    bottleneck,
    complete,
    draft,
    give_consent,
    send,
    submitted,
)
from tests.conftest import Cast
from tests.factories import (
    CostItemFactory,
    MembershipFactory,
    OrganisationFactory,
    RegulationFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("_dutch")

MONDAY = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def _dutch() -> Any:
    with translation.override("nl"):
        yield


@pytest.fixture
def cjib(cast: Cast) -> Organisation:
    return OrganisationFactory(name="CJIB", national=True)


@pytest.fixture
def piet(cast: Cast, cjib: Organisation) -> User:
    """A fixed contact person of CJIB in Gemeente Noord."""
    user = UserFactory(username="piet")
    MembershipFactory(
        user=user, role=Role.PARTNER_CONTACT, organisation=cjib, municipality=cast.north
    )
    return user


# --- bottleneck -------------------------------------------------------------------------------
def test_a_bottleneck_is_registered_on_the_timeline_and_in_the_log(
    cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    assert found.regulations.count() == 1
    assert list(found.organisations.all()) == [cast.uwv]
    assert HouseholdEvent.objects.filter(household=household_a, kind=EventKind.BOTTLENECK).exists()
    assert ProcessingLog.objects.filter(
        object_type="breakthroughs.bottleneck", action=ProcessingAction.CREATE
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"description": ""}, "description"),
        ({"blocked_solution": ""}, "blocked_solution"),
        ({"theme": "onzin"}, "theme"),
        ({"kind": "onzin"}, "kind"),
    ],
)
def test_a_bad_bottleneck_changes_nothing(
    cast: Cast, household_a: Household, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        bottleneck(cast, household_a, **overrides)
    assert field in caught.value.message_dict
    assert not Bottleneck.objects.exists()


def test_regulations_and_organisations_of_another_municipality_are_refused(
    cast: Cast, household_a: Household
) -> None:
    with pytest.raises(ValidationError) as caught:
        bottleneck(
            cast,
            household_a,
            regulations=[RegulationFactory(municipality=cast.south)],
            organisations=[cast.wi_south],
        )
    assert set(caught.value.message_dict) == {"regulations", "organisations"}


def test_only_the_households_team_registers_bottlenecks(cast: Cast, household_a: Household) -> None:
    for outsider in (cast.bob, cast.mallory, cast.dave, cast.erin):
        with pytest.raises(PermissionDenied):
            bottleneck(cast, household_a, actor=outsider)
    assessment_services.household_close(
        actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED, note=""
    )
    with pytest.raises(ValidationError):
        bottleneck(cast, household_a)
    assert not Bottleneck.objects.exists()


# --- the value triangle -----------------------------------------------------------------------
def test_each_side_of_the_value_triangle_is_required_before_submission(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    with pytest.raises(ValidationError) as caught:
        services.breakthrough_submit(actor=cast.alice, breakthrough=breakthrough)
    assert set(caught.value.message_dict) == {
        "regulation",
        "legal_reasoning",
        "status_quo",
        "breakthrough_scenario",
        "engagement",
        "household_commitment",
    }
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.DRAFT
    complete(cast, breakthrough)
    done = services.breakthrough_submit(actor=cast.alice, breakthrough=breakthrough)
    assert done.status == BreakthroughStatus.SUBMITTED
    assert done.level == EscalationLevel.OWN_MANDATE
    assert done.level_deadline == add_working_days(timezone.localdate(), 5)
    assert EscalationStep.objects.get(breakthrough=done, ended_at__isnull=True).level == 1


def test_the_return_is_calculated_from_the_scenario_lines(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = complete(cast, draft(cast, household_a))
    calculation = selectors.breakthrough_return(
        selectors.breakthrough_get(user=cast.alice, pk=breakthrough.pk)
    )
    assert calculation.status_quo_cents == 900_000  # € 30.000 × 0,5 × 60%
    assert calculation.breakthrough_cents == 25_000
    assert calculation.net_return_cents == 875_000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "1,234"}, "quantity"),
        ({"probability_pct": 0}, "probability_pct"),
        ({"probability_pct": 101}, "probability_pct"),
        ({"scenario": "later"}, "scenario"),
    ],
)
def test_a_bad_scenario_line_changes_nothing(
    cast: Cast, household_a: Household, changes: dict[str, Any], field: str
) -> None:
    breakthrough = draft(cast, household_a)
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "breakthrough": breakthrough,
        "scenario": Scenario.STATUS_QUO,
        "cost_item": CostItemFactory(),
        "quantity": "1",
        "probability_pct": 50,
    }
    arguments.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.scenario_line_add(**arguments)
    assert field in caught.value.message_dict
    assert not breakthrough.scenario_lines.exists()


def test_a_submitted_breakthrough_cannot_be_changed(cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    with pytest.raises(ValidationError):
        services.scenario_line_add(
            actor=cast.alice,
            breakthrough=breakthrough,
            scenario=Scenario.BREAKTHROUGH,
            cost_item=CostItemFactory(),
            quantity="1",
            probability_pct=100,
        )
    with pytest.raises(PermissionDenied):
        services.breakthrough_submit(actor=cast.bob, breakthrough=breakthrough)


# --- decisions --------------------------------------------------------------------------------
def test_a_decision_records_who_for_whom_under_which_mandate_and_why(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    for outsider in (cast.bob, cast.erin, cast.dave, cast.mallory):
        with pytest.raises(PermissionDenied):
            services.breakthrough_decide(
                actor=outsider,
                breakthrough=breakthrough,
                outcome=DecisionOutcome.APPROVED,
                mandate="x",
                reason="x",
            )
    with pytest.raises(ValidationError) as caught:
        services.breakthrough_decide(
            actor=cast.carol, breakthrough=breakthrough, outcome="ja", mandate="", reason=""
        )
    assert set(caught.value.message_dict) == {"outcome", "mandate", "reason"}
    decision = services.breakthrough_decide(
        actor=cast.carol,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Teamleider: doe wat nodig is, tot € 500",
        reason="Voorkomt dakloosheid; kosten vallen binnen het mandaat.",
    )
    assert decision.organisation == cast.team_a.organisation
    assert decision.level == EscalationLevel.OWN_MANDATE
    assert decision.decided_by_name == cast.carol.get_full_name()
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.APPROVED
    with pytest.raises(ValidationError):
        services.breakthrough_decide(
            actor=cast.carol,
            breakthrough=breakthrough,
            outcome=DecisionOutcome.REJECTED,
            mandate="x",
            reason="toch niet",
        )
    assert Decision.objects.count() == 1


def test_a_decision_cannot_be_edited_or_deleted(cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    decision = services.breakthrough_decide(
        actor=cast.alice,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.REJECTED,
        mandate="Eigen mandaat",
        reason="Er is een betere oplossing.",
    )
    decision.reason = "Anders"
    with pytest.raises(ImmutableError):
        decision.save()
    with pytest.raises(ImmutableError):
        decision.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(reason="Anders")
    assert Decision.objects.get().reason == "Er is een betere oplossing."


def test_carrying_out_and_evaluating_follow_the_decision(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.breakthrough_carry_out(
            actor=cast.alice, breakthrough=breakthrough, carried_out_on=today, note="klaar"
        )
    services.breakthrough_decide(
        actor=cast.alice,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Eigen mandaat",
        reason="Goed onderbouwd.",
    )
    with pytest.raises(ValidationError):
        services.breakthrough_evaluate(
            actor=cast.alice, breakthrough=breakthrough, evaluated_on=today, evaluation="x"
        )
    with pytest.raises(ValidationError):
        services.breakthrough_carry_out(
            actor=cast.alice,
            breakthrough=breakthrough,
            carried_out_on=today + datetime.timedelta(days=1),
            note="klaar",
        )
    services.breakthrough_carry_out(
        actor=cast.alice, breakthrough=breakthrough, carried_out_on=today, note="Briefadres gemaakt"
    )
    done = services.breakthrough_evaluate(
        actor=cast.alice, breakthrough=breakthrough, evaluated_on=today, evaluation="Zij huurt nu."
    )
    assert done.status == BreakthroughStatus.EVALUATED


# --- consent and disclosure -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("consent", "actor", "override", "allowed"),
    [
        ("none", "alice", "", False),
        ("none", "alice", "Acute dakloosheid dreigt", False),  # a professional may not override
        ("none", "carol", "", False),  # the team lead must give a reason
        ("none", "carol", "Acute dakloosheid dreigt", True),
        ("active", "alice", "", True),
        ("withdrawn", "alice", "", False),
        ("expired", "alice", "", False),
        ("other_purpose", "alice", "", False),
        ("other_organisation", "alice", "", False),
    ],
)
def test_consent_and_override_matrix(
    cast: Cast,
    household_a: Household,
    consent: str,
    actor: str,
    override: str,
    allowed: bool,
) -> None:
    breakthrough = submitted(cast, household_a)
    today = timezone.localdate()
    if consent == "active":
        give_consent(cast, household_a, cast.uwv)
    elif consent == "withdrawn":
        given = give_consent(cast, household_a, cast.uwv)
        household_services.consent_withdraw(actor=cast.alice, consent=given, note="")
    elif consent == "expired":
        give_consent(
            cast,
            household_a,
            cast.uwv,
            given_on=today - datetime.timedelta(days=30),
            valid_until=today - datetime.timedelta(days=1),
        )
    elif consent == "other_purpose":
        give_consent(cast, household_a, cast.uwv, purpose=ConsentPurpose.FUND)
    elif consent == "other_organisation":
        give_consent(cast, household_a, cast.wi_north)
    logged = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count()
    if allowed:
        request = send(cast, breakthrough, getattr(cast, actor), override_reason=override)
        disclosure = Disclosure.objects.get()
        assert disclosure.legal_basis
        assert disclosure.purpose == ConsentPurpose.SHARE_WITH_PARTNER
        assert (disclosure.consent is None) == (consent == "none")
        assert disclosure.override_reason == override
        assert ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count() > logged
        breakthrough.refresh_from_db()
        assert breakthrough.level == EscalationLevel.PARTNER
        assert request.deadline == breakthrough.level_deadline
    else:
        with pytest.raises(ValidationError) as caught:
            send(cast, breakthrough, getattr(cast, actor), override_reason=override)
        assert caught.value.messages
        assert not PartnerRequest.objects.exists()
        assert not Disclosure.objects.exists()
        assert ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).count() == logged
        breakthrough.refresh_from_db()
        assert breakthrough.level == EscalationLevel.OWN_MANDATE


def test_the_message_without_consent_says_what_to_do(cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    with pytest.raises(ValidationError) as caught:
        send(cast, breakthrough)
    message = caught.value.message_dict["organisation"][0]
    assert "UWV" in message
    assert "toestemming" in message


@pytest.mark.parametrize("legal_basis", [" ", CONSENT_LEGAL_BASIS])
def test_sharing_without_consent_needs_another_legal_basis(
    cast: Cast, household_a: Household, legal_basis: str
) -> None:
    """Issue 15.4: consent is never the legal basis where no consent is in force."""
    breakthrough = submitted(cast, household_a)
    with pytest.raises(ValidationError) as caught:
        send(cast, breakthrough, cast.carol, legal_basis=legal_basis, override_reason="Acuut.")
    assert "legal_basis" in caught.value.message_dict
    assert not Disclosure.objects.exists()


def test_with_consent_an_empty_legal_basis_is_the_consent(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    send(cast, breakthrough, legal_basis=" ")
    assert Disclosure.objects.get().legal_basis == CONSENT_LEGAL_BASIS


def test_the_partner_sees_the_household_only_while_consent_lasts(
    cast: Cast, household_a: Household, piet: User
) -> None:
    breakthrough = submitted(cast, household_a)
    consent = give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    assert list(selectors.partner_inbox(user=cast.dave)) == [request]
    assert list(selectors.partner_inbox(user=piet)) == []
    with pytest.raises(Exception) as other:
        selectors.partner_request_open(user=piet, pk=request.pk)
    assert other.typename == "Http404"
    reads = ProcessingLog.objects.filter(object_type="breakthroughs.partnerrequest").count()
    view = selectors.partner_request_open(user=cast.dave, pk=request.pk)
    assert view.shared
    assert view.members
    assert ProcessingLog.objects.filter(object_type="breakthroughs.partnerrequest").count() > reads
    household_services.consent_withdraw(actor=cast.alice, consent=consent, note="")
    reads = ProcessingLog.objects.filter(object_type="breakthroughs.partnerrequest").count()
    view = selectors.partner_request_open(user=cast.dave, pk=request.pk)
    assert not view.shared
    assert view.members == []
    assert ProcessingLog.objects.filter(object_type="breakthroughs.partnerrequest").count() == reads


def _shared(request: PartnerRequest, at: datetime.datetime) -> tuple[bool, bool]:
    """``sharing_allowed`` and its expression, read with the request, at ``at``."""
    annotated = (
        PartnerRequest.objects.annotate(shared=selectors.sharing_allowed_expression(at=at))
        .values_list("shared", flat=True)
        .get(pk=request.pk)
    )
    return selectors.sharing_allowed(request, at=at), bool(annotated)


def test_sharing_read_with_the_request_follows_the_same_rule(
    cast: Cast, household_a: Household
) -> None:
    """Consent in force until its last day and until its withdrawal; an override always."""
    breakthrough = submitted(cast, household_a)
    now = timezone.now()
    last_day = timezone.localdate(now) + datetime.timedelta(days=10)
    consent = give_consent(cast, household_a, cast.uwv, valid_until=last_day)
    request = send(cast, breakthrough)
    assert _shared(request, now) == (True, True)
    assert _shared(request, now + datetime.timedelta(days=10)) == (True, True)
    assert _shared(request, now + datetime.timedelta(days=12)) == (False, False)
    household_services.consent_withdraw(actor=cast.alice, consent=consent, note="")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert _shared(request, consent.withdrawn_at) == (False, False)
    assert _shared(request, consent.withdrawn_at - datetime.timedelta(seconds=1)) == (True, True)
    other = PartnerRequest.objects.create(
        breakthrough=breakthrough,
        organisation=cast.wi_north,
        question="Zonder verstrekking",
        asked_by=cast.alice,
        asked_at=now,
        deadline=last_day,
    )
    assert _shared(other, now) == (False, False)
    Disclosure.objects.create(
        household=household_a,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        legal_basis="AVG art. 6 lid 1 sub e",
        override_reason="Dringend",
        disclosed_by=cast.alice,
        disclosed_at=now,
    )
    assert _shared(request, now + datetime.timedelta(days=12)) == (True, True)


def test_a_contact_of_the_same_organisation_in_another_municipality_sees_nothing(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    south = UserFactory(username="zuid-uwv")
    MembershipFactory(
        user=south, role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.south
    )
    assert list(selectors.partner_inbox(user=south)) == []
    with pytest.raises(PermissionDenied):
        services.partner_request_answer(
            actor=south, request=request, status=RequestStatus.ACCEPTED, answer=""
        )


# --- partner answers --------------------------------------------------------------------------
def test_after_a_decline_the_deadline_takes_the_case_to_the_breakthrough_table(
    cast: Cast, household_a: Household
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        breakthrough = submitted(cast, household_a)
        give_consent(cast, household_a, cast.uwv)
        request = send(cast, breakthrough)
        with pytest.raises(ValidationError) as caught:
            services.partner_request_answer(
                actor=cast.dave, request=request, status=RequestStatus.DECLINED, answer=""
            )
        assert "answer" in caught.value.message_dict
        services.partner_request_answer(
            actor=cast.dave,
            request=request,
            status=RequestStatus.DECLINED,
            answer="De wet laat geen uitzondering toe.",
        )
    breakthrough.refresh_from_db()
    # Declined, but still at the partner level: the team may ask another organisation.
    assert breakthrough.level == EscalationLevel.PARTNER
    assert selectors.table_queue(user=cast.erin) == []
    day_after = add_working_days(breakthrough.level_deadline, 1)  # type: ignore[arg-type]
    assert services.escalation_sweep(today=day_after)["escalated"] == 1
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE
    step = EscalationStep.objects.get(breakthrough=breakthrough, ended_at__isnull=True)
    assert "UWV" in step.reason
    assert "Afgewezen door" in step.reason
    line = HouseholdEvent.objects.filter(kind=EventKind.ESCALATION).latest("pk")
    with translation.override("en"):
        assert "Declined by: UWV" in str(line.line)
    queue = selectors.table_queue(user=cast.erin)
    assert [item.breakthrough for item in queue] == [breakthrough]
    assert selectors.table_queue(user=cast.alice) == []
    decision = services.breakthrough_decide(
        actor=cast.erin,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Voorzitter doorbraaktafel",
        reason="De tafel neemt het risico.",
    )
    assert decision.level == EscalationLevel.TABLE


def test_the_team_may_escalate_at_once_after_a_decline(cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    services.partner_request_answer(
        actor=cast.dave, request=request, status=RequestStatus.DECLINED, answer="Nee."
    )
    with pytest.raises(ValidationError):
        services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason=" ")
    with pytest.raises(PermissionDenied):
        services.breakthrough_escalate(actor=cast.bob, breakthrough=breakthrough, reason="x")
    step = services.breakthrough_escalate(
        actor=cast.alice, breakthrough=breakthrough, reason="UWV wees af; naar de tafel."
    )
    assert step.level == EscalationLevel.TABLE
    assert step.by == cast.alice


def test_a_partner_that_accepts_decides_under_its_own_mandate(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    membership = cast.dave.memberships.get()
    ContactProfile.objects.create(membership=membership, mandate="Uitstel van terugvordering")
    services.partner_request_answer(
        actor=cast.dave, request=request, status=RequestStatus.ACCEPTED, answer=""
    )
    decision = Decision.objects.get()
    assert decision.organisation == cast.uwv
    assert decision.mandate == "Uitstel van terugvordering"
    assert decision.level == EscalationLevel.PARTNER
    with pytest.raises(ValidationError):
        services.partner_request_answer(
            actor=cast.dave, request=request, status=RequestStatus.DECLINED, answer="toch niet"
        )


def test_more_information_is_given_and_the_request_is_open_again(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    services.partner_request_answer(
        actor=cast.dave,
        request=request,
        status=RequestStatus.MORE_INFORMATION,
        answer="Sinds wanneer is zij dakloos?",
    )
    with pytest.raises(ValidationError):
        services.partner_request_clarify(actor=cast.alice, request=request, information=" ")
    services.partner_request_clarify(
        actor=cast.alice, request=request, information="Sinds 1 november."
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert "Sinds 1 november." in request.question


def test_a_time_out_is_asked_with_consent_and_answered_by_the_partner(
    cast: Cast, household_a: Household, cjib: Organisation, piet: User
) -> None:
    breakthrough = submitted(cast, household_a)
    until = timezone.localdate() + datetime.timedelta(days=60)
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "breakthrough": breakthrough,
        "organisation": cjib,
        "what": "Inning van de verkeersboetes",
        "until": until,
        "legal_basis": "AVG art. 6 lid 1 sub a (toestemming)",
    }
    with pytest.raises(ValidationError):
        services.time_out_request(**arguments)
    give_consent(cast, household_a, cjib)
    with pytest.raises(ValidationError):
        services.time_out_request(**{**arguments, "until": timezone.localdate()})
    time_out = services.time_out_request(**arguments)
    with pytest.raises(PermissionDenied):
        services.time_out_answer(actor=cast.dave, time_out=time_out, granted=True, answer="")
    with pytest.raises(ValidationError):
        services.time_out_answer(actor=piet, time_out=time_out, granted=False, answer="")
    answered = services.time_out_answer(actor=piet, time_out=time_out, granted=True, answer="")
    assert answered.status == TimeOutStatus.GRANTED


# --- deadlines, with frozen time --------------------------------------------------------------
def test_deadlines_remind_then_escalate_level_by_level(
    cast: Cast, household_a: Household, django_capture_on_commit_callbacks: Any
) -> None:
    EscalationSettings.objects.create(
        municipality=cast.north,
        own_mandate_days=5,
        partner_days=10,
        table_days=15,
        administrative_days=20,
        reminder_days_before=2,
    )
    with time_machine.travel(MONDAY, tick=False):
        breakthrough = submitted(cast, household_a)
    assert breakthrough.level_deadline == datetime.date(2026, 12, 7)

    def sweep(day: datetime.date) -> dict[str, int]:
        moment = datetime.datetime.combine(day, datetime.time(6), tzinfo=datetime.UTC)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks():
            return services.escalation_sweep(today=day)

    assert sweep(datetime.date(2026, 12, 2)) == {"reminded": 0, "escalated": 0}
    assert sweep(datetime.date(2026, 12, 3)) == {"reminded": 1, "escalated": 0}
    assert sweep(datetime.date(2026, 12, 3)) == {"reminded": 0, "escalated": 0}  # idempotent
    assert sweep(datetime.date(2026, 12, 7)) == {"reminded": 0, "escalated": 0}  # deadline day
    assert sweep(datetime.date(2026, 12, 8)) == {"reminded": 0, "escalated": 1}
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.PARTNER
    assert breakthrough.level_deadline == datetime.date(2026, 12, 22)
    step = EscalationStep.objects.get(breakthrough=breakthrough, ended_at__isnull=True)
    assert step.by is None
    assert (
        step.reason == "De termijn van eigen mandaat is op 7 december 2026 verlopen zonder besluit."
    )
    # The timeline line is stored as a message: each reader sees it in their own language.
    line = HouseholdEvent.objects.filter(kind=EventKind.ESCALATION).latest("pk")
    with translation.override("en"):
        english = str(line.line)
    with translation.override("nl"):
        dutch = str(line.line)
    assert "passed on" in english
    assert "without a decision" in english
    assert "verlopen zonder besluit" in dutch
    assert "passed on" not in dutch
    assert sweep(datetime.date(2026, 12, 23)) == {"reminded": 0, "escalated": 1}
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE
    # 15 working days from 23 December, skipping Christmas and the weekends.
    assert breakthrough.level_deadline == datetime.date(2027, 1, 15)
    assert sweep(datetime.date(2027, 1, 16)) == {"reminded": 0, "escalated": 1}
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.ADMINISTRATIVE
    # At the highest level a passed deadline reminds once, and escalates nowhere.
    assert sweep(datetime.date(2027, 3, 1)) == {"reminded": 1, "escalated": 0}
    assert sweep(datetime.date(2027, 3, 2)) == {"reminded": 0, "escalated": 0}
    assert EscalationStep.objects.filter(breakthrough=breakthrough).count() == 4
    assert HouseholdEvent.objects.filter(kind=EventKind.ESCALATION).count() == 3


def test_a_decided_breakthrough_never_escalates(cast: Cast, household_a: Household) -> None:
    with time_machine.travel(MONDAY, tick=False):
        breakthrough = submitted(cast, household_a)
        services.breakthrough_decide(
            actor=cast.alice,
            breakthrough=breakthrough,
            outcome=DecisionOutcome.APPROVED,
            mandate="Eigen mandaat",
            reason="Snel geregeld.",
        )
    assert services.escalation_sweep(today=datetime.date(2027, 1, 1)) == {
        "reminded": 0,
        "escalated": 0,
    }
