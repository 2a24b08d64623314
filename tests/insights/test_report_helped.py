"""The value report counts households helped and marks INTERN/EXTERN on every PDF page
(issue 15.9)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from doorbraak.households.models import CloseReason, HouseholdStatus
from doorbraak.insights.documents import build_value_report_pdf
from doorbraak.insights.models import ReportAudience, ReportStatus, ValueReport
from doorbraak.insights.patterns import Period
from doorbraak.insights.report import build_value_report, households_helped, report_csv
from tests.conftest import Cast
from tests.downloads.built import build_queued
from tests.factories import HouseholdFactory

YEAR = Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 11, 28))
IN_YEAR = datetime.date(2026, 3, 1)
BEFORE = datetime.date(2025, 3, 1)


def _households(cast: Cast, *, opened: int, closed_goals: int, closed_other: int) -> None:
    for _ in range(opened):
        HouseholdFactory(team=cast.team_a, coordinator=cast.alice, opened_on=IN_YEAR)
    for reason, count in (
        (CloseReason.GOALS_REACHED, closed_goals),
        (CloseReason.MOVED, closed_other),
    ):
        for _ in range(count):
            HouseholdFactory(
                team=cast.team_a,
                coordinator=cast.alice,
                opened_on=BEFORE,
                status=HouseholdStatus.CLOSED,
                closed_on=IN_YEAR,
                close_reason=reason,
            )
    # Outside the period and in the other municipality: never counted.
    HouseholdFactory(team=cast.team_a, coordinator=cast.alice, opened_on=BEFORE)
    HouseholdFactory(team=cast.team_z, coordinator=cast.mallory, opened_on=IN_YEAR)


def test_households_helped_counts_each_household_once(cast: Cast) -> None:
    _households(cast, opened=6, closed_goals=5, closed_other=3)
    helped = households_helped(municipality_ids=[cast.north.pk], period=YEAR, k=5)
    assert helped == {"opened": 6, "with_plan": 0, "goals_reached": 5, "helped": 11}
    small = households_helped(municipality_ids=[cast.north.pk], period=YEAR, k=10)
    assert small["opened"] is None  # 6 < k
    assert small["helped"] == 11


def test_households_helped_is_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    _households(cast, opened=2, closed_goals=1, closed_other=0)
    with django_assert_num_queries(1):
        households_helped(municipality_ids=[cast.north.pk], period=YEAR, k=1)
    _households(cast, opened=8, closed_goals=6, closed_other=2)
    with django_assert_num_queries(1):
        households_helped(municipality_ids=[cast.north.pk], period=YEAR, k=1)


def test_the_report_and_its_csv_carry_the_figure(cast: Cast) -> None:
    _households(cast, opened=6, closed_goals=5, closed_other=0)
    report = build_value_report(municipality_ids=[cast.north.pk], period=YEAR, k=5)
    assert report["households_helped"]["helped"] == 11
    assert "Households helped;11" in report_csv(report)


@pytest.mark.parametrize(
    ("audience", "mark"), [(ReportAudience.INTERNAL, "INTERN"), (ReportAudience.EXTERNAL, "EXTERN")]
)
def test_the_page_and_every_pdf_page_show_the_figure_and_the_audience(
    as_user: Any, cast: Cast, audience: str, mark: str
) -> None:
    _households(cast, opened=12, closed_goals=10, closed_other=0)
    report = ValueReport.objects.create(
        municipality=cast.north,
        period_start=YEAR.start,
        period_end=YEAR.end,
        audience=audience,
        k=10,
        requested_by=cast.grace,
        status=ReportStatus.DONE,
        progress=100,
        result={
            **build_value_report(municipality_ids=[cast.north.pk], period=YEAR, k=10),
            # Long enough for several pages.
            "sources": [f"Bron {n}: kostenkengetal met een lange toelichting" for n in range(150)],
        },
    )
    client = as_user(cast.grace)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Geholpen huishoudens" in page
    assert ">22<" in page
    pdf = build_queued(
        client, client.post(reverse("reports:pdf", args=[report.pk])), build_value_report_pdf
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) > 1
    for number, pdf_page in enumerate(reader.pages, start=1):
        words = pdf_page.extract_text().split()
        assert mark in words, number
    assert "Geholpen" in reader.pages[0].extract_text()


def test_a_report_built_before_the_figure_still_shows(as_user: Any, cast: Cast) -> None:
    result = build_value_report(municipality_ids=[cast.north.pk], period=YEAR, k=10)
    del result["households_helped"]
    report = ValueReport.objects.create(
        municipality=cast.north,
        period_start=YEAR.start,
        period_end=YEAR.end,
        k=10,
        requested_by=cast.grace,
        status=ReportStatus.DONE,
        progress=100,
        result=result,
    )
    page = as_user(cast.grace).get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200
    assert "Geholpen huishoudens" not in page.content.decode()
