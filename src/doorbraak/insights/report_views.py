"""Pages of the societal value report: ask for one, watch it being built, read and download it.

Policy analysts only, for their own municipalities; everything shown is aggregated and
suppressed below k. The figures are built by the task worker (``db_worker``), not in the
request; the page polls the progress with htmx, and without JavaScript it refreshes on a
link. The PDF and the CSV of a finished report are built by the worker too: the buttons
queue a download ("Mijn downloads"), whose task records the export.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.models import District, Municipality
from doorbraak.accounts.selectors import AnyUser
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.downloads.models import DownloadKind
from doorbraak.insights import policies, services
from doorbraak.insights.aggregates import k_external, k_internal
from doorbraak.insights.documents import report_bars
from doorbraak.insights.models import ReportAudience, ReportStatus, ValueReport
from doorbraak.insights.report import default_period
from doorbraak.insights.tasks import generate_value_report_task
from doorbraak.lib.access import Lookup, fragment, page
from doorbraak.lib.forms import DateInput, StyledFormMixin


class ReportForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Municipality"), queryset=Municipality.objects.none()
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty for the whole municipality."),
    )
    period_start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    period_end = forms.DateField(label=gettext_lazy("Until"), widget=DateInput())
    audience = forms.ChoiceField(
        label=gettext_lazy("Who will read it"),
        choices=ReportAudience.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A report that leaves the municipality hides numbers below %(external)s; an "
            "internal one below %(internal)s."
        ),
    )

    def __init__(self, *args: Any, municipality_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            pk__in=municipality_ids
        ).order_by("name")
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality_id__in=municipality_ids
        ).order_by("name")
        self.fields["audience"].help_text = str(self.fields["audience"].help_text) % {
            "external": k_external(),
            "internal": k_internal(),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The period ends after it starts."))
            elif (end - start).days > 3 * 366:
                self.add_error("period_end", _("A report covers at most three years."))
            elif end > timezone.localdate():
                self.add_error("period_end", _("The period cannot end in the future."))
        district, municipality = cleaned.get("district"), cleaned.get("municipality")
        if district and municipality and district.municipality_id != municipality.pk:
            self.add_error("district", _("This district belongs to another municipality."))
        return cleaned


def _report(*, user: AnyUser, pk: int) -> ValueReport:
    """A report of a municipality where the user is a policy analyst (404 otherwise)."""
    return get_object_or_404(
        ValueReport.objects.filter(
            municipality_id__in=policies.analyst_municipality_ids(user)
        ).select_related("municipality", "district"),
        pk=pk,
    )


REPORT = Lookup("report", _report)


@page(policies.can_view_insights)
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Earlier reports, and the form to ask for a new one (built in the background)."""
    municipality_ids = policies.analyst_municipality_ids(request.user)
    period = default_period(timezone.localdate())
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        municipality_ids=municipality_ids,
        initial={
            "period_start": period.start,
            "period_end": period.end,
            "audience": ReportAudience.INTERNAL,
            "municipality": next(iter(sorted(municipality_ids)), None),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audience = data["audience"]
        with transaction.atomic():
            report = ValueReport.objects.create(
                municipality=data["municipality"],
                district=data["district"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                audience=audience,
                k=k_external() if audience == ReportAudience.EXTERNAL else k_internal(),
                requested_by=request.user,
            )

            transaction.on_commit(lambda: generate_value_report_task.enqueue(report.pk))
        messages.success(request, _("The report is being generated."))
        return redirect("reports:detail", pk=report.pk)
    reports = ValueReport.objects.filter(municipality_id__in=municipality_ids).select_related(
        "municipality", "district", "requested_by"
    )[:50]
    return render(request, "insights/report_list.html", {"form": form, "reports": reports})


@require_GET
@page(policies.can_view_insights, obj=REPORT)
def report_detail(request: AuthenticatedHttpRequest, report: ValueReport) -> HttpResponse:
    return render(request, "insights/report_detail.html", {"report": report, **report_bars(report)})


@require_GET
@fragment(policies.can_view_insights, obj=REPORT)
def report_progress(request: AuthenticatedHttpRequest, report: ValueReport) -> HttpResponse:
    """The progress fragment htmx polls; once ready it tells htmx to load the whole page."""
    response = render(request, "insights/_report_progress.html", {"report": report})
    if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        response["HX-Refresh"] = "true"
    return response


def _queue_file(
    request: AuthenticatedHttpRequest, report: ValueReport, kind: DownloadKind
) -> HttpResponse:
    """Ask the worker for the report as a file; back to the report when that cannot be."""
    try:
        services.value_report_file_queue(actor=request.user, report=report, kind=kind)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:detail", pk=report.pk)
    messages.success(
        request, _("The file is being built. It appears under My downloads when it is ready.")
    )
    return redirect("downloads:list")


@require_POST
@page(policies.can_view_insights, obj=REPORT)
def report_pdf(request: AuthenticatedHttpRequest, report: ValueReport) -> HttpResponse:
    """Ask for the report as a PDF: the task worker builds it ("Mijn downloads")."""
    return _queue_file(request, report, DownloadKind.VALUE_REPORT_PDF)


@require_POST
@page(policies.can_view_insights, obj=REPORT)
def report_csv_download(request: AuthenticatedHttpRequest, report: ValueReport) -> HttpResponse:
    """Ask for the report's figures as CSV: the task worker builds it ("Mijn downloads")."""
    return _queue_file(request, report, DownloadKind.VALUE_REPORT_CSV)
