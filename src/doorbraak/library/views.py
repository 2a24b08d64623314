"""The law library: reference pages for everyone working in Doorbraak.

It holds no personal data, so nothing is written to the processing log.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.forms import filter_querystring
from doorbraak.library import selectors
from doorbraak.library.forms import RegulationFilterForm
from doorbraak.library.models import Regulation

PAGE_SIZE = 25
REGULATION = Lookup("regulation", selectors.regulation_get)


@require_GET
@page(can_view_organisations)
def regulation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RegulationFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    regulations = selectors.regulation_list(
        user=request.user,
        query=(filters.get("q") or "").strip(),
        deviation=filters.get("deviation") or "",
    )
    page_obj = Paginator(regulations, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[Regulation] = list(page_obj.object_list)
    page_obj.object_list = shown
    return render(
        request,
        "library/regulation_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": filter_querystring(request, "q", "deviation"),
        },
    )


@require_GET
@page(can_view_organisations, obj=REGULATION)
def regulation_detail(request: AuthenticatedHttpRequest, regulation: Regulation) -> HttpResponse:
    return render(request, "library/regulation_detail.html", {"regulation": regulation})
