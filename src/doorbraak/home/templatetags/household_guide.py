"""The "next step" panel of the household page, composed by this app (``home.next_step``).

The household page (``households``) loads this tag instead of importing the apps above it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from doorbraak.home.next_step import household_guide
from doorbraak.households.models import Consent, Household

register = template.Library()


@register.inclusion_tag("home/_next_step.html", takes_context=True)
def household_next_step(
    context: template.Context, household: Household, consents: Iterable[Consent] | None = None
) -> dict[str, Any]:
    """The next step for a household the page opened (only for those who may change it);
    ``consents``: the household's consents when the page read them itself."""
    return {
        "household": household,
        "guide": household_guide(household, today=timezone.localdate(), consents=consents),
        "csrf_token": context.get("csrf_token"),
    }
