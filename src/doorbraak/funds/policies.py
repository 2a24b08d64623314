"""Who may manage funds, ask for money, approve and pay.

Object access (which fund, which request) is decided by the selectors, which answer 404;
these functions answer "may this user take this step". The services ask them again.
"""

from __future__ import annotations

from doorbraak.accounts.models import Membership, Role
from doorbraak.accounts.selectors import AnyUser, active_memberships
from doorbraak.funds.models import ApproverRole, Fund, FundRequest, FundRequestStatus

TEAM_ROLES = (Role.PROFESSIONAL, Role.TEAM_LEAD)
FUND_ROLES = (
    Role.PROFESSIONAL,
    Role.TEAM_LEAD,
    Role.FUND_MANAGER,
    Role.POLICY_ANALYST,
    Role.ADMIN,
)


def can_use_funds(user: AnyUser) -> bool:
    """Team members, fund managers, policy analysts and administrators work with funds."""
    return user.is_authenticated and any(m.role in FUND_ROLES for m in active_memberships(user))


def can_use_requests(user: AnyUser) -> bool:
    """Professionals and team leads ask; fund managers pay."""
    return user.is_authenticated and any(
        m.role in (Role.PROFESSIONAL, Role.TEAM_LEAD, Role.FUND_MANAGER)
        for m in active_memberships(user)
    )


def is_in_a_team(user: AnyUser) -> bool:
    """A professional or team lead of a neighbourhood team: who drafts a request."""
    return any(m.team_id is not None and m.role in TEAM_ROLES for m in active_memberships(user))


def can_manage_fund(
    user: AnyUser, fund: Fund | None = None, *, municipality_id: int | None = None
) -> bool:
    """Fund managers and administrators of the fund's municipality (or of ``municipality_id``)."""
    target = fund.municipality_id if fund is not None else municipality_id
    return any(
        m.role in (Role.FUND_MANAGER, Role.ADMIN)
        and (target is None or m.municipality_id == target)
        for m in active_memberships(user)
    )


def is_fund_manager(user: AnyUser, fund: Fund) -> bool:
    return any(
        m.role == Role.FUND_MANAGER and m.municipality_id == fund.municipality_id
        for m in active_memberships(user)
    )


def request_membership(user: AnyUser, fund: Fund) -> Membership | None:
    """The team membership in which ``user`` may ask ``fund`` for money, if any."""
    for m in active_memberships(user):
        if m.role not in TEAM_ROLES or m.team is None:
            continue
        if m.municipality_id != fund.municipality_id:
            continue
        if fund.team_id is not None and m.team_id != fund.team_id:
            continue
        if (
            fund.team_id is None
            and fund.district_id is not None
            and not m.team.districts.filter(pk=fund.district_id).exists()
        ):
            continue
        return m
    return None


def can_request(user: AnyUser, fund: Fund) -> bool:
    return fund.active and request_membership(user, fund) is not None


def works_on_request(user: AnyUser, fund_request: FundRequest) -> bool:
    """A professional or team lead of the team that asks."""
    return any(
        m.team_id == fund_request.team_id and m.role in TEAM_ROLES for m in active_memberships(user)
    )


def approver_role_of(user: AnyUser, fund_request: FundRequest) -> ApproverRole | None:
    """The role in which ``user`` satisfies the request's (snapshot) approver role, if any.

    Mandates nest: a professional rule is satisfied by any professional or team lead of the
    asking team; a team-lead rule by a team lead of that team; and the fund manager of the
    fund's municipality, who holds the budget, may give any of the required approvals (so
    "a team lead, then the budget holder" is two approvals under a team-lead rule).
    """
    wanted = fund_request.approver_role
    for m in active_memberships(user):
        if m.role == Role.FUND_MANAGER and m.municipality_id == fund_request.fund.municipality_id:
            return ApproverRole.FUND_MANAGER
    for m in active_memberships(user):
        if wanted == ApproverRole.FUND_MANAGER:
            continue
        if m.team_id == fund_request.team_id:
            if m.role == Role.TEAM_LEAD:
                return ApproverRole.TEAM_LEAD
            if wanted == ApproverRole.PROFESSIONAL and m.role == Role.PROFESSIONAL:
                return ApproverRole.PROFESSIONAL
    return None


def can_approve(user: AnyUser, fund_request: FundRequest) -> bool:
    """May ``user`` give one of the approvals this request still needs?"""
    if not user.is_authenticated or fund_request.status != FundRequestStatus.REQUESTED:
        return False
    if fund_request.requested_by_id == user.pk:
        return False
    if fund_request.needs_table and not fund_request.table_decision_ref:
        return False
    if fund_request.approvals.filter(approver_id=user.pk).exists():
        return False
    return approver_role_of(user, fund_request) is not None


def can_reject(user: AnyUser, fund_request: FundRequest) -> bool:
    return (
        fund_request.status == FundRequestStatus.REQUESTED
        and fund_request.requested_by_id != user.pk
        and (
            approver_role_of(user, fund_request) is not None
            or is_fund_manager(user, fund_request.fund)
        )
    )


def can_pay(user: AnyUser, fund_request: FundRequest) -> bool:
    return fund_request.status == FundRequestStatus.APPROVED and is_fund_manager(
        user, fund_request.fund
    )


def can_cancel(user: AnyUser, fund_request: FundRequest) -> bool:
    if fund_request.status in (FundRequestStatus.DRAFT, FundRequestStatus.REQUESTED):
        return works_on_request(user, fund_request) or is_fund_manager(user, fund_request.fund)
    if fund_request.status == FundRequestStatus.APPROVED:
        return is_fund_manager(user, fund_request.fund)
    return False


def can_settle(user: AnyUser, fund_request: FundRequest) -> bool:
    """Record a repayment or a write-off: the fund manager, after payment."""
    return fund_request.status == FundRequestStatus.PAID and is_fund_manager(
        user, fund_request.fund
    )
