"""The files of the insights that the task worker builds: the spiegel PDF, the value report
as PDF and CSV.

Each builder is a ``downloads`` builder (``download_build(…, build=…)``): it checks the
requester's rights again (they may have changed since the page queued the job), reads
the aggregated figures, writes the file and returns the summary shown in "Mijn
downloads". The figures are aggregates, suppressed below k; what leaves the application
is recorded once, for the requester, by the task (one ``EXPORT`` record).

The tables the spiegel page, its API and its PDF share are built here too
(:func:`spiegel_tables`), and so are the value report's bars (:func:`report_bars`).
"""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress
from doorbraak.insights import policies, selectors
from doorbraak.insights.aggregates import k_internal, suppress, suppression_note
from doorbraak.insights.models import ReportStatus, ValueReport
from doorbraak.insights.patterns import CountRow, Spiegel
from doorbraak.insights.processing import log_value_report_export
from doorbraak.insights.report import helped_labels, report_csv
from doorbraak.lib.access import Refused
from doorbraak.lib.charts import bar_chart
from doorbraak.lib.pdf import html_to_pdf
from doorbraak.lib.replica import current_freshness, replica_reads
from doorbraak.lib.templatetags.money import format_euros

#: How many open signals the spiegel PDF lists.
PDF_SIGNALS = 30


# --- the spiegel's tables -----------------------------------------------------------------------
def count_table(rows: list[CountRow], *, k: int) -> list[dict[str, Any]]:
    """Rows of the spiegel with every count suppressed below ``k`` (``None`` = hidden)."""
    current = suppress({row.key: row.current for row in rows}, k=k)
    previous = suppress({row.key: row.previous for row in rows}, k=k)
    table = []
    for row in rows:
        now, before = current[row.key], previous[row.key]
        table.append(
            {
                "key": row.key,
                "label": row.label,
                "current": now,
                "previous": before,
                "trend": row.trend if now is not None and before is not None else "",
            }
        )
    return table


def _single(count: int, k: int) -> int | None:
    return count if count == 0 or count >= k else None


def spiegel_tables(spiegel: Spiegel, *, k: int) -> dict[str, Any]:
    """Everything of the spiegel a page or the API shows, after suppression."""
    months = suppress({row.month: row.count for row in spiegel.by_month}, k=k)
    combinations = suppress({index: c.count for index, c in enumerate(spiegel.combinations)}, k=k)
    households = suppress(
        {index: c.households for index, c in enumerate(spiegel.combinations)}, k=k
    )
    total, previous = _single(spiegel.total, k), _single(spiegel.previous_total, k)
    return {
        "k": k,
        "note": suppression_note(k),
        "period": spiegel.period,
        "previous_period": spiegel.previous_period,
        "total": total,
        "previous_total": previous,
        "total_trend": (
            spiegel.total_row.trend if total is not None and previous is not None else ""
        ),
        "households": _single(spiegel.households, k),
        "tables": [
            ("theme", _("By theme"), count_table(spiegel.by_theme, k=k)),
            ("kind", _("By kind of bottleneck"), count_table(spiegel.by_kind, k=k)),
            ("regulation", _("By regulation"), count_table(spiegel.by_regulation, k=k)),
            ("organisation", _("By organisation"), count_table(spiegel.by_organisation, k=k)),
            ("district", _("By district"), count_table(spiegel.by_district, k=k)),
        ],
        "months": [{"month": month, "count": months[month]} for month in months],
        "combinations": [
            {
                "combination": combination,
                "count": combinations[index],
                "households": households[index],
            }
            for index, combination in enumerate(spiegel.combinations)
        ],
        "min_count": spiegel.min_count,
        # The freshness the page and the PDF show (insights/_figures_freshness.html).
        "figures_at": spiegel.figures_at,
        "figures_live": spiegel.figures_at is None,
    }


