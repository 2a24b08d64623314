"""Background work of the insights app: the societal value report, the evaluation export,
and the files of the spiegel and the value report (``insights.documents``)."""

from __future__ import annotations

import datetime
import io
import logging
import zipfile
from typing import IO

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_tasks import task

from doorbraak.accounts.models import Municipality
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress, download_build, scratch_dir
from doorbraak.insights.documents import (
    build_spiegel_pdf,
    build_value_report_csv,
    build_value_report_pdf,
)
from doorbraak.insights.export import columns, dictionary_csv, write_evaluation_export
from doorbraak.insights.models import ReportStatus, ValueReport
from doorbraak.insights.patterns import Period
from doorbraak.insights.report import build_value_report
from doorbraak.lib.messages import Message
from doorbraak.lib.replica import replica_reads

logger = logging.getLogger(__name__)


def generate_value_report(report_id: int) -> str:
    """Build the report's figures, telling the page how far it is; idempotent per run."""

    with transaction.atomic():
        report = ValueReport.objects.select_for_update(no_key=True).filter(pk=report_id).first()
        if report is None or report.status != ReportStatus.WAITING:
            return "skipped"
        report.status = ReportStatus.RUNNING
        report.save(update_fields=["status"])

    def progress(percent: int, step: str) -> None:
        ValueReport.objects.filter(pk=report_id).update(progress=percent, step=step[:100])

    try:
        # The figures are reads only (of rows this task did not write): the replica may
        # serve them. The progress and the result are writes, and go to the primary.
        with translation.override("nl"), replica_reads():
            result = build_value_report(
                municipality_ids=[report.municipality_id],
                district_id=report.district_id,
                period=Period(start=report.period_start, end=report.period_end),
                k=report.k,
                progress=progress,
            )
    except Exception as error:  # the page must say it failed, not spin forever
        logger.exception("value_report_failed", extra={"report_id": report_id})
        ValueReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        return "failed"
    ValueReport.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE, progress=100, result=result, step="", finished_at=timezone.now()
    )
    logger.info("value_report_done", extra={"report_id": report_id})
    return "done"


@task()
def generate_value_report_task(report_id: int) -> str:
    return generate_value_report(report_id)


def build_evaluation_export(download: Download, file: IO[bytes], progress: Progress) -> Message:
    """The export's ZIP (the dataset and its data dictionary) into ``file``, streaming."""
    parameters = download.parameters
    municipality = Municipality.objects.get(pk=parameters["municipality"])
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entry = archive.open("evaluatie.csv", "w", force_zip64=True)
        with io.TextIOWrapper(entry, encoding="utf-8", newline="") as out, replica_reads():
            summary = write_evaluation_export(
                actor=download.requested_by,
                municipality=municipality,
                period_start=datetime.date.fromisoformat(parameters["start"]),
                period_end=datetime.date.fromisoformat(parameters["end"]),
                k=parameters["k"],
                out=out,
                progress=progress,
                scratch_dir=scratch_dir(),
            )
        archive.writestr("datawoordenboek.csv", dictionary_csv(columns(), k=summary.k))
    return Message(
        gettext_lazy("%(rows)s rows, %(suppressed)s left out (k = %(k)s)"),
        rows=summary.rows,
        suppressed=summary.suppressed,
        k=summary.k,
    )


@task()
def evaluation_export_task(download_id: int) -> str:
    return download_build(download_id, build=build_evaluation_export)


@task()
def spiegel_pdf_task(download_id: int) -> str:
    return download_build(download_id, build=build_spiegel_pdf)


@task()
def value_report_pdf_task(download_id: int) -> str:
    return download_build(download_id, build=build_value_report_pdf)


@task()
def value_report_csv_task(download_id: int) -> str:
    return download_build(download_id, build=build_value_report_csv)
