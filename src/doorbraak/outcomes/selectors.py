"""Reads from the cost catalogue. Cost figures are not personal data: no processing log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from doorbraak.outcomes.models import CostItem

if TYPE_CHECKING:
    from doorbraak.accounts.models import Municipality
    from doorbraak.accounts.selectors import AnyUser


def cost_item_list(
    *, user: AnyUser, year: int | None = None, query: str = ""
) -> QuerySet[CostItem]:
    """National figures and those of the user's municipalities, optionally for one year."""
    items = CostItem.objects.visible_to(user).select_related("municipality")
    if year is not None:
        items = items.filter(valid_year=year)
    query = query.strip()
    if query:
        items = items.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(source__icontains=query)
        )
    return items.order_by("name", "-valid_year", "municipality_id")


def cost_item_for(
    *, code: str, municipality: Municipality | None, on: datetime.date
) -> CostItem | None:
    """The figure that counts for ``code`` in ``municipality`` on date ``on``.

    The figure valid for the year of ``on`` is the newest one with ``valid_year <=
    on.year``. The municipality's own figure wins over the national one; when neither has
    a figure that old, the oldest available one is used (own before national). One query.
    """
    scope = Q(municipality__isnull=True)
    if municipality is not None:
        scope |= Q(municipality=municipality)
    candidates = list(CostItem.objects.filter(scope, code=code))
    own = [item for item in candidates if item.municipality_id is not None]
    national = [item for item in candidates if item.municipality_id is None]
    for group in (own, national):
        valid = [item for item in group if item.valid_year <= on.year]
        if valid:
            return max(valid, key=lambda item: item.valid_year)
    for group in (own, national):
        if group:
            return min(group, key=lambda item: item.valid_year)
    return None


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
    from doorbraak.assessments.models import Assessment, DomainScore, FollowUp, FollowUpStatus
    from doorbraak.households.models import Household

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
