"""Who may change the cost catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.policies import can_administer
from doorbraak.accounts.selectors import municipality_ids_of

if TYPE_CHECKING:
    from doorbraak.accounts.selectors import AnyUser


def can_import_cost_items(user: AnyUser, municipality: Municipality | None) -> bool:
    """Functional admins import for a municipality they administer; national rows: operator."""
    if not can_administer(user):
        return False
    if user.is_superuser:
        return True
    if municipality is None:
        return False
    return municipality.pk in municipality_ids_of(user, role=Role.ADMIN)
