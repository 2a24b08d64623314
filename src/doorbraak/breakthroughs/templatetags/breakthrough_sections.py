"""The breakthroughs section of the household page, contributed by this app.

The household page (``households``) loads this tag instead of importing our selectors, so
the households app does not depend on breakthroughs.
"""

from __future__ import annotations

from typing import Any

from django import template

from doorbraak.breakthroughs.selectors import bottleneck_summaries
from doorbraak.households.models import Household

register = template.Library()


@register.inclusion_tag("breakthroughs/_household_section.html")
def household_bottlenecks(household: Household) -> dict[str, Any]:
    """The household's bottlenecks with their breakthroughs (the caller opened the household)."""
    return {
        "household": household,
        "bottlenecks": bottleneck_summaries(household=household),
    }
