"""The value report's files, built by the worker from the figures the worker built before:
their memory does not grow with the households behind the figures."""

from __future__ import annotations

import datetime
import gc
import tempfile
import tracemalloc

import pytest
from django.utils import timezone

from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.insights.documents import build_value_report_csv
from doorbraak.insights.models import ReportStatus, ValueReport
from doorbraak.insights.patterns import Period
from doorbraak.insights.report import build_value_report
from tests.conftest import Cast
from tests.insights.export_data import END, START, export_set

pytestmark = pytest.mark.django_db


def _ignore(percent: int, step: str) -> None:
    pass


def peak_bytes(cast: Cast) -> tuple[int, int]:
    """Build the report's figures over the households there are now (the worker's first
    task), then its CSV (the second) under tracemalloc: the CSV's peak and its size."""
    report = ValueReport.objects.create(
        municipality=cast.north,
        period_start=START,
        period_end=END,
        k=3,
        requested_by=cast.grace,
        status=ReportStatus.DONE,
        progress=100,
        result=build_value_report(
            municipality_ids=[cast.north.pk], period=Period(start=START, end=END), k=3
        ),
    )
    download = Download.objects.create(
        requested_by=cast.grace,
        kind=DownloadKind.VALUE_REPORT_CSV,
        title="rapport",
        filename="rapport.csv",
        content_type="text/csv",
        parameters={"report": report.pk},
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    download = Download.objects.select_related("requested_by").get(pk=download.pk)
    gc.collect()
    tracemalloc.start()
    try:
        with tempfile.TemporaryFile() as out:
            build_value_report_csv(download, out, _ignore)
            size = out.tell()
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_households(cast: Cast) -> None:
    """At 1,500 and 3,000 households the report holds aggregates (counts per outcome,
    theme, payer): the CSV of twice the households costs about the same memory."""
    export_set(cast, 1500)
    peak_at_n, size_at_n = peak_bytes(cast)
    export_set(cast, 1500, offset=1500)
    peak_at_2n, size_at_2n = peak_bytes(cast)
    assert size_at_n > 0
    assert size_at_2n < size_at_n * 1.3, (size_at_n, size_at_2n)
    assert peak_at_2n < peak_at_n * 1.3, (peak_at_n, peak_at_2n)
    assert peak_at_2n < 4 * 1024 * 1024, peak_at_2n
