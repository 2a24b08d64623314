from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.forms import ProcessingLogFilterForm
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.policies import can_view_processing_log
from doorbraak.audit.selectors import (
    BadCursor,
    processing_log_page,
    processing_log_search,
    seal_status,
)
from doorbraak.audit.services import processing_log_read
from doorbraak.audit.tasks import processing_log_export_task
from doorbraak.downloads.models import DownloadKind
from doorbraak.downloads.services import download_queue
from doorbraak.lib.access import page
from doorbraak.lib.replica import reads_from_replica

PAGE_SIZE = 50


@page(can_view_processing_log)
@reads_from_replica
def processing_log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The privacy officer's view on the log, filtered by person, user, period, action.

    Paged by keyset (``ouder``/``nieuwer`` carry the cursor of the page beside it), so a
    page deep in millions of records costs what the first one does.
    """
    form = ProcessingLogFilterForm(request.GET or None)
    log_page = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        records = processing_log_search(user=request.user, **filters)
        try:
            log_page = processing_log_page(
                records,
                older_than=request.GET.get("ouder", "")[:64],
                newer_than=request.GET.get("nieuwer", "")[:64],
                size=PAGE_SIZE,
            )
        except BadCursor:
            messages.error(request, _("This page link is not valid; the newest records are shown."))
            log_page = processing_log_page(records, size=PAGE_SIZE)
        # The page is fetched before the search is logged: it shows the log as it was (on
        # the read replica, when there is one: as far as it has replayed; the page says so).
        # Looking into the log is itself a processing: of the person searched for, if any.
        processing_log_read(
            actor=request.user,
            activity=ProcessingActivity.PRIVACY_SUPERVISION,
            action=ProcessingAction.SEARCH,
            object_type="audit.processinglog",
            subjects=[filters["person"]] if filters.get("person") else [],
        )
    query = {k: v for k, v in request.GET.items() if k not in ("ouder", "nieuwer") and v}
    return render(
        request,
        "audit/processing_log_list.html",
        {
            "form": form,
            "log_page": log_page,
            "count_limit": number_format(log_page.limit, force_grouping=True) if log_page else "",
            "querystring_without_page": urlencode(query),
            "seal_status": seal_status(),
        },
    )


@require_POST
@page(can_view_processing_log)
def processing_log_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the records of the current filters as a CSV file (built by the worker)."""
    form = ProcessingLogFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Correct the filters first."))
        return redirect("audit:processing-log")
    parameters = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in form.cleaned_data.items()
    }
    try:
        download_queue(
            requester=request.user,
            kind=DownloadKind.PROCESSING_LOG_EXPORT,
            title=_("Processing log export"),
            filename=f"logboek-{timezone.localdate():%Y%m%d}.csv",
            content_type="text/csv; charset=utf-8",
            parameters=parameters,
            task=processing_log_export_task,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("audit:processing-log")
    messages.success(
        request, _("The export is being built. It appears under My downloads when it is ready.")
    )
    return redirect("downloads:list")
