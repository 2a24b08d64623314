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

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.forms import AlertSettingsForm, ProcessingLogFilterForm, SecurityLogFilterForm
from doorbraak.audit.models import Alert, ProcessingAction
from doorbraak.audit.policies import (
    can_handle_alerts,
    can_view_processing_log,
    can_view_security_log,
)
from doorbraak.audit.selectors import (
    BadCursor,
    alert_municipalities,
    alert_municipality_get,
    alert_open_get,
    alert_settings_of,
    processing_log_search_page,
    seal_status,
    security_log_page,
    security_log_search,
)
from doorbraak.audit.services import (
    alert_acknowledge,
    alert_settings_update,
    processing_log_read,
)
from doorbraak.audit.tasks import processing_log_export_task
from doorbraak.downloads.models import DownloadKind
from doorbraak.downloads.services import download_queue
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.fragments import typed_form_html
from doorbraak.lib.replica import reads_from_replica
from doorbraak.lib.views import submit

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
        try:
            log_page = processing_log_search_page(
                user=request.user,
                older_than=request.GET.get("ouder", "")[:64],
                newer_than=request.GET.get("nieuwer", "")[:64],
                size=PAGE_SIZE,
                **filters,
            )
        except BadCursor:
            messages.error(request, _("This page link is not valid; the newest records are shown."))
            log_page = processing_log_search_page(user=request.user, size=PAGE_SIZE, **filters)
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
            # Free text and dates: the HTML kept with a mark in each box (lib/fragments.py).
            "form_html": typed_form_html(form),
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


ALERT = Lookup("alert", alert_open_get)
ALERT_MUNICIPALITY = Lookup("municipality", alert_municipality_get)


@page(can_view_security_log)
@reads_from_replica
def security_log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The refused accesses and duplicate probes of the privacy officer's municipalities.

    Filtered by user, answer, check, object type, period and search term (compared by its
    keyed hash); paged by keyset without counting, so any page costs what the first does.
    """
    form = SecurityLogFilterForm(request.GET or None)
    log_page = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        events = security_log_search(user=request.user, **filters)
        try:
            log_page = security_log_page(
                events,
                older_than=request.GET.get("ouder", "")[:64],
                newer_than=request.GET.get("nieuwer", "")[:64],
                size=PAGE_SIZE,
            )
        except BadCursor:
            messages.error(request, _("This page link is not valid; the newest records are shown."))
            log_page = security_log_page(events, size=PAGE_SIZE)
        # The page names employees: looking into it is privacy supervision, and logged.
        processing_log_read(
            actor=request.user,
            activity=ProcessingActivity.PRIVACY_SUPERVISION,
            action=ProcessingAction.SEARCH,
            object_type="audit.securityevent",
        )
    query = {k: v for k, v in request.GET.items() if k not in ("ouder", "nieuwer") and v}
    return render(
        request,
        "audit/security_log_list.html",
        {
            "form": form,
            "log_page": log_page,
            "querystring_without_page": urlencode(query),
            "municipalities": alert_municipalities(user=request.user),
        },
    )


@require_POST
@page(can_handle_alerts, obj=ALERT)
def alert_acknowledge_view(request: AuthenticatedHttpRequest, alert: Alert) -> HttpResponse:
    """Mark an alert as handled; it leaves the list on the home page."""
    alert_acknowledge(actor=request.user, alert=alert)
    messages.success(request, _("The alert is marked as handled."))
    return redirect("home")


@page(can_handle_alerts, obj=ALERT_MUNICIPALITY)
def alert_settings_edit(
    request: AuthenticatedHttpRequest, municipality: Municipality
) -> HttpResponse:
    """The thresholds of the security alerts of one municipality."""
    instance = alert_settings_of(municipality)
    form = AlertSettingsForm(request.POST or None, instance=instance)
    return submit(
        request,
        form,
        action=lambda data: alert_settings_update(
            actor=request.user, municipality=municipality, values=data
        ),
        success=_("The alert settings are saved."),
        redirect_to="audit:security-log",
        template="audit/alert_settings.html",
        context={"form": form, "municipality": municipality},
    )
