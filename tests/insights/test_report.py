"""The societal value report: figures, suppression below k, background generation, downloads."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.downloads.models import Download
from doorbraak.households.models import Household
from doorbraak.insights.documents import build_value_report_csv, build_value_report_pdf
from doorbraak.insights.models import ReportStatus, ValueReport
from doorbraak.insights.patterns import Period
from doorbraak.insights.report import build_value_report, report_csv
from doorbraak.insights.tasks import generate_value_report
from doorbraak.outcomes import services as outcome_services
from doorbraak.outcomes.models import OutcomeType
from tests.conftest import Cast
from tests.downloads.built import build_queued
from tests.factories import HouseholdFactory

YEAR = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 11, 28))


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def evictions_prevented(cast: Cast, count: int) -> list[Household]:
    households = [HouseholdFactory(team=cast.team_a, coordinator=cast.alice) for _ in range(count)]
    for household in households:
        outcome_services.outcome_record(
            actor=cast.alice,
            household=household,
            outcome_type=OutcomeType.EVICTION_PREVENTED,
            occurred_on=datetime.date(2026, 6, 1),
            evidence="Ontruiming ingetrokken.",
        )
    return households


def test_counts_below_k_are_suppressed_and_values_add_up(cast: Cast) -> None:
    households = evictions_prevented(cast, 5)
    # Two small cells, so neither can be worked out from the total (no secondary hiding).
    for kind in (OutcomeType.WORK_FOUND, OutcomeType.BENEFIT_ENDED):
        outcome_services.outcome_record(
            actor=cast.alice,
            household=households[0],
            outcome_type=kind,
            occurred_on=datetime.date(2026, 7, 1),
            evidence="Contract getekend.",
        )
    report = build_value_report(municipality_ids=[cast.north.pk], period=YEAR, k=5)
    counts = {row["type"]: row["count"] for row in report["outcomes"]}
    assert counts[OutcomeType.EVICTION_PREVENTED] == 5
    assert counts[OutcomeType.WORK_FOUND] is None  # 1 < k
    assert counts[OutcomeType.BENEFIT_ENDED] is None
    # 5 × (€ 873 + € 10.000) + € 16.145,40 × 50% + € 16.145,40 × 0,5 × 50%.
    assert report["value_cents"] == 5 * 1_087_300 + 807_270 + 403_635
    assert report["low_cents"] < report["value_cents"] < report["high_cents"]
    assert report["sources"]
    assert "5" in report["note"]
    csv_text = report_csv(report)
    assert "Eviction prevented;5" in csv_text
    assert "Work found;\r\n" in csv_text  # the suppressed cell stays empty
    # A source typed into the cost catalogue cannot become a formula in a spreadsheet.
    planted = dict(report, sources=["=cmd|' /C calc'!A0"])
    assert "source;'=cmd|' /C calc'!A0;" in report_csv(planted)
    progress: list[int] = []
    build_value_report(
        municipality_ids=[cast.north.pk],
        period=YEAR,
        k=10,
        progress=lambda percent, _step: progress.append(percent),
    )
    assert progress == sorted(progress)
    assert progress[-1] == 95


def test_the_report_holds_no_personal_data(cast: Cast) -> None:
    households = evictions_prevented(cast, 5)
    report = build_value_report(municipality_ids=[cast.north.pk], period=YEAR, k=5)
    text = repr(report)
    for household in households:
        assert household.name not in text
        assert household.street not in text


def test_an_analyst_asks_for_a_report_that_the_worker_builds(as_user: Any, cast: Cast) -> None:
    evictions_prevented(cast, 5)
    client = as_user(cast.grace)
    url = reverse("reports:list")
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "municipality": cast.north.pk,
            "period_start": "2026-06-01",
            "period_end": "2026-01-01",
            "audience": "intern",
        },
    )
    assert bad.status_code == 200
    assert not ValueReport.objects.exists()
    response = client.post(
        url,
        {
            "municipality": cast.north.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-11-28",
            "audience": "extern",
        },
    )
    report = ValueReport.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.k == 10
    assert report.status == ReportStatus.WAITING
    progress = client.get(reverse("reports:progress", args=[report.pk]))
    assert "hx-trigger" in progress.content.decode()
    assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 405  # a POST
    not_ready = client.post(reverse("reports:pdf", args=[report.pk]))
    assert not_ready["Location"] == reverse("reports:detail", args=[report.pk])
    assert not Download.objects.exists()  # nothing to build yet
    assert generate_value_report(report.pk) == "done"
    assert generate_value_report(report.pk) == "skipped"  # idempotent
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert client.get(reverse("reports:progress", args=[report.pk]))["HX-Refresh"] == "true"
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "&lt; 10" in body  # 5 evictions < k = 10 for a report leaving the municipality
    assert 'style="' not in body
    # The value per payer as a chart, with the same figures as a table.
    assert report.result is not None
    assert report.result["by_payer"]
    assert 'class="db-chart__svg"' in body
    assert 'id="in-r-payer-chart"' in body
    exported = ProcessingLog.objects.filter(
        object_type="insights.valuereport", action=ProcessingAction.EXPORT
    )
    asked = client.post(reverse("reports:pdf", args=[report.pk]))
    assert not exported.exists()  # the request only asks; the task records the export
    pdf = build_queued(client, asked, build_value_report_pdf)
    assert pdf.content.startswith(b"%PDF")
    assert pdf.response["Content-Type"] == "application/pdf"
    assert [(r.actor_id, r.object_id) for r in exported] == [(cast.grace.pk, str(report.pk))]
    asked = client.post(reverse("reports:csv", args=[report.pk]))
    csv_file = build_queued(client, asked, build_value_report_csv)
    assert csv_file.response["Content-Type"].startswith("text/csv")
    assert csv_file.content.decode() == report_csv(report.result)
    assert exported.all().count() == 2  # a fresh query: the one above is cached


@pytest.mark.parametrize("persona", ["alice", "heidi", "dave", "mallory", "ivan"])
def test_only_analysts_of_the_municipality_see_reports(
    as_user: Any, cast: Cast, persona: str
) -> None:
    report = ValueReport.objects.create(
        municipality=cast.north,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        k=5,
        requested_by=cast.grace,
    )
    client = as_user(getattr(cast, persona))
    assert client.get(reverse("reports:list")).status_code in (302, 403)
    for name in ("detail", "progress"):
        assert client.get(reverse(f"reports:{name}", args=[report.pk])).status_code in (
            302,
            403,
            404,
        )
    for name in ("pdf", "csv"):  # asking for a file is a POST
        assert client.post(reverse(f"reports:{name}", args=[report.pk])).status_code in (
            302,
            403,
            404,
        )
    assert not Download.objects.exists()
