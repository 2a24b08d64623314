"""The privacy officer's request pages: access, logging, forms, downloads, query counts."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Household, Member, MemberRole
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from tests.conftest import Cast
from tests.factories import HouseholdFactory
from tests.privacy.conftest import BSN, head_of, make_request

NOW = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _urls(dsr: DataSubjectRequest) -> list[tuple[str, str]]:
    return [
        ("get", reverse("privacy:detail", args=[dsr.pk])),
        ("post", reverse("privacy:extend", args=[dsr.pk])),
        ("post", reverse("privacy:decide", args=[dsr.pk])),
        ("post", reverse("privacy:restrict", args=[dsr.pk])),
        ("get", reverse("privacy:rectify", args=[dsr.pk])),
        ("get", reverse("privacy:overview-pdf", args=[dsr.pk])),
        ("get", reverse("privacy:overview-json", args=[dsr.pk])),
    ]


# --- access -----------------------------------------------------------------------------------
def test_other_roles_are_refused(
    as_user: Any, cast: Cast, access_request: DataSubjectRequest
) -> None:
    for user in (cast.alice, cast.carol, cast.ivan, cast.grace, cast.dave):
        client = as_user(user)
        assert client.get(reverse("privacy:list")).status_code == 403
        assert client.get(reverse("privacy:register")).status_code == 403
        for method, url in _urls(access_request):
            assert getattr(client, method)(url).status_code == 403, (user, url)


def test_a_privacy_officer_of_another_municipality_gets_404(
    as_user: Any, cast: Cast, access_request: DataSubjectRequest
) -> None:
    client = as_user(cast.oscar)
    for method, url in _urls(access_request):
        assert getattr(client, method)(url).status_code == 404, url
    assert access_request.pk not in [
        r.pk for r in DataSubjectRequest.objects.filter(steps__isnull=False)
    ]
    body = client.get(reverse("privacy:list")).content.decode()
    assert reverse("privacy:detail", args=[access_request.pk]) not in body


def test_an_anonymous_visitor_is_sent_to_log_in(
    client: Any, access_request: DataSubjectRequest
) -> None:
    response = client.get(reverse("privacy:detail", args=[access_request.pk]))
    assert response.status_code == 302


# --- reads are logged -------------------------------------------------------------------------
def test_the_detail_and_the_list_log_their_reads(
    as_user: Any, cast: Cast, access_request: DataSubjectRequest
) -> None:
    client = as_user(cast.heidi)
    detail = client.get(reverse("privacy:detail", args=[access_request.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert 'name="namen"' in body
    assert "Downloaden als pdf" in body
    assert "Downloaden als JSON" in body
    assert "De termijn verlengen" in body
    assert client.get(reverse("privacy:list")).status_code == 200
    records = list(
        ProcessingLog.objects.filter(subject_pseudonym=access_request.subject_pseudonym).order_by(
            "id"
        )
    )
    assert [(r.action, r.activity, r.actor_id) for r in records] == [
        (ProcessingAction.READ, ProcessingActivity.PRIVACY_SUPERVISION, cast.heidi.pk)
    ] * 2
    assert {r.object_id for r in records} == {str(access_request.pk)}


# --- the list ---------------------------------------------------------------------------------
def test_the_list_is_sorted_by_deadline_and_marks_the_overdue(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    head = head_of(household_a)
    late = make_request(cast, head, received_on=datetime.date(2026, 10, 1))  # due 1 November
    soon = make_request(cast, head, received_on=datetime.date(2026, 11, 25))
    done = make_request(cast, head, received_on=datetime.date(2026, 11, 2))
    DataSubjectRequest.objects.filter(pk=done.pk).update(
        status=RequestStatus.REFUSED, decision="afgewezen", decision_reason="x", handled_at=NOW
    )
    body = as_user(cast.heidi).get(reverse("privacy:list")).content.decode()
    first = body.index(reverse("privacy:detail", args=[late.pk]))
    assert first < body.index(reverse("privacy:detail", args=[soon.pk]))
    assert reverse("privacy:detail", args=[done.pk]) not in body
    assert body.count("te laat") == 1


def _requests(cast: Cast, count: int) -> None:
    for index in range(count):
        household = HouseholdFactory(team=cast.team_a)
        make_request(cast, head_of(household), received_on=datetime.date(2026, 11, 1 + index % 28))


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_at_any_size(
    as_user: Any, cast: Cast, count: int, django_assert_num_queries: Any
) -> None:
    _requests(cast, count)
    client = as_user(cast.heidi)
    client.get(reverse("privacy:list"))  # warm the session
    # session, user, memberships, the page of requests, the log's INSERT, the menu's role checks
    with django_assert_num_queries(6):
        response = client.get(reverse("privacy:list"))
    assert response.content.decode().count('data-testid="dsr-row"') == count


@pytest.mark.parametrize("steps", [1, 8])
def test_the_detail_costs_the_same_at_any_size(
    as_user: Any,
    cast: Cast,
    access_request: DataSubjectRequest,
    steps: int,
    django_assert_num_queries: Any,
) -> None:
    for index in range(steps):
        access_request.steps.create(actor=cast.heidi, summary=f"Stap {index}")
    client = as_user(cast.heidi)
    client.get(reverse("privacy:detail", args=[access_request.pk]))
    with django_assert_num_queries(7):
        client.get(reverse("privacy:detail", args=[access_request.pk]))


# --- register ---------------------------------------------------------------------------------
def _give_bsn(member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(
        bsn_encrypted=encrypt(BSN), bsn_index=blind_index(BSN)
    )


def test_registering_by_bsn(as_user: Any, cast: Cast, household_a: Household) -> None:
    head = head_of(household_a)
    _give_bsn(head)
    response = as_user(cast.heidi).post(
        reverse("privacy:register"),
        {
            "municipality": cast.north.pk,
            "kind": RequestKind.ACCESS,
            "bsn": "111 222 333",
            "received_on": "2026-11-30",
            "description": "Wil weten wie zijn dossier heeft ingezien.",
        },
    )
    dsr = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:detail", args=[dsr.pk])
    assert dsr.member == head
    assert dsr.deadline == datetime.date(2026, 12, 30)
    assert BSN not in response.content.decode()


def test_registering_by_name_and_birth_date(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    child = household_a.members.get(role=MemberRole.CHILD)
    response = as_user(cast.heidi).post(
        reverse("privacy:register"),
        {
            "municipality": cast.north.pk,
            "kind": RequestKind.ERASURE,
            "last_name": "zwart",
            "birth_date": "2015-04-01",
            "received_on": "2026-11-30",
        },
    )
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().member == child


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Vul het BSN van de persoon in, of de achternaam en geboortedatum."),
        ({"bsn": "123456782"}, "Niemand met deze gegevens is bekend in Gemeente Noord."),
        ({"bsn": "123"}, "Niemand met deze gegevens is bekend"),
        ({"bsn": BSN, "received_on": "2027-01-01"}, "kan niet in de toekomst liggen"),
        ({"bsn": BSN, "received_on": "gisteren"}, "Voer een geldige datum in."),
        ({"bsn": BSN, "description": "x" * 2001}, "Gebruik maximaal 2000 tekens"),
    ],
)
def test_bad_registrations_are_answered_in_dutch_and_change_nothing(
    as_user: Any, cast: Cast, household_a: Household, data: dict[str, str], message: str
) -> None:
    _give_bsn(head_of(household_a))
    form = {"municipality": cast.north.pk, "kind": RequestKind.ACCESS, "received_on": "2026-11-30"}
    response = as_user(cast.heidi).post(reverse("privacy:register"), {**form, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DataSubjectRequest.objects.count() == 0


def test_the_officer_of_another_municipality_cannot_find_our_people(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _give_bsn(head_of(household_a))
    response = as_user(cast.oscar).post(
        reverse("privacy:register"),
        {"municipality": cast.north.pk, "kind": "inzage", "bsn": BSN, "received_on": "2026-11-30"},
    )
    assert response.status_code == 200
    assert DataSubjectRequest.objects.count() == 0


# --- steps through the pages ------------------------------------------------------------------
def test_extending_through_the_page(
    as_user: Any, cast: Cast, access_request: DataSubjectRequest
) -> None:
    client = as_user(cast.heidi)
    url = reverse("privacy:extend", args=[access_request.pk])
    response = client.post(url, {"extend-months": "2", "extend-reason": ""})
    assert response.status_code == 200
    assert "Dit veld is vereist." in response.content.decode()
    response = client.post(url, {"extend-months": "5", "extend-reason": "Veel"})
    assert response.status_code == 200
    response = client.post(url, {"extend-months": "1", "extend-reason": "Veel partners."})
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.deadline == datetime.date(2027, 1, 20)
    response = client.post(url, {"extend-months": "1", "extend-reason": "Nog eens."})
    assert response.status_code == 200
    assert "al een keer verlengd" in response.content.decode()


def test_granting_erasure_on_the_page_erases_the_person(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    child = household_a.members.get(role="kind")
    dsr = make_request(cast, child, kind=RequestKind.ERASURE)
    response = as_user(cast.heidi).post(
        reverse("privacy:decide", args=[dsr.pk]),
        {"decide-decision": "toegewezen", "decide-reason": "Geen grond meer."},
    )
    assert response.status_code == 302
    dsr.refresh_from_db()
    assert not dsr.is_open
    assert dsr.member is None or dsr.member.first_name != child.first_name


@pytest.mark.usefixtures("no_erasure_handlers")
def test_granting_erasure_without_the_retention_app_is_refused_on_the_page(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    dsr = make_request(cast, head_of(household_a), kind=RequestKind.ERASURE)
    response = as_user(cast.heidi).post(
        reverse("privacy:decide", args=[dsr.pk]),
        {"decide-decision": "toegewezen", "decide-reason": "Geen grond meer."},
    )
    assert response.status_code == 200
    assert "Verwijderen kan nog niet" in response.content.decode()
    dsr.refresh_from_db()
    assert dsr.is_open


def test_an_objection_is_decided_with_reasons(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    dsr = make_request(cast, head_of(household_a), kind=RequestKind.OBJECTION)
    response = as_user(cast.heidi).post(
        reverse("privacy:decide", args=[dsr.pk]),
        {"decide-decision": "afgewezen", "decide-reason": "Wettelijke taak weegt zwaarder."},
    )
    assert response.status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.REFUSED
    # A decided request takes no more steps.
    response = as_user(cast.heidi).post(
        reverse("privacy:extend", args=[dsr.pk]), {"extend-months": "1", "extend-reason": "x"}
    )
    assert response.status_code == 403


def test_restricting_and_rectifying_through_the_pages(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    head = head_of(household_a)
    client = as_user(cast.heidi)
    restrict = make_request(cast, head, kind=RequestKind.RESTRICTION)
    response = client.post(
        reverse("privacy:restrict", args=[restrict.pk]), {"restrict-reason": "Juistheid betwist."}
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.is_processing_restricted

    rectify = make_request(cast, head, kind=RequestKind.RECTIFICATION)
    url = reverse("privacy:rectify", args=[rectify.pk])
    assert client.get(url).status_code == 200
    form = {
        "first_name": head.first_name,
        "last_name": "Zwart-Bakker",
        "birth_date": head.birth_date.isoformat(),
        "representation": "",
        "representative": "",
        "bsn": "",
        "reason": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Dit veld is vereist." in response.content.decode()
    response = client.post(url, {**form, "reason": "Dubbele achternaam."})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.last_name == "Zwart-Bakker"
    assert (
        ProcessingLog.objects.filter(
            subject_pseudonym=head.pseudonym, object_type="households.member", action="update"
        ).count()
        == 2
    )


# --- the access overview ----------------------------------------------------------------------
def test_the_overview_downloads_are_logged_as_exports(
    as_user: Any, cast: Cast, access_request: DataSubjectRequest
) -> None:
    client = as_user(cast.heidi)
    response = client.get(reverse("privacy:overview-json", args=[access_request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["titel"] == "Overzicht van uw persoonsgegevens"
    response = client.get(
        reverse("privacy:overview-pdf", args=[access_request.pk]), {"namen": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="inzage-{access_request.pk}.pdf"'
    )
    exports = ProcessingLog.objects.filter(
        subject_pseudonym=access_request.subject_pseudonym, action=ProcessingAction.EXPORT
    )
    assert exports.count() == 2
    assert {e.activity for e in exports} == {ProcessingActivity.PRIVACY_SUPERVISION}
    summaries = list(access_request.steps.values_list("summary", flat=True))
    assert any("JSON" in s and "zonder" in s for s in summaries)
    assert any("PDF" in s and "met de namen" in s for s in summaries)


def test_the_overview_is_only_for_an_access_request(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    dsr = make_request(cast, head_of(household_a), kind=RequestKind.OBJECTION)
    response = as_user(cast.heidi).get(reverse("privacy:overview-json", args=[dsr.pk]))
    assert response.status_code == 302
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()


# --- the home page ----------------------------------------------------------------------------
def test_the_home_page_shows_the_privacy_officer_her_open_requests(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    head = head_of(household_a)
    make_request(cast, head, received_on=datetime.date(2026, 10, 1))  # overdue
    make_request(cast, head, received_on=datetime.date(2026, 11, 25))
    client = as_user(cast.heidi)
    body = client.get(reverse("home")).content.decode()
    block = body[body.index('data-testid="dsr-block"') :]
    assert "2 open verzoeken" in block
    assert "1 te laat" in block
    assert reverse("privacy:list") in body
    assert "Verzoeken van betrokkenen" in body
    assert (
        'data-testid="dsr-block"' not in as_user(cast.alice).get(reverse("home")).content.decode()
    )
    assert (
        "Verzoeken van betrokkenen" not in as_user(cast.alice).get(reverse("home")).content.decode()
    )
