"""The analysts' pages: access, suppression, no personal data, signal lifecycle, export, queries."""

from __future__ import annotations

import html
import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from doorbraak.accounts.models import Membership, Role
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import (
    Theme,
)
from doorbraak.downloads.models import Download, DownloadStatus
from doorbraak.downloads.services import download_build
from doorbraak.households.models import Household
from doorbraak.insights import services
from doorbraak.insights.documents import build_spiegel_pdf
from doorbraak.insights.models import OwnerKind, Signal, SignalStatus
from doorbraak.insights.tasks import build_evaluation_export
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.downloads.built import build_queued
from tests.factories import HouseholdFactory, MemberFactory, MembershipFactory, RegulationFactory
from tests.insights.test_patterns import at, make_bottleneck

PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}
PLANTED = ("Huishouden Geheimzinnig", "Xandrina", "Quirijnsteeg", "111222333")


@pytest.fixture
def regulation(db: None) -> Regulation:
    return RegulationFactory(citation="Proefwet art. 12")


@pytest.fixture
def planted(cast: Cast, regulation: Regulation) -> list[Household]:
    """Six debt bottlenecks (3 with the same regulation + UWV), small cells of 2 and 1."""
    households = []
    for day in range(6):
        household = HouseholdFactory(
            team=cast.team_a,
            coordinator=cast.alice,
            name=PLANTED[0] if day == 0 else f"Huishouden {day}",
            street=PLANTED[2],
        )
        if day == 0:
            member = MemberFactory(household=household, first_name=PLANTED[1])
            member.bsn_encrypted = encrypt(PLANTED[3])
            member.bsn_index = blind_index(PLANTED[3])
            member.save()
        make_bottleneck(
            household,
            at(2026, 3, 2 + day),
            regulations=[regulation] if day < 3 else [],
            organisations=[cast.uwv] if day < 3 else [],
            description=f"{PLANTED[1]} woont aan de {PLANTED[2]}",
        )
        households.append(household)
    for day in range(2):
        make_bottleneck(households[day], at(2026, 3, 20 + day), theme=Theme.HOUSING)
    # A second small cell, so the six debts need no complementary suppression.
    make_bottleneck(households[2], at(2026, 3, 25), theme=Theme.WORK)
    return households


@pytest.fixture
def signal(cast: Cast, planted: list[Household]) -> Signal:
    created = services.signals_propose(
        actor=cast.grace,
        municipality=cast.north,
        period_start=at(2026, 3, 1).date(),
        period_end=at(2026, 3, 31).date(),
    )
    assert len(created) == 1
    return created[0]


def assert_no_personal_data(content: str) -> None:
    text = html.unescape(content)
    for value in PLANTED:
        assert value not in text


def south_analyst(cast: Cast) -> Any:
    return MembershipFactory(
        role=Role.POLICY_ANALYST, municipality=cast.south, organisation=cast.wi_south
    ).user


# --- access -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["insights:spiegel", "insights:signal-list", "insights:signal-create", "insights:export"],
)
def test_only_policy_analysts_open_the_pages(cast: Cast, as_user: Any, name: str) -> None:
    assert as_user(cast.grace).get(reverse(name)).status_code == 200
    for persona in (cast.alice, cast.heidi, cast.dave, cast.mallory):
        assert as_user(persona).get(reverse(name)).status_code == 403
    assert Client().get(reverse(name)).status_code == 302


def test_a_signal_of_another_municipality_is_not_found(
    cast: Cast, as_user: Any, signal: Signal
) -> None:
    client = as_user(south_analyst(cast))
    assert client.get(reverse("insights:signal-detail", args=[signal.pk])).status_code == 404
    response = client.post(
        reverse("insights:signal-transition", args=[signal.pk, "raise"]),
        {"owner_kind": OwnerKind.MINISTRY, "owner_name": "X"},
    )
    assert response.status_code == 404
    for persona in (cast.alice, cast.heidi, cast.dave, cast.mallory):
        url = reverse("insights:signal-detail", args=[signal.pk])
        assert as_user(persona).get(url).status_code in (403, 404)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.PROPOSED


def test_another_municipality_in_the_spiegel_is_refused(cast: Cast, as_user: Any) -> None:
    response = as_user(cast.grace).get(
        reverse("insights:spiegel"), {**PERIOD, "municipality": cast.south.pk}
    )
    assert response.status_code == 200  # an invalid choice: the form says so
    assert "municipality" in response.context["form"].errors


