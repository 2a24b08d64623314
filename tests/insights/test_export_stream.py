"""The evaluation export streams: the same bytes as the in-memory export it replaced,
whatever the chunk and run sizes, its log records written in batches, and memory that does
not grow with the number of households."""

from __future__ import annotations

import gc
import hashlib
import io
import tracemalloc
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Member
from doorbraak.insights import export
from doorbraak.insights.export import evaluation_export, write_evaluation_export
from doorbraak.insights.processing import log_policy_research
from doorbraak.lib.spreadsheet import csv_text
from tests.conftest import Cast
from tests.insights.export_data import END, START, export_set

#: sha256 of the CSV and of the data dictionary as the in-request export (before it
#: streamed, commit 82541fc) wrote them for ``export_set(cast, 300)``, on SQLite and
#: PostgreSQL alike; with the rows kept and left out, and the columns generalised.
GOLDEN = {
    1: (
        225,
        0,
        [],
        "44caded7547338bb1ae85ce9228ca30903db29ef4c817191729e552aba6e6c1e",
        "ac66870e82a19f51dfc2127e173efb2dc831ab59c9479c3cf7b792bf5be2d06b",
    ),
    3: (
        193,
        32,
        ["postcode4", "opened_month", "closed_month", "age_band_head"],
        "3e609c33bac5eca2527b049fec48cffa5b0ec9a875cd0518a4630194650067e5",
        "0eb9a5c43c6bf8fc10d3628863ffd2386836bc34697d9ca603e210a288a583a6",
    ),
    5: (
        93,
        132,
        ["postcode4", "opened_month", "closed_month", "age_band_head"],
        "cfdb96c71cc6db07c8b45d360f7ee5fbc86f63f247157c757881829d014f4935",
        "dcfd82be81fc123e1c559683bf416b6ce59185d3d0e8148036a57eae901e4264",
    ),
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_it_writes_the_same_bytes_as_the_export_it_replaced(cast: Cast) -> None:
    export_set(cast, 300)
    for k, (rows, suppressed, generalised, data, dictionary) in GOLDEN.items():
        result = evaluation_export(
            actor=cast.grace, municipality=cast.north, period_start=START, period_end=END, k=k
        )
        assert (result.rows, result.suppressed, result.generalised) == (
            rows,
            suppressed,
            generalised,
        )
        assert (sha256(result.csv), sha256(result.dictionary_csv)) == (data, dictionary)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_it_keeps_what_the_in_memory_check_keeps(cast: Cast, k: int) -> None:
    """``make_unique_safe`` over the whole list is the rule; the two passes must agree."""
    export_set(cast, 300)
    rows = [
        row
        for row, _subjects in export.household_rows(
            export.households_in_period(cast.north, START, END), END, chunk_size=1000
        )
    ]
    keep, suppressed, generalised = export.make_unique_safe(rows, k=k)
    header = [c.name for c in export.columns()]
    kept = sorted(
        (r for r, kept in zip(rows, keep, strict=True) if kept), key=lambda r: r["pseudonym"]
    )
    expected = csv_text(header, ([r[name] for name in header] for r in kept), delimiter=",")
    result = evaluation_export(
        actor=cast.grace, municipality=cast.north, period_start=START, period_end=END, k=k
    )
    assert (result.suppressed, result.generalised) == (suppressed, generalised)
    assert result.csv == expected


@pytest.mark.parametrize(("chunk_size", "run_rows"), [(7, 13), (50, 1), (1000, 1000)])
def test_chunks_and_runs_do_not_change_the_file(cast: Cast, chunk_size: int, run_rows: int) -> None:
    export_set(cast, 300)
    out = io.StringIO()
    summary = write_evaluation_export(
        actor=cast.grace,
        municipality=cast.north,
        period_start=START,
        period_end=END,
        k=3,
        out=out,
        chunk_size=chunk_size,
        run_rows=run_rows,
    )
    assert (summary.rows, summary.suppressed) == GOLDEN[3][:2]
    assert sha256(out.getvalue()) == GOLDEN[3][3]


def test_the_log_records_go_in_one_write_per_batch(cast: Cast, monkeypatch: Any) -> None:
    households = export_set(cast, 120)
    batches: list[int] = []

    def counting(**kwargs: Any) -> None:
        batches.append(len(list(kwargs["subjects"])))
        log_policy_research(**kwargs)

    monkeypatch.setattr(export, "log_policy_research", counting)
    with CaptureQueriesContext(connection) as queries:
        summary = write_evaluation_export(
            actor=cast.grace,
            municipality=cast.north,
            period_start=START,
            period_end=END,
            k=1,
            out=io.StringIO(),
            chunk_size=50,
        )
    assert summary.rows == 90  # the others opened after the period
    assert len(batches) == 2  # 50 + 40 rows, each batch's persons in one write
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_processinglog"')]
    if connection.vendor == "postgresql":
        assert len(inserts) == 2  # one INSERT each (SQLite splits by its parameter limit)
    records = ProcessingLog.objects.filter(action=ProcessingAction.EXPORT)
    # One record per person concerned, by their own pseudonyms: at least one a row.
    subjects = [r.subject_pseudonym for r in records]
    assert len(subjects) == len(set(subjects)) >= summary.rows
    members = {m.pseudonym for m in Member.objects.filter(household__in=households)}
    assert set(subjects) <= members


def peak_bytes(cast: Cast, *, chunk_size: int, run_rows: int) -> int:
    """tracemalloc's peak while the export writes into a file that does not count."""
    gc.collect()
    tracemalloc.start()
    try:
        with open("/dev/null", "w", encoding="utf-8", newline="") as out:
            write_evaluation_export(
                actor=cast.grace,
                municipality=cast.north,
                period_start=START,
                period_end=END,
                k=3,
                out=out,
                chunk_size=chunk_size,
                run_rows=run_rows,
            )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_households(cast: Cast) -> None:
    """Peak memory at 1,500 and at 3,000 households (chunks of 250, runs of 500 rows): the
    state that grows with the data is the counter of combinations and one open run file
    per 500 rows, so twice the rows may cost a little, never twice the memory."""
    export_set(cast, 1500)
    peak_at_n = peak_bytes(cast, chunk_size=250, run_rows=500)
    export_set(cast, 1500, offset=1500)
    peak_at_2n = peak_bytes(cast, chunk_size=250, run_rows=500)
    assert peak_at_2n < peak_at_n * 1.3, (peak_at_n, peak_at_2n)
    # And in absolute terms: a few megabytes for the chunk in hand, whatever the data.
    assert peak_at_2n < 12 * 1024 * 1024, peak_at_2n
