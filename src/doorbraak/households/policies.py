"""Who may do what with households and referrals."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role
from doorbraak.households.models import Household, HouseholdStatus


def can_work_on_households(user: AnyUser) -> bool:
    """Professionals and team leads work on their team's households."""
    return bool(user.is_authenticated and has_role(user, Role.PROFESSIONAL, Role.TEAM_LEAD))


def can_refer(user: AnyUser) -> bool:
    """Partner contacts and team members register referrals."""
    return bool(
        user.is_authenticated
        and has_role(user, Role.PROFESSIONAL, Role.TEAM_LEAD, Role.PARTNER_CONTACT)
    )


def can_edit_household(user: AnyUser, household: Household) -> bool:
    """The household must be visible to the user (selectors ensure that) and still open."""
    return can_work_on_households(user) and household.status == HouseholdStatus.ACTIVE