def test_comparing_needs_regional_rights(cast: Cast, as_user: Any, planted: Any) -> None:
    assert as_user(cast.grace).get(reverse("insights:compare")).status_code == 403
    assert as_user(cast.alice).get(reverse("insights:compare")).status_code == 403
    MembershipFactory(
        user=cast.grace,
        role=Role.POLICY_ANALYST,
        municipality=cast.south,
        organisation=cast.wi_south,
    )
    response = as_user(cast.grace).get(reverse("insights:compare"), PERIOD)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Gemeente Zuid" in content
    assert "Gemeente Noord" in content
    assert "< 5" in content  # the two housing bottlenecks
    assert_no_personal_data(response.content.decode())


# --- the spiegel --------------------------------------------------------------------------------
def test_the_spiegel_suppresses_small_cells_and_shows_no_personal_data(
    cast: Cast, as_user: Any, planted: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user(cast.grace)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("insights:spiegel"), PERIOD)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    rows = {t[0]: t[2] for t in response.context["tables"]}
    themes = {row["key"]: row for row in rows["theme"]}
    assert themes[Theme.DEBTS]["current"] == 6
    assert themes[Theme.HOUSING]["current"] is None
    assert themes[Theme.WORK]["current"] is None
    assert "< 5" in content
    assert "Proefwet art. 12" in content  # the recurring combination
    assert "Stel voor als signalen" in content
    # Charts beside the tables: per theme (the suppressed ones as "< 5") and per month.
    assert content.count('class="db-chart__svg"') == 2
    assert "Knelpunten per thema" in content
    assert "Knelpunten per maand" in content
    assert_no_personal_data(response.content.decode())


