"""In real Chromium: a policy analyst generates the district report and opens the PDF.

The worker builds the figures, and then the PDF, in the background; here the test plays
the worker. No
accessibility blockers and no CSP violations on the pages visited.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.downloads.models import Download
from doorbraak.downloads.services import download_build
from doorbraak.insights.documents import build_value_report_pdf
from doorbraak.insights.models import ReportStatus, ValueReport
from doorbraak.insights.tasks import generate_value_report
from doorbraak.outcomes import services as outcome_services
from doorbraak.outcomes.models import OutcomeType
from tests.browser.test_household_flow import assert_accessible, submit
from tests.browser.test_login_flow import log_in
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_analyst_generates_the_district_report_and_opens_the_pdf(
    page: Any, live_server: Any, cast: Cast
) -> None:
    district = DistrictFactory(municipality=cast.north, name="Ondiep")
    today = timezone.localdate()
    for _ in range(6):
        household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice, district=district)
        outcome_services.outcome_record(
            actor=cast.alice,
            household=household,
            outcome_type=OutcomeType.EVICTION_PREVENTED,
            occurred_on=max(household.opened_on, today - datetime.timedelta(days=30)),
            evidence="Ontruiming ingetrokken na de betalingsregeling.",
        )
    base = live_server.url
    log_in(page, base, "grace", TOTPDevice.objects.get(user=cast.grace))
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/inzicht/rapporten/")
    assert_accessible(page)
    page.select_option("#id_district", str(district.pk))
    page.fill("#id_period_start", (today - datetime.timedelta(days=365)).isoformat())
    page.fill("#id_period_end", today.isoformat())
    page.check("input[name=audience][value=intern]")
    submit(page, "main form")
    report = ValueReport.objects.get()
    page.wait_for_url(f"**/inzicht/rapporten/{report.pk}/")
    assert page.locator("#in-report-progress").is_visible()
    assert_accessible(page)

    assert generate_value_report(report.pk) == "done"  # what the worker does
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    page.reload()
    assert "Ondiep" in page.content()
    assert_accessible(page)
    # Asking for the PDF queues it: the worker builds it, "Mijn downloads" hands it over.
    page.locator("#in-report-pdf").click()
    page.wait_for_url(f"{base}/downloads/")
    job = Download.objects.get()
    assert download_build(job.pk, build=build_value_report_pdf) == "done"  # the worker
    page.reload()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(f"#dl-{job.public_id} a").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert page.csp_violations == []
