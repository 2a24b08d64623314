"""Who may read, propose, approve, withdraw, import and export examples.

Reading: every role that works on cases or learns from them — professionals and team
leads (the teams), partner contact persons and table chairs (they sit at the tables where
examples are discussed), fund managers and policy analysts (patterns and policy). The
privacy officer and the functional administrator see configuration, not examples; the
administrator imports and exports the national exchange. Which examples someone reads is
``Example.objects.visible_to(user)`` (404 otherwise).
"""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, active_memberships, has_role
from doorbraak.breakthroughs.models import Breakthrough, BreakthroughStatus
from doorbraak.casebook.models import Example, ExampleStatus
from doorbraak.households.selectors import current_coordinator

READER_ROLES = (
    Role.PROFESSIONAL,
    Role.TEAM_LEAD,
    Role.PARTNER_CONTACT,
    Role.TABLE_CHAIR,
    Role.FUND_MANAGER,
    Role.POLICY_ANALYST,
)


def can_read_examples(user: AnyUser) -> bool:
    return bool(user.is_authenticated and has_role(user, *READER_ROLES))


def can_work_on_examples(user: AnyUser) -> bool:
    """Professionals and team leads propose and review examples of their team."""
    return bool(user.is_authenticated and has_role(user, Role.PROFESSIONAL, Role.TEAM_LEAD))


def can_review_examples(user: AnyUser) -> bool:
    return bool(user.is_authenticated and has_role(user, Role.TEAM_LEAD))


def can_exchange_examples(user: AnyUser) -> bool:
    """The functional administrator exports and imports the national exchange."""
    return bool(user.is_authenticated and has_role(user, Role.ADMIN))


def is_closed(breakthrough: Breakthrough) -> bool:
    """Carried out and evaluated: only then is there an outcome to learn from."""
    return breakthrough.status == BreakthroughStatus.EVALUATED and bool(breakthrough.evaluation)


def is_coordinator(user: AnyUser, breakthrough: Breakthrough) -> bool:
    """The household's current coordinator (regiehouder), still in the household's team."""
    if not user.is_authenticated:
        return False
    household = breakthrough.household
    assignment = current_coordinator(household)
    return (
        assignment is not None
        and assignment.coordinator_id == user.pk
        and any(m.team_id == household.team_id for m in active_memberships(user))
    )


def can_propose(user: AnyUser, breakthrough: Breakthrough) -> bool:
    """The coordinator proposes a closed breakthrough as an example."""
    return is_closed(breakthrough) and is_coordinator(user, breakthrough)


def can_edit_example(user: AnyUser, example: Example) -> bool:
    """A draft (a rejected proposal) is rewritten by the coordinator of its breakthrough."""
    return (
        example.status == ExampleStatus.DRAFT
        and example.breakthrough is not None
        and is_coordinator(user, example.breakthrough)
    )


def is_team_lead_of(user: AnyUser, example: Example) -> bool:
    return example.team_id is not None and any(
        m.role == Role.TEAM_LEAD and m.team_id == example.team_id for m in active_memberships(user)
    )


def can_approve(user: AnyUser, example: Example) -> bool:
    """A team lead of the source team, not the one who proposed it (four eyes)."""
    return (
        example.status == ExampleStatus.PROPOSED
        and is_team_lead_of(user, example)
        and example.proposed_by_id != user.pk
    )


def can_withdraw(user: AnyUser, example: Example) -> bool:
    """A team lead of the source team; an imported example: the administrator who imports."""
    if example.status != ExampleStatus.PUBLISHED:
        return False
    if example.imported:
        return any(
            m.role == Role.ADMIN and m.municipality_id == example.municipality_id
            for m in active_memberships(user)
        )
    return is_team_lead_of(user, example)
