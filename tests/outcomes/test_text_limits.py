"""The evidence of an outcome has a limit: over it is refused in Dutch, at it is kept whole."""

from __future__ import annotations

import datetime

from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome, OutcomeType
from tests.conftest import Cast
from tests.limits import TextCase, check_text_limit


def test_evidence_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, household_a: Household
) -> None:
    case = TextCase(
        run=lambda value: services.outcome_record(
            actor=cast.alice,
            household=household_a,
            outcome_type=OutcomeType.EVICTION_PREVENTED,
            occurred_on=datetime.date(2026, 6, 1),
            evidence=value,
        ),
        stored=lambda: Outcome.objects.values_list("evidence", flat=True).last() or "",
    )
    check_text_limit(case, limits.TEXT)
