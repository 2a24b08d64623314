"""Pages of the social map (/sociale-kaart/): search and service pages for professionals,
and the functional administrator's pages to keep it (new, edit, deactivate, waiting time,
CSV import and download).

The social map is not personal data: nothing here writes the processing log.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.assessments.services import domains_for
from doorbraak.lib.access import Lookup, page, refuse_unless
from doorbraak.lib.forms import filter_querystring
from doorbraak.lib.rows import choice_labels, url_maker
from doorbraak.lib.spreadsheet import csv_text
from doorbraak.lib.views import submit
from doorbraak.socialmap import policies, selectors, services
from doorbraak.socialmap.forms import ImportForm, SearchForm, ServiceForm, WaitingTimeForm
from doorbraak.socialmap.models import Cost, Service

PAGE_SIZE = 20
SERVICE = Lookup("service", selectors.service_get)
SEARCH_KEYS = ("q", "domain", "district", "free", "short_wait", "inactive")
CSV_FILENAME = "sociale-kaart.csv"


@require_GET
@page(policies.can_view_social_map)
def service_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    domains, districts = selectors.search_choices(user=request.user)
    maintainer = policies.can_maintain_social_map(request.user)
    form = SearchForm(
        request.GET or None, domains=domains, districts=districts, with_inactive=maintainer
    )
    cleaned: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = selectors.SearchFilters(
        query=cleaned.get("q") or "",
        domain=cleaned.get("domain"),
        district=cleaned.get("district"),
        free=bool(cleaned.get("free")),
        short_wait=bool(cleaned.get("short_wait")),
        inactive=bool(cleaned.get("inactive")),
    )
    found = selectors.service_search(user=request.user, filters=filters, lists=False)
    page_obj = selectors.service_page(found, number=request.GET.get("page"), per_page=PAGE_SIZE)
    shown: list[Service] = list(page_obj.object_list)
    page_obj.object_list = shown
    names = selectors.card_names(services=shown)
    # What each card shows, prepared once for the page (lib/rows.py).
    detail_url = url_maker("socialmap:detail")
    costs = choice_labels(Cost.choices)
    rows = [
        {
            "service": service,
            "url": detail_url(service.pk),
            "cost": costs.get(service.cost, service.cost),
            # Only the names, read for the whole page (escaped in the template, by |join).
            "districts": names.districts.get(service.pk, []),
            "domains": names.domains.get(service.pk, []),
        }
        for service in shown
    ]
    return render(
        request,
        "socialmap/service_search.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "searched": bool(request.GET),
            "maintainer": maintainer,
            "sees_full": policies.can_view_full_services(request.user),
            "querystring_without_page": filter_querystring(request, *SEARCH_KEYS),
        },
    )


@require_GET
@page(policies.can_view_social_map, obj=SERVICE)
def service_detail(request: AuthenticatedHttpRequest, service: Service) -> HttpResponse:
    reports = selectors.waiting_reports(service=service)
    maintainer = policies.can_maintain_service(request.user, service)
    return render(
        request,
        "socialmap/service_detail.html",
        {
            "service": service,
            "usage": selectors.usage_shown(service.household_count),  # type: ignore[attr-defined]
            "k": settings.DOORBRAAK_K_INTERNAL,
            "reports": reports,
            "always_full": selectors.is_always_full(reports),
            "full_weeks": settings.DOORBRAAK_SOCIALMAP_FULL_WEEKS,
            "full_reports": settings.DOORBRAAK_SOCIALMAP_FULL_REPORTS,
            "maintainer": maintainer,
            "waiting_form": WaitingTimeForm() if maintainer else None,
        },
    )


def _service_form(
    request: AuthenticatedHttpRequest, service: Service | None
) -> tuple[ServiceForm, Any]:
    if service is None:
        municipalities = selectors.maintained_municipalities(user=request.user)
        refuse_unless(bool(municipalities))
        municipality = municipalities[0]
    else:
        municipalities = [service.municipality]
        municipality = service.municipality
    # One municipality's choices: an administrator of several picks the municipality first.
    form = ServiceForm(
        request.POST or None,
        initial=ServiceForm.initial_of(service) if service else None,
        domains=domains_for(municipality),
        districts=selectors.districts_of(municipality=municipality),
        municipalities=municipalities,
    )
    return form, municipality


@require_http_methods(["GET", "POST"])
@page(policies.can_maintain_social_map)
def service_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, _municipality = _service_form(request, None)
    return submit(
        request,
        form,
        action=lambda _data: services.service_create(
            actor=request.user,
            municipality=form.municipality() or _municipality,
            data=form.data_for_service(),
        ),
        success=lambda service: _("%(name)s is added to the social map.") % {"name": service},
        redirect_to=lambda service: reverse("socialmap:detail", args=[service.pk]),
        template="socialmap/service_form.html",
        context={"form": form, "service": None},
    )


@require_http_methods(["GET", "POST"])
@page(policies.can_maintain_social_map, obj=SERVICE, allow=policies.can_maintain_service)
def service_edit(request: AuthenticatedHttpRequest, service: Service) -> HttpResponse:
    form, _municipality = _service_form(request, service)
    return submit(
        request,
        form,
        action=lambda _data: services.service_update(
            actor=request.user, service=service, data=form.data_for_service()
        ),
        success=_("The service is saved."),
        redirect_to=reverse("socialmap:detail", args=[service.pk]),
        template="socialmap/service_form.html",
        context={"form": form, "service": service},
    )


@require_POST
@page(policies.can_maintain_social_map, obj=SERVICE, allow=policies.can_maintain_service)
def service_active(request: AuthenticatedHttpRequest, service: Service) -> HttpResponse:
    active = request.POST.get("active") == "1"
    services.service_set_active(actor=request.user, service=service, active=active)
    messages.success(
        request,
        _("The service is active again.")
        if active
        else _("The service is deactivated: it no longer shows in the search or the plan."),
    )
    return redirect("socialmap:detail", pk=service.pk)


@require_POST
@page(policies.can_maintain_social_map, obj=SERVICE, allow=policies.can_maintain_service)
def service_waiting(request: AuthenticatedHttpRequest, service: Service) -> HttpResponse:
    form = WaitingTimeForm(request.POST)
    if form.is_valid():
        try:
            services.service_report_waiting_time(
                actor=request.user, service=service, weeks=form.cleaned_data["weeks"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The waiting time is updated."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("socialmap:detail", pk=service.pk)


@require_http_methods(["GET", "POST"])
@page(policies.can_maintain_social_map)
def service_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = selectors.maintained_municipalities(user=request.user)
    refuse_unless(bool(municipalities))
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        municipality = form.municipality() or municipalities[0]
        try:
            result = services.services_import_csv(
                actor=request.user,
                municipality=municipality,
                file=io.StringIO(form.cleaned_data["file"]),
            )
        except ValidationError as error:
            import_errors = [str(message) for message in error.messages]
        else:
            messages.success(
                request,
                _("%(created)s services added, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("socialmap:search")
    return render(
        request,
        "socialmap/service_import.html",
        {
            "form": form,
            "import_errors": import_errors,
            "columns": services.CSV_DELIMITER.join(services.CSV_COLUMNS),
            "required": ", ".join(services.REQUIRED_COLUMNS),
        },
    )


@require_GET
@page(policies.can_maintain_social_map)
def service_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The services the administrator maintains, in the import format (edit and upload again)."""
    found = selectors.maintained_services(user=request.user)
    body = "\ufeff" + csv_text(
        services.CSV_COLUMNS,
        services.services_export_csv(services=found),
        delimiter=services.CSV_DELIMITER,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
    return response


@require_GET
@page(policies.can_view_full_services)
def always_full(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Services whose waiting time stays long: candidates for a signal to policy makers."""
    return render(
        request,
        "socialmap/always_full.html",
        {
            "rows": selectors.always_full_services(user=request.user),
            "full_weeks": settings.DOORBRAAK_SOCIALMAP_FULL_WEEKS,
            "full_reports": settings.DOORBRAAK_SOCIALMAP_FULL_REPORTS,
        },
    )
