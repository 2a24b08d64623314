"""Who may do what at a breakthrough table. Object scope (404) is the selectors' job."""

from __future__ import annotations

from doorbraak.accounts.models import Membership, Organisation, Role, Team, User
from doorbraak.accounts.selectors import AnyUser, active_memberships, has_role
from doorbraak.tables.models import (
    AgendaItem,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    TableDecision,
    TableMember,
)


def can_use_tables(user: AnyUser) -> bool:
    """Chairs and the partner contacts who sit at tables."""
    return bool(user.is_authenticated and has_role(user, Role.TABLE_CHAIR, Role.PARTNER_CONTACT))


def is_chair(user: AnyUser, table: BreakthroughTable) -> bool:
    return bool(user.is_authenticated and table.chair_id == user.pk)


def chairs_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """The chair of the meeting's table."""
    return is_chair(user, meeting.table)


def chairs_meeting_of(user: AnyUser, item: AgendaItem) -> bool:
    """The chair of the table at whose meeting the agenda item is."""
    return is_chair(user, item.meeting.table)


def chairs_meeting_of_decision(user: AnyUser, decision: TableDecision) -> bool:
    """The chair of the table that took the decision."""
    return is_chair(user, decision.item.meeting.table)


def member_of(user: AnyUser, table: BreakthroughTable) -> TableMember | None:
    if not user.is_authenticated:
        return None
    return TableMember.objects.filter(table=table, user=user, active=True).first()


def can_run_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """The chair prepares and runs the meeting until it is closed."""
    return is_chair(user, meeting.table) and not meeting.is_closed


def viewer_organisation(user: AnyUser, table: BreakthroughTable) -> Organisation | None:
    """The organisation in whose name the user looks at the table's cases (for consent)."""
    member = member_of(user, table)
    if member is not None:
        return member.organisation
    if is_chair(user, table):
        for membership in active_memberships(user):
            if (
                membership.role == Role.TABLE_CHAIR
                and membership.municipality_id == table.municipality_id
            ):
                return membership.organisation
    return None


def can_complete_follow_up(user: AnyUser, action: FollowUpAction) -> bool:
    """The responsible person, a contact person of the organisation, or the chair."""
    if not user.is_authenticated or action.done_on is not None:
        return False
    if action.responsible_user_id == user.pk or action.table.chair_id == user.pk:
        return True
    return any(
        m.role == Role.PARTNER_CONTACT
        and m.organisation_id == action.organisation_id
        and m.municipality_id == action.table.municipality_id
        for m in active_memberships(user)
    )


def can_represent(user: User, organisation_id: int, municipality_id: int) -> bool:
    """Who may sit at a table for the organisation: a partner contact of it here, or someone
    of an organisation that has a neighbourhood team here."""
    memberships = Membership.objects.active().filter(
        user=user, organisation_id=organisation_id, municipality_id=municipality_id
    )
    if memberships.filter(role=Role.PARTNER_CONTACT).exists():
        return True
    return (
        memberships.exists()
        and Team.objects.filter(
            organisation_id=organisation_id, municipality_id=municipality_id
        ).exists()
    )
