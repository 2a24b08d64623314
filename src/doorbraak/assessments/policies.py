"""Who may do what with assessments."""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.households.models import Household, HouseholdStatus
from doorbraak.households.policies import can_edit_household, can_work_on_households


def can_record_assessment(user: AnyUser, household: Household) -> bool:
    """Editable households; a closed one only for its follow-up assessments."""
    if can_edit_household(user, household):
        return True
    return household.status == HouseholdStatus.CLOSED and can_work_on_households(user)
