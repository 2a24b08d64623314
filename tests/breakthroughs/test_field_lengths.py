"""A decision keeps the decider's whole name, however long (first and last name are 150 each)."""

from __future__ import annotations

from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import DecisionOutcome
from doorbraak.households.models import Household
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast
from tests.lengths import overlong_values


def test_a_decider_with_the_longest_names_fits(cast: Cast, household_a: Household) -> None:
    cast.carol.first_name = ("Anna Maria Johanna " * 10)[:150]
    cast.carol.last_name = ("van der Berg-Bakker " * 10)[:150]
    cast.carol.save()
    breakthrough = submitted(cast, household_a)
    decision = services.breakthrough_decide(
        actor=cast.carol,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Teamleider: doe wat nodig is, tot € 500",
        reason="Voorkomt dakloosheid.",
    )
    decision.full_clean()
    assert decision.decided_by_name == cast.carol.get_full_name()
    assert len(decision.decided_by_name) > 150
    assert overlong_values() == []
