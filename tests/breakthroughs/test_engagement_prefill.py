"""The household's commitment in its agreed plan is offered on the engagement side."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from doorbraak.households.models import Household
from doorbraak.plans.models import Plan, PlanStatus
from tests.breakthroughs.builders import draft
from tests.conftest import Cast

PROMISE = "Ik open mijn post elke dag en bel de schuldhulp zelf."


def _agreed_plan(cast: Cast, household: Household) -> Plan:
    return Plan.objects.create(
        household=household,
        version=1,
        status=PlanStatus.AGREED,
        commitment=PROMISE,
        agreed_on=timezone.localdate(),
        created_by=cast.alice,
    )


def test_the_edit_form_offers_the_plans_commitment(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _agreed_plan(cast, household_a)
    breakthrough = draft(cast, household_a)
    response = as_user(cast.alice).get(reverse("breakthroughs:edit", args=[breakthrough.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["household_commitment"] == PROMISE
    assert PROMISE in response.content.decode()


def test_the_breakthroughs_own_commitment_wins_and_without_a_plan_it_stays_empty(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(cast.alice)
    response = client.get(reverse("breakthroughs:edit", args=[breakthrough.pk]))
    assert response.context["form"].initial["household_commitment"] == ""
    _agreed_plan(cast, household_a)
    breakthrough.household_commitment = "Eigen woorden bij de doorbraak"
    breakthrough.save(update_fields=["household_commitment"])
    response = client.get(reverse("breakthroughs:edit", args=[breakthrough.pk]))
    assert response.context["form"].initial["household_commitment"] == (
        "Eigen woorden bij de doorbraak"
    )
