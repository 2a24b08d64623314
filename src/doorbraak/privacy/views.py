"""The privacy officer's pages for data-subject requests (/privacy/verzoeken/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.households.models import Member
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.views import submit
from doorbraak.privacy import selectors, services
from doorbraak.privacy.forms import (
    DecideForm,
    ExtendForm,
    OverviewForm,
    ReasonForm,
    RectifyForm,
    RegisterForm,
)
from doorbraak.privacy.models import DataSubjectRequest, RequestKind
from doorbraak.privacy.overview import access_overview, as_json
from doorbraak.privacy.pdf import overview_pdf
from doorbraak.privacy.policies import can_act_on_request, can_handle_data_subject_requests

REQUEST = Lookup("dsr", selectors.request_get, "pk", log="reads")
#: The overview downloads log their export in the service, not a read.
REQUEST_UNLOGGED = Lookup("dsr", selectors.request_get, "pk", log=False)

PAGE_SIZE = 25


def _page_number(request: AuthenticatedHttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("pagina", "1")), 10_000))
    except ValueError:
        return 1


@require_GET
@page(can_handle_data_subject_requests)
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open requests, nearest deadline first; overdue ones marked."""
    number = _page_number(request)
    rows = selectors.open_requests(
        user=request.user, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE
    )
    today = timezone.localdate()
    return render(
        request,
        "privacy/request_list.html",
        {
            "rows": [(r, r.is_overdue(today)) for r in rows[:PAGE_SIZE]],
            "page_number": number,
            "has_next": len(rows) > PAGE_SIZE,
            "today": today,
        },
    )


def _municipalities(request: AuthenticatedHttpRequest) -> QuerySet[Municipality]:
    return selectors.request_municipalities(request.user)


def _register(request: AuthenticatedHttpRequest, cleaned: dict[str, Any]) -> DataSubjectRequest:
    municipality: Municipality = cleaned["municipality"]
    found = selectors.member_find(
        user=request.user,
        municipality_id=municipality.pk,
        bsn=cleaned["bsn"],
        last_name=cleaned["last_name"],
        birth_date=cleaned["birth_date"],
    )
    if not found:
        raise ValidationError(
            _("Nobody with these details is known in %(municipality)s.")
            % {"municipality": municipality.name}
        )
    if len(found) > 1:
        raise ValidationError(
            _("More than one person has this last name and date of birth; give the BSN.")
        )
    return services.request_register(
        actor=request.user,
        municipality=municipality,
        kind=cleaned["kind"],
        member=found[0],
        received_on=cleaned["received_on"],
        description=cleaned["description"],
    )


