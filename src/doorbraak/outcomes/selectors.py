"""Reads of outcomes, scoped to the household's team, with the processing log written.

``outcomes_of`` serves a household the caller has already opened (and logged) through
``household_open``; ``outcome_get`` answers 404 outside the household's team and records
the read of the household's personal data. ``sustainability`` gives aggregates only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.accounts.selectors import AnyUser
from doorbraak.assessments.models import Assessment, DomainScore, FollowUp, FollowUpStatus
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.households.models import Household
from doorbraak.lib.prepared import Prepared
from doorbraak.lib.rows import choice_labels
from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue
from doorbraak.outcomes.processing import log_outcome


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


#: The household page's outcomes section: type, day, value and withdrawal of each outcome,
#: newest first, compiled once (``lib.prepared``).
_SUMMARIES = Prepared(
    lambda household: (
        Outcome.objects.filter(household_id=household)
        .order_by("-occurred_on", "-pk")
        .values("pk", "outcome_type", "occurred_on", "value_cents", "withdrawn_at")
    )
)


def outcome_summaries(*, household: Household) -> list[dict[str, Any]]:
    """``outcomes_of`` with only what the household page's section shows (type and its
    label, day, value, withdrawn), no related rows and no valuation lines: one plain query
    (issue 20), as rows, its SQL compiled once per process."""
    labels = choice_labels(OutcomeType.choices)
    return [
        {**row, "type_label": labels.get(row["outcome_type"], row["outcome_type"])}
        for row in _SUMMARIES.rows(household=household.pk)
    ]


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
        log_outcome(actor=user, outcome=outcome, action=ProcessingAction.READ)
    return outcome


def breakthrough_choices(*, household: Household) -> QuerySet[Breakthrough]:
    """The household's own breakthroughs, to link an outcome to."""
    return Breakthrough.objects.filter(household=household).order_by("-created_at", "-pk")


def cost_item_choices(*, household: Household) -> QuerySet[CostItem]:
    """National cost figures and those of the household's municipality (for 'other')."""
    return CostItem.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=household.municipality_id)
    ).order_by("name", "-valid_year", "pk")


# --- sustainably helped? -------------------------------------------------------------------------
@dataclass(frozen=True)
class MomentFigures:
    """Households with a follow-up assessment this many months after closing."""

    months: int
    households: int
    held: int  # no more problem domains than at closing
    worse: int
    domain_change: dict[str, float]  # mean score change per domain since closing (+ is better)

    @property
    def share_held(self) -> float | None:
        return self.held / self.households if self.households else None


def sustainability(
    *, municipality_ids: Iterable[int], closed_from: datetime.date, closed_to: datetime.date
) -> list[MomentFigures]:
    """Did the improvement hold? Aggregates only, per moment (3, 6 and 12 months).

    The baseline is the household's last own assessment on or before the closing date; the
    follow-up is the assessment recorded for the planned follow-up. Counts, never names.
    """
    households = Household.objects.filter(
        municipality_id__in=list(municipality_ids),
        closed_on__gte=closed_from,
        closed_on__lte=closed_to,
    )
    follow_ups = list(
        FollowUp.objects.filter(
            household__in=households, status=FollowUpStatus.DONE, assessment__isnull=False
        ).select_related("household", "assessment")
    )
    household_ids = {f.household_id for f in follow_ups}
    baselines: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(household_id__in=household_ids, member__isnull=True)
        .select_related("household")
        .order_by("assessed_on", "pk")
    ):
        closed_on = assessment.household.closed_on
        if closed_on is not None and assessment.assessed_on <= closed_on:
            baselines[assessment.household_id] = assessment  # the latest wins
    assessment_ids = {a.pk for a in baselines.values()} | {f.assessment_id for f in follow_ups}
    scores: dict[int, dict[str, int]] = {}
    for score in DomainScore.objects.filter(assessment_id__in=assessment_ids).select_related(
        "domain"
    ):
        scores.setdefault(score.assessment_id, {})[score.domain.name] = score.score
    figures = []
    for months in (3, 6, 12):
        moment = [f for f in follow_ups if f.months_after_closing == months]
        held = worse = 0
        changes: dict[str, list[int]] = {}
        counted = 0
        for follow_up in moment:
            baseline = baselines.get(follow_up.household_id)
            if baseline is None or follow_up.assessment is None:
                continue
            counted += 1
            if follow_up.assessment.problem_domains <= baseline.problem_domains:
                held += 1
            else:
                worse += 1
            before = scores.get(baseline.pk, {})
            after = scores.get(follow_up.assessment.pk, {})
            for domain, value in after.items():
                if domain in before:
                    changes.setdefault(domain, []).append(value - before[domain])
        figures.append(
            MomentFigures(
                months=months,
                households=counted,
                held=held,
                worse=worse,
                domain_change={d: sum(v) / len(v) for d, v in sorted(changes.items())},
            )
        )
    return figures