# --- the value report's bars -------------------------------------------------------------------
def report_bars(report: ValueReport) -> dict[str, Any]:
    """Bar widths in steps of 5% as CSS classes (no inline styles under our CSP)."""
    if not report.result:
        return {"outcome_bars": [], "payer_chart": None}
    counts = [row["count"] or 0 for row in report.result["outcomes"]]
    top = max(counts) or 1
    helped = report.result.get("households_helped")  # reports built before it have none
    payers = report.result.get("by_payer") or []
    return {
        "helped_total": helped.get("helped") if helped else None,
        "helped_rows": [
            (label, helped.get(key))
            for key, label in helped_labels().items()
            if key != "helped" and key in helped
        ]
        if helped
        else [],
        "payer_chart": bar_chart(
            [(str(row["label"]), row["value_cents"]) for row in payers],
            title=_("Estimated costs avoided, per payer"),
            value_heading=_("Costs avoided"),
            value_text=format_euros,
        )
        if payers
        else None,
        "outcome_bars": [
            {**row, "width": 5 * round(20 * (row["count"] or 0) / top)}
            for row in report.result["outcomes"]
        ],
    }


# --- the files ----------------------------------------------------------------------------------
def _analysed_municipality(download: Download) -> Municipality:
    """The municipality of the job, if the requester still analyses it (else ``Refused``)."""
    pk = download.parameters.get("municipality")
    if pk not in policies.analyst_municipality_ids(download.requested_by):
        raise Refused
    return Municipality.objects.get(pk=pk)


def build_spiegel_pdf(download: Download, file: IO[bytes], progress: Progress) -> str:
    """The bimonthly spiegel report for the review meeting: the page's tables, as a PDF."""
    user = download.requested_by
    municipality = _analysed_municipality(download)
    start = datetime.date.fromisoformat(download.parameters["start"])
    end = datetime.date.fromisoformat(download.parameters["end"])
    progress(10, _("Counting the bottlenecks"))
    # Aggregates of rows this task did not write: the replica may serve them.
    with replica_reads():
        try:
            mirror = selectors.spiegel(
                user=user, municipality=municipality, period_start=start, period_end=end
            )
        except Http404 as error:
            raise Refused from error
        signals = list(
            selectors.signal_list(user=user, municipality=municipality, status="open")[:PDF_SIGNALS]
        )
        freshness = current_freshness()
    progress(60, _("Writing the PDF"))
    context = spiegel_tables(mirror, k=k_internal())
    context.update(
        {
            "municipality": municipality,
            "today": timezone.localdate(),
            # render_to_string has no request, so no context processors: the PDF says it.
            "replica_freshness": freshness,
            "signals": signals,
        }
    )
    file.write(html_to_pdf(render_to_string("insights/spiegel_pdf.html", context)))
    return _("%(municipality)s, %(start)s to %(end)s") % {
        "municipality": municipality.name,
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }


def ready_report(*, user: Any, report_id: int) -> ValueReport:
    """A finished report of a municipality the user analyses; ``Refused`` when the user no
    longer may see it, ``ValidationError`` when it has no figures (yet)."""
    report = (
        ValueReport.objects.filter(
            pk=report_id, municipality_id__in=policies.analyst_municipality_ids(user)
        )
        .select_related("municipality", "district")
        .first()
    )
    if report is None:
        raise Refused
    if report.status != ReportStatus.DONE or not report.result:
        raise ValidationError(_("The report is not ready yet."))
    return report


def build_value_report_pdf(download: Download, file: IO[bytes], progress: Progress) -> str:
    """The finished value report as a PDF (its figures were built by the worker before)."""
    report = ready_report(user=download.requested_by, report_id=download.parameters["report"])
    progress(20, _("Writing the PDF"))
    html = render_to_string(
        "insights/report_pdf.html",
        {"report": report, "today": timezone.localdate(), **report_bars(report)},
    )
    log_value_report_export(actor=download.requested_by, report=report)
    file.write(html_to_pdf(html))
    return _report_summary(report)


def build_value_report_csv(download: Download, file: IO[bytes], progress: Progress) -> str:
    """The finished value report's figures as CSV rows: section, item, value."""
    report = ready_report(user=download.requested_by, report_id=download.parameters["report"])
    assert report.result is not None  # ready_report checked it
    progress(20, _("Writing the rows"))
    log_value_report_export(actor=download.requested_by, report=report)
    file.write(report_csv(report.result).encode("utf-8"))
    return _report_summary(report)


def _report_summary(report: ValueReport) -> str:
    return _("%(municipality)s, %(start)s to %(end)s") % {
        "municipality": report.municipality.name,
        "start": date_format(report.period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(report.period_end, "SHORT_DATE_FORMAT"),
    }
