"""Who may do what with households and referrals."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role, municipality_ids_of
from doorbraak.households.models import Household, HouseholdStatus, Member


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


def can_apply_data_subject_rights(user: AnyUser, member: Member) -> bool:
    """A privacy officer of the member's municipality applies rectification and restriction
    (AVG art. 16 and 18) on a data-subject request; nobody else through these services."""
    return bool(
        user.is_authenticated
        and member.household.municipality_id in municipality_ids_of(user, role=Role.PRIVACY_OFFICER)
    )