def test_a_bad_period_is_a_form_error(cast: Cast, as_user: Any) -> None:
    client = as_user(cast.grace)
    response = client.get(reverse("insights:spiegel"), {"start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "end" in response.context["form"].errors
    response = client.get(reverse("insights:spiegel"), {"start": "nonsense", "end": ""})
    assert response.status_code == 200
    response = client.get(reverse("insights:spiegel"), {"start": "2020-01-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_proposing_from_the_spiegel(cast: Cast, as_user: Any, planted: Any) -> None:
    client = as_user(cast.grace)
    response = client.post(reverse("insights:propose"), {**PERIOD, "municipality": cast.north.pk})
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.case_count == 3
    assert signal.created_by == cast.grace
    # Again: nothing new, no error.
    response = client.post(reverse("insights:propose"), {**PERIOD, "municipality": cast.north.pk})
    assert response.status_code == 302
    assert Signal.objects.count() == 1
    assert as_user(cast.alice).post(reverse("insights:propose"), PERIOD).status_code == 403


# --- signals ------------------------------------------------------------------------------------
def test_the_signal_lifecycle_through_the_pages(cast: Cast, as_user: Any, signal: Signal) -> None:
    client = as_user(cast.grace)
    detail = reverse("insights:signal-detail", args=[signal.pk])

    def step(name: str, data: dict[str, str]) -> Any:
        return client.post(reverse("insights:signal-transition", args=[signal.pk, name]), data)

    response = client.get(detail)
    assert response.status_code == 200
    assert [t["step"] for t in response.context["transitions"]] == ["raise"]
    assert len(response.context["cases"]) == 3
    assert_no_personal_data(response.content.decode())

    # Bad input: the form shows the error, nothing changes.
    response = step("raise", {"owner_kind": "nonsense", "owner_name": ""})
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.status == SignalStatus.PROPOSED
    # A step that is not possible yet: refused, nothing changes, never a 500.
    response = step("answer", {"answer": "Te vroeg"})
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.status == SignalStatus.PROPOSED
    assert step("nonsense", {}).status_code == 404

    assert (
        step("raise", {"owner_kind": OwnerKind.NATIONAL_AGENCY, "owner_name": "UWV"}).status_code
        == 302
    )
    assert step("answer", {"answer": "We passen de werkinstructie aan."}).status_code == 302
    assert step("structural", {"note": "Wetswijziging nodig."}).status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.STRUCTURAL
    response = client.get(detail)
    assert response.context["transitions"] == []
    assert len(response.context["history"]) == 4
    assert "Wetswijziging nodig." in response.content.decode()


def test_the_signal_page_logs_reading_the_cases(cast: Cast, as_user: Any, signal: Signal) -> None:
    as_user(cast.grace).get(reverse("insights:signal-detail", args=[signal.pk]))
    logged = ProcessingLog.objects.filter(action=ProcessingAction.READ, actor=cast.grace)
    assert logged.count() == 3
    assert {r.object_id for r in logged} == {str(signal.pk)}


def test_a_signal_by_hand(cast: Cast, as_user: Any, regulation: Regulation) -> None:
    client = as_user(cast.grace)
    url = reverse("insights:signal-create")
    response = client.post(url, {"municipality": cast.north.pk, "title": " ", "description": ""})
    assert response.status_code == 200
    assert Signal.objects.count() == 0
    response = client.post(
        url,
        {
            "municipality": cast.north.pk,
            "title": "Toeslagen te laat",
            "description": "Steeds weer.",
            "theme": Theme.DEBTS,
            "regulation": regulation.pk,
            "organisation": cast.uwv.pk,
            "owner_kind": OwnerKind.NATIONAL_AGENCY,
            "owner_name": "UWV",
        },
    )
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("insights:signal-detail", args=[signal.pk])
    assert signal.created_by == cast.grace
    assert signal.regulation == regulation


def test_the_signal_list_filters_and_counts_queries(
    cast: Cast, as_user: Any, signal: Signal, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        services.signal_create(
            actor=cast.grace, municipality=cast.north, title=f"Signaal {n}", description="x"
        )
    services.signal_create(
        actor=south_analyst(cast), municipality=cast.south, title="Van Zuid", description="x"
    )
    client = as_user(cast.grace)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("insights:signal-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Signaal 9" in content
    assert "Van Zuid" not in content
    assert_no_personal_data(content)
    response = client.get(reverse("insights:signal-list"), {"status": SignalStatus.RESOLVED})
    assert "Signaal 9" not in response.content.decode()
    response = client.get(reverse("insights:signal-list"), {"status": "nonsense"})
    assert response.status_code == 200


# --- export -------------------------------------------------------------------------------------
def test_the_export_is_a_zip_and_is_logged(cast: Cast, as_user: Any, planted: Any) -> None:
    client = as_user(cast.grace)
    assert client.get(reverse("insights:export")).status_code == 200
    response = client.post(
        reverse("insights:export"), {**PERIOD, "municipality": cast.north.pk, "k": 1}
    )
    # The request only asks: the worker builds the file, the user fetches it later.
    assert response.status_code == 302
    assert response["Location"] == reverse("downloads:list")
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()
    download = Download.objects.get()
    assert (download.requested_by, download.status) == (cast.grace, DownloadStatus.QUEUED)
    assert download_build(download.pk, build=build_evaluation_export) == "done"

    response = client.get(reverse("downloads:file", args=[download.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="evaluatie-0101-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["datawoordenboek.csv", "evaluatie.csv"]
    data = archive.read("evaluatie.csv").decode()
    for value in PLANTED:
        assert value not in data
    assert ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()


def test_a_bad_export_request_is_a_form_error(cast: Cast, as_user: Any) -> None:
    client = as_user(cast.grace)
    response = client.post(
        reverse("insights:export"),
        {"start": "2026-03-31", "end": "2026-03-01", "municipality": cast.north.pk, "k": 0},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ProcessingLog.objects.filter(action=ProcessingAction.EXPORT).exists()
    assert not Download.objects.exists()
    assert as_user(cast.heidi).post(reverse("insights:export"), PERIOD).status_code == 403


def test_the_bimonthly_spiegel_report_is_a_pdf_without_personal_data(
    as_user: Any, cast: Cast, planted: Any
) -> None:
    client = as_user(cast.grace)
    page = client.get(reverse("insights:spiegel"), {**PERIOD}).content.decode()
    assert reverse("insights:spiegel-pdf") in page
    assert client.get(reverse("insights:spiegel-pdf")).status_code == 405  # asking changes
    asked = client.post(reverse("insights:spiegel-pdf"), {**PERIOD, "municipality": cast.north.pk})
    built = build_queued(client, asked, build_spiegel_pdf)
    assert built.response["Content-Type"] == "application/pdf"
    assert 'filename="spiegel-20260301-20260331.pdf"' in built.response["Content-Disposition"]
    assert built.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(built.content)).pages)
    for value in PLANTED:
        assert value not in text
    assert as_user(cast.alice).post(reverse("insights:spiegel-pdf"), PERIOD).status_code == 403


def test_a_bad_spiegel_pdf_request_queues_nothing(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.grace)
    response = client.post(
        reverse("insights:spiegel-pdf"),
        {"start": "2026-03-31", "end": "2026-03-01", "municipality": cast.north.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    response = client.post(
        reverse("insights:spiegel-pdf"),
        {"start": "2020-01-01", "end": "2026-03-01", "municipality": cast.north.pk},
    )
    assert response.status_code == 302
    assert not Download.objects.exists()


def test_the_spiegel_pdf_task_checks_the_analyst_again(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.grace)
    client.post(reverse("insights:spiegel-pdf"), {**PERIOD, "municipality": cast.north.pk})
    download = Download.objects.get()
    Membership.objects.filter(user=cast.grace, role=Role.POLICY_ANALYST).delete()
    assert download_build(download.pk, build=build_spiegel_pdf) == "failed"
    download.refresh_from_db()
    assert (download.status, download.file.name) == (DownloadStatus.FAILED, "")
    assert download.summary == "U mag dit bestand niet meer aanvragen."