@sensitive_post_parameters("bsn")
@page(can_handle_data_subject_requests)
def request_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a request; the person is found by BSN, or by last name and date of birth."""
    form = RegisterForm(
        request.POST or None,
        municipalities=_municipalities(request),
        initial={"received_on": timezone.localdate()},
    )
    return submit(
        request,
        form,
        action=lambda cleaned: _register(request, cleaned),
        success=_("The request is registered."),
        redirect_to=lambda dsr: reverse("privacy:detail", args=[dsr.pk]),
        page=lambda: render(request, "privacy/request_register.html", {"form": form}),
    )


def _detail(
    request: AuthenticatedHttpRequest, dsr: DataSubjectRequest, **forms: Any
) -> HttpResponse:
    member: Member | None = dsr.member
    context: dict[str, Any] = {
        "dsr": dsr,
        "member": member,
        "steps": selectors.request_steps(dsr),
        "overdue": dsr.is_overdue(),
        "can_act": can_act_on_request(request.user, dsr),
        "kinds": RequestKind,
        "extend_form": forms.get("extend_form") or ExtendForm(prefix="extend"),
        "decide_form": forms.get("decide_form") or DecideForm(prefix="decide"),
        "restrict_form": forms.get("restrict_form") or ReasonForm(prefix="restrict"),
        "overview_form": OverviewForm(),
    }
    return render(request, "privacy/request_detail.html", context)


@require_GET
@page(can_handle_data_subject_requests, obj=REQUEST)
def request_detail(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    return _detail(request, dsr)


def _back(dsr: DataSubjectRequest) -> str:
    return reverse("privacy:detail", args=[dsr.pk])


@require_POST
@page(can_handle_data_subject_requests, obj=REQUEST, allow=can_act_on_request)
def request_extend(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    form = ExtendForm(request.POST, prefix="extend")
    return submit(
        request,
        form,
        action=lambda cleaned: services.request_extend(
            actor=request.user, request=dsr, months=cleaned["months"], reason=cleaned["reason"]
        ),
        success=_("The deadline is extended."),
        redirect_to=_back(dsr),
        page=lambda: _detail(request, dsr, extend_form=form),
    )


@require_POST
@page(can_handle_data_subject_requests, obj=REQUEST, allow=can_act_on_request)
def request_decide(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    form = DecideForm(request.POST, prefix="decide")
    return submit(
        request,
        form,
        action=lambda cleaned: services.request_decide(
            actor=request.user,
            request=dsr,
            decision=cleaned["decision"],
            reason=cleaned["reason"],
        ),
        success=_("The decision is recorded."),
        redirect_to=_back(dsr),
        page=lambda: _detail(request, dsr, decide_form=form),
    )


@require_POST
@page(can_handle_data_subject_requests, obj=REQUEST, allow=can_act_on_request)
def request_restrict(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    form = ReasonForm(request.POST, prefix="restrict")
    restricted = dsr.member is not None and dsr.member.is_processing_restricted
    service = services.request_restriction_lift if restricted else services.request_restrict
    return submit(
        request,
        form,
        action=lambda cleaned: service(actor=request.user, request=dsr, reason=cleaned["reason"]),
        success=_("The restriction is lifted.")
        if restricted
        else _("The processing is restricted."),
        redirect_to=_back(dsr),
        page=lambda: _detail(request, dsr, restrict_form=form),
    )


@sensitive_post_parameters("bsn")
@page(can_handle_data_subject_requests, obj=REQUEST, allow=can_act_on_request)
def request_rectify(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest) -> HttpResponse:
    """Correct the person's details: only what differs from what is held is changed."""
    member = dsr.member
    if member is None or dsr.kind != RequestKind.RECTIFICATION:
        messages.error(request, _("This request is not for rectification."))
        return redirect(_back(dsr))
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date,
        "representation": member.representation,
        "representative": member.representative,
    }
    form = RectifyForm(request.POST or None, initial=initial)
    return submit(
        request,
        form,
        action=lambda cleaned: services.request_rectify(
            actor=request.user, request=dsr, changes=form.changes(), reason=cleaned["reason"]
        ),
        success=_("The details are corrected."),
        redirect_to=_back(dsr),
        page=lambda: render(
            request, "privacy/request_rectify.html", {"dsr": dsr, "member": member, "form": form}
        ),
    )


def _overview(request: AuthenticatedHttpRequest, dsr: DataSubjectRequest, file_format: str) -> Any:
    """Record the export (a step and the log) and build the overview; None when refused."""
    form = OverviewForm(request.GET)
    with_names = bool(form.is_valid() and form.cleaned_data["namen"])
    try:
        services.access_overview_record(
            actor=request.user, request=dsr, file_format=file_format, with_names=with_names
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    member = selectors.request_member(dsr)  # the service refuses a request without a person
    return access_overview(dsr, member=member, with_employee_names=with_names)


@require_GET
@page(can_handle_data_subject_requests, obj=REQUEST_UNLOGGED, allow=can_act_on_request)
def overview_pdf_download(
    request: AuthenticatedHttpRequest, dsr: DataSubjectRequest
) -> HttpResponse:
    """The access overview as a PDF for the person (the export is logged)."""
    overview = _overview(request, dsr, "pdf")
    if overview is None:
        return redirect(_back(dsr))
    response = HttpResponse(overview_pdf(overview), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="inzage-{dsr.pk}.pdf"'
    return response


@require_GET
@page(can_handle_data_subject_requests, obj=REQUEST_UNLOGGED, allow=can_act_on_request)
def overview_json_download(
    request: AuthenticatedHttpRequest, dsr: DataSubjectRequest
) -> HttpResponse:
    """The access overview as JSON (the export is logged)."""
    overview = _overview(request, dsr, "json")
    if overview is None:
        return redirect(_back(dsr))
    response = JsonResponse(
        as_json(overview), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="inzage-{dsr.pk}.json"'
    return response
