"""The cost catalogue page (/bibliotheek/kosten/) and its CSV download.

Cost figures are not personal data, so nothing is written to the processing log.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.catalogue import selectors, services
from doorbraak.catalogue.forms import CostFilterForm
from doorbraak.catalogue.models import CostItem
from doorbraak.lib.access import page
from doorbraak.lib.forms import filter_querystring

CSV_FILENAME = "kostenkengetallen.csv"


def _cost_items(request: AuthenticatedHttpRequest) -> tuple[CostFilterForm, list[CostItem]]:
    form = CostFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    items = selectors.cost_item_list(
        user=request.user, year=filters.get("year"), query=filters.get("q") or ""
    )
    return form, list(items)


@require_GET
@page(can_view_organisations)
def cost_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, items = _cost_items(request)
    return render(
        request,
        "catalogue/cost_list.html",
        {
            "form": form,
            "items": items,
            "querystring": filter_querystring(request, "q", "year"),
        },
    )


@require_GET
@page(can_view_organisations)
def cost_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, items = _cost_items(request)
    response = HttpResponse(
        services.cost_items_export_csv(items=items),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
    return response
