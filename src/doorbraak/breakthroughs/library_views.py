"""The law library: reference pages for everyone working in Doorbraak.

It holds no personal data, so nothing is written to the processing log.
"""

from __future__ import annotations

from typing import Any

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
from doorbraak.lib.forms import StyledFormMixin, filter_querystring
from doorbraak.lib.types import AuthenticatedHttpRequest

PAGE_SIZE = 25


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
            "querystring_without_page": filter_querystring(request, "q", "deviation"),
        },
    )


@require_GET
@role_required(can_view_organisations)
def regulation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    regulation = selectors.regulation_get(user=request.user, pk=pk)
    return render(request, "library/regulation_detail.html", {"regulation": regulation})
