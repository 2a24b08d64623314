"""The processing log of assessments: the one way the app writes it.

An assessment of the whole household concerns its current members; one of a single
member concerns that member. Recorded under support of a household, through
:mod:`doorbraak.households.processing`.
"""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.assessments.models import Assessment, SelfAssessment
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Household
from doorbraak.households.processing import household_subjects, log_case_support


def log_assessment(*, actor: AnyUser, action: ProcessingAction, assessment: Assessment) -> None:
    """Record that the assessment was made, shown or changed."""
    household = assessment.household
    member = assessment.member
    log_case_support(
        actor=actor,
        action=action,
        object_type="assessments.assessment",
        object_id=assessment.pk,
        subjects=[member.pseudonym] if member else household_subjects(household),
        municipality=household.municipality,
    )


def log_household_status(*, actor: AnyUser, household: Household) -> None:
    """Record that the household was closed or reopened (its current members)."""
    log_case_support(
        actor=actor,
        action=ProcessingAction.UPDATE,
        object_type="households.household",
        object_id=household.pk,
        subjects=household_subjects(household),
        municipality=household.municipality,
    )


def log_self_assessment(
    *, actor: AnyUser, action: ProcessingAction, self_assessment: SelfAssessment
) -> None:
    """Record that the household's own scores were filled in or shown (the member who
    filled them in: the scores are their own view of the household)."""
    household = self_assessment.household
    log_case_support(
        actor=actor,
        action=action,
        object_type="assessments.selfassessment",
        object_id=self_assessment.pk,
        subjects=[self_assessment.member.pseudonym],
        municipality=household.municipality,
    )
