"""The team's pages for bottlenecks and breakthroughs, and the breakthrough table's queue.

Objects are fetched through the selectors: 404 outside the household's team (and the read
is in the processing log). Every change goes through a service; its ``ValidationError``
is shown on the form with status 200 and nothing changes. Changes work as a plain POST
with a redirect; the scenario lines also answer htmx with the refreshed return section.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.selectors import AnyUser, organisation_list
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.breakthroughs import charts, policies, selectors, services
from doorbraak.breakthroughs.forms import (
    BottleneckForm,
    BreakthroughEditForm,
    BreakthroughFilterForm,
    BreakthroughStartForm,
    CarryOutForm,
    ClarifyForm,
    DecideForm,
    EscalateForm,
    EvaluateForm,
    OwnScenarioLineForm,
    PartnerRequestForm,
    ScenarioLineForm,
    TimeOutForm,
)
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    Scenario,
    ScenarioLine,
    Theme,
)
from doorbraak.breakthroughs.returns import Line
from doorbraak.households.models import Household, HouseholdStatus, MemberRole
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.forms import add_service_errors
from doorbraak.lib.fragments import filter_form_html, form_html
from doorbraak.lib.rows import UUID_PLACEHOLDER, choice_labels, day_writer, url_maker
from doorbraak.lib.templatetags.money import format_euros
from doorbraak.lib.views import submit
from doorbraak.library import selectors as library_selectors
from doorbraak.library.models import Deviation

PAGE_SIZE = 25
#: Cards per page of the breakthrough-table queue.
QUEUE_PAGE_SIZE = 20
_OPEN_REQUEST = (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION)
#: The objects of the URLs, 404 outside the household's own team; a read record except on
#: a POST (the service logs the change).
BREAKTHROUGH = Lookup(
    "breakthrough",
    selectors.breakthrough_get,
    log="reads",
    hide_unless=policies.works_on_household_of,
)
#: The breakthrough page's read: what the page shows (``selectors.breakthrough_page``),
#: visible and recorded as ``BREAKTHROUGH``.
BREAKTHROUGH_PAGE = Lookup(
    "breakthrough",
    selectors.breakthrough_page,
    log="reads",
    hide_unless=policies.works_on_household_of,
)
BOTTLENECK = Lookup(
    "bottleneck", selectors.bottleneck_get, log="reads", hide_unless=policies.works_on_household_of
)
HOUSEHOLD = Lookup(
    "household", household_open, "public_id", log="reads", hide_unless=policies.works_on
)


def _team_request(*, user: AnyUser, pk: int) -> PartnerRequest:
    """A request to a partner about a breakthrough the user may see (404 otherwise)."""
    found = (
        PartnerRequest.objects.filter(pk=pk, breakthrough__in=Breakthrough.objects.visible_to(user))
        .only("pk", "breakthrough_id")
        .first()
    )
    if found is None:
        raise Http404
    return found


TEAM_REQUEST = Lookup("partner_request", _team_request, "request_pk", keyword="pk")


# --- helpers ----------------------------------------------------------------------------------
def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _reread(request: AuthenticatedHttpRequest, pk: int) -> Breakthrough:
    """The breakthrough again after a change (the service logged the processing)."""
    return BREAKTHROUGH.resolve(request, pk, log=False)


def _to_detail(breakthrough: Breakthrough) -> HttpResponse:
    return redirect("breakthroughs:detail", pk=breakthrough.pk)


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    form: Any,
    title: str,
    submit: str,
    back_url: str,
    back_label: str,
    intro: list[str] | None = None,
    explanation: str = "",
    suggest: bool = False,
) -> HttpResponse:
    return render(
        request,
        "breakthroughs/form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back_url": back_url,
            "back_label": back_label,
            "intro": intro or [],
            "explanation": explanation,
            "suggest": suggest,
        },
    )


def _back_to(breakthrough: Breakthrough) -> dict[str, Any]:
    return {
        "back_url": reverse("breakthroughs:detail", args=[breakthrough.pk]),
        "back_label": _("Back to the breakthrough"),
    }


def _line_rows(breakthrough: Breakthrough, scenario: str) -> list[dict[str, Any]]:
    rows = []
    for line in breakthrough.scenario_lines.all():
        if line.scenario != scenario:
            continue
        cost = Line(
            scenario=line.scenario,
            amount_cents=line.item_amount_cents,
            payer=line.item_payer,
            quantity=line.quantity,
            probability_pct=line.probability_pct,
        ).cost_cents
        rows.append({"line": line, "cost_cents": cost})
    return rows


def _return_context(
    request: AuthenticatedHttpRequest,
    breakthrough: Breakthrough,
    line_form: ScenarioLineForm | None = None,
    own_line_form: OwnScenarioLineForm | None = None,
    *,
    open_form: str = "",
) -> dict[str, Any]:
    """The return side, its charts and the "ready to submit?" checklist (one htmx fragment)."""
    can_edit = policies.can_edit_breakthrough(request.user, breakthrough)
    if can_edit and line_form is None:
        line_form = ScenarioLineForm(
            cost_items=selectors.cost_item_choices(
                user=request.user, household=breakthrough.household
            ),
            auto_id="id_line_%s",
        )
    if can_edit and own_line_form is None:
        own_line_form = OwnScenarioLineForm(auto_id="id_own_%s")
    calculation = selectors.breakthrough_return(breakthrough)
    gaps = services.triangle_gaps(breakthrough) if breakthrough.is_draft else {}
    status_quo_rows = _line_rows(breakthrough, Scenario.STATUS_QUO)
    breakthrough_rows = _line_rows(breakthrough, Scenario.BREAKTHROUGH)
    return {
        "breakthrough": breakthrough,
        "can_edit": can_edit,
        "can_submit": can_edit,
        "calculation": calculation,
        "payer_chart": charts.payer_chart(calculation),
        "triangle": charts.triangle_summary(
            breakthrough=breakthrough,
            regulation=breakthrough.regulation,
            calculation=calculation,
            gaps=gaps,
        ),
        "gaps": list(gaps.values()),
        "status_quo_rows": status_quo_rows,
        "breakthrough_rows": breakthrough_rows,
        # Without any line yet, adding them is the work left: both forms start unfolded.
        "no_lines": not status_quo_rows and not breakthrough_rows,
        "line_form": line_form,
        "own_line_form": own_line_form,
        "open_form": open_form,
    }


def _route(breakthrough: Breakthrough) -> list[dict[str, Any]]:
    steps = list(breakthrough.escalation_steps.all())
    return [
        {
            "level": level,
            "label": level.label,
            "current": breakthrough.is_open and breakthrough.level == level,
            "passed": breakthrough.level > level,
            "steps": [step for step in steps if step.level == level],
        }
        for level in EscalationLevel
    ]


def _detail_page(
    request: AuthenticatedHttpRequest,
    breakthrough: Breakthrough,
    **forms: Any,
) -> HttpResponse:
    """The breakthrough page; ``forms`` replaces an action's form with a bound one with errors."""
    user = request.user
    can_edit = policies.can_edit_breakthrough(user, breakthrough)
    can_decide = policies.can_decide(user, breakthrough)
    can_override = policies.can_override_consent(user, breakthrough)
    household_open_now = breakthrough.household.status == HouseholdStatus.ACTIVE
    is_open = breakthrough.is_open
    can_request = is_open and breakthrough.level <= EscalationLevel.PARTNER
    can_time_out = breakthrough.status in (BreakthroughStatus.DRAFT, BreakthroughStatus.SUBMITTED)
    requests = list(breakthrough.partner_requests.all())
    context: dict[str, Any] = {
        **_return_context(request, breakthrough, forms.get("line_form")),
        "household": breakthrough.household,
        "bottleneck": breakthrough.bottleneck,
        "regulation": breakthrough.regulation,
        "submit_errors": forms.get("submit_errors", []),
        "route": _route(breakthrough),
        "requests": [
            {
                "request": r,
                "clarify_form": forms.get("clarify_form")
                if forms.get("clarify_pk") == r.pk
                else ClarifyForm(auto_id=f"id_clarify{r.pk}_%s"),
            }
            for r in requests
        ],
        "time_outs": list(breakthrough.time_outs.all()),
        "disclosures": list(breakthrough.disclosures.all()),
        "decisions": list(breakthrough.decisions.all()),
        "can_edit": can_edit,
        "can_decide": can_decide,
        "can_escalate": is_open and breakthrough.level < EscalationLevel.ADMINISTRATIVE,
        "can_request": can_request and household_open_now,
        "can_time_out": can_time_out and household_open_now,
        "can_override": can_override,
        "can_carry_out": breakthrough.status == BreakthroughStatus.APPROVED,
        "can_evaluate": breakthrough.status == BreakthroughStatus.CARRIED_OUT,
        "today": timezone.localdate(),
    }
    # A bound form with errors is shown even when the step no longer fits (decided meanwhile).
    context["can_decide"] = can_decide or "decide_form" in forms
    context["can_escalate"] = context["can_escalate"] or "escalate_form" in forms
    if context["can_decide"]:
        context["decide_form"] = forms.get("decide_form") or DecideForm(auto_id="id_decide_%s")
        context["decide_form_html"] = form_html(context["decide_form"])
    if context["can_escalate"]:
        context["escalate_form"] = forms.get("escalate_form") or EscalateForm(
            auto_id="id_escalate_%s"
        )
        context["escalate_form_html"] = form_html(context["escalate_form"])
    if context["can_request"]:
        context["request_form"] = forms.get("request_form") or _request_form(
            request, breakthrough, auto_id="id_request_%s"
        )
        context["consented"] = selectors.consented_organisations(household=breakthrough.household)
    return render(request, "breakthroughs/breakthrough_detail.html", context)


