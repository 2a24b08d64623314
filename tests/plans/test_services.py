"""One plan: goals, actions, the household's commitment, agreeing and new versions."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from doorbraak.assessments.models import LifeDomain
from doorbraak.households.models import Household
from doorbraak.plans import services
from doorbraak.plans.models import ActionOwner, ActionStatus, Plan, PlanStatus
from tests.conftest import Cast


def draft_with_content(cast: Cast, household: Household) -> Plan:
    plan = services.plan_start(actor=cast.alice, household=household)
    goal = services.goal_add(
        actor=cast.alice,
        plan=plan,
        domain=LifeDomain.objects.get(code="huisvesting"),
        description="De woning behouden",
    )
    services.action_add(
        actor=cast.alice,
        plan=plan,
        goal=goal,
        description="Betalingsregeling met corporatie",
        owner=ActionOwner.PARTNER,
        owner_organisation=cast.wi_north,
        due_on=datetime.date(2026, 6, 1),
    )
    services.action_add(
        actor=cast.alice,
        plan=plan,
        goal=goal,
        description="Elke maand de huur betalen",
        owner=ActionOwner.HOUSEHOLD,
        due_on=datetime.date(2026, 7, 1),
    )
    return plan


def test_an_agreed_plan_needs_the_household_s_own_commitment(
    cast: Cast, household_a: Household
) -> None:
    plan = draft_with_content(cast, household_a)
    with pytest.raises(ValidationError) as error:
        services.plan_agree(actor=cast.alice, plan=plan)
    assert "commitment" in error.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    services.plan_set_commitment(
        actor=cast.alice, plan=plan, commitment="Ik ga elke week naar het inloopspreekuur."
    )
    services.plan_agree(actor=cast.alice, plan=plan, agreed_on=datetime.date(2026, 3, 1))
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_on) == (PlanStatus.AGREED, datetime.date(2026, 3, 1))


def test_the_database_refuses_an_agreed_plan_without_commitment(
    cast: Cast, household_a: Household
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            household=household_a,
            version=1,
            status=PlanStatus.AGREED,
            created_by=cast.alice,
            agreed_on=datetime.date(2026, 3, 1),
        )


def test_a_plan_needs_goals_and_actions(cast: Cast, household_a: Household) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    services.plan_set_commitment(actor=cast.alice, plan=plan, commitment="Ik doe mee.")
    with pytest.raises(ValidationError) as error:
        services.plan_agree(actor=cast.alice, plan=plan)
    assert {"goals", "actions"} <= set(error.value.message_dict)


def test_changing_an_agreed_plan_makes_a_new_version_and_keeps_the_old(
    cast: Cast, household_a: Household
) -> None:
    first = draft_with_content(cast, household_a)
    services.plan_set_commitment(
        actor=cast.alice, plan=first, commitment="Ik betaal de huur op tijd."
    )
    services.plan_agree(actor=cast.alice, plan=first)
    with pytest.raises(ValidationError, match="nieuwe versie"):
        services.plan_set_commitment(actor=cast.alice, plan=first, commitment="Anders")
    second = services.plan_start(actor=cast.alice, household=household_a)
    first.refresh_from_db()
    assert (second.version, second.previous, second.commitment) == (2, first, first.commitment)
    assert second.goals.count() == 1
    assert second.actions.count() == 2
    services.goal_add(
        actor=cast.alice,
        plan=second,
        domain=LifeDomain.objects.get(code="financien"),
        description="Schulden in beeld",
    )
    with pytest.raises(ValidationError):
        services.plan_start(actor=cast.alice, household=household_a)  # one draft at a time
    services.plan_agree(actor=cast.alice, plan=second)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert first.goals.count() == 1  # the old version is untouched
    assert Plan.objects.filter(household=household_a, status=PlanStatus.AGREED).get() == second


def test_progress_on_actions_is_tracked_on_the_agreed_plan(
    cast: Cast, household_a: Household
) -> None:
    plan = draft_with_content(cast, household_a)
    services.plan_set_commitment(
        actor=cast.alice, plan=plan, commitment="Ik open de post elke dag."
    )
    services.plan_agree(actor=cast.alice, plan=plan)
    action = plan.actions.first()
    assert action is not None
    services.action_set_status(actor=cast.alice, action=action, status=ActionStatus.DONE)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_a_partner_action_needs_an_organisation_of_the_municipality(
    cast: Cast, household_a: Household
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    for organisation in (None, cast.wi_south):
        with pytest.raises(ValidationError) as error:
            services.action_add(
                actor=cast.alice,
                plan=plan,
                description="Regelen",
                owner=ActionOwner.PARTNER,
                owner_organisation=organisation,
                due_on=datetime.date(2026, 6, 1),
            )
        assert "owner_organisation" in error.value.message_dict
    assert plan.actions.count() == 0
