"""The payment batch files are built in the worker in bounded memory: the CSV and the SEPA
file stream (their peak does not grow with the number of requests), and each chunk's log
records go in with one INSERT."""

from __future__ import annotations

import datetime
import gc
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.downloads.services import Builder
from doorbraak.funds.exports import build_payment_batch_csv, build_payment_batch_sepa
from doorbraak.funds.models import Fund, FundPurpose, FundRequest, FundRequestStatus, PayeeKind
from doorbraak.funds.services import batches
from doorbraak.households.models import Member
from tests.conftest import Cast
from tests.funds.factories import IBAN, north_fund
from tests.insights.export_data import export_set

pytestmark = pytest.mark.django_db


def batch_set(cast: Cast, fund: Fund, count: int, *, offset: int = 0) -> None:
    """``count`` approved bank transfers, each for its own household (with members)."""
    households = export_set(cast, count, offset=offset)
    FundRequest.objects.bulk_create(
        FundRequest(
            fund=fund,
            team=cast.team_a,
            household=household,
            amount_cents=1000 + number,
            purpose=FundPurpose.RENT,
            payee_kind=PayeeKind.IBAN,
            payee_name=f"Verhuurder {number}",
            iban=IBAN,
            status=FundRequestStatus.APPROVED,
            requested_by=cast.alice,
        )
        for number, household in enumerate(households, start=offset)
    )


def _job(cast: Cast, fund: Fund, kind: DownloadKind, **parameters: object) -> Download:
    return Download.objects.create(
        requested_by=cast.frank,
        kind=kind,
        title="batch",
        filename="batch",
        content_type="text/csv",
        parameters={"fund": fund.pk, **parameters},
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )


def _ignore(percent: int, step: str) -> None:
    pass


def peak_bytes(download: Download, build: Builder) -> int:
    """tracemalloc's peak while ``build`` writes into a file that does not count."""
    download = Download.objects.select_related("requested_by").get(pk=download.pk)
    gc.collect()
    tracemalloc.start()
    try:
        with open("/dev/null", "wb") as out:
            build(download, out, _ignore)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _csv_job(cast: Cast, fund: Fund) -> Download:
    return _job(cast, fund, DownloadKind.PAYMENT_BATCH, status=FundRequestStatus.APPROVED)


def _sepa_job(cast: Cast, fund: Fund) -> Download:
    return _job(
        cast,
        fund,
        DownloadKind.SEPA_TRANSFER,
        debtor_name="Gemeente Noord",
        debtor_iban="NL02ABNA0123456789",
    )


def test_the_batch_csv_memory_does_not_grow_with_the_requests(cast: Cast) -> None:
    """Peak memory at 1,500 and at 3,000 approved requests (chunks of 500): the CSV holds
    one chunk of requests and their members in hand, never the batch."""
    fund = north_fund(cast, budget_cents=100_000_000)
    batch_set(cast, fund, 1500)
    peak_at_n = peak_bytes(_csv_job(cast, fund), build_payment_batch_csv)
    batch_set(cast, fund, 1500, offset=1500)
    peak_at_2n = peak_bytes(_csv_job(cast, fund), build_payment_batch_csv)
    assert peak_at_2n < peak_at_n * 1.3, (peak_at_n, peak_at_2n)
    assert peak_at_2n < 12 * 1024 * 1024, peak_at_2n


def test_the_sepa_file_memory_does_not_grow_with_the_transfers(cast: Cast) -> None:
    """Peak memory at 1,500 and at 3,000 approved transfers: the SEPA writer holds one
    chunk of requests and one chunk of transfers being checked against the schema, never
    the file. (A first run loads the schema, which is not measured.)"""
    fund = north_fund(cast, budget_cents=100_000_000)
    batch_set(cast, fund, 1500)
    peak_bytes(_sepa_job(cast, fund), build_payment_batch_sepa)
    peak_at_n = peak_bytes(_sepa_job(cast, fund), build_payment_batch_sepa)
    batch_set(cast, fund, 1500, offset=1500)
    peak_at_2n = peak_bytes(_sepa_job(cast, fund), build_payment_batch_sepa)
    assert peak_at_2n < peak_at_n * 1.3, (peak_at_n, peak_at_2n)
    assert peak_at_2n < 12 * 1024 * 1024, peak_at_2n


def test_each_chunk_is_recorded_in_one_insert_before_its_rows(cast: Cast) -> None:
    fund = north_fund(cast, budget_cents=100_000_000)
    batch_set(cast, fund, 120)
    seen: list[int] = []
    with CaptureQueriesContext(connection) as queries:
        for _row in batches.payment_batch_stream(
            actor=cast.frank, fund=fund, chunk_size=50, done=seen.append
        ):
            pass
    assert seen == [50, 100, 120]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_processinglog"')]
    if connection.vendor == "postgresql":
        assert len(inserts) == 3  # one a chunk (SQLite splits by its parameter limit)
    records = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT)
    members = {
        m.pseudonym for m in Member.objects.current().filter(household__fund_requests__fund=fund)
    }
    assert {r.subject_pseudonym for r in records} == members
    assert {r.actor_id for r in records} == {cast.frank.pk}
    # The queries follow the chunks, not the rows: the requests, their members, the log.
    assert len(queries) <= 10 * len(seen), [q["sql"][:60] for q in queries]
