"""Who may do what with outcomes: the household's own team, as for its breakthroughs."""

from __future__ import annotations

from doorbraak.accounts.selectors import AnyUser
from doorbraak.breakthroughs.policies import works_on
from doorbraak.outcomes.models import Outcome


def works_on_household_of(user: AnyUser, outcome: Outcome) -> bool:
    """A professional or team lead of the team of the outcome's household."""
    return works_on(user, outcome.household)
