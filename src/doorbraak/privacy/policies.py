"""Who may handle data-subject requests."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role
from doorbraak.privacy.models import DataSubjectRequest


def can_handle_data_subject_requests(user: AnyUser) -> bool:
    """Privacy officers register and handle the requests of their municipalities."""
    return bool(user.is_authenticated and has_role(user, Role.PRIVACY_OFFICER))


def can_act_on_request(user: AnyUser, request: DataSubjectRequest) -> bool:
    """Steps are taken on an open request only (the selector has checked the municipality)."""
    return can_handle_data_subject_requests(user) and request.is_open
