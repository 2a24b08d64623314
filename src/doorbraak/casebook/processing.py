"""The processing log of the casebook: the one way the app writes it.

Proposing, approving, rejecting and withdrawing an example are processings of the source
household's case (its team read the case to write the example), logged under support of a
household through ``households.processing``. Reading an example is not: an example holds
no personal data, so the list, the search, the suggestions and the page are not logged.
"""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.casebook.models import Example
from doorbraak.households.models import Household
from doorbraak.households.processing import household_subjects, log_case_support


def log_example(
    *, actor: AnyUser, action: ProcessingAction, example: Example, household: Household
) -> None:
    """One record per current member of the source household (or the household)."""
    log_case_support(
        actor=actor,
        action=action,
        object_type="casebook.example",
        object_id=example.pk,
        subjects=household_subjects(household),
        municipality=household.municipality_id,
    )


def log_example_decision(*, actor: AnyUser, example: Example) -> None:
    """Approving, rejecting or withdrawing: a change about the source household, if any
    (an imported example has none here)."""
    if example.breakthrough is not None:
        log_example(
            actor=actor,
            action=ProcessingAction.UPDATE,
            example=example,
            household=example.breakthrough.household,
        )
