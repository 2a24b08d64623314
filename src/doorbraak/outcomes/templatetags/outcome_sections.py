"""The outcomes section of the household page, contributed by this app.

The household page (``households``) loads this tag instead of importing our selectors, so
the households app does not depend on outcomes.
"""

from __future__ import annotations

from typing import Any

from django import template

from doorbraak.households.models import Household
from doorbraak.outcomes.selectors import outcome_summaries

register = template.Library()


@register.inclusion_tag("outcomes/_household_section.html")
def household_outcomes(household: Household) -> dict[str, Any]:
    """The household's outcomes, withdrawn ones too (the caller opened the household)."""
    return {"household": household, "outcomes": outcome_summaries(household=household)}
