"""Rules of referrals, intake, members, coordinator, professionals, consent and closing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from doorbraak.assessments import services as assessment_services
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    CoordinatorAssignment,
    EventKind,
    Household,
    HouseholdStatus,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from doorbraak.households.processing import household_subjects
from doorbraak.households.selectors import consent_allows, household_open, involvement_summary
from doorbraak.lib.crypto import blind_index, decrypt
from tests.conftest import Cast
from tests.factories import DistrictFactory, MemberFactory, PostcodeAreaFactory

pytestmark = pytest.mark.usefixtures("_dutch")


@pytest.fixture
def _dutch() -> object:
    with translation.override("nl"):
        yield


@pytest.fixture
def routed(cast: Cast):  # type: ignore[no-untyped-def]
    """Postcodes 3551–3553 lie in Ondiep, the district of Buurtteam A."""
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return district


def submit(cast: Cast, **overrides: object) -> Referral:
    arguments: dict[str, object] = {
        "actor": cast.dave,
        "municipality": cast.north,
        "source": ReferralSource.HOUSING_CORPORATION,
        "source_organisation": cast.uwv,
        "urgency": Urgency.HIGH,
        "reason": "Huurachterstand van drie maanden",
        "resident_name": "Mevrouw Zwart",
        "postcode": "3552ab",
        "house_number": 12,
    }
    arguments.update(overrides)
    return services.referral_submit(**arguments)  # type: ignore[arg-type]


def intake(**overrides: object) -> services.IntakeData:
    data = services.IntakeData(
        name="Huishouden Zwart",
        postcode="3552 AB",
        house_number=12,
        street="Kaatstraat",
        city="Demostad",
        members=[
            services.MemberData(
                "Anja", "Zwart", datetime.date(1971, 5, 3), MemberRole.HEAD, bsn="111222333"
            )
        ],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


# --- referral -----------------------------------------------------------------------------
def test_a_referral_is_routed_to_the_team_of_the_district(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    referral = submit(cast)
    assert (referral.team, referral.district, referral.postcode) == (cast.team_a, routed, "3552 AB")
    assert referral.status == ReferralStatus.SUBMITTED
    log = ProcessingLog.objects.get()
    assert log.action == ProcessingAction.CREATE
    assert log.subject_pseudonym.startswith("r-")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "1234"}, "postcode", "Nederlandse postcode"),
        ({"postcode": "9999 ZZ"}, "postcode", "niet in een wijk"),
        ({"house_number": 0}, "house_number", "huisnummer"),
        ({"reason": "  "}, "reason", "waarom"),
    ],
)
def test_a_bad_referral_is_refused_and_nothing_is_saved(
    cast: Cast, routed, overrides, field, message
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        submit(cast, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert Referral.objects.count() == 0
    assert ProcessingLog.objects.count() == 0


def test_the_team_accepts_a_referral_with_an_intake(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    referral = submit(cast)
    household = services.intake_from_referral(actor=cast.alice, referral=referral, intake=intake())
    referral.refresh_from_db()
    assert (referral.status, referral.household, referral.decided_by) == (
        ReferralStatus.ACCEPTED,
        household,
        cast.alice,
    )
    assert household.team == cast.team_a
    assert household.district == routed
    assert (
        CoordinatorAssignment.objects.get(household=household, ended_at__isnull=True).coordinator
        == cast.alice
    )
    kinds = list(household.events.values_list("kind", flat=True))
    assert EventKind.INTAKE in kinds
    assert EventKind.REFERRAL in kinds


def test_another_team_cannot_decide_on_a_referral(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    referral = submit(cast)
    with pytest.raises(ValidationError, match="team"):
        services.referral_decline(actor=cast.bob, referral=referral, reason="Niet ons gebied")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_declining_needs_a_reason_and_happens_once(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    referral = submit(cast)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=cast.alice, referral=referral, reason=" ")
    services.referral_decline(
        actor=cast.alice, referral=referral, reason="Hulp loopt al via schuldhulp"
    )
    with pytest.raises(ValidationError, match="al besloten"):
        services.referral_decline(actor=cast.alice, referral=referral, reason="Nogmaals")
    referral.refresh_from_db()
    assert referral.decline_reason == "Hulp loopt al via schuldhulp"


# --- household and members ----------------------------------------------------------------
def test_the_bsn_is_stored_encrypted_with_a_blind_index(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    household = services.household_register(actor=cast.alice, team=cast.team_a, intake=intake())
    member = household.members.get()
    assert "111222333" not in member.bsn_encrypted
    assert decrypt(member.bsn_encrypted) == "111222333"
    assert member.bsn_index == blind_index("111222333")
    assert all(
        "111222333" not in str(value)
        for value in ProcessingLog.objects.values_list("subject_pseudonym", "object_id", "purpose")
    )


@pytest.mark.parametrize(
    ("member", "field", "message"),
    [
        (
            services.MemberData(
                "A", "Zwart", datetime.date(1971, 5, 3), MemberRole.HEAD, bsn="123456789"
            ),
            "bsn",
            "elfproef",
        ),
        (
            services.MemberData("A", "Zwart", datetime.date(2999, 1, 1), MemberRole.HEAD),
            "birth_date",
            "toekomst",
        ),
        (
            services.MemberData("", "Zwart", datetime.date(1971, 5, 3), MemberRole.HEAD),
            "first_name",
            "voornaam",
        ),
        (
            services.MemberData(
                "A", "Zwart", datetime.date(1971, 5, 3), MemberRole.HEAD, representation="mentor"
            ),
            "representative",
            "vertegenwoordiger",
        ),
    ],
)
def test_bad_member_data_is_refused(cast: Cast, routed, member, field, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=cast.alice, team=cast.team_a, intake=intake(members=[member])
        )
    assert message in " ".join(error.value.message_dict[field])
    assert Household.objects.count() == 0


def test_possible_duplicates_are_shown_before_a_second_file_is_made(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    first = services.household_register(actor=cast.alice, team=cast.team_a, intake=intake())
    same_bsn = intake(
        members=[
            services.MemberData(
                "Anja", "de Zwart", datetime.date(1972, 1, 1), MemberRole.HEAD, bsn="111222333"
            )
        ]
    )
    found = services.household_find_duplicates(
        actor=cast.alice, municipality=cast.north, members=same_bsn.members
    )
    assert [(d.household, d.reason) for d in found] == [(first, "zelfde BSN")]
    same_name = [services.MemberData("Anja", "ZWART", datetime.date(1971, 5, 3), MemberRole.HEAD)]
    assert services.household_find_duplicates(
        actor=cast.alice, municipality=cast.north, members=same_name
    )
    # Bob's team learns only that another team has a file, not which household it is.
    [other_team] = services.household_find_duplicates(
        actor=cast.bob, municipality=cast.north, members=same_name
    )
    assert other_team.household is None
    assert other_team.elsewhere
    assert (other_team.team_name, other_team.reason) == ("", "")
    with pytest.raises(ValidationError, match="Mogelijk is er al een dossier"):
        services.household_register(actor=cast.alice, team=cast.team_a, intake=intake())
    services.household_register(
        actor=cast.alice, team=cast.team_a, intake=intake(), duplicates_checked=True
    )
    assert Household.objects.count() == 2


def test_only_team_members_register_households_for_their_team(cast: Cast, routed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.household_register(actor=cast.bob, team=cast.team_a, intake=intake())
    with pytest.raises(ValidationError):
        services.household_register(actor=cast.dave, team=cast.team_a, intake=intake())


def test_composition_changes_keep_their_history(cast: Cast, household_a: Household) -> None:
    head = household_a.members.get(role=MemberRole.HEAD)
    partner = services.member_add(
        actor=cast.alice,
        household=household_a,
        data=services.MemberData("Kees", "Zwart", datetime.date(1970, 2, 2), MemberRole.HEAD),
        joined_on=datetime.date(2026, 2, 1),
    )
    head.refresh_from_db()
    assert head.role == MemberRole.OTHER_ADULT  # a new head: the old head stays, demoted
    services.member_leave(
        actor=cast.alice, member=partner, left_on=datetime.date(2026, 3, 1), note="Verhuisd"
    )
    partner.refresh_from_db()
    assert partner.left_on == datetime.date(2026, 3, 1)
    assert Member.objects.filter(pk=partner.pk).exists()
    assert partner not in household_a.members.current()
    summaries = " ".join(household_a.events.values_list("summary", flat=True))
    assert "Kees Zwart" in summaries
    assert "niet langer hoofd" in summaries


def test_the_subjects_of_a_change_are_the_current_members_in_their_order(
    cast: Cast, household_a: Household
) -> None:
    MemberFactory(household=household_a, joined_on=datetime.date(2020, 1, 1))  # the first
    MemberFactory(
        household=household_a,
        joined_on=datetime.date(2020, 1, 1),
        left_on=datetime.date(2021, 1, 1),  # gone: not a subject
    )
    current = list(household_a.members.current().order_by("joined_on", "birth_date", "pk"))
    assert len(current) >= 3
    assert household_subjects(household_a) == [m.pseudonym for m in current]
    household_a.members.update(left_on=F("joined_on"))
    assert household_subjects(household_a) == [household_a.pseudonym]


def test_the_last_member_cannot_leave(cast: Cast, household_b: Household) -> None:
    only = household_b.members.get()
    with pytest.raises(ValidationError, match="laatste"):
        services.member_leave(actor=cast.bob, member=only, left_on=timezone.localdate())


# --- coordinator --------------------------------------------------------------------------
def test_the_database_allows_one_active_coordinator(cast: Cast, household_a: Household) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CoordinatorAssignment.objects.create(household=household_a, coordinator=cast.carol)


def test_a_handover_ends_the_old_assignment_with_a_note(cast: Cast, household_a: Household) -> None:
    services.coordinator_handover(
        actor=cast.alice, household=household_a, to=cast.carol, note="Ik ga met verlof"
    )
    assignments = list(household_a.coordinator_assignments.order_by("started_at"))
    assert [a.coordinator for a in assignments] == [cast.alice, cast.carol]
    assert assignments[0].ended_at is not None
    assert assignments[1].ended_at is None
    assert assignments[1].handover_note == "Ik ga met verlof"
    assert household_a.events.filter(kind=EventKind.COORDINATOR).exists()


@pytest.mark.parametrize(
    ("to", "note", "message"),
    [
        ("bob", "Overdracht", "team"),
        ("carol", " ", "overdrachtsnotitie"),
        ("alice", "Zelf", "al de regiehouder"),
    ],
)
def test_a_bad_handover_changes_nothing(
    cast: Cast, household_a: Household, to: str, note: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.coordinator_handover(
            actor=cast.alice, household=household_a, to=getattr(cast, to), note=note
        )
    assert message in " ".join(error.value.messages)
    assert household_a.coordinator_assignments.get(ended_at__isnull=True).coordinator == cast.alice


# --- involved professionals ---------------------------------------------------------------
def test_the_status_quo_counts_professionals_organisations_and_yearly_cost(
    cast: Cast, household_a: Household
) -> None:
    for name, organisation, cost in [
        ("Jan", cast.uwv, 120_000),
        ("Piet", cast.uwv, 80_000),
        ("Els", None, None),
    ]:
        services.professional_add(
            actor=cast.alice,
            household=household_a,
            person_name=name,
            role="consulent",
            since=datetime.date(2026, 1, 1),
            organisation=organisation,
            organisation_name="" if organisation else "Jeugdbescherming Midden",
            yearly_cost_cents=cost,
        )
    ended = services.professional_add(
        actor=cast.alice,
        household=household_a,
        person_name="Oud",
        role="coach",
        since=datetime.date(2025, 1, 1),
        organisation=cast.wi_north,
        yearly_cost_cents=1_000_000,
    )
    services.professional_end(
        actor=cast.alice, professional=ended, until=datetime.date(2025, 12, 31)
    )
    summary = involvement_summary(household_open(user=cast.alice, public_id=household_a.public_id))
    assert (summary.professionals, summary.organisations, summary.yearly_cost_cents) == (
        3,
        2,
        200_000,
    )


def test_a_professional_needs_an_organisation_and_a_positive_cost(
    cast: Cast, household_a: Household
) -> None:
    with pytest.raises(ValidationError) as error:
        services.professional_add(
            actor=cast.alice,
            household=household_a,
            person_name="X",
            role="Y",
            since=datetime.date(2026, 1, 1),
            yearly_cost_cents=-5,
        )
    assert set(error.value.message_dict) == {"organisation", "yearly_cost_cents"}


# --- consent ------------------------------------------------------------------------------
def test_withdrawing_consent_stops_sharing_from_that_moment(
    cast: Cast, household_a: Household
) -> None:
    head = household_a.members.get(role=MemberRole.HEAD)
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        consent = services.consent_give(
            actor=cast.alice,
            household=household_a,
            given_by=head,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            recipient=cast.uwv,
            method=ConsentMethod.WRITTEN,
        )
        assert consent_allows(
            household=household_a, recipient=cast.uwv, purpose=ConsentPurpose.SHARE_WITH_PARTNER
        )
        assert not consent_allows(
            household=household_a, recipient=cast.uwv, purpose=ConsentPurpose.FUND
        )
        assert not consent_allows(
            household=household_a,
            recipient=cast.wi_north,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        )
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        services.consent_withdraw(actor=cast.alice, consent=consent, note="Wil het zelf regelen")
        assert not consent_allows(
            household=household_a, recipient=cast.uwv, purpose=ConsentPurpose.SHARE_WITH_PARTNER
        )
    # Sharing that happened before the withdrawal was allowed at the time.
    assert consent_allows(
        household=household_a,
        recipient=cast.uwv,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        at=start + datetime.timedelta(minutes=30),
    )
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=cast.alice, consent=consent)


def test_an_opened_household_names_the_givers_of_consent_without_a_query(
    cast: Cast, household_a: Household, django_assert_num_queries: Any
) -> None:
    head = household_a.members.get(role=MemberRole.HEAD)
    services.consent_give(
        actor=cast.alice,
        household=household_a,
        given_by=head,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        recipient=cast.uwv,
        method=ConsentMethod.WRITTEN,
    )
    household = household_open(user=cast.alice, public_id=household_a.public_id, log=False)
    members = {member.pk: member for member in household.members.all()}
    with django_assert_num_queries(0):
        consents = list(household.consents.all())
        assert [c.given_by.full_name for c in consents] == [head.full_name]
        assert consents[0].given_by is members[head.pk]
        assert consents[0].recipient == cast.uwv


def test_consent_ends_on_its_end_date(cast: Cast, household_a: Household) -> None:
    head = household_a.members.get(role=MemberRole.HEAD)
    services.consent_give(
        actor=cast.alice,
        household=household_a,
        given_by=head,
        purpose=ConsentPurpose.FUND,
        recipient=cast.wi_north,
        method=ConsentMethod.VERBAL,
        given_on=datetime.date(2026, 1, 10),
        valid_until=datetime.date(2026, 2, 1),
    )
    inside = timezone.make_aware(datetime.datetime(2026, 2, 1, 12))
    after = timezone.make_aware(datetime.datetime(2026, 2, 2, 12))
    assert consent_allows(
        household=household_a, recipient=cast.wi_north, purpose=ConsentPurpose.FUND, at=inside
    )
    assert not consent_allows(
        household=household_a, recipient=cast.wi_north, purpose=ConsentPurpose.FUND, at=after
    )


def test_a_young_child_cannot_give_consent(cast: Cast, household_a: Household) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    with pytest.raises(ValidationError, match="16"):
        services.consent_give(
            actor=cast.alice,
            household=household_a,
            given_by=child,
            purpose=ConsentPurpose.FUND,
            recipient=cast.wi_north,
            method=ConsentMethod.VERBAL,
        )
    assert Consent.objects.count() == 0


# --- closing ------------------------------------------------------------------------------
def test_closing_schedules_follow_ups_at_3_6_and_12_months(
    cast: Cast,
    household_a: Household,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from django_tasks import default_task_backend

    with (
        time_machine.travel(datetime.datetime(2026, 5, 31, 12, tzinfo=datetime.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assessment_services.household_close(
            actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED
        )
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.CLOSED
    due = list(household_a.follow_ups.values_list("months_after_closing", "due_on"))
    assert due == [
        (3, datetime.date(2026, 8, 31)),
        (6, datetime.date(2026, 11, 30)),
        (12, datetime.date(2027, 5, 31)),
    ]
    enqueued = default_task_backend.results  # type: ignore[attr-defined]
    assert sorted(r.args[0] for r in enqueued) == sorted(
        household_a.follow_ups.values_list("pk", flat=True)
    )
    assert {timezone.localdate(r.task.run_after) for r in enqueued} == {d for _m, d in due}
    with pytest.raises(ValidationError, match="afgesloten"):
        services.member_add(
            actor=cast.alice,
            household=household_a,
            data=services.MemberData("X", "Y", datetime.date(2000, 1, 1), MemberRole.OTHER),
        )


def test_closing_with_reason_other_needs_an_explanation(cast: Cast, household_a: Household) -> None:
    with pytest.raises(ValidationError):
        assessment_services.household_close(
            actor=cast.alice, household=household_a, reason=CloseReason.OTHER
        )
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE


def test_a_closed_household_can_be_reopened_and_its_follow_ups_lapse(
    cast: Cast, household_a: Household
) -> None:
    from doorbraak.assessments.models import FollowUpStatus

    assessment_services.household_close(
        actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED
    )
    with pytest.raises(ValidationError):
        assessment_services.household_reopen(actor=cast.alice, household=household_a, note=" ")
    assessment_services.household_reopen(
        actor=cast.alice, household=household_a, note="Nieuwe huurachterstand"
    )
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE
    assert household_a.closed_on is None
    assert set(household_a.follow_ups.values_list("status", flat=True)) == {
        FollowUpStatus.CANCELLED
    }
