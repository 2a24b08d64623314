"""The cost catalogue page (/bibliotheek/kosten/) and its CSV download (built by the worker).

Cost figures are not personal data, so nothing is written to the processing log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.catalogue import selectors, services
from doorbraak.catalogue.forms import CostFilterForm
from doorbraak.catalogue.models import CostItem
from doorbraak.lib.access import page


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
        },
    )


@require_POST
@page(can_view_organisations)
def cost_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the catalogue as CSV, with the page's filters: the worker builds it."""
    form = CostFilterForm(request.POST)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    try:
        services.cost_catalogue_queue(
            actor=request.user, year=filters.get("year"), query=filters.get("q") or ""
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("catalogue:costs")
    messages.success(
        request, _("The file is being built. It appears under My downloads when it is ready.")
    )
    return redirect("downloads:list")
