from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.forms import ProcessingLogFilterForm
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.policies import can_view_processing_log
from doorbraak.audit.selectors import processing_log_search, seal_status
from doorbraak.audit.services import processing_log_read
from doorbraak.lib.access import page

PAGE_SIZE = 50


@page(can_view_processing_log)
def processing_log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The privacy officer's view on the log, filtered by person, user, period, action."""
    form = ProcessingLogFilterForm(request.GET or None)
    page_obj = None
    if form.is_bound and not form.is_valid():
        records = None
    else:
        filters = form.cleaned_data if form.is_bound else {}
        records = processing_log_search(user=request.user, **filters)
        page_obj = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
        # Fetch the page before logging the search, so the page shows the log as it was.
        page_obj.object_list = list(page_obj.object_list)
        # Looking into the log is itself a processing: of the person searched for, if any.
        processing_log_read(
            actor=request.user,
            activity=ProcessingActivity.PRIVACY_SUPERVISION,
            action=ProcessingAction.SEARCH,
            object_type="audit.processinglog",
            subjects=[filters["person"]] if filters.get("person") else [],
        )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "audit/processing_log_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": urlencode(query),
            "seal_status": seal_status(),
        },
    )
