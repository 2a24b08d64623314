"""Reads of plans, scoped through the household."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.accounts.selectors import AnyUser
from doorbraak.households.models import Household
from doorbraak.plans.models import Action, Goal, Plan, PlanStatus


def _with_content(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related("household", "created_by").prefetch_related(
        Prefetch(
            "goals", queryset=Goal.objects.select_related("domain").order_by("position", "pk")
        ),
        Prefetch(
            "actions",
            queryset=Action.objects.select_related(
                "owner_organisation", "goal", "service"
            ).order_by("due_on", "position", "pk"),
        ),
    )


def plans_of(*, household: Household) -> QuerySet[Plan]:
    return _with_content(Plan.objects.filter(household=household)).order_by("-version")


def plan_get(*, user: AnyUser, pk: int) -> Plan:
    """A plan of a household in the user's team, or 404."""
    return get_object_or_404(_with_content(Plan.objects.visible_to(user)), pk=pk)


def current_plan(*, household: Household) -> Plan | None:
    """The draft being worked on, else the agreed plan."""
    plans = list(plans_of(household=household).exclude(status=PlanStatus.SUPERSEDED))
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    return draft or next((p for p in plans if p.status == PlanStatus.AGREED), None)
