"""Scenario builders for outcomes: an outcome recorded for a household, and a breakthrough
(a draft) that an outcome can be tied to, both through the real services."""

from __future__ import annotations

import datetime
from typing import Any

from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import BottleneckKind, Breakthrough, Theme
from doorbraak.households.models import Household
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome, OutcomeType
from tests.conftest import Cast

JUNE = datetime.date(2026, 6, 1)


def record(cast: Cast, household: Household, **overrides: Any) -> Outcome:
    """Alice records that the household's eviction was prevented on 1 June."""
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "household": household,
        "outcome_type": OutcomeType.EVICTION_PREVENTED,
        "occurred_on": JUNE,
        "evidence": "De corporatie trok de ontruimingsaanvraag in na de betalingsregeling.",
    }
    arguments.update(overrides)
    return services.outcome_record(**arguments)


def breakthrough_for(
    cast: Cast, household: Household, title: str = "Huur opschorten"
) -> Breakthrough:
    """A draft breakthrough on a housing bottleneck of ``household``."""
    bottleneck = breakthrough_services.bottleneck_register(
        actor=cast.alice,
        household=household,
        title="Toeslag en huur botsen",
        description="Terugvordering blokkeert betalingsregeling.",
        theme=Theme.HOUSING,
        kind=BottleneckKind.RULES_CLASH,
        blocked_solution="Betalingsregeling",
    )
    return breakthrough_services.breakthrough_start(
        actor=cast.alice, bottleneck=bottleneck, title=title, proposal="Ontruiming opschorten."
    )