def _sharing_form_kwargs(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> Any:
    return {
        "organisations": organisation_list(user=request.user),
        "can_override": policies.can_override_consent(request.user, breakthrough),
    }


# --- list -------------------------------------------------------------------------------------
@require_GET
@page(policies.can_work_on_breakthroughs)
def breakthrough_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The team's breakthroughs; passed deadlines of open ones first."""
    form = BreakthroughFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    page_obj = selectors.breakthrough_list_page(
        user=request.user,
        today=today,
        status=filters.get("status") or "",
        level=filters.get("level"),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    shown: list[Breakthrough] = list(page_obj.object_list)
    selectors.log_breakthrough_list(user=request.user, breakthroughs=shown)
    querystring = urlencode(
        [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v]
    )
    # What each row shows, prepared once for the page (lib/rows.py): two URLs reversed once,
    # the labels translated once, each deadline's day written once.
    detail_url = url_maker("breakthroughs:detail")
    household_url = url_maker("households:detail", placeholder=UUID_PLACEHOLDER)
    statuses = choice_labels(BreakthroughStatus.choices)
    levels = choice_labels(EscalationLevel.choices)
    day = day_writer()
    rows = [
        {
            "breakthrough": breakthrough,
            "url": detail_url(breakthrough.pk),
            "household_url": household_url(breakthrough.household.public_id),
            "status": statuses.get(breakthrough.status, breakthrough.status),
            "level": levels.get(breakthrough.level, breakthrough.level),
            "deadline": day(breakthrough.level_deadline),
            "open": breakthrough.is_open,
            "overdue": breakthrough.level_deadline is not None
            and breakthrough.level_deadline < today,
        }
        for breakthrough in shown
    ]
    return render(
        request,
        "breakthroughs/breakthrough_list.html",
        {
            # Two selects of fixed choices: their HTML kept per language and values.
            "form_html": filter_form_html(form),
            "page_obj": page_obj,
            "rows": rows,
            "today": today,
            "querystring_without_page": querystring,
        },
    )


# --- bottlenecks ------------------------------------------------------------------------------
def _bottleneck_form(request: AuthenticatedHttpRequest, **kwargs: Any) -> BottleneckForm:
    return BottleneckForm(
        request.POST if request.method == "POST" else None,
        regulations=library_selectors.regulation_list(user=request.user),
        organisations=organisation_list(user=request.user),
        **kwargs,
    )


@page(policies.can_work_on_breakthroughs, obj=HOUSEHOLD)
def bottleneck_create(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    form = _bottleneck_form(request)
    return submit(
        request,
        form,
        action=lambda data: services.bottleneck_register(
            actor=request.user,
            household=household,
            title=data["title"],
            description=data["description"],
            theme=data["theme"],
            kind=data["kind"],
            blocked_solution=data["blocked_solution"],
            regulations=list(data["regulations"]),
            organisations=list(data["organisations"]),
        ),
        success=_("The bottleneck is registered."),
        redirect_to=lambda bottleneck: reverse(
            "breakthroughs:bottleneck-detail", args=[bottleneck.pk]
        ),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Register a bottleneck"),
            suggest=True,
            submit=_("Register bottleneck"),
            back_url=reverse("households:detail", args=[household.public_id]),
            back_label=_("Back to %(name)s") % {"name": household.name},
            intro=[
                _(
                    "Describe what is stuck for this household, and which rules or practices "
                    "of organisations cause it."
                )
            ],
        ),
    )


@require_GET
@page(policies.can_work_on_breakthroughs, obj=BOTTLENECK)
def bottleneck_detail(request: AuthenticatedHttpRequest, bottleneck: Bottleneck) -> HttpResponse:
    household = bottleneck.household
    can_change = household.status == HouseholdStatus.ACTIVE
    return render(
        request,
        "breakthroughs/bottleneck_detail.html",
        {
            "bottleneck": bottleneck,
            "household": household,
            "regulations": list(bottleneck.regulations.all()),
            "organisations": list(bottleneck.organisations.all()),
            "breakthroughs": list(bottleneck.breakthroughs.order_by("-created_at", "-pk")),
            "can_change": can_change,
            "start_form": _start_form(request, bottleneck) if can_change else None,
        },
    )


@page(policies.can_work_on_breakthroughs, obj=BOTTLENECK)
def bottleneck_edit(request: AuthenticatedHttpRequest, bottleneck: Bottleneck) -> HttpResponse:
    initial = {
        "title": bottleneck.title,
        "description": bottleneck.description,
        "theme": bottleneck.theme,
        "kind": bottleneck.kind,
        "blocked_solution": bottleneck.blocked_solution,
        "regulations": list(bottleneck.regulations.all()),
        "organisations": list(bottleneck.organisations.all()),
    }
    form = _bottleneck_form(request, initial=initial)
    return submit(
        request,
        form,
        action=lambda data: services.bottleneck_update(
            actor=request.user,
            bottleneck=bottleneck,
            title=data["title"],
            description=data["description"],
            theme=data["theme"],
            kind=data["kind"],
            blocked_solution=data["blocked_solution"],
            regulations=list(data["regulations"]),
            organisations=list(data["organisations"]),
        ),
        success=_("The bottleneck is changed."),
        redirect_to=reverse("breakthroughs:bottleneck-detail", args=[bottleneck.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Change the bottleneck"),
            suggest=True,
            submit=_("Save"),
            back_url=reverse("breakthroughs:bottleneck-detail", args=[bottleneck.pk]),
            back_label=_("Back to the bottleneck"),
        ),
    )


# --- breakthrough: start, edit, lines, submit --------------------------------------------------
def _start_form(request: AuthenticatedHttpRequest, bottleneck: Bottleneck) -> BreakthroughStartForm:
    """The proposal's form, offering what was written before: the bottleneck's blocked
    solution as the breakthrough's one line, and the agreed plan's goals and commitment
    on the engagement side."""
    offer = selectors.plan_offer(household=bottleneck.household)
    return BreakthroughStartForm(
        request.POST if request.method == "POST" else None,
        initial={
            "title": bottleneck.blocked_solution[:200],
            "engagement": offer.goals,
            "household_commitment": offer.commitment,
        },
        regulations=library_selectors.regulation_list(user=request.user),
    )


@page(policies.can_work_on_breakthroughs, obj=BOTTLENECK)
def breakthrough_create(request: AuthenticatedHttpRequest, bottleneck: Bottleneck) -> HttpResponse:
    form = _start_form(request, bottleneck)
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_start(
            actor=request.user,
            bottleneck=bottleneck,
            title=data["title"],
            proposal=data["proposal"],
            regulation=data["regulation"],
            legal_reasoning=data["legal_reasoning"],
            direct_cost_cents=form.direct_cost_cents(),
            direct_cost_payer=data["direct_cost_payer"],
            engagement=data["engagement"],
            household_commitment=data["household_commitment"],
        ),
        put_errors=functools.partial(
            add_service_errors, rename={"direct_cost_cents": "direct_cost"}
        ),
        success=_("The breakthrough is started as a draft. Complete its value triangle."),
        redirect_to=lambda breakthrough: reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Propose a breakthrough"),
            submit=_("Start the proposal"),
            back_url=reverse("breakthroughs:bottleneck-detail", args=[bottleneck.pk]),
            back_label=_("Back to the bottleneck"),
            intro=[_("Which exception would unblock: %(title)s?") % {"title": bottleneck.title}],
        ),
    )


@require_GET
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH_PAGE)
def breakthrough_detail(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    return _detail_page(request, breakthrough)


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def breakthrough_edit(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    if not policies.can_edit_breakthrough(request.user, breakthrough):
        messages.error(request, _("Only a draft of an open household can be changed."))
        return _to_detail(breakthrough)
    offer = selectors.plan_offer(household=breakthrough.household)
    initial = {
        "title": breakthrough.title,
        "proposal": breakthrough.proposal,
        "regulation": breakthrough.regulation,
        "legal_reasoning": breakthrough.legal_reasoning,
        "horizon_months": breakthrough.horizon_months,
        "direct_cost": breakthrough.direct_cost_cents / 100,
        "direct_cost_payer": breakthrough.direct_cost_payer,
        # The engagement side starts from the household's agreed plan: its goals, and what
        # the household promised.
        "engagement": breakthrough.engagement or offer.goals,
        "household_commitment": breakthrough.household_commitment or offer.commitment,
    }
    form = BreakthroughEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        regulations=library_selectors.regulation_list(user=request.user),
    )
    direct_cost = form.fields["direct_cost"]
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_update(
            actor=request.user,
            breakthrough=breakthrough,
            title=data["title"],
            proposal=data["proposal"],
            regulation=data["regulation"],
            legal_reasoning=data["legal_reasoning"],
            horizon_months=data["horizon_months"],
            direct_cost_cents=direct_cost.cents(data["direct_cost"]) or 0,  # type: ignore[attr-defined]
            direct_cost_payer=data["direct_cost_payer"],
            engagement=data["engagement"],
            household_commitment=data["household_commitment"],
        ),
        put_errors=functools.partial(
            add_service_errors, rename={"direct_cost_cents": "direct_cost"}
        ),
        success=_("The breakthrough is saved."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Change the breakthrough"),
            submit=_("Save"),
            intro=[
                _(
                    "The value triangle may stay incomplete while you work on it; it must be "
                    "complete to submit."
                )
            ],
            **_back_to(breakthrough),
        ),
    )


