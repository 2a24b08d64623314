"""Who may read the processing log."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role


def can_view_processing_log(user: AnyUser) -> bool:
    """Privacy officers only; they see the log, not case content."""
    return bool(user.is_authenticated and has_role(user, Role.PRIVACY_OFFICER))


def can_view_security_log(user: AnyUser) -> bool:
    """Privacy officers only: the refused accesses and the alerts of their municipality."""
    return bool(user.is_authenticated and has_role(user, Role.PRIVACY_OFFICER))


def can_handle_alerts(user: AnyUser) -> bool:
    """Privacy officers acknowledge alerts and set their thresholds."""
    return can_view_security_log(user)
