"""The privacy officer's log page: filters, scope per municipality, and its own logging."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.sealing import seal_processing_log
from doorbraak.audit.selectors import seal_status
from doorbraak.audit.services import processing_log_record
from tests.conftest import Cast

URL = reverse("audit:processing-log")


def seed_log(cast: Cast) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=1,
            subjects=["p-north-1"],
        )
    with time_machine.travel(datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC), tick=False):
        processing_log_record(
            actor=cast.carol,
            action=ProcessingAction.UPDATE,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=1,
            subjects=["p-north-1", "p-north-2"],
        )
        processing_log_record(
            actor=cast.mallory,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=9,
            subjects=["p-south-1"],
        )


def rows_shown(body: str) -> int:
    return body.split("<tbody", 1)[1].split("</tbody>", 1)[0].count("<tr")


def test_the_privacy_officer_sees_the_log_of_her_municipality_only(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    seed_log(cast)
    body = as_user(cast.heidi).get(URL).content.decode()
    assert "p-north-1" in body
    assert "p-south-1" not in body
    assert "Buurtteammedewerker" in body


def test_the_other_municipality_sees_its_own(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    seed_log(cast)
    body = as_user(cast.oscar).get(URL).content.decode()
    assert "p-south-1" in body
    assert "p-north-1" not in body


@pytest.mark.parametrize("persona", ["alice", "carol", "grace", "ivan", "dave"])
def test_other_roles_may_not_open_the_log(as_user, cast: Cast, persona: str) -> None:  # type: ignore[no-untyped-def]
    assert as_user(getattr(cast, persona)).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected_rows"),
    [
        ({"person": "p-north-2"}, 1),
        ({"person": "p-north-1"}, 2),
        ({"username": "ALICE"}, 1),
        ({"action": "update"}, 2),
        ({"date_from": "2026-03-03"}, 2),
        ({"date_to": "2026-03-02"}, 1),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02", "action": "read"}, 1),
    ],
)
def test_it_filters_by_person_user_period_and_action(
    as_user, cast: Cast, query, expected_rows
) -> None:  # type: ignore[no-untyped-def]
    seed_log(cast)
    response = as_user(cast.heidi).get(URL, query)
    assert response.status_code == 200
    assert rows_shown(response.content.decode()) == expected_rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from": "2026-03-05", "date_to": "2026-03-01"},
            "begindatum mag niet na de einddatum",
        ),
        ({"date_from": "gisteren"}, "Voer een geldige datum in"),
        ({"person": "111222333"}, "nooit een BSN"),
        ({"action": "drop"}, "Selecteer een geldige keuze"),
    ],
)
def test_bad_filters_get_a_dutch_message_and_no_results(
    as_user, cast: Cast, query, message
) -> None:  # type: ignore[no-untyped-def]
    seed_log(cast)
    before = ProcessingLog.objects.count()
    response = as_user(cast.heidi).get(URL, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "<tbody" not in body
    assert ProcessingLog.objects.count() == before


def test_looking_into_the_log_is_logged_with_the_person_searched(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    as_user(cast.heidi).get(URL, {"person": "p-north-1"})
    entry = ProcessingLog.objects.order_by("-id").first()
    assert entry is not None
    assert entry.actor == cast.heidi
    assert entry.action == ProcessingAction.SEARCH
    assert entry.activity == ProcessingActivity.PRIVACY_SUPERVISION
    assert entry.subject_pseudonym == "p-north-1"


def test_the_log_page_uses_a_fixed_number_of_queries(
    as_user,
    cast: Cast,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for index in range(60):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=index,
            subjects=[f"p-{index}"],
        )
    client = as_user(cast.heidi)
    with django_assert_max_num_queries(12):  # 11 on SQLite; PostgreSQL adds the chain lock
        response = client.get(URL)
    assert rows_shown(response.content.decode()) == 50
    assert "Oudere logregels" in response.content.decode()


def test_the_privacy_officer_sees_how_far_the_log_is_sealed(cast: Cast, as_user) -> None:  # type: ignore[no-untyped-def]
    def status() -> str:
        page = as_user(cast.heidi).get(URL).content.decode()
        start = page.index('data-testid="seal-status"')
        return " ".join(page[start : page.index("</p>", start)].split())

    assert "Er is nog geen record verzegeld." in status()
    for index in range(3):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=index,
            subjects=[f"p-{index}"],
        )
    seal_processing_log()
    last = ProcessingLog.objects.order_by("-id").first()
    assert last is not None
    # Opening the page wrote a record after the seal.
    shown = status()
    assert f"Verzegeld tot en met record {last.pk}" in shown
    assert "1 nieuwer record is nog niet verzegeld" in shown
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=30), tick=False):
        page = as_user(cast.heidi).get(URL).content.decode()
    assert "de verzegelaar lijkt niet te draaien" in page


def test_the_seal_status_is_one_query_once_the_log_is_sealed(
    cast: Cast,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for index in range(3):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id=index,
            subjects=[f"p-{index}"],
        )
    with django_assert_num_queries(2):  # before the first seal: the seal, then the log
        status = seal_status()
    assert (status.last_seal, status.unsealed) == (None, 3)
    seal_processing_log()
    first = ProcessingLog.objects.order_by("id").first()
    assert first is not None
    with django_assert_num_queries(1):
        status = seal_status()
    assert status.last_seal is not None
    assert (status.unsealed, status.oldest_unsealed_at) == (0, None)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            subjects=["p-9", "p-10"],
        )
    newest = ProcessingLog.objects.order_by("id").filter(id__gt=status.last_seal.last_record_id)
    with django_assert_num_queries(1):
        status = seal_status()
    assert status.unsealed == 2
    assert status.oldest_unsealed_at == newest.values_list("occurred_at", flat=True).first()
