"""Reads of outcomes, scoped to the household's team, with the processing log written.

``outcomes_of`` serves a household the caller has already opened (and logged) through
``household_open``; ``outcome_get`` answers 404 outside the household's team and records
the read of the household's personal data.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.services import processing_log_read
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.households.models import Household
from doorbraak.households.services import household_subjects
from doorbraak.outcomes.models import CostItem, Outcome, OutcomeValue


def _values() -> Prefetch[str]:
    return Prefetch("values", queryset=OutcomeValue.objects.order_by("pk"))


def outcomes_of(*, household: Household) -> QuerySet[Outcome]:
    """The household's outcomes (withdrawn ones too), newest first, valuation lines prefetched.

    The caller opened the household (access checked, read logged). A fixed number of
    queries however many outcomes there are.
    """
    return (
        Outcome.objects.filter(household=household)
        .select_related("breakthrough", "cost_item", "recorded_by")
        .prefetch_related(_values())
        .order_by("-occurred_on", "-pk")
    )


def outcome_get(*, user: AnyUser, pk: int, log: bool = True) -> Outcome:
    """One outcome with its valuation lines; 404 outside the household's team."""
    outcome = get_object_or_404(
        Outcome.objects.visible_to(user)
        .select_related(
            "household__municipality",
            "household__team",
            "breakthrough",
            "cost_item",
            "recorded_by",
        )
        .prefetch_related(_values()),
        pk=pk,
    )
    if log:
        household = outcome.household
        processing_log_read(
            actor=user,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="outcomes.outcome",
            object_id=outcome.pk,
            subjects=household_subjects(household),
            municipality=household.municipality,
        )
    return outcome


def breakthrough_choices(*, household: Household) -> QuerySet[Breakthrough]:
    """The household's own breakthroughs, to link an outcome to."""
    return Breakthrough.objects.filter(household=household).order_by("-created_at", "-pk")


def cost_item_choices(*, household: Household) -> QuerySet[CostItem]:
    """National cost figures and those of the household's municipality (for 'other')."""
    return CostItem.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=household.municipality_id)
    ).order_by("name", "-valid_year", "pk")
