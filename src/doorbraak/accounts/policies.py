"""Who may do what with accounts and configuration. Plain functions, one question each."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role


def can_administer(user: AnyUser) -> bool:
    """Functional administrators manage configuration (never case content)."""
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, Role.ADMIN)))


def can_view_organisations(user: AnyUser) -> bool:
    """Everyone working in Doorbraak may look up partner organisations and contacts."""
    return bool(user.is_authenticated and has_role(user, *Role))
