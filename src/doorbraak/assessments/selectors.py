"""Reads of assessments: the latest per household, and the history per domain for charts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.selectors import AnyUser
from doorbraak.assessments.models import (
    Assessment,
    DomainScore,
    FollowUp,
    LifeDomain,
    SelfAssessment,
)
from doorbraak.assessments.processing import log_assessment
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Household, Member


def assessments_of(*, household: Household, member: Member | None = None) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(household=household, member=member)
        .select_related("assessed_by", "member")
        .prefetch_related("scores__domain")
        .order_by("-assessed_on", "-pk")
    )


def weakest_domain_id(*, household: Household) -> int | None:
    """The life domain the household's latest assessment (of the whole household) scored
    lowest, the catalogue's order breaking ties; None before any assessment. One query.

    The plan's first goal is offered on it: the most pressing problem comes first.
    """
    latest = (
        Assessment.objects.filter(household=household, member=None)
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    return (
        DomainScore.objects.filter(assessment__in=latest)
        .order_by("score", "domain__position", "domain__name")
        .values_list("domain_id", flat=True)
        .first()
    )


def assessment_get(*, user: AnyUser, pk: int, log: bool = True) -> Assessment:
    """One assessment with its scores; 404 outside the user's team. Records the read
    (of the member assessed, or of the household's current members)."""
    assessment = get_object_or_404(
        Assessment.objects.visible_to(user)
        .select_related("household", "member", "assessed_by")
        .prefetch_related("scores__domain"),
        pk=pk,
    )
    if log:
        log_assessment(actor=user, action=ProcessingAction.READ, assessment=assessment)
    return assessment


@dataclass(frozen=True)
class DomainHistory:
    domain: LifeDomain
    points: list[tuple[str, int, int | None]]  # (ISO date, score, self score)


def domain_history(*, household: Household, member: Member | None = None) -> list[DomainHistory]:
    """Per domain, the scores over time (oldest first): the data behind the chart."""
    scores = (
        DomainScore.objects.filter(assessment__household=household, assessment__member=member)
        .select_related("domain", "assessment")
        .order_by("domain__position", "assessment__assessed_on", "assessment_id")
    )
    history: dict[int, DomainHistory] = {}
    for score in scores:
        entry = history.setdefault(score.domain_id, DomainHistory(score.domain, []))
        entry.points.append(
            (score.assessment.assessed_on.isoformat(), score.score, score.self_score)
        )
    return list(history.values())


def follow_ups_of(*, household: Household) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(household=household).order_by("due_on")


def pending_self_assessment(*, household: Household) -> SelfAssessment | None:
    """The household's newest own scores if filled in since its latest assessment (on or
    after that day), with its scores: what the next assessment's form starts from."""
    newest = (
        SelfAssessment.objects.filter(household=household)
        .select_related("member")
        .prefetch_related("scores")
        .first()
    )
    if newest is None:
        return None
    last = (
        Assessment.objects.filter(household=household)
        .order_by("-assessed_on")
        .values_list("assessed_on", flat=True)
        .first()
    )
    if last is not None and timezone.localdate(newest.submitted_at) < last:
        return None
    return newest
