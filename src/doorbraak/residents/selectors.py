"""Reads of the household's own page (``/mijn/``): what one member may see.

Only what concerns the member and the household as a whole: the household's current plan
(goals, actions, its own commitment), its coordinator, the next date, the member's own
self-scores, and the consultations of the member's data and of the household's. Never
another member's own records. Each page's read is logged by the view
(``processing.log_resident``), once per page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.assessments.models import FollowUp, FollowUpStatus, LifeDomain, SelfAssessment
from doorbraak.assessments.services import domains_for
from doorbraak.audit.models import ProcessingLog
from doorbraak.audit.selectors import log_cursor, older_than
from doorbraak.households.models import Consent, CoordinatorAssignment, Member
from doorbraak.plans.models import Action, ActionStatus, Goal, Plan, PlanStatus
from doorbraak.privacy.overview import Consultation, consultation_of, consultation_records
from doorbraak.residents.models import ResidentAccount
from doorbraak.residents.policies import Closed, closed_reason
from doorbraak.residents.services import SESSION_KEY

#: Consultations on the page itself; the full list pages by this many too.
LATEST_CONSULTATIONS = 5
CONSULTATIONS_PAGE = 25


def resident_account(request: HttpRequest) -> ResidentAccount | None:
    """The resident account of this session, with the member and household; ``None`` for a
    staff user or a session the resident sign-in did not make."""
    member_id = request.session.get(SESSION_KEY)
    user = request.user
    if member_id is None or not user.is_authenticated:
        return None
    return (
        ResidentAccount.objects.select_related(
            "user", "member__household__team", "member__household__municipality"
        )
        .filter(user=user, member_id=member_id)
        .first()
    )


def page_closed(member: Member) -> Closed | None:
    """Why the member sees nothing now (one query for their consents), or ``None``."""
    consents = list(Consent.objects.filter(given_by=member).values_list("withdrawn_at", flat=True))
    all_withdrawn = bool(consents) and all(at is not None for at in consents)
    return closed_reason(member, consents_withdrawn=all_withdrawn)


@dataclass(frozen=True)
class Coordinator:
    name: str
    email: str
    team: str


@dataclass(frozen=True)
class NextDate:
    on: datetime.date
    what: str
    kind: str  # "action" or "follow_up"


@dataclass(frozen=True)
class OwnPage:
    plan: Plan | None
    goals: list[Goal]
    loose_actions: list[Action]  # actions not tied to a goal
    coordinator: Coordinator | None
    next_date: NextDate | None
    own_scores_on: datetime.datetime | None
    consultations: list[Consultation]
    more_consultations: bool


def own_page(*, member: Member, user: User) -> OwnPage:
    """Everything on ``/mijn/`` for ``member``: a fixed number of queries at any size."""
    household = member.household
    plan = (
        Plan.objects.filter(household=household, status=PlanStatus.AGREED)
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("domain")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner_organisation").order_by(
                    "due_on", "position", "pk"
                ),
            ),
        )
        .first()
    )
    goals: list[Goal] = []
    loose: list[Action] = []
    next_date: NextDate | None = None
    today = timezone.localdate()
    if plan is not None:
        goals = list(plan.goals.all())
        by_goal: dict[int, list[Action]] = {g.pk: [] for g in goals}
        for action in plan.actions.all():
            if action.goal_id in by_goal:
                by_goal[action.goal_id].append(action)
            else:
                loose.append(action)
        for goal in goals:
            goal.own_actions = by_goal[goal.pk]  # type: ignore[attr-defined]
        upcoming = next(
            (
                a
                for a in plan.actions.all()
                if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) and a.due_on >= today
            ),
            None,
        )
        if upcoming is not None:
            next_date = NextDate(upcoming.due_on, upcoming.description, "action")
    follow_up = (
        FollowUp.objects.filter(
            household=household,
            status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.REMINDED],
            due_on__gte=today,
        )
        .order_by("due_on")
        .first()
    )
    if follow_up is not None and (next_date is None or follow_up.due_on < next_date.on):
        next_date = NextDate(follow_up.due_on, "", "follow_up")
    assignment = (
        CoordinatorAssignment.objects.filter(household=household, ended_at__isnull=True)
        .select_related("coordinator")
        .first()
    )
    coordinator = (
        Coordinator(
            name=assignment.coordinator.get_full_name() or assignment.coordinator.username,
            email=assignment.coordinator.email,
            team=household.team.name,
        )
        if assignment is not None
        else None
    )
    own_scores_on = (
        SelfAssessment.objects.filter(household=household, member=member)
        .values_list("submitted_at", flat=True)
        .first()
    )
    records = list(_consultations(member, user)[: LATEST_CONSULTATIONS + 1])
    return OwnPage(
        plan=plan,
        goals=goals,
        loose_actions=loose,
        coordinator=coordinator,
        next_date=next_date,
        own_scores_on=own_scores_on,
        consultations=[consultation_of(r) for r in records[:LATEST_CONSULTATIONS]],
        more_consultations=len(records) > LATEST_CONSULTATIONS,
    )


def _consultations(member: Member, user: User) -> QuerySet[ProcessingLog]:
    """The processings of the member's data and of the household's as a whole, by staff
    and the system: the resident's own reads of their page are left out (they are in the
    log, but nobody else looked)."""
    return consultation_records([member.pseudonym, member.household.pseudonym]).exclude(
        Q(actor=user) | Q(actor__resident_account__isnull=False)
    )


@dataclass(frozen=True)
class ConsultationPage:
    consultations: list[Consultation]
    older: str | None  # the cursor of the next (older) page
    first: bool


def consultations_page(*, member: Member, user: User, older: str = "") -> ConsultationPage:
    """One page of "wie heeft mijn gegevens gezien", newest first, by keyset (never an
    OFFSET: any page costs what the first does). Raises ``BadCursor`` for a link this page
    did not make."""
    records = _consultations(member, user)
    if older:
        records = records.filter(older_than(older))
    rows = list(records[: CONSULTATIONS_PAGE + 1])
    page = rows[:CONSULTATIONS_PAGE]
    return ConsultationPage(
        consultations=[consultation_of(r) for r in page],
        older=log_cursor(page[-1]) if len(rows) > CONSULTATIONS_PAGE else None,
        first=not older,
    )


def own_scores(*, member: Member) -> tuple[list[LifeDomain], dict[int, int]]:
    """The municipality's life domains and the member's newest own scores (domain id ->
    score) to start the form from."""
    domains = domains_for(member.household.municipality)
    latest = (
        SelfAssessment.objects.filter(household=member.household, member=member)
        .prefetch_related("scores")
        .first()
    )
    scores = {s.domain_id: s.score for s in latest.scores.all()} if latest else {}
    return domains, scores
