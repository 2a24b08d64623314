"""Pages of the plan (één plan): goals per life domain, actions, the household's commitment.

Plans are fetched through ``selectors.plan_get`` (404 outside the household's team) and
changed through the services; their ``ValidationError`` is shown on the form and nothing
changes. Every change works as a plain POST with a redirect, and with htmx, which gets the
plan body (``plans/_plan_body.html``) back to swap in place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.selectors import organisation_list
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.assessments import selectors as assessment_selectors
from doorbraak.assessments.services import domains_for
from doorbraak.audit.models import ProcessingAction
from doorbraak.households import policies
from doorbraak.households import selectors as household_selectors
from doorbraak.households.models import Household
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.views import submit
from doorbraak.plans import selectors, services
from doorbraak.plans.forms import (
    ActionForm,
    ActionStatusForm,
    CommitmentForm,
    GoalForm,
    PlanStartForm,
)
from doorbraak.plans.models import Action, ActionOwner, ActionStatus, Goal, Plan, PlanStatus
from doorbraak.plans.pdf import plan_pdf
from doorbraak.plans.processing import log_plan
from doorbraak.socialmap.selectors import services_for_plan

#: The plan of the URL, 404 outside the household's team.
PLAN = Lookup("plan", selectors.plan_get)
#: The household of the URL; a read record except on a POST.
HOUSEHOLD = Lookup("household", household_selectors.household_open, "public_id", log="reads")


# --- helpers ----------------------------------------------------------------------------------
def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _goal(plan: Plan, goal_pk: int) -> Goal:
    """A goal of this plan (from the prefetched goals), or 404."""
    for goal in plan.goals.all():
        if goal.pk == goal_pk:
            return goal
    raise Http404


def _action(plan: Plan, action_pk: int) -> Action:
    """An action of this plan (from the prefetched actions), or 404."""
    for action in plan.actions.all():
        if action.pk == action_pk:
            return action
    raise Http404


def _plan_context(
    request: AuthenticatedHttpRequest,
    plan: Plan,
    *,
    bound: dict[str, forms.Form] | None = None,
    errors: list[str] | None = None,
    agree_errors: list[str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """Everything the plan body shows; ``bound`` holds a form that failed, by its key."""
    bound = bound or {}
    household = plan.household
    editable = plan.status == PlanStatus.DRAFT and policies.can_edit_household(
        request.user, household
    )
    status_editable = plan.status != PlanStatus.SUPERSEDED and policies.can_work_on_households(
        request.user
    )
    organisations = list(organisation_list(user=request.user)) if editable else []
    services = services_for_plan(municipality=household.municipality) if editable else []
    actions = list(plan.actions.all())

    def action_rows(goal_pk: int | None) -> list[dict[str, Any]]:
        return [
            {
                "action": action,
                "status_form": bound.get(f"status-{action.pk}")
                or ActionStatusForm(
                    initial={"status": action.status}, auto_id=f"id_status_{action.pk}_%s"
                ),
            }
            for action in actions
            if action.goal_id == goal_pk
        ]

    goals = [
        {
            "goal": goal,
            "actions": action_rows(goal.pk),
            "action_form": (
                bound.get(f"action-{goal.pk}")
                or ActionForm(
                    organisations=organisations,
                    services=services,
                    domain=goal.domain,
                    auto_id=f"id_action_{goal.pk}_%s",
                )
            )
            if editable
            else None,
        }
        for goal in plan.goals.all()
    ]
    return {
        "plan": plan,
        "household": household,
        "editable": editable,
        "status_editable": status_editable,
        "goals": goals,
        "loose_actions": action_rows(None),
        "commitment_form": (
            bound.get("commitment") or CommitmentForm(initial={"commitment": plan.commitment})
        )
        if editable
        else None,
        "goal_form": (
            bound.get("goal")
            or GoalForm(domains=domains_for(household.municipality), auto_id="id_goal_%s")
        )
        if editable
        else None,
        "errors": errors or [],
        "agree_errors": agree_errors or [],
        "notice": notice,
    }


def _changed(request: AuthenticatedHttpRequest, plan_pk: int, notice: str) -> HttpResponse:
    """After a change: htmx gets the fresh plan body, a plain POST a redirect (PRG)."""
    if _is_htmx(request):
        plan = selectors.plan_get(user=request.user, pk=plan_pk)
        return render(request, "plans/_plan_body.html", _plan_context(request, plan, notice=notice))
    messages.success(request, notice)
    return redirect("plans:detail", pk=plan_pk)


def _refused(request: AuthenticatedHttpRequest, plan: Plan, **context: Any) -> HttpResponse:
    """A change that did not go through: show the plan again with the errors."""
    template = "plans/_plan_body.html" if _is_htmx(request) else "plans/plan_detail.html"
    return render(request, template, _plan_context(request, plan, **context))


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- household: current plan and earlier versions -----------------------------------------------
@require_GET
@page(policies.can_work_on_households, obj=HOUSEHOLD)
def household_plans(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    plans = list(selectors.plans_of(household=household))
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    agreed = next((p for p in plans if p.status == PlanStatus.AGREED), None)
    current = draft or agreed
    return render(
        request,
        "plans/household_plans.html",
        {
            "household": household,
            "current": current,
            "agreed": agreed if draft else None,
            "earlier": [p for p in plans if p not in (current, agreed if draft else None)],
            "can_start": draft is None and policies.can_edit_household(request.user, household),
        },
    )


@page(policies.can_work_on_households, obj=HOUSEHOLD)
def plan_start(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """Start the plan: the first in one form, or (POST) a new version of the agreed plan.

    The first plan takes the household's commitment, the first goal and its first action
    at once, and can be agreed with the household in the same submit. Once a plan exists
    a POST starts a new version as a copy of the agreed one; a draft already being worked
    on is where a GET goes.
    """
    plans = list(selectors.plans_of(household=household))
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    if plans and (request.method == "POST" or draft is None):
        return _new_version(request, household)
    if draft is not None:
        return redirect("plans:detail", pk=draft.pk)
    if not policies.can_edit_household(request.user, household):
        messages.error(request, _("This household is closed; its plan cannot be changed."))
        return redirect("households:detail", public_id=household.public_id)
    organisations = list(organisation_list(user=request.user))
    form = PlanStartForm(
        request.POST if request.method == "POST" else None,
        domains=domains_for(household.municipality),
        organisations=organisations,
        services=services_for_plan(municipality=household.municipality),
        # The first goal is offered on the domain the latest assessment scored lowest.
        initial={
            "goal_domain": assessment_selectors.weakest_domain_id(household=household),
            "action_owner": ActionOwner.HOUSEHOLD,
        },
    )
    agree = "agree" in request.POST
    return submit(
        request,
        form,
        action=lambda data: services.plan_start_first(
            actor=request.user,
            household=household,
            commitment=data["commitment"],
            goal_domain=data["goal_domain"],
            goal_description=data["goal_description"],
            action=services.FirstAction(
                description=data["action_description"],
                owner=ActionOwner(data["action_owner"]),
                due_on=data["action_due_on"],
                owner_name=data["action_owner_name"],
                owner_organisation=data["action_owner_organisation"],
                service=data.get("action_service"),
            ),
            agree=agree,
        ),
        # Agreed: the household page's next-step panel offers what comes next.
        success=lambda plan: (
            _("The plan is agreed with the household.")
            if plan.status == PlanStatus.AGREED
            else _("Version %(version)d of the plan is started.") % {"version": plan.version}
        ),
        redirect_to=lambda plan: (
            reverse("households:detail", args=[household.public_id])
            if plan.status == PlanStatus.AGREED
            else reverse("plans:detail", args=[plan.pk])
        ),
        template="plans/plan_start.html",
        context={"household": household, "form": form},
    )


def _new_version(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """A new draft copied from the agreed plan (POST), or the versions page (GET)."""
    if request.method != "POST":
        return redirect("plans:household", public_id=household.public_id)
    try:
        plan = services.plan_start(actor=request.user, household=household)
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
        return redirect("plans:household", public_id=household.public_id)
    messages.success(
        request, _("Version %(version)d of the plan is started.") % {"version": plan.version}
    )
    return redirect("plans:detail", pk=plan.pk)


# --- one plan ---------------------------------------------------------------------------------
@require_GET
@page(policies.can_work_on_households, obj=PLAN)
def plan_detail(request: AuthenticatedHttpRequest, plan: Plan) -> HttpResponse:
    log_plan(actor=request.user, plan=plan, action=ProcessingAction.READ)
    return render(request, "plans/plan_detail.html", _plan_context(request, plan))


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def plan_commitment(request: AuthenticatedHttpRequest, plan: Plan) -> HttpResponse:
    form = CommitmentForm(request.POST)
    return submit(
        request,
        form,
        action=lambda data: services.plan_set_commitment(
            actor=request.user, plan=plan, commitment=data["commitment"]
        ),
        respond=lambda _saved: _changed(
            request, plan.pk, _("The household's commitment is saved.")
        ),
        page=lambda: _refused(request, plan, bound={"commitment": form}),
    )


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def goal_add(request: AuthenticatedHttpRequest, plan: Plan) -> HttpResponse:
    form = GoalForm(
        request.POST, domains=domains_for(plan.household.municipality), auto_id="id_goal_%s"
    )
    return submit(
        request,
        form,
        action=lambda data: services.goal_add(
            actor=request.user, plan=plan, domain=data["domain"], description=data["description"]
        ),
        respond=lambda _goal: _changed(request, plan.pk, _("The goal is added.")),
        page=lambda: _refused(request, plan, bound={"goal": form}),
    )


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def goal_remove(request: AuthenticatedHttpRequest, plan: Plan, goal_pk: int) -> HttpResponse:
    goal = _goal(plan, goal_pk)
    try:
        services.goal_remove(actor=request.user, goal=goal)
    except ValidationError as error:
        return _refused(request, plan, errors=_messages(error))
    return _changed(request, plan.pk, _("The goal and its actions are removed."))


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def action_add(request: AuthenticatedHttpRequest, plan: Plan, goal_pk: int) -> HttpResponse:
    goal = _goal(plan, goal_pk)
    form = ActionForm(
        request.POST,
        organisations=list(organisation_list(user=request.user)),
        services=services_for_plan(municipality=plan.household.municipality),
        domain=goal.domain,
        auto_id=f"id_action_{goal.pk}_%s",
    )
    return submit(
        request,
        form,
        action=lambda cleaned: services.action_add(
            actor=request.user,
            plan=plan,
            goal=goal,
            description=cleaned["description"],
            owner=ActionOwner(cleaned["owner"]),
            owner_name=cleaned["owner_name"],
            owner_organisation=cleaned["owner_organisation"],
            service=cleaned.get("service"),
            due_on=cleaned["due_on"],
        ),
        respond=lambda _action: _changed(request, plan.pk, _("The action is added.")),
        page=lambda: _refused(request, plan, bound={f"action-{goal.pk}": form}),
    )


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def action_remove(request: AuthenticatedHttpRequest, plan: Plan, action_pk: int) -> HttpResponse:
    action = _action(plan, action_pk)
    try:
        services.action_remove(actor=request.user, action=action)
    except ValidationError as error:
        return _refused(request, plan, errors=_messages(error))
    return _changed(request, plan.pk, _("The action is removed."))


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def action_status(request: AuthenticatedHttpRequest, plan: Plan, action_pk: int) -> HttpResponse:
    action = _action(plan, action_pk)
    form = ActionStatusForm(request.POST, auto_id=f"id_status_{action.pk}_%s")
    return submit(
        request,
        form,
        action=lambda data: services.action_set_status(
            actor=request.user, action=action, status=ActionStatus(data["status"])
        ),
        respond=lambda _saved: _changed(request, plan.pk, _("The status of the action is saved.")),
        page=lambda: _refused(request, plan, bound={f"status-{action.pk}": form}),
    )


@require_POST
@page(policies.can_work_on_households, obj=PLAN)
def plan_agree(request: AuthenticatedHttpRequest, plan: Plan) -> HttpResponse:
    try:
        services.plan_agree(actor=request.user, plan=plan, agreed_on=timezone.localdate())
    except ValidationError as error:
        return _refused(request, plan, agree_errors=_messages(error))
    notice = _("The plan is agreed with the household.")
    if _is_htmx(request):
        return _changed(request, plan.pk, notice)
    # The household page's next-step panel offers what comes after an agreed plan.
    messages.success(request, notice)
    return redirect("households:detail", public_id=plan.household.public_id)


@require_GET
@page(policies.can_work_on_households, obj=PLAN)
def plan_download(request: AuthenticatedHttpRequest, plan: Plan) -> HttpResponse:
    """The plan as a PDF for the household; the export is written to the processing log."""
    content = plan_pdf(plan)
    log_plan(actor=request.user, plan=plan, action=ProcessingAction.EXPORT)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.version}.pdf"'
    return response
