"""The note on an assessment has a limit: over it is refused in Dutch, at it is kept whole."""

from __future__ import annotations

from doorbraak.assessments import services
from doorbraak.assessments.models import Assessment
from doorbraak.households.models import Household
from doorbraak.lib import limits
from tests.conftest import Cast
from tests.limits import TextCase, check_text_limit


def test_the_note_over_its_limit_is_refused_and_at_its_limit_kept(
    cast: Cast, household_a: Household
) -> None:
    scores = [
        services.ScoreData(domain.pk, 4, None)
        for domain in services.domains_for(household_a.municipality)
    ]
    case = TextCase(
        run=lambda value: services.assessment_record(
            actor=cast.alice, household=household_a, scores=scores, note=value
        ),
        stored=lambda: Assessment.objects.values_list("note", flat=True).last() or "",
    )
    check_text_limit(case, limits.SHORT_TEXT)
