"""Pages of the fixed contact persons of partner organisations (escalation level 2).

The inbox lists requests without personal data. A request page shows the household and
the value triangle only while the household's consent (or a recorded override) allows it;
``selectors.partner_request_open`` decides that and writes the processing log. Answers go
through the services; their ``ValidationError`` is shown on the form and nothing changes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.breakthroughs import charts, policies, selectors, services
from doorbraak.breakthroughs.models import PartnerRequest, RequestStatus, TimeOut
from doorbraak.breakthroughs.partner import selectors as partner_selectors
from doorbraak.breakthroughs.partner.forms import (
    InboxFilterForm,
    RequestAnswerForm,
    TimeOutAnswerForm,
)
from doorbraak.breakthroughs.selectors import PartnerView
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.fragments import form_html
from doorbraak.lib.views import submit

PAGE_SIZE = 25
#: The request or time-out of the URL, 404 for anyone outside the organisation asked;
#: neither reads household data.
PARTNER_REQUEST = Lookup("partner_request", partner_selectors.partner_request_get)
TIME_OUT = Lookup("time_out", partner_selectors.partner_time_out_get)
#: The request as its contact person sees it: the household's data only while sharing is
#: allowed, and every such read in the processing log.
SHARED_VIEW = Lookup("view", selectors.partner_request_open)


def _time_out_form(time_out: TimeOut, data: Any = None) -> TimeOutAnswerForm:
    return TimeOutAnswerForm(data, auto_id=f"timeout{time_out.pk}_%s")


# --- inbox ------------------------------------------------------------------------------------
@require_GET
@page(policies.can_answer_partner_requests)
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests to the user's organisations, most urgent deadline first; no household names."""
    form = InboxFilterForm(request.GET if "status" in request.GET else None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    requests = selectors.partner_inbox(user=request.user, status=status).only(
        *selectors.INBOX_ROW_COLUMNS
    )
    page_obj = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[PartnerRequest] = list(page_obj.object_list)
    page_obj.object_list = shown
    today = timezone.localdate()
    waiting = (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION)
    rows = [
        {
            "request": item,
            "overdue": item.status in waiting and item.deadline < today,
        }
        for item in shown
    ]
    return render(
        request,
        "partners/inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "time_outs": list(partner_selectors.partner_time_outs(user=request.user)),
            "querystring_without_page": urlencode({"status": status}) if status else "",
        },
    )


# --- one request ------------------------------------------------------------------------------
def _detail_page(
    request: AuthenticatedHttpRequest,
    view: PartnerView,
    *,
    answer_form: RequestAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    partner_request = view.request
    context: dict[str, Any] = {
        "view": view,
        "partner_request": partner_request,
        "today": timezone.localdate(),
        # Without consent in force there is nothing to read, and so nothing to answer.
        "can_answer": view.shared and policies.can_answer(request.user, partner_request),
        "answer_form": answer_form or RequestAnswerForm(),
        "time_outs": [],
    }
    if context["can_answer"]:
        # Blank, its HTML kept per language (lib/fragments.py); with errors, afresh.
        context["answer_form_html"] = form_html(context["answer_form"])
    if view.shared:
        breakthrough = selectors.partner_breakthrough(user=request.user, request=partner_request)
        household = partner_request.breakthrough.household
        calculation = selectors.breakthrough_return(breakthrough)
        regulation = partner_request.breakthrough.regulation
        context.update(
            household=household,
            breakthrough=breakthrough,
            bottleneck=partner_request.breakthrough.bottleneck,
            regulation=regulation,
            calculation=calculation,
            triangle=charts.triangle_summary(
                breakthrough=breakthrough,
                regulation=regulation,
                calculation=calculation,
                gaps={},
            ),
            payer_chart=charts.payer_chart(calculation),
            time_outs=[
                {
                    "time_out": time_out,
                    "form": _time_out_form(time_out),
                    "can_answer": policies.can_answer_time_out(request.user, time_out),
                }
                for time_out in breakthrough.time_outs.all()
                if time_out.organisation_id == partner_request.organisation_id
            ],
        )
    return render(request, "partners/request_detail.html", context, status=status)


@require_GET
@page(policies.can_answer_partner_requests, obj=SHARED_VIEW)
def request_detail(request: AuthenticatedHttpRequest, view: PartnerView) -> HttpResponse:
    return _detail_page(request, view)


@require_POST
@page(policies.can_answer_partner_requests, obj=PARTNER_REQUEST)
def request_answer(
    request: AuthenticatedHttpRequest, partner_request: PartnerRequest
) -> HttpResponse:
    form = RequestAnswerForm(request.POST)

    def not_sent() -> HttpResponse:
        messages.error(request, _("Your answer was not sent. Check the form."))
        return _detail_page(
            request, SHARED_VIEW.resolve(request, partner_request.pk), answer_form=form
        )

    return submit(
        request,
        form,
        action=lambda data: services.partner_request_answer(
            actor=request.user,
            request=partner_request,
            status=data["status"],
            answer=data["answer"],
        ),
        success=_("Your answer has been sent to the neighbourhood team."),
        redirect_to=reverse("partners:request-detail", args=[partner_request.pk]),
        page=not_sent,
    )


# --- time-outs --------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@page(policies.can_answer_partner_requests, obj=TIME_OUT)
def time_out_answer(request: AuthenticatedHttpRequest, time_out: TimeOut) -> HttpResponse:
    """Grant or refuse a time-out; the page shows what should pause, not who it is about."""
    form = _time_out_form(time_out, request.POST if request.method == "POST" else None)

    def back_to_the_request(_answered: Any) -> str:
        follow = _related_request(request, time_out)
        if follow is not None:
            return reverse("partners:request-detail", args=[follow])
        return reverse("partners:inbox")

    def time_out_page() -> HttpResponse:
        if request.method == "POST":
            messages.error(request, _("Your answer was not recorded. Check the form."))
        return render(
            request,
            "partners/time_out.html",
            {
                "time_out": time_out,
                "form": form,
                "can_answer": policies.can_answer_time_out(request.user, time_out),
                "request_pk": _related_request(request, time_out),
            },
        )

    return submit(
        request,
        form,
        action=lambda data: services.time_out_answer(
            actor=request.user, time_out=time_out, granted=form.granted, answer=data["answer"]
        ),
        success=_("Your answer to the time-out has been recorded."),
        redirect_to=back_to_the_request,
        page=time_out_page,
    )


def _related_request(request: AuthenticatedHttpRequest, time_out: TimeOut) -> int | None:
    """The user's request about the same breakthrough from the same organisation, if any."""
    return (
        PartnerRequest.objects.for_partner(request.user)
        .filter(breakthrough_id=time_out.breakthrough_id, organisation_id=time_out.organisation_id)
        .exclude(status=RequestStatus.WITHDRAWN)
        .order_by("-asked_at")
        .values_list("pk", flat=True)
        .first()
    )


# --- directory --------------------------------------------------------------------------------
@require_GET
@page(can_view_organisations)
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per organisation its fixed contact persons, their mandate and how fast they answer."""
    entries = selectors.partner_directory(user=request.user)
    rows = [
        {
            "entry": entry,
            "contacts": [
                {"membership": m, "profile": getattr(m, "contact_profile", None)}
                for m in entry.contacts
            ],
        }
        for entry in entries
    ]
    return render(request, "partners/directory.html", {"rows": rows})
