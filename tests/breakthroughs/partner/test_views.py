"""Pages of fixed contact persons: inbox, request page with answers, time-outs, directory."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.accounts.policies import can_view_organisations
from doorbraak.audit.models import ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import (
    Breakthrough,
    ContactProfile,
    Decision,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.households import services as household_services
from doorbraak.households.models import Household
from tests.breakthroughs.builders import give_consent, send, submitted
from tests.conftest import Cast
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

LOG = "breakthroughs.partnerrequest"


@pytest.fixture
def cjib(cast: Cast) -> Organisation:
    return OrganisationFactory(name="CJIB", national=True)


@pytest.fixture
def piet(cast: Cast, cjib: Organisation) -> User:
    """A fixed contact person of CJIB in Gemeente Noord."""
    user = UserFactory(username="piet", first_name="Piet", last_name="Post")
    MembershipFactory(
        user=user, role=Role.PARTNER_CONTACT, organisation=cjib, municipality=cast.north
    )
    return user


def asked(cast: Cast, household: Household) -> tuple[Breakthrough, PartnerRequest, Any]:
    """A submitted breakthrough of ``household`` with a request to UWV, on consent."""
    breakthrough = submitted(cast, household)
    consent = give_consent(cast, household, cast.uwv)
    request = send(cast, breakthrough)
    request.refresh_from_db()
    breakthrough.refresh_from_db()
    return breakthrough, request, consent


def time_out(cast: Cast, breakthrough: Breakthrough, organisation: Organisation) -> TimeOut:
    give_consent(cast, breakthrough.household, organisation)
    return services.time_out_request(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=organisation,
        what="Inning van de verkeersboetes",
        until=timezone.localdate() + datetime.timedelta(days=60),
        legal_basis="AVG art. 6 lid 1 sub a (toestemming)",
    )


def _logs() -> int:
    return ProcessingLog.objects.filter(object_type=LOG).count()


# --- access -----------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_the_login_page(client: Any, cast: Cast) -> None:
    for name, args in (
        ("partners:inbox", []),
        ("partners:directory", []),
        ("partners:request-detail", [1]),
        ("partners:timeout-answer", [1]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_only_fixed_contact_persons_open_the_inbox(as_user: Any, cast: Cast) -> None:
    assert as_user(cast.dave).get(reverse("partners:inbox")).status_code == 200
    for user in (cast.alice, cast.carol, cast.erin, cast.heidi, cast.mallory):
        assert as_user(user).get(reverse("partners:inbox")).status_code == 403


def test_another_organisation_gets_404_on_request_answer_and_time_out(
    as_user: Any, cast: Cast, household_a: Household, piet: User
) -> None:
    breakthrough, request, _consent = asked(cast, household_a)
    uwv_time_out = time_out(cast, breakthrough, cast.uwv)
    client = as_user(piet)
    assert client.get(reverse("partners:request-detail", args=[request.pk])).status_code == 404
    response = client.post(
        reverse("partners:request-answer", args=[request.pk]),
        {"status": RequestStatus.ACCEPTED, "answer": ""},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("partners:timeout-answer", args=[uwv_time_out.pk]),
        {"decision": "grant", "answer": ""},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    uwv_time_out.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert uwv_time_out.status == TimeOutStatus.REQUESTED
    # The team's own professional is no fixed contact person.
    client = as_user(cast.alice)
    assert client.get(reverse("partners:request-detail", args=[request.pk])).status_code == 403


def test_the_same_organisation_in_another_municipality_gets_404(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _breakthrough, request, _consent = asked(cast, household_a)
    south = UserFactory(username="uwv-zuid")
    MembershipFactory(
        user=south, role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.south
    )
    client = as_user(south)
    assert client.get(reverse("partners:request-detail", args=[request.pk])).status_code == 404
    body = client.get(reverse("partners:inbox")).content.decode()
    assert reverse("partners:request-detail", args=[request.pk]) not in body


# --- inbox ------------------------------------------------------------------------------------
def test_the_inbox_lists_requests_without_household_names(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    breakthrough, _request, _consent = asked(cast, household_a)
    for number in range(30):
        PartnerRequest.objects.create(
            breakthrough=breakthrough,
            organisation=cast.uwv,
            question=f"Vraag nummer {number}\nmet een tweede regel",
            asked_by=cast.alice,
            asked_at=timezone.now(),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    client = as_user(cast.dave)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("partners:inbox"))
    body = response.content.decode()
    assert response.status_code == 200
    assert household_a.name not in body
    for member in household_a.members.all():
        assert member.last_name not in body
    # Not even the question: it is about the household, and consent is checked per request.
    assert "Vraag nummer" not in body
    newest = breakthrough.partner_requests.order_by("deadline", "pk").first()
    assert newest is not None
    assert reverse("partners:request-detail", args=[newest.pk]) in body
    assert "pt-overdue" in body
    assert len(response.context["rows"]) == 25
    assert ProcessingLog.objects.filter(object_type=LOG).count() == 0
    response = client.get(reverse("partners:inbox"), {"status": RequestStatus.ACCEPTED})
    assert response.context["rows"] == []
    response = client.get(reverse("partners:inbox"), {"status": "x", "page": "zz"})
    assert response.status_code == 200


def test_the_inbox_puts_the_waiting_requests_by_deadline_on_top_overdue_first(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    """ "The most urgent deadline is at the top": an answered request with an old deadline
    and a request received later but due earlier do not push the overdue one down."""
    breakthrough, first, _consent = asked(cast, household_a)
    today = timezone.localdate()

    def request(days: int, received_days_ago: int, **fields: Any) -> PartnerRequest:
        return PartnerRequest.objects.create(
            breakthrough=breakthrough,
            organisation=cast.uwv,
            question="Vraag",
            asked_by=cast.alice,
            asked_at=timezone.now() - datetime.timedelta(days=received_days_ago),
            deadline=today + datetime.timedelta(days=days),
            **fields,
        )

    answered = request(
        -30,
        40,
        status=RequestStatus.ACCEPTED,
        answered_by=cast.dave,
        answered_at=timezone.now(),
        answer="Akkoord",
    )
    later = request(20, 1)
    overdue = request(-3, 2)
    more_information = request(
        4,
        30,
        status=RequestStatus.MORE_INFORMATION,
        answered_by=cast.dave,
        answered_at=timezone.now(),
    )
    first.deadline = today + datetime.timedelta(days=10)
    first.save(update_fields=["deadline"])
    response = as_user(cast.dave).get(reverse("partners:inbox"))
    order = [row["request"].pk for row in response.context["rows"]]
    assert order == [overdue.pk, more_information.pk, first.pk, later.pk, answered.pk]
    rows = response.context["rows"]
    assert rows[0]["overdue"] is True
    assert not any(row["overdue"] for row in rows[1:])


# --- request page -----------------------------------------------------------------------------
def test_the_request_page_shows_the_household_and_the_triangle_and_logs_the_read(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    _breakthrough, request, _consent = asked(cast, household_a)
    client = as_user(cast.dave)
    before = _logs()
    with django_assert_max_num_queries(30):
        response = client.get(reverse("partners:request-detail", args=[request.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert household_a.name in body
    for member in household_a.members.current():
        assert member.full_name in body
    assert "Geen uitkering zonder adres" in body  # the bottleneck
    assert "Zeer dringende redenen" in body  # the legal reasoning
    assert "€ 9.000,00" in body  # status quo: € 30.000 × 0,5 × 60%
    assert "Ik ga elke week naar het inloopspreekuur." in body
    assert "Kan de WW-uitkering doorlopen" in body
    assert 'name="status"' in body  # the answer form
    assert _logs() > before


def test_after_withdrawn_consent_only_the_status_is_shown_and_nothing_is_logged(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _breakthrough, request, consent = asked(cast, household_a)
    household_services.consent_withdraw(actor=cast.alice, consent=consent, note="")
    client = as_user(cast.dave)
    before = _logs()
    response = client.get(reverse("partners:request-detail", args=[request.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert not response.context["view"].shared
    assert household_a.name not in body
    for member in household_a.members.all():
        assert member.last_name not in body
    assert "Zeer dringende redenen" not in body
    assert "Kan de WW-uitkering doorlopen" not in body
    assert "pt-notice" in body
    assert not response.context["can_answer"]
    assert _logs() == before
    response = client.post(
        reverse("partners:request-answer", args=[request.pk]),
        {"status": RequestStatus.ACCEPTED, "answer": ""},
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_declining_through_the_page_leaves_the_next_step_to_the_team(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough, request, _consent = asked(cast, household_a)
    assert breakthrough.level == EscalationLevel.PARTNER
    client = as_user(cast.dave)
    response = client.post(
        reverse("partners:request-answer", args=[request.pk]),
        {"status": RequestStatus.DECLINED, "answer": "De wet laat geen uitzondering toe."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:request-detail", args=[request.pk])
    request.refresh_from_db()
    breakthrough.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.answered_by == cast.dave
    # Since commit 7bfaba7 a decline keeps the breakthrough at the partner level: the team asks
    # another organisation or escalates; otherwise the deadline takes it to the table.
    assert breakthrough.is_open
    assert breakthrough.level == EscalationLevel.PARTNER
    assert not Decision.objects.filter(breakthrough=breakthrough).exists()
    # Answered: the page shows the answer and no form any more.
    body = client.get(reverse("partners:request-detail", args=[request.pk])).content.decode()
    assert "De wet laat geen uitzondering toe." in body
    assert 'name="status"' not in body


def test_accepting_through_the_page_decides_the_breakthrough(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough, request, _consent = asked(cast, household_a)
    response = as_user(cast.dave).post(
        reverse("partners:request-answer", args=[request.pk]),
        {"status": RequestStatus.ACCEPTED, "answer": ""},
    )
    assert response.status_code == 302
    decision = Decision.objects.get(breakthrough=breakthrough)
    assert decision.organisation == cast.uwv


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "x", "answer": "Iets"}, "status"),
        ({"answer": "Iets"}, "status"),
        ({"status": RequestStatus.DECLINED, "answer": "   "}, "answer"),
        ({"status": RequestStatus.MORE_INFORMATION, "answer": ""}, "answer"),
    ],
)
def test_a_bad_answer_shows_the_error_and_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, data: dict[str, str], field: str
) -> None:
    breakthrough, request, _consent = asked(cast, household_a)
    level = breakthrough.level
    response = as_user(cast.dave).post(reverse("partners:request-answer", args=[request.pk]), data)
    assert response.status_code == 200
    assert field in response.context["answer_form"].errors
    assert "utrecht-form-field-error-message" in response.content.decode()
    request.refresh_from_db()
    breakthrough.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.answered_at is None
    assert breakthrough.level == level
    assert not Decision.objects.exists()


def test_a_get_on_the_answer_address_is_not_allowed(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _breakthrough, request, _consent = asked(cast, household_a)
    response = as_user(cast.dave).get(reverse("partners:request-answer", args=[request.pk]))
    assert response.status_code == 405


# --- time-outs --------------------------------------------------------------------------------
def test_a_time_out_of_the_same_organisation_is_answered_from_the_request_page(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough, request, _consent = asked(cast, household_a)
    pause = time_out(cast, breakthrough, cast.uwv)
    client = as_user(cast.dave)
    body = client.get(reverse("partners:request-detail", args=[request.pk])).content.decode()
    assert "Inning van de verkeersboetes" in body
    assert reverse("partners:timeout-answer", args=[pause.pk]) in body
    inbox = client.get(reverse("partners:inbox")).content.decode()
    assert reverse("partners:timeout-answer", args=[pause.pk]) in inbox
    response = client.post(
        reverse("partners:timeout-answer", args=[pause.pk]), {"decision": "grant", "answer": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:request-detail", args=[request.pk])
    pause.refresh_from_db()
    assert pause.status == TimeOutStatus.GRANTED
    assert pause.answered_by == cast.dave


def test_a_time_out_without_a_request_is_answered_on_its_own_page(
    as_user: Any, cast: Cast, household_a: Household, cjib: Organisation, piet: User
) -> None:
    breakthrough = submitted(cast, household_a)
    pause = time_out(cast, breakthrough, cjib)
    client = as_user(piet)
    response = client.get(reverse("partners:timeout-answer", args=[pause.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Inning van de verkeersboetes" in body
    assert household_a.name not in body
    # Refusing needs a reason: the error is shown and nothing changes.
    response = client.post(
        reverse("partners:timeout-answer", args=[pause.pk]), {"decision": "refuse", "answer": ""}
    )
    assert response.status_code == 200
    assert "answer" in response.context["form"].errors
    response = client.post(
        reverse("partners:timeout-answer", args=[pause.pk]), {"decision": "x", "answer": ""}
    )
    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    pause.refresh_from_db()
    assert pause.status == TimeOutStatus.REQUESTED
    response = client.post(
        reverse("partners:timeout-answer", args=[pause.pk]),
        {"decision": "refuse", "answer": "De boetes zijn al bij de deurwaarder."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:inbox")
    pause.refresh_from_db()
    assert pause.status == TimeOutStatus.REFUSED
    # Answered once: a second answer is refused on the form, nothing changes.
    response = client.post(
        reverse("partners:timeout-answer", args=[pause.pk]), {"decision": "grant", "answer": ""}
    )
    assert response.status_code == 200
    pause.refresh_from_db()
    assert pause.status == TimeOutStatus.REFUSED
    # Dave of UWV does not answer CJIB's time-outs.
    response = as_user(cast.dave).get(reverse("partners:timeout-answer", args=[pause.pk]))
    assert response.status_code == 404


# --- directory --------------------------------------------------------------------------------
def test_the_directory_is_for_everyone_working_in_doorbraak(as_user: Any, cast: Cast) -> None:
    for user in (cast.dave, cast.alice, cast.carol, cast.erin):
        assert as_user(user).get(reverse("partners:directory")).status_code == 200
    expected = 200 if can_view_organisations(cast.heidi) else 403
    assert as_user(cast.heidi).get(reverse("partners:directory")).status_code == expected


def test_the_directory_shows_contacts_their_mandate_and_figures(
    as_user: Any,
    cast: Cast,
    household_a: Household,
    piet: User,
    django_assert_max_num_queries: Any,
) -> None:
    membership = cast.dave.memberships.get(role=Role.PARTNER_CONTACT)
    ContactProfile.objects.create(
        membership=membership,
        mandate="Uitkering laten doorlopen tot 6 maanden",
        max_amount_cents=250_000,
        phone="030 123 45 67",
    )
    _breakthrough, request, _consent = asked(cast, household_a)
    services.partner_request_answer(
        actor=cast.dave, request=request, status=RequestStatus.ACCEPTED, answer=""
    )
    for number in range(5):
        extra = UserFactory(username=f"contact{number}")
        MembershipFactory(
            user=extra,
            role=Role.PARTNER_CONTACT,
            organisation=OrganisationFactory(name=f"Partner {number}"),
            municipality=cast.north,
        )
    client = as_user(cast.alice)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("partners:directory"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Uitkering laten doorlopen tot 6 maanden" in body
    assert "€ 2.500,00" in body
    assert "030 123 45 67" in body
    assert "Piet Post" in body
    assert "CJIB" in body
    entries = {row["entry"].organisation.name: row["entry"] for row in response.context["rows"]}
    assert entries["UWV"].answered == 1
    assert entries["UWV"].on_time_pct == 100
    assert entries["CJIB"].answered == 0
    assert "pt-figures" in body
