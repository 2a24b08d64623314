"""The law library and the cost catalogue: reference pages for everyone working in Doorbraak.

Neither holds personal data, so nothing is written to the processing log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.breakthroughs import selectors
from doorbraak.breakthroughs.models import Deviation, Regulation
from doorbraak.lib.decorators import role_required
from doorbraak.lib.forms import StyledFormMixin
from doorbraak.lib.types import AuthenticatedHttpRequest
from doorbraak.outcomes import selectors as outcome_selectors
from doorbraak.outcomes import services as outcome_services
from doorbraak.outcomes.models import CostItem

PAGE_SIZE = 25
CSV_FILENAME = "kostenkengetallen.csv"


class RegulationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    deviation = forms.ChoiceField(
        label=_("Room to deviate"),
        required=False,
        choices=[
            ("", _("All")),
            (Deviation.HARDSHIP.value, Deviation.HARDSHIP.label),
            (Deviation.DISCRETION.value, Deviation.DISCRETION.label),
            (Deviation.NONE.value, Deviation.NONE.label),
        ],
    )


class CostFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


def _querystring(request: AuthenticatedHttpRequest, *keys: str) -> str:
    return urlencode([(key, request.GET[key]) for key in keys if request.GET.get(key)])


@require_GET
@role_required(can_view_organisations)
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
            "querystring_without_page": _querystring(request, "q", "deviation"),
        },
    )


@require_GET
@role_required(can_view_organisations)
def regulation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    return render(request, "library/regulation_detail.html", {"regulation": regulation})


def _cost_items(request: AuthenticatedHttpRequest) -> tuple[CostFilterForm, list[CostItem]]:
    form = CostFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    items = outcome_selectors.cost_item_list(
        user=request.user, year=filters.get("year"), query=filters.get("q") or ""
    )
    return form, list(items)


@require_GET
@role_required(can_view_organisations)
def cost_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, items = _cost_items(request)
    return render(
        request,
        "library/cost_list.html",
        {
            "form": form,
            "items": items,
            "querystring": _querystring(request, "q", "year"),
        },
    )


@require_GET
@role_required(can_view_organisations)
def cost_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, items = _cost_items(request)
    response = HttpResponse(
        outcome_services.cost_items_export_csv(items=items),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
    return response
