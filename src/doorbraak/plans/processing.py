"""The processing log of plans: the one way the app writes it.

A plan concerns the household's current members; recorded under support of a household,
through :mod:`doorbraak.households.processing`.
"""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.processing import household_subjects, log_case_support
from doorbraak.plans.models import Plan


def log_plan(*, actor: AnyUser, plan: Plan, action: ProcessingAction) -> None:
    """Record that the plan was made, changed, shown or exported."""
    log_case_support(
        actor=actor,
        action=action,
        object_type="plans.plan",
        object_id=plan.pk,
        subjects=household_subjects(plan.household),
        municipality=plan.household.municipality,
    )
