"""The pages of households and referrals: access, processing log, bad input, query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorbraak.assessments import services as assessment_services
from doorbraak.audit.models import ProcessingAction, ProcessingLog, SecurityEvent, SecurityStage
from doorbraak.households import services
from doorbraak.households.models import (
    CloseReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    CoordinatorAssignment,
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
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    MemberFactory,
    PostcodeAreaFactory,
)

BSN = "111222333"


@pytest.fixture
def routed(cast: Cast):  # type: ignore[no-untyped-def]
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    cast.team_a.districts.add(district)
    PostcodeAreaFactory(district=district, first=3551, last=3553)
    return district


@pytest.fixture
def referral(cast: Cast, routed: Any) -> Referral:
    return services.referral_submit(
        actor=cast.dave,
        municipality=cast.north,
        source=ReferralSource.HOUSING_CORPORATION,
        source_organisation=cast.uwv,
        urgency=Urgency.HIGH,
        reason="Huurachterstand van drie maanden",
        resident_name="Mevrouw Zwart",
        postcode="3552 AB",
        house_number=12,
    )


def household_urls(household: Household) -> list[str]:
    member = household.members.first()
    assert member is not None
    pid = household.public_id
    professional = InvolvedProfessional.objects.create(
        household=household,
        organisation_name="Schuldhulp",
        person_name="P. de Vries",
        role="schuldhulpverlener",
        since=datetime.date(2026, 2, 1),
    )
    consent = Consent.objects.create(
        household=household,
        given_by=member,
        purpose=ConsentPurpose.FUND,
        recipient=household.team.organisation,
        method=ConsentMethod.VERBAL,
        given_on=datetime.date(2026, 2, 1),
        recorded_by=CoordinatorAssignment.objects.filter(household=household).first().coordinator,  # type: ignore[union-attr]
    )
    return [
        reverse("households:detail", args=[pid]),
        reverse("households:timeline", args=[pid]),
        reverse("households:member-add", args=[pid]),
        reverse("households:member-edit", args=[pid, member.public_id]),
        reverse("households:member-leave", args=[pid, member.public_id]),
        reverse("households:address", args=[pid]),
        reverse("households:handover", args=[pid]),
        reverse("households:professional-add", args=[pid]),
        reverse("households:professional-end", args=[pid, professional.pk]),
        reverse("households:consent-add", args=[pid]),
        reverse("households:consent-withdraw", args=[pid, consent.pk]),
        reverse("assessments:household-close", args=[pid]),
        reverse("assessments:household-reopen", args=[pid]),
    ]


# --- access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["bob", "mallory"])
def test_another_team_gets_404_on_every_household_page(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    urls = household_urls(household_a)
    client: Client = as_user(getattr(cast, persona))
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"note": "x"}).status_code in (404, 405), url
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE


@pytest.mark.parametrize("persona", ["dave", "heidi", "ivan", "grace"])
def test_roles_outside_the_team_never_see_a_household(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    client: Client = as_user(getattr(cast, persona))
    for url in household_urls(household_a):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("households:list")).status_code == 403
    assert client.get(reverse("households:referral-inbox")).status_code == 403


def test_the_team_lead_and_colleagues_of_the_team_see_the_household(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    for url in household_urls(household_a):
        assert as_user(cast.carol).get(url).status_code in (200, 302), url


def test_anonymous_users_are_sent_to_the_login(client: Client, household_a: Household) -> None:
    response = client.get(reverse("households:detail", args=[household_a.public_id]))
    assert response.status_code == 302
    assert "login" in response["Location"] or "inloggen" in response["Location"]


# --- list -------------------------------------------------------------------------------------
def test_the_list_shows_only_the_own_team_and_logs_a_search(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    client = as_user(cast.alice)
    body = client.get(reverse("households:list")).content.decode()
    assert "Huishouden Zwart" in body
    assert "Huishouden Visser" not in body
    before = ProcessingLog.objects.filter(action=ProcessingAction.SEARCH).count()
    body = client.get(reverse("households:list"), {"q": "Zwart"}).content.decode()
    assert "Huishouden Zwart" in body
    assert ProcessingLog.objects.filter(action=ProcessingAction.SEARCH).count() > before


def test_the_list_filters_and_ignores_bad_filters(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    closed = HouseholdFactory(team=cast.team_a, name="Huishouden Dicht", coordinator=cast.alice)
    assessment_services.household_close(
        actor=cast.alice, household=closed, reason=CloseReason.GOALS_REACHED, note=""
    )
    body = client.get(reverse("households:list"), {"status": "afgesloten"}).content.decode()
    assert "Huishouden Dicht" in body
    assert "Huishouden Zwart" not in body
    response = client.get(reverse("households:list"), {"status": "nonsense", "district": "abc"})
    assert response.status_code == 200
    assert client.get(reverse("households:list"), {"page": "999"}).status_code == 200


def test_the_list_needs_a_fixed_number_of_queries(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    client = as_user(cast.alice)
    # The first request after log-in also renews the session (3 with its savepoint) and
    # may render the empty filter form (its districts); later ones need 9.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("households:list"))
    assert response.status_code == 200


def test_the_list_finds_a_household_once_by_its_members_name_and_filters_mine(
    as_user: Any, cast: Cast
) -> None:
    mine = HouseholdFactory(team=cast.team_a, name="Huishouden Appel", coordinator=cast.alice)
    for _ in range(2):  # two members with the name: still one row
        MemberFactory(household=mine, last_name="Wijnberg")
    HouseholdFactory(team=cast.team_a, name="Huishouden Peer", coordinator=cast.carol)
    HouseholdFactory(team=cast.team_b, name="Huishouden Wijnberg", coordinator=cast.bob)
    client = as_user(cast.alice)
    body = client.get(reverse("households:list"), {"q": "wijnberg"}).content.decode()
    assert body.count(reverse("households:detail", args=[mine.public_id])) == 1
    assert "Huishouden Peer" not in body
    assert "Huishouden Wijnberg" not in body  # another team's
    body = client.get(reverse("households:list"), {"mine": "on"}).content.decode()
    assert "Huishouden Appel" in body
    assert "Huishouden Peer" not in body


def test_the_list_pages_by_name_with_the_current_members_counted(as_user: Any, cast: Cast) -> None:
    households = [
        HouseholdFactory(team=cast.team_a, name=f"Huishouden {n:02d}", coordinator=cast.alice)
        for n in range(30)
    ]
    last = households[-1]
    MemberFactory(household=last)
    MemberFactory(household=last, left_on=datetime.date(2026, 2, 1))
    client = as_user(cast.alice)
    first = client.get(reverse("households:list")).content.decode()
    assert "Huishouden 24" in first
    assert "Huishouden 25" not in first
    response = client.get(reverse("households:list"), {"page": "2"})
    rows = response.context["rows"]
    assert [r["name"] for r in rows] == [f"Huishouden {n}" for n in range(25, 30)]
    assert rows[-1]["members"] == 2  # the head and one who stayed
    assert rows[-1]["coordinator"] == cast.alice.get_full_name()
    assert rows[-1]["url"] == reverse("households:detail", args=[last.public_id])
    assert response.context["page_obj"].paginator.count == 30


def test_the_list_runs_the_same_number_of_queries_however_many_households(
    as_user: Any, cast: Cast
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(cast.alice)
    url = reverse("households:list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    small = count()
    for _ in range(40):
        HouseholdFactory(team=cast.team_a, coordinator=cast.carol)
    assert count() == small


# --- detail -----------------------------------------------------------------------------------
def test_the_household_page_shows_the_status_quo_without_bsn_and_logs_the_read(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    services.member_add(
        actor=cast.alice,
        household=household_a,
        data=services.MemberData(
            "Anja", "Zwart", datetime.date(1971, 5, 3), MemberRole.PARTNER, bsn=BSN
        ),
    )
    for n in range(6):
        services.professional_add(
            actor=cast.alice,
            household=household_a,
            person_name=f"Hulpverlener {n}",
            role="begeleider",
            since=datetime.date(2026, 2, 1),
            organisation=cast.uwv if n % 2 else None,
            organisation_name="" if n % 2 else f"Zorg {n}",
            contact="",
            yearly_cost_cents=100_000,
        )
    client = as_user(cast.alice)
    before = ProcessingLog.objects.filter(action=ProcessingAction.READ).count()
    # 13, 3 to renew the session after log-in, and 1 for the next-step panel's plans
    # (home.next_step; its bottlenecks are those the page's section reads)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("households:detail", args=[household_a.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert BSN not in body
    assert "Anja" in body
    assert "6.000" in body or "6000" in body  # six times € 1.000 a year
    assert ProcessingLog.objects.filter(action=ProcessingAction.READ).count() > before


def test_the_timeline_filters_by_kind_and_answers_htmx_with_a_fragment(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    services.coordinator_handover(
        actor=cast.alice, household=household_a, to=cast.carol, note="Ik ga met verlof"
    )
    url = reverse("households:timeline", args=[household_a.public_id])
    full = client.get(url, {"soort": "regiehouder"})
    assert full.status_code == 200
    assert "<html" in full.content.decode()
    fragment = client.get(url, {"soort": "regiehouder"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert "Ik ga met verlof" in fragment.content.decode()
    assert client.get(url, {"soort": "onzin"}).status_code == 200


# --- changes ----------------------------------------------------------------------------------
def test_adding_a_member_keeps_the_bsn_out_of_the_page(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    url = reverse("households:member-add", args=[household_a.public_id])
    response = client.post(
        url,
        {
            "first_name": "Piet",
            "last_name": "Zwart",
            "birth_date": "2001-02-03",
            "role": MemberRole.OTHER_ADULT,
            "bsn": BSN,
            "joined_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(first_name="Piet")
    assert member.has_bsn
    assert ProcessingLog.objects.filter(action=ProcessingAction.CREATE).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bsn": "123456789"}, "BSN"),
        ({"birth_date": "2099-01-01"}, ""),
        ({"first_name": ""}, ""),
        ({"birth_date": "31-31-2001"}, ""),
    ],
)
def test_bad_member_input_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, data: dict[str, str], message: str
) -> None:
    client = as_user(cast.alice)
    count = Member.objects.count()
    post = {
        "first_name": "Piet",
        "last_name": "Zwart",
        "birth_date": "2001-02-03",
        "role": MemberRole.OTHER_ADULT,
        **data,
    }
    response = client.post(reverse("households:member-add", args=[household_a.public_id]), post)
    assert response.status_code == 200
    assert Member.objects.count() == count
    body = response.content.decode()
    assert "utrecht-alert--error" in body or "utrecht-form-field-error-message" in body
    assert "123456789" not in body  # a typed BSN is never shown back
    if message:
        assert message in body


def test_handover_and_closing_and_reopening(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    pid = household_a.public_id
    response = client.post(
        reverse("households:handover", args=[pid]), {"to": cast.carol.pk, "note": "Verlof"}
    )
    assert response.status_code == 302
    active = CoordinatorAssignment.objects.get(household=household_a, ended_at__isnull=True)
    assert active.coordinator == cast.carol
    # Handing over to someone outside the team is refused.
    response = client.post(
        reverse("households:handover", args=[pid]), {"to": cast.bob.pk, "note": "x"}
    )
    assert response.status_code == 200
    assert CoordinatorAssignment.objects.get(household=household_a, ended_at__isnull=True) == active

    response = client.post(
        reverse("assessments:household-close", args=[pid]),
        {"reason": "doelen_bereikt", "closed_on": "2026-11-20", "note": ""},
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.CLOSED
    # A closed household cannot be changed.
    response = client.get(reverse("households:member-add", args=[pid]))
    assert response.status_code == 302
    response = client.post(reverse("assessments:household-reopen", args=[pid]), {"note": ""})
    assert response.status_code == 200  # a note is required
    response = client.post(
        reverse("assessments:household-reopen", args=[pid]), {"note": "Terugval"}
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.status == HouseholdStatus.ACTIVE


def test_professionals_and_consent_through_the_pages(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    pid = household_a.public_id
    response = client.post(
        reverse("households:professional-add", args=[pid]),
        {
            "organisation": cast.uwv.pk,
            "person_name": "J. Jansen",
            "role": "klantmanager",
            "since": "2026-03-01",
            "yearly_cost": "1.250,50",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    professional = InvolvedProfessional.objects.get(person_name="J. Jansen")
    assert professional.yearly_cost_cents == 125050
    response = client.post(
        reverse("households:professional-add", args=[pid]),
        {"person_name": "Zonder organisatie", "role": "x", "since": "2026-03-01"},
    )
    assert response.status_code == 200
    assert not InvolvedProfessional.objects.filter(person_name="Zonder organisatie").exists()

    head = household_a.members.get(role=MemberRole.HEAD)
    response = client.post(
        reverse("households:consent-add", args=[pid]),
        {
            "given_by": head.pk,
            "purpose": ConsentPurpose.FUND,
            "recipient": cast.uwv.pk,
            "method": ConsentMethod.WRITTEN,
            "given_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(household=household_a)
    response = client.post(
        reverse("households:consent-withdraw", args=[pid, consent.pk]), {"note": "Wil niet meer"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


# --- referrals --------------------------------------------------------------------------------
def test_a_partner_refers_and_sees_only_the_status(as_user: Any, cast: Cast, routed: Any) -> None:
    client = as_user(cast.dave)
    response = client.post(
        reverse("households:referral-create"),
        {
            "source": ReferralSource.HOUSING_CORPORATION,
            "source_organisation": cast.uwv.pk,
            "urgency": Urgency.HIGH,
            "reason": "Huurachterstand",
            "resident_name": "Mevrouw Zwart",
            "postcode": "3552ab",
            "house_number": "12",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.team == cast.team_a
    body = client.get(reverse("households:referral-mine")).content.decode()
    assert "Mevrouw Zwart" in body
    assert client.get(reverse("households:referral-detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("households:list")).status_code == 403


def test_a_bad_referral_shows_errors_and_saves_nothing(
    as_user: Any, cast: Cast, routed: Any
) -> None:
    client = as_user(cast.dave)
    response = client.post(
        reverse("households:referral-create"),
        {
            "source": ReferralSource.HOUSING_CORPORATION,
            "source_organisation": cast.uwv.pk,
            "urgency": Urgency.HIGH,
            "reason": "Huurachterstand",
            "resident_name": "Mevrouw Zwart",
            "postcode": "12345",
            "house_number": "0",
        },
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_team_declines_a_referral_with_a_reason(
    as_user: Any, cast: Cast, referral: Referral
) -> None:
    client = as_user(cast.alice)
    assert "Mevrouw Zwart" in client.get(reverse("households:referral-inbox")).content.decode()
    url = reverse("households:referral-decline", args=[referral.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert client.post(url, {"reason": "Past bij het wijkteam Oost"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert (
        "wijkteam Oost"
        in as_user(cast.dave).get(reverse("households:referral-mine")).content.decode()
    )


@pytest.mark.parametrize("persona", ["bob", "mallory", "heidi"])
def test_another_team_cannot_see_or_decide_a_referral(
    as_user: Any, cast: Cast, referral: Referral, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    for name in ("referral-detail", "referral-intake"):
        assert client.get(reverse(f"households:{name}", args=[referral.pk])).status_code == 404
    response = client.post(
        reverse("households:referral-decline", args=[referral.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def _intake_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Huishouden Zwart",
        "street": "Kaatstraat",
        "house_number": "12",
        "postcode": "3552 AB",
        "city": "Demostad",
        "leden-TOTAL_FORMS": "3",
        "leden-INITIAL_FORMS": "0",
        "leden-MIN_NUM_FORMS": "1",
        "leden-MAX_NUM_FORMS": "20",
        "leden-0-first_name": "Anja",
        "leden-0-last_name": "Zwart",
        "leden-0-birth_date": "1971-05-03",
        "leden-0-role": MemberRole.HEAD,
        "leden-0-bsn": BSN,
    }
    data.update(overrides)
    return data


def test_intake_from_a_referral_creates_the_household_and_warns_for_duplicates(
    as_user: Any, cast: Cast, referral: Referral
) -> None:
    client = as_user(cast.alice)
    url = reverse("households:referral-intake", args=[referral.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _intake_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    household = Household.objects.get(name="Huishouden Zwart")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.household == household
    assert BSN not in client.get(response["Location"]).content.decode()

    # A second registration with the same BSN shows the possible duplicate first.
    response = client.post(reverse("households:register"), _intake_post(name="Tweede"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Huishouden Zwart" in body
    assert BSN not in body
    assert not Household.objects.filter(name="Tweede").exists()
    response = client.post(
        reverse("households:register"), _intake_post(name="Tweede", duplicates_checked="on")
    )
    assert response.status_code == 302
    assert Household.objects.filter(name="Tweede").exists()


def test_a_duplicate_in_another_team_is_not_named_and_is_a_security_event(
    as_user: Any, cast: Cast, household_b: Household
) -> None:
    """The intake page says only that a duplicate exists elsewhere; the probe is recorded."""
    other = household_b.members.get(role=MemberRole.HEAD)
    post = _intake_post(name="Derde")
    post.update(
        {
            "leden-0-last_name": other.last_name,
            "leden-0-birth_date": other.birth_date.isoformat(),
            "leden-0-bsn": "",
        }
    )
    response = as_user(cast.alice).post(reverse("households:register"), post)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="duplicate-elsewhere"' in body
    assert "Buurtteam B" not in body
    assert household_b.name not in body
    assert not Household.objects.filter(name="Derde").exists()
    [event] = SecurityEvent.objects.all()
    assert (event.stage, event.outcome, event.view_name) == (
        SecurityStage.DUPLICATE_PROBE,
        409,
        "households:register",
    )
    assert event.search_hash == search_hash(other.last_name)


def test_a_referral_can_be_linked_to_an_existing_household(
    as_user: Any, cast: Cast, referral: Referral, household_a: Household
) -> None:
    client = as_user(cast.alice)
    response = client.post(
        reverse("households:referral-intake", args=[referral.pk]),
        {"link_household": str(household_a.public_id)},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.household == household_a


def test_a_referral_cannot_be_linked_to_a_household_of_another_team(
    as_user: Any, cast: Cast, referral: Referral, household_b: Household
) -> None:
    response = as_user(cast.alice).post(
        reverse("households:referral-intake", args=[referral.pk]),
        {"link_household": str(household_b.public_id)},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.household is None


def test_bad_intake_input_changes_nothing(as_user: Any, cast: Cast, referral: Referral) -> None:
    client = as_user(cast.alice)
    url = reverse("households:referral-intake", args=[referral.pk])
    for bad in (
        {"postcode": "0000 AA"},
        {"leden-0-bsn": "123456789"},
        {"leden-0-first_name": ""},
        {"house_number": "abc"},
        {"leden-TOTAL_FORMS": "x"},
    ):
        response = client.post(url, _intake_post(**bad))
        assert response.status_code in (200, 400), bad
        assert not Household.objects.exists(), bad
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_navigation_shows_households_to_the_team_and_referrals_to_partners(
    as_user: Any, cast: Cast
) -> None:
    body = as_user(cast.alice).get(reverse("households:referral-inbox")).content.decode()
    assert reverse("households:list") in body
    body = as_user(cast.dave).get(reverse("households:referral-mine")).content.decode()
    assert reverse("households:referral-create") in body
    assert reverse("households:list") + '"' not in body


def test_a_household_with_many_members_still_loads_in_bounded_queries(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    for _ in range(15):
        MemberFactory(household=household_a)
    client = as_user(cast.alice)
    # 13, 3 to renew the session after log-in, and 1 for the next-step panel's plans
    # (home.next_step; its bottlenecks are those the page's section reads)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("households:detail", args=[household_a.public_id]))
    assert response.status_code == 200


def test_the_household_page_runs_the_same_number_of_queries_however_big_the_household(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(cast.alice)
    url = reverse("households:detail", args=[household_a.public_id])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for n in range(12):
        member = MemberFactory(household=household_a)
        services.professional_add(
            actor=cast.alice,
            household=household_a,
            person_name=f"Hulpverlener {n}",
            role="begeleider",
            since=datetime.date(2026, 2, 1),
            organisation=cast.uwv,
            organisation_name="",
            contact="",
            yearly_cost_cents=50_000,
        )
        services.consent_give(
            actor=cast.alice,
            household=household_a,
            given_by=member,
            purpose=ConsentPurpose.FUND,
            recipient=cast.uwv,
            method=ConsentMethod.VERBAL,
            given_on=datetime.date(2026, 3, 1),
            valid_until=None,
        )
    for n in range(30):
        services.coordinator_handover(
            actor=cast.alice,
            household=household_a,
            to=cast.carol if n % 2 == 0 else cast.alice,
            note=f"Overdracht {n}",
        )
    assert count() == small
