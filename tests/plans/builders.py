"""Scenario builders for plans: a started plan, a draft with a goal and an action, an agreed
plan, all through the real services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from doorbraak.assessments.models import LifeDomain
from doorbraak.households.models import Household
from doorbraak.plans import services
from doorbraak.plans.models import ActionOwner, Plan
from tests.conftest import Cast


def housing() -> LifeDomain:
    """The national life domain "huisvesting" (seeded by the migrations)."""
    return LifeDomain.objects.get(code="huisvesting", municipality__isnull=True)


def started(cast: Cast, household: Household) -> Plan:
    """An empty draft plan: no goals, no actions, no commitment yet."""
    return services.plan_start(actor=cast.alice, household=household)


def draft(cast: Cast, household: Household, *, commitment: str = "") -> Plan:
    """A draft plan with one goal (keep the home) and one action of the household, due in 30
    days; with the household's ``commitment`` when given, it can be agreed."""
    plan = started(cast, household)
    goal = services.goal_add(
        actor=cast.alice, plan=plan, domain=housing(), description="De woning behouden"
    )
    services.action_add(
        actor=cast.alice,
        plan=plan,
        goal=goal,
        description="Elke maand de huur betalen",
        owner=ActionOwner.HOUSEHOLD,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    if commitment:
        services.plan_set_commitment(actor=cast.alice, plan=plan, commitment=commitment)
    plan.refresh_from_db()
    return plan


def agreed(cast: Cast, household: Household) -> Plan:
    """A plan agreed with the household (version 1)."""
    plan = draft(cast, household, commitment="Wij betalen elke maand de huur.")
    return services.plan_agree(actor=cast.alice, plan=plan)
