"""Free text of plans has a limit: over it is refused in Dutch, at it is kept whole."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from doorbraak.assessments.models import LifeDomain
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.plans import services
from doorbraak.plans.models import Action, ActionOwner, Goal, Plan
from tests.conftest import Cast
from tests.limits import TextCase, check_text_limit


def commitment(cast: Cast, household: Household) -> TextCase:
    plan = services.plan_start(actor=cast.alice, household=household)
    return TextCase(
        run=lambda value: services.plan_set_commitment(
            actor=cast.alice, plan=plan, commitment=value
        ),
        stored=lambda: Plan.objects.get(pk=plan.pk).commitment,
    )


def goal(cast: Cast, household: Household) -> TextCase:
    plan = services.plan_start(actor=cast.alice, household=household)
    domain = LifeDomain.objects.get(code="huisvesting")
    return TextCase(
        run=lambda value: services.goal_add(
            actor=cast.alice, plan=plan, domain=domain, description=value
        ),
        stored=lambda: (
            Goal.objects.filter(plan=plan).values_list("description", flat=True).last() or ""
        ),
    )


def action(cast: Cast, household: Household) -> TextCase:
    plan = services.plan_start(actor=cast.alice, household=household)
    return TextCase(
        run=lambda value: services.action_add(
            actor=cast.alice,
            plan=plan,
            description=value,
            owner=ActionOwner.HOUSEHOLD,
            due_on=datetime.date(2026, 6, 1),
        ),
        stored=lambda: (
            Action.objects.filter(plan=plan).values_list("description", flat=True).last() or ""
        ),
    )


@pytest.mark.parametrize(
    ("case", "limit"),
    [(commitment, limits.TEXT), (goal, limits.SHORT_TEXT), (action, limits.SHORT_TEXT)],
)
def test_free_text_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, household_a: Household, case: Callable[[Cast, Household], TextCase], limit: int
) -> None:
    check_text_limit(case(cast, household_a), limit)
