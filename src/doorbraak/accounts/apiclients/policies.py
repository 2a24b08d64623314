"""Who may manage API clients: the functional administrator, of their own municipality."""

from __future__ import annotations

from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of


def can_manage_api_clients(user: AnyUser) -> bool:
    """Functional administrators open the API-client pages (others get 403)."""
    return can_administer(user)


def can_manage_api_clients_of(user: AnyUser, municipality: Municipality) -> bool:
    """An administrator of that municipality (or the operator)."""
    if not can_administer(user):
        return False
    return bool(user.is_superuser or municipality.pk in municipality_ids_of(user, role=Role.ADMIN))


def can_manage_api_client(user: AnyUser, client: ApiClient) -> bool:
    return can_manage_api_clients_of(user, client.municipality)
