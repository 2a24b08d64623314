"""Who may do what with bottlenecks, breakthroughs, partner requests and time-outs.

Object access (which household, which request) is decided by the selectors, which answer
404; these functions answer the question "may this user take this step".
"""

from __future__ import annotations

from doorbraak.accounts.models import Membership, Role
from doorbraak.accounts.selectors import AnyUser, active_memberships, has_role
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.households.models import Household, HouseholdStatus
from doorbraak.households.policies import can_work_on_households


def can_work_on_breakthroughs(user: AnyUser) -> bool:
    return can_work_on_households(user)


def can_answer_partner_requests(user: AnyUser) -> bool:
    return bool(user.is_authenticated and has_role(user, Role.PARTNER_CONTACT))


def can_view_table_queue(user: AnyUser) -> bool:
    return bool(user.is_authenticated and has_role(user, Role.TABLE_CHAIR))


def can_decide_breakthroughs(user: AnyUser) -> bool:
    """The household's team (own mandate) or a table chair (levels 3 and 4)."""
    return can_work_on_breakthroughs(user) or can_view_table_queue(user)


def can_use_partner_directory(user: AnyUser) -> bool:
    """Teams, table chairs and contact persons: who to call at which organisation."""
    return (
        can_work_on_breakthroughs(user)
        or can_view_table_queue(user)
        or can_answer_partner_requests(user)
    )


def team_membership(user: AnyUser, breakthrough: Breakthrough) -> Membership | None:
    team_id = breakthrough.household.team_id
    for membership in active_memberships(user):
        if membership.team_id == team_id and membership.role in (
            Role.PROFESSIONAL,
            Role.TEAM_LEAD,
        ):
            return membership
    return None


def works_on(user: AnyUser, household: Household) -> bool:
    """A professional or team lead of the household's own team."""
    return any(
        m.team_id == household.team_id and m.role in (Role.PROFESSIONAL, Role.TEAM_LEAD)
        for m in active_memberships(user)
    )


def works_on_household_of(user: AnyUser, case: Bottleneck | Breakthrough) -> bool:
    """``works_on`` the household of a bottleneck or breakthrough."""
    return works_on(user, case.household)


def can_edit_breakthrough(user: AnyUser, breakthrough: Breakthrough) -> bool:
    """The household's team changes a draft while the household is open."""
    return (
        breakthrough.is_draft
        and breakthrough.household.status == HouseholdStatus.ACTIVE
        and team_membership(user, breakthrough) is not None
    )


def can_override_consent(user: AnyUser, breakthrough: Breakthrough) -> bool:
    """Sharing without consent is for team leads of the household's team only, with a reason."""
    membership = team_membership(user, breakthrough)
    return membership is not None and membership.role == Role.TEAM_LEAD


def decision_membership(user: AnyUser, breakthrough: Breakthrough) -> Membership | None:
    """The role in which ``user`` may decide at the breakthrough's current level, if any.

    Level 1, own mandate: the household's team ("doe wat nodig is"). Level 2: a fixed contact
    person of an organisation the team asked (through ``partner_request_answer``). Level 3:
    a chair of a breakthrough table of the municipality. Level 4: the chair records the
    administrative decision, or the team lead does on behalf of management.
    """
    if not breakthrough.is_open:
        return None
    level = breakthrough.level
    municipality_id = breakthrough.household.municipality_id
    if level == EscalationLevel.OWN_MANDATE:
        return team_membership(user, breakthrough)
    if level == EscalationLevel.PARTNER:
        asked = set(
            breakthrough.partner_requests.filter(
                status__in=[RequestStatus.OPEN, RequestStatus.MORE_INFORMATION]
            ).values_list("organisation_id", flat=True)
        )
        for membership in active_memberships(user):
            if (
                membership.role == Role.PARTNER_CONTACT
                and membership.municipality_id == municipality_id
                and membership.organisation_id in asked
            ):
                return membership
        return None
    for membership in active_memberships(user):
        if membership.role == Role.TABLE_CHAIR and membership.municipality_id == municipality_id:
            return membership
    if level == EscalationLevel.ADMINISTRATIVE:
        team = team_membership(user, breakthrough)
        if team is not None and team.role == Role.TEAM_LEAD:
            return team
    return None


def can_decide(user: AnyUser, breakthrough: Breakthrough) -> bool:
    return decision_membership(user, breakthrough) is not None


def partner_membership(user: AnyUser, request: PartnerRequest) -> Membership | None:
    """The fixed-contact role in which ``user`` may answer ``request``."""
    municipality_id = request.breakthrough.household.municipality_id
    for membership in active_memberships(user):
        if (
            membership.role == Role.PARTNER_CONTACT
            and membership.organisation_id == request.organisation_id
            and membership.municipality_id == municipality_id
        ):
            return membership
    return None


def can_answer(user: AnyUser, request: PartnerRequest) -> bool:
    return (
        request.status in (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION)
        and partner_membership(user, request) is not None
    )


def can_answer_time_out(user: AnyUser, time_out: TimeOut) -> bool:
    if time_out.status != TimeOutStatus.REQUESTED:
        return False
    municipality_id = time_out.breakthrough.household.municipality_id
    return any(
        m.role == Role.PARTNER_CONTACT
        and m.organisation_id == time_out.organisation_id
        and m.municipality_id == municipality_id
        for m in active_memberships(user)
    )
