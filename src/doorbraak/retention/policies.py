"""Who may see and change retention rules and destruction lists."""

from __future__ import annotations

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, has_role, municipality_ids_of
from doorbraak.retention.models import DestructionItem, DestructionList, RetentionRule


def can_view_retention(user: AnyUser) -> bool:
    """The privacy officer, and the functional administrator (who may only look)."""
    return bool(user.is_authenticated and has_role(user, Role.PRIVACY_OFFICER, Role.ADMIN))


def can_manage_retention(user: AnyUser) -> bool:
    """The privacy officer changes rules and reviews, approves destruction lists."""
    return bool(user.is_authenticated and has_role(user, Role.PRIVACY_OFFICER))


def can_edit_rule(user: AnyUser, rule: RetentionRule) -> bool:
    return rule.municipality_id in municipality_ids_of(user, role=Role.PRIVACY_OFFICER)


def can_review_list(user: AnyUser, destruction_list: DestructionList) -> bool:
    return destruction_list.municipality_id in municipality_ids_of(user, role=Role.PRIVACY_OFFICER)


def can_erase_in(user: AnyUser, municipality_id: int) -> bool:
    """Destruction and erasure on request: a privacy officer of the household's municipality."""
    return municipality_id in municipality_ids_of(user, role=Role.PRIVACY_OFFICER)


def can_review_item(user: AnyUser, item: DestructionItem) -> bool:
    return can_review_list(user, item.destruction_list)