def _return_fragment(
    request: AuthenticatedHttpRequest,
    breakthrough: Breakthrough,
    line_form: Any = None,
    own_line_form: Any = None,
) -> HttpResponse:
    """The return section again, and the checklist out of band: both fresh after a change."""
    fresh = _reread(request, breakthrough.pk)
    context = _return_context(
        request,
        fresh,
        line_form,
        own_line_form,
        open_form="own" if own_line_form is not None else "",
    )
    context["oob"] = True
    return render(request, "breakthroughs/_return_fragment.html", context)


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def line_add(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> HttpResponse:
    if not policies.can_edit_breakthrough(request.user, breakthrough):
        messages.error(request, _("Only a draft of an open household can be changed."))
        return _to_detail(breakthrough)
    form = ScenarioLineForm(
        request.POST if request.method == "POST" else None,
        cost_items=selectors.cost_item_choices(user=request.user, household=breakthrough.household),
        auto_id="id_line_%s",
    )
    return submit(
        request,
        form,
        action=lambda data: services.scenario_line_add(
            actor=request.user,
            breakthrough=breakthrough,
            scenario=data["scenario"],
            cost_item=data["cost_item"],
            quantity=data["quantity"],
            probability_pct=data["probability_pct"],
            note=data["note"],
        ),
        success=_("The line is added."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        htmx=lambda _line: _return_fragment(request, breakthrough),
        htmx_page=lambda: _return_fragment(request, breakthrough, form),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Add a line to the return calculation"),
            submit=_("Add line"),
            intro=[
                _("Cost item × quantity × probability, in the status quo or with the breakthrough.")
            ],
            **_back_to(breakthrough),
        ),
    )


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def own_line_add(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> HttpResponse:
    """A household-specific line (own description, price, payer, unit and source)."""
    if not policies.can_edit_breakthrough(request.user, breakthrough):
        messages.error(request, _("Only a draft of an open household can be changed."))
        return _to_detail(breakthrough)
    form = OwnScenarioLineForm(
        request.POST if request.method == "POST" else None, auto_id="id_own_%s"
    )
    return submit(
        request,
        form,
        action=lambda data: services.scenario_own_line_add(
            actor=request.user,
            breakthrough=breakthrough,
            scenario=data["scenario"],
            description=data["description"],
            amount_cents=form.amount_cents(),
            payer=data["payer"],
            unit=data["unit"],
            quantity=data["quantity"],
            probability_pct=data["probability_pct"],
            source=data["source"],
            note=data["note"],
        ),
        put_errors=functools.partial(add_service_errors, rename={"amount_cents": "amount"}),
        success=_("The line is added."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        htmx=lambda _line: _return_fragment(request, breakthrough),
        htmx_page=lambda: _return_fragment(request, breakthrough, None, form),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Add a household-specific line"),
            submit=_("Add line"),
            intro=[
                _(
                    "For a cost the catalogue does not hold, such as this household's travel "
                    "costs: give the price per unit and where the amount comes from."
                )
            ],
            **_back_to(breakthrough),
        ),
    )


@require_POST
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def line_remove(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough, line_pk: int
) -> HttpResponse:
    line: ScenarioLine | None = next(
        (line for line in breakthrough.scenario_lines.all() if line.pk == line_pk), None
    )
    if line is None:
        raise Http404
    try:
        services.scenario_line_remove(actor=request.user, line=line)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not _is_htmx(request):
            messages.success(request, _("The line is removed."))
    if _is_htmx(request):
        return _return_fragment(request, breakthrough)
    return _to_detail(breakthrough)


@require_POST
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def breakthrough_submit(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    try:
        services.breakthrough_submit(actor=request.user, breakthrough=breakthrough)
    except ValidationError as error:
        return _detail_page(
            request, _reread(request, breakthrough.pk), submit_errors=error.messages
        )
    messages.success(
        request, _("The breakthrough is submitted. It starts within the team's own mandate.")
    )
    return _to_detail(breakthrough)


# --- deciding and escalating ------------------------------------------------------------------
@require_POST
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH, allow=policies.can_decide)
def breakthrough_decide(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    form = DecideForm(request.POST, auto_id="id_decide_%s")
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_decide(
            actor=request.user,
            breakthrough=breakthrough,
            outcome=data["outcome"],
            mandate=data["mandate"],
            reason=data["reason"],
        ),
        success=_("The decision is on record."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _detail_page(request, _reread(request, breakthrough.pk), decide_form=form),
    )


@require_POST
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def breakthrough_escalate(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    form = EscalateForm(request.POST, auto_id="id_escalate_%s")
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_escalate(
            actor=request.user,
            breakthrough=breakthrough,
            reason=data["reason"],
            to_level=EscalationLevel.TABLE if data.get("to_table") else None,
        ),
        success=lambda step: (
            _("The breakthrough went to: %(level)s.") % {"level": EscalationLevel(step.level).label}
        ),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _detail_page(request, _reread(request, breakthrough.pk), escalate_form=form),
    )


# --- partners and time-outs -------------------------------------------------------------------
def _request_form(
    request: AuthenticatedHttpRequest,
    breakthrough: Breakthrough,
    *,
    bound: bool = False,
    auto_id: str = "id_%s",
) -> PartnerRequestForm:
    """The request form (bound to the POST when ``bound``); members offered for consent,
    the head of the household chosen."""
    members = selectors.consent_givers(household=breakthrough.household)
    head = next((m for m in members if m.role == MemberRole.HEAD), None)
    return PartnerRequestForm(
        request.POST if bound else None,
        initial={"consent_given_by": head.pk} if head is not None else None,
        members=members,
        without_contact=selectors.organisations_without_contact(
            user=request.user, household=breakthrough.household
        ),
        auto_id=auto_id,
        **_sharing_form_kwargs(request, breakthrough),
    )


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def request_create(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> HttpResponse:
    """Ask a partner; consent is checked first and can be recorded here, keeping the question.

    A refusal shows this page again with everything typed; for an organisation without a
    fixed contact person it offers to take the breakthrough straight to the table.
    """
    form = _request_form(request, breakthrough, bound=request.method == "POST")
    return submit(
        request,
        form,
        action=lambda data: services.partner_request_send(
            actor=request.user,
            breakthrough=breakthrough,
            organisation=data["organisation"],
            question=data["question"],
            legal_basis=data["legal_basis"],
            override_reason=data.get("override_reason") or "",
            consent_given_by=data.get("consent_given_by") if data.get("consent_now") else None,
            consent_method=data.get("consent_method") or "",
        ),
        success=lambda _sent: (
            _("The request is sent to %(organisation)s.")
            % {"organisation": form.cleaned_data["organisation"].name}
        ),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _request_page(request, breakthrough, form),
    )


def _request_page(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough, form: PartnerRequestForm
) -> HttpResponse:
    # A refused field is no longer in cleaned_data: read the choice as typed.
    value = str(form["organisation"].value() or "") if form.is_bound else ""
    without_contact = selectors.organisations_without_contact(
        user=request.user, household=breakthrough.household
    )
    chosen = (
        organisation_list(user=request.user).filter(pk=int(value)).first()
        if value.isdigit() and int(value) in without_contact
        else None
    )
    no_contact = chosen is not None
    return render(
        request,
        "breakthroughs/request_form.html",
        {
            "breakthrough": breakthrough,
            "form": form,
            "consented": selectors.consented_organisations(household=breakthrough.household),
            "explanation": _override_explanation(request, breakthrough),
            "no_contact": no_contact,
            "can_to_table": no_contact
            and breakthrough.is_open
            and breakthrough.level < EscalationLevel.TABLE,
            "to_table_reason": (
                _("%(organisation)s has no fixed contact person; straight to the table.")
                % {"organisation": chosen.name}
                if no_contact and chosen is not None
                else ""
            ),
            **_back_to(breakthrough),
        },
    )


def _override_explanation(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> str:
    if not policies.can_override_consent(request.user, breakthrough):
        return ""
    return _(
        "As team lead you may share without the household's consent when it is necessary. "
        "Write down why; the reason is recorded with the disclosure and visible to the "
        "privacy officer."
    )


@require_POST
@page(policies.can_work_on_breakthroughs, obj=TEAM_REQUEST)
def request_clarify(
    request: AuthenticatedHttpRequest, partner_request: PartnerRequest
) -> HttpResponse:
    request_pk = partner_request.pk
    breakthrough = _reread(request, partner_request.breakthrough_id)
    form = ClarifyForm(request.POST, auto_id=f"id_clarify{request_pk}_%s")
    return submit(
        request,
        form,
        action=lambda data: services.partner_request_clarify(
            actor=request.user, request=partner_request, information=data["information"]
        ),
        success=_("The information is sent; the request is open again."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _detail_page(
            request,
            _reread(request, breakthrough.pk),
            clarify_form=form,
            clarify_pk=request_pk,
        ),
    )


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def time_out_create(request: AuthenticatedHttpRequest, breakthrough: Breakthrough) -> HttpResponse:
    form = TimeOutForm(
        request.POST if request.method == "POST" else None,
        **_sharing_form_kwargs(request, breakthrough),
    )
    return submit(
        request,
        form,
        action=lambda data: services.time_out_request(
            actor=request.user,
            breakthrough=breakthrough,
            organisation=data["organisation"],
            what=data["what"],
            until=data["until"],
            legal_basis=data["legal_basis"],
            override_reason=data.get("override_reason") or "",
        ),
        success=_("The time-out is requested."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Request a time-out"),
            submit=_("Request the time-out"),
            intro=[
                _(
                    "Ask an organisation to pause collection or eviction while the "
                    "breakthrough is decided."
                )
            ],
            explanation=_override_explanation(request, breakthrough),
            **_back_to(breakthrough),
        ),
    )


# --- after the decision -----------------------------------------------------------------------
@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def breakthrough_carry_out(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    form = CarryOutForm(request.POST if request.method == "POST" else None)
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_carry_out(
            actor=request.user,
            breakthrough=breakthrough,
            carried_out_on=data["carried_out_on"],
            note=data["note"],
        ),
        success=_("The breakthrough is carried out."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("The breakthrough is carried out"),
            submit=_("Save"),
            **_back_to(breakthrough),
        ),
    )


@page(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
def breakthrough_evaluate(
    request: AuthenticatedHttpRequest, breakthrough: Breakthrough
) -> HttpResponse:
    form = EvaluateForm(request.POST if request.method == "POST" else None)
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_evaluate(
            actor=request.user,
            breakthrough=breakthrough,
            evaluated_on=data["evaluated_on"],
            evaluation=data["evaluation"],
        ),
        success=_("The evaluation is saved."),
        redirect_to=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        page=lambda: _form_page(
            request,
            form=form,
            title=_("Evaluate the breakthrough"),
            submit=_("Save the evaluation"),
            **_back_to(breakthrough),
        ),
    )


# --- breakthrough table -----------------------------------------------------------------------
@dataclass(frozen=True)
class _CardText:
    """What the queue's cards write, prepared once per page (lib/rows.py)."""

    decide_url: Callable[[int], str]
    themes: dict[Any, str]
    deviations: dict[Any, str]
    day: Callable[[datetime.date | None], str]
    today: datetime.date
    #: The card's sentences with a blank, translated once for all cards.
    age: str
    pays_more: str
    passed: str

    @classmethod
    def for_page(cls) -> _CardText:
        return cls(
            decide_url=url_maker("breakthroughs:table-item"),
            themes=choice_labels(Theme.choices),
            deviations=choice_labels(Deviation.choices),
            day=day_writer(),
            today=timezone.localdate(),
            age=_("age %(band)s"),
            pays_more=_("%(payer)s pays more"),
            passed=_("%(date)s passed"),
        )


def _queue_card(item: selectors.QueueItem, text: _CardText) -> dict[str, Any]:
    """A card's text, each piece written as the template wrote it (it escapes them); the
    pieces of a line joined here with separators that escaping leaves as they are, so the
    template writes one value where it wrote several, a loop or a filter."""
    breakthrough = item.breakthrough
    regulation = breakthrough.regulation
    theme = breakthrough.bottleneck.theme
    deadline = breakthrough.level_deadline
    day = text.day(deadline)
    return {
        "item": item,
        "title": breakthrough.bottleneck.title,
        "theme": text.themes.get(theme, theme),
        "household": f"{item.initials} · {item.district} · " + text.age % {"band": item.age_band},
        "proposal": breakthrough.title,
        "regulation": regulation,
        "citation": regulation.citation if regulation else "",
        "deviation": text.deviations.get(regulation.deviation, regulation.deviation)
        if regulation
        else "",
        "deviation_class": ("db-badge--ok" if regulation.allows_deviation else "db-badge--warning")
        if regulation
        else "",
        "net_return": format_euros(item.return_calculation.net_return_cents),
        "pays_more": [
            text.pays_more % {"payer": split.label} for split in item.return_calculation.paying_more
        ],
        "commitment": breakthrough.household_commitment or "–",
        "asked": ", ".join(
            f"{request.organisation.name} ({request.state_label.lower()})"
            for request in item.partner_requests
            if request.status in _OPEN_REQUEST
        )
        or "–",
        "decide_url": text.decide_url(breakthrough.pk),
        "deadline": day or "–",
        "passed": text.passed % {"date": day}
        if deadline is not None and deadline < text.today
        else "",
    }


def _queue_charts(item: selectors.QueueItem) -> dict[str, Any]:
    """The chair's card at a glance: the triangle and the return per payer (no queries)."""
    breakthrough = item.breakthrough
    return {
        "triangle": charts.triangle_summary(
            breakthrough=breakthrough,
            regulation=breakthrough.regulation,
            calculation=item.return_calculation,
            gaps={},
        ),
        "payer_chart": charts.payer_chart(item.return_calculation),
        "calculation": item.return_calculation,
    }


@require_GET
@page(policies.can_view_table_queue)
def table_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Minimised cards of the breakthroughs at the table: no names, addresses or BSN.

    Paged (the nearest deadlines first): a region's queue holds thousands of cards, and
    every card shown is a read of a household.
    """
    # The ids of the whole queue in one query (a region's queue is a few thousand ids at
    # most), paged here: the count and the page are cut from it instead of two joins of
    # the queue with the municipality's households (issue 20).
    queue = selectors.table_queue_ids(user=request.user)
    page_obj = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.table_queue(user=request.user, page=list(page_obj.object_list))
    text = _CardText.for_page()
    return render(
        request,
        "breakthroughs/table_queue.html",
        {
            "cards": [_queue_card(item, text) for item in items],
            "page_obj": page_obj,
            "querystring_without_page": "",
            "today": timezone.localdate(),
        },
    )


@page(policies.can_view_table_queue)
def table_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One card of the queue with the decision form; 404 unless it is in the chair's queue."""
    found = selectors.table_queue(user=request.user, pk=pk)
    if not found:
        raise Http404
    item = found[0]
    form = DecideForm(request.POST if request.method == "POST" else None)
    return submit(
        request,
        form,
        action=lambda data: services.breakthrough_decide(
            actor=request.user,
            breakthrough=item.breakthrough,
            outcome=data["outcome"],
            mandate=data["mandate"],
            reason=data["reason"],
        ),
        success=_("The decision is on record."),
        redirect_to="breakthroughs:table-queue",
        page=lambda: render(
            request,
            "breakthroughs/table_item.html",
            {
                "cards": [_queue_card(item, _CardText.for_page())],
                **_queue_charts(item),
                "form": form,
                "can_decide": policies.can_decide(request.user, item.breakthrough),
                "today": timezone.localdate(),
            },
        ),
    )
