"""Who may read and who may maintain the social map."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.selectors import has_role, municipality_ids_of

if TYPE_CHECKING:
    from doorbraak.accounts.selectors import AnyUser
    from doorbraak.socialmap.models import Service

#: The roles that look up help for households, or maintain the map.
READERS = (
    Role.PROFESSIONAL,
    Role.TEAM_LEAD,
    Role.PARTNER_CONTACT,
    Role.TABLE_CHAIR,
    Role.POLICY_ANALYST,
    Role.ADMIN,
)


def can_view_social_map(user: AnyUser) -> bool:
    """Team members, partner contacts, table chairs, policy analysts and administrators."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, *READERS)))


def can_maintain_social_map(user: AnyUser) -> bool:
    """The functional administrator keeps the social map (pages and CSV import)."""
    return can_administer(user)


def can_maintain_social_map_of(user: AnyUser, municipality: Municipality) -> bool:
    """A functional administrator of that municipality (or the operator)."""
    if not can_administer(user):
        return False
    return bool(user.is_superuser or municipality.pk in municipality_ids_of(user, role=Role.ADMIN))


def can_maintain_service(user: AnyUser, service: Service) -> bool:
    return can_maintain_social_map_of(user, service.municipality)


def can_view_full_services(user: AnyUser) -> bool:
    """Policy analysts and administrators see the services that are always full."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or has_role(user, Role.POLICY_ANALYST, Role.ADMIN))
    )
