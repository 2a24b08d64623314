"""The processing log of outcomes: the one way the app writes it.

An outcome concerns the household's current members; recorded under support of a
household, through :mod:`doorbraak.households.processing`.
"""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.processing import household_subjects, log_case_support
from doorbraak.outcomes.models import Outcome


def log_outcome(*, actor: AnyUser, outcome: Outcome, action: ProcessingAction) -> None:
    """Record that the outcome was recorded, withdrawn or shown."""
    household = outcome.household
    log_case_support(
        actor=actor,
        action=action,
        object_type="outcomes.outcome",
        object_id=outcome.pk,
        subjects=household_subjects(household),
        municipality=household.municipality,
    )
