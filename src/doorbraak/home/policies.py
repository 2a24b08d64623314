"""Who may use the pages of the home app."""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.home.worklist import blocks_for


def can_see_work_lists(user: AnyUser) -> bool:
    """A role with work on the home page (``worklist.HOME_BLOCKS``) has its blocks' pages."""
    return bool(user.is_authenticated and blocks_for(user))
