"""The day's work on the home page: per role an ordered list of blocks.

A *block* is one kind of work (new referrals, deadlines, overdue plan actions …): a title,
how many there are, the first few with a link to each, a "show all" page when there are
more (``/werk/<key>/``) and a marking of what is overdue or due soon. Each block reads with
ONE query, built on the models' ``visible_to(user)`` (or the app's selector), so another
team's or municipality's work never shows; the count comes with the rows (a window count).
The household names shown are recorded in the processing log by :func:`log_shown`, once
for the whole page.

``HOME_BLOCKS[role]`` is the registry: other branches add their blocks to a role's list
(``HOME_BLOCKS[Role.PRIVACY_OFFICER]`` is left empty for the data-subject requests and
security alerts; while it is empty the page shows the role's links only).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Window
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of, roles_of
from doorbraak.assessments.models import FollowUp, FollowUpStatus
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    PartnerRequest,
    RequestStatus,
)
from doorbraak.breakthroughs.selectors import partner_inbox, table_queue_breakthroughs
from doorbraak.funds.models import FundRequest, FundRequestStatus
from doorbraak.households.models import (
    CoordinatorAssignment,
    Household,
    HouseholdStatus,
    Referral,
    ReferralStatus,
    Urgency,
)
from doorbraak.households.selectors import log_lists_shown
from doorbraak.insights.models import Signal, SignalStatus
from doorbraak.lib.workdays import add_working_days
from doorbraak.plans.models import Action, ActionStatus, PlanStatus
from doorbraak.tables.models import Meeting, MeetingStatus

#: How many items a block shows on the home page; the rest is on its own page.
BLOCK_SIZE = 5
#: Items per page of a block's own page.
PAGE_SIZE = 25

OVERDUE = "overdue"
DUE_SOON = "due_soon"
URGENT = "urgent"

MARKING_LABELS: dict[str, str | Promise] = {
    OVERDUE: _("overdue"),
    DUE_SOON: _("due soon"),
    URGENT: _("urgent"),
}

#: Partner requests still waiting for the organisation's answer.
WAITING = (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION)
#: Answers a team acts on.
ANSWERED = (RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.MORE_INFORMATION)


@dataclass(frozen=True)
class Today:
    """The day the list is made for, and the last day that still counts as "due soon"."""

    day: datetime.date
    soon: datetime.date

    @classmethod
    def of(cls, day: datetime.date) -> Today:
        return cls(day, add_working_days(day, settings.HOME_DEADLINE_WORKING_DAYS))

    def marking(self, due: datetime.date | None) -> str:
        if due is None:
            return ""
        if due < self.day:
            return OVERDUE
        if due <= self.soon:
            return DUE_SOON
        return ""


@dataclass(frozen=True)
class WorkItem:
    """One line of a block: what, a link, when it is due and how urgent it is."""

    label: str
    url: str
    detail: str = ""
    due: datetime.date | None = None
    marking: str = ""
    #: Personal data shown, for the processing log.
    household: Household | None = None
    referral: Referral | None = None

    @property
    def marking_label(self) -> str | Promise:
        return MARKING_LABELS.get(self.marking, "")


@dataclass(frozen=True)
class Block:
    """One kind of work: ``select(user, today)`` is its ordered queryset (the ONE query),
    ``item(row, today)`` turns a row into a line."""

    key: str
    title: str | Promise
    empty: str | Promise
    select: Callable[[AnyUser, Today], QuerySet[Any]]
    item: Callable[[Any, Today], WorkItem]


@dataclass
class BlockResult:
    block: Block
    count: int
    items: list[WorkItem] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.items)

    @property
    def show_all_url(self) -> str:
        return reverse("work-block", args=[self.block.key])

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.marking in (OVERDUE, URGENT))


# --- scopes -----------------------------------------------------------------------------------
def _coordinated_by(user: AnyUser, household_ref: str) -> Exists:
    """Rows whose household (``household_ref``, the path to its id) the user coordinates.

    An ``EXISTS`` rather than a join: a household with earlier coordinators would give a
    row per assignment, and the window count must count each row once.
    """
    return Exists(
        CoordinatorAssignment.objects.filter(
            household_id=OuterRef(household_ref), coordinator_id=user.pk, ended_at__isnull=True
        )
    )


def _household_url(household: Household) -> str:
    return reverse("households:detail", args=[household.public_id])


# --- referrals (professional and team lead: the whole team) ------------------------------------
def _referrals(user: AnyUser, today: Today) -> QuerySet[Referral]:
    """New referrals for the user's team: crisis first, then high urgency, then by date."""
    return (
        Referral.objects.for_team_of(user)
        .filter(status=ReferralStatus.SUBMITTED)
        .annotate(
            urgency_rank=Case(
                When(urgency=Urgency.CRISIS, then=Value(0)),
                When(urgency=Urgency.HIGH, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency_rank", "referred_at", "pk")
    )


def _referral_item(referral: Referral, today: Today) -> WorkItem:
    return WorkItem(
        label=referral.resident_name,
        url=reverse("households:referral-detail", args=[referral.pk]),
        detail=str(referral.get_urgency_display()),
        due=None,
        marking=URGENT if referral.urgency == Urgency.CRISIS else "",
        referral=referral,
    )


# --- breakthrough deadlines ---------------------------------------------------------------------
def _deadlines(user: AnyUser, today: Today, *, mine: bool) -> QuerySet[Breakthrough]:
    breakthroughs = Breakthrough.objects.visible_to(user).filter(
        status=BreakthroughStatus.SUBMITTED, level_deadline__lte=today.soon
    )
    if mine:
        breakthroughs = breakthroughs.filter(
            Q(created_by=user) | _coordinated_by(user, "household_id")
        )
    return breakthroughs.select_related("household").order_by("level_deadline", "pk")


def _deadline_item(breakthrough: Breakthrough, today: Today) -> WorkItem:
    return WorkItem(
        label=breakthrough.title,
        url=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        detail=f"{breakthrough.household.name} · {breakthrough.get_level_display()}",
        due=breakthrough.level_deadline,
        marking=today.marking(breakthrough.level_deadline),
        household=breakthrough.household,
    )


# --- plan actions -----------------------------------------------------------------------------
def _actions(user: AnyUser, today: Today, *, mine: bool) -> QuerySet[Action]:
    """Open actions of agreed plans that are overdue or due soon."""
    actions = Action.objects.filter(
        plan__household__in=Household.objects.visible_to(user).filter(
            status=HouseholdStatus.ACTIVE
        ),
        plan__status=PlanStatus.AGREED,
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
        due_on__lte=today.soon,
    )
    if mine:
        actions = actions.filter(_coordinated_by(user, "plan__household_id"))
    return actions.select_related("plan__household").order_by("due_on", "pk")


def _action_item(action: Action, today: Today) -> WorkItem:
    household = action.plan.household
    return WorkItem(
        label=action.description,
        url=reverse("plans:detail", args=[action.plan_id]),
        detail=f"{household.name} · {action.get_owner_display()}",
        due=action.due_on,
        marking=today.marking(action.due_on),
        household=household,
    )


# --- follow-up assessments --------------------------------------------------------------------
def _follow_ups(user: AnyUser, today: Today, *, mine: bool) -> QuerySet[FollowUp]:
    follow_ups = FollowUp.objects.filter(
        household__in=Household.objects.visible_to(user),
        status__in=(FollowUpStatus.SCHEDULED, FollowUpStatus.REMINDED),
        due_on__lte=today.soon,
    )
    if mine:
        # Closing keeps the coordinator: the same person does the follow-up.
        follow_ups = follow_ups.filter(_coordinated_by(user, "household_id"))
    return follow_ups.select_related("household").order_by("due_on", "pk")


def _follow_up_item(follow_up: FollowUp, today: Today) -> WorkItem:
    household = follow_up.household
    return WorkItem(
        label=household.name,
        url=reverse("assessments:create", args=[household.public_id]),
        detail=str(
            _("Follow-up assessment %(months)s months after closing")
            % {"months": follow_up.months_after_closing}
        ),
        due=follow_up.due_on,
        marking=today.marking(follow_up.due_on),
        household=household,
    )


# --- partner answers --------------------------------------------------------------------------
def _answers(user: AnyUser, today: Today, *, mine: bool) -> QuerySet[PartnerRequest]:
    """Requests to partners answered in the last ``HOME_ANSWERS_DAYS`` days."""
    since = today.day - datetime.timedelta(days=settings.HOME_ANSWERS_DAYS)
    answers = PartnerRequest.objects.filter(
        breakthrough__in=Breakthrough.objects.visible_to(user),
        status__in=ANSWERED,
        answered_at__date__gte=since,
    )
    if mine:
        answers = answers.filter(
            Q(asked_by=user) | _coordinated_by(user, "breakthrough__household_id")
        )
    return answers.select_related("organisation", "breakthrough__household").order_by(
        "-answered_at", "-pk"
    )


def _answer_item(request: PartnerRequest, today: Today) -> WorkItem:
    breakthrough = request.breakthrough
    return WorkItem(
        label=f"{request.organisation.name}: {request.get_status_display()}",
        url=reverse("breakthroughs:detail", args=[breakthrough.pk]),
        detail=f"{breakthrough.household.name} · {breakthrough.title}",
        household=breakthrough.household,
    )


# --- households without a coordinator (team lead) ---------------------------------------------
def _unassigned(user: AnyUser, today: Today) -> QuerySet[Household]:
    active = CoordinatorAssignment.objects.filter(household=OuterRef("pk"), ended_at__isnull=True)
    return (
        Household.objects.visible_to(user)
        .filter(status=HouseholdStatus.ACTIVE)
        .filter(~Exists(active))
        .order_by("opened_on", "pk")
    )


def _unassigned_item(household: Household, today: Today) -> WorkItem:
    return WorkItem(
        label=household.name,
        url=_household_url(household),
        detail=str(_("Open since %(date)s") % {"date": date_format(household.opened_on, "j M Y")}),
        household=household,
    )


# --- partner contact: requests to the organisation ---------------------------------------------
def _partner_requests(user: AnyUser, today: Today) -> QuerySet[PartnerRequest]:
    """Requests waiting for the organisation's answer, nearest deadline first (no names)."""
    return partner_inbox(user=user).filter(status__in=WAITING).order_by("deadline", "pk")


def _partner_request_item(request: PartnerRequest, today: Today) -> WorkItem:
    return WorkItem(
        label=str(
            _("Request %(number)s (%(theme)s)")
            % {
                "number": request.pk,
                "theme": request.breakthrough.bottleneck.get_theme_display(),
            }
        ),
        url=reverse("partners:request-detail", args=[request.pk]),
        detail=f"{request.organisation.name} · {request.get_status_display()}",
        due=request.deadline,
        marking=today.marking(request.deadline),
    )


# --- table chair ------------------------------------------------------------------------------
def _meetings(user: AnyUser, today: Today) -> QuerySet[Meeting]:
    return (
        Meeting.objects.visible_to(user)
        .filter(
            status__in=(MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS),
            starts_at__date__gte=today.day,
        )
        .select_related("table")
        .order_by("starts_at", "pk")
    )


def _meeting_item(meeting: Meeting, today: Today) -> WorkItem:
    return WorkItem(
        label=meeting.table.name,
        url=reverse("tables:meeting-detail", args=[meeting.pk]),
        detail=meeting.location or str(_("Online")),
        due=meeting.starts_at.date(),
    )


def _table_queue(user: AnyUser, today: Today) -> QuerySet[Breakthrough]:
    """Cases waiting for the table, minimised: the proposal and its deadline, no names."""
    return table_queue_breakthroughs(user=user).select_related("household__district")


def _queue_item(breakthrough: Breakthrough, today: Today) -> WorkItem:
    district = breakthrough.household.district
    return WorkItem(
        label=breakthrough.title,
        url=reverse("breakthroughs:table-item", args=[breakthrough.pk]),
        detail=district.name if district is not None else "",
        due=breakthrough.level_deadline,
        marking=today.marking(breakthrough.level_deadline),
    )


# --- fund manager -----------------------------------------------------------------------------
def _fund_requests(user: AnyUser, today: Today) -> QuerySet[FundRequest]:
    """Requests to approve (first) or to pay, of the funds the user manages; no names."""
    return (
        FundRequest.objects.visible_to(user)
        .filter(
            fund__municipality_id__in=municipality_ids_of(user, role=Role.FUND_MANAGER),
            status__in=(FundRequestStatus.REQUESTED, FundRequestStatus.APPROVED),
        )
        .annotate(
            step=Case(
                When(status=FundRequestStatus.REQUESTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("fund")
        .order_by("step", "submitted_at", "pk")
    )


def _fund_request_item(request: FundRequest, today: Today) -> WorkItem:
    waiting_for = (
        _("awaiting approval")
        if request.status == FundRequestStatus.REQUESTED
        else _("awaiting payment")
    )
    euros = number_format(Decimal(request.amount_cents) / 100, 2, force_grouping=True)
    return WorkItem(
        label=f"#{request.pk} {request.get_purpose_display()} · € {euros}",
        url=reverse("funds:request-detail", args=[request.pk]),
        detail=f"{request.fund.name} · {waiting_for}",
    )


# --- policy analyst ---------------------------------------------------------------------------
def _signals(user: AnyUser, today: Today) -> QuerySet[Signal]:
    return (
        Signal.objects.visible_to(user)
        .filter(status=SignalStatus.PROPOSED)
        .order_by("-case_count", "created_at", "pk")
    )


def _signal_item(signal: Signal, today: Today) -> WorkItem:
    return WorkItem(
        label=signal.title,
        url=reverse("insights:signal-detail", args=[signal.pk]),
        detail=str(_("%(count)s bottlenecks") % {"count": signal.case_count}),
    )


# --- the registry -----------------------------------------------------------------------------
REFERRALS = Block(
    "aanmeldingen",
    _("New referrals"),
    _("No new referrals for your team."),
    _referrals,
    _referral_item,
)
MY_DEADLINES = Block(
    "termijnen",
    _("Deadlines of your breakthroughs"),
    _("None of your breakthroughs is due soon."),
    lambda user, today: _deadlines(user, today, mine=True),
    _deadline_item,
)
MY_ACTIONS = Block(
    "acties",
    _("Plan actions overdue or due soon"),
    _("No plan actions of your households are due."),
    lambda user, today: _actions(user, today, mine=True),
    _action_item,
)
MY_FOLLOW_UPS = Block(
    "nazorg",
    _("Follow-up assessments due"),
    _("No follow-up assessments are due."),
    lambda user, today: _follow_ups(user, today, mine=True),
    _follow_up_item,
)
MY_ANSWERS = Block(
    "antwoorden",
    _("Answers from partners"),
    _("No partner answered recently."),
    lambda user, today: _answers(user, today, mine=True),
    _answer_item,
)
TEAM_DEADLINES = Block(
    "team-termijnen",
    _("Deadlines of the team's breakthroughs"),
    _("None of the team's breakthroughs is due soon."),
    lambda user, today: _deadlines(user, today, mine=False),
    _deadline_item,
)
TEAM_ACTIONS = Block(
    "team-acties",
    _("The team's plan actions overdue or due soon"),
    _("No plan actions of the team are due."),
    lambda user, today: _actions(user, today, mine=False),
    _action_item,
)
TEAM_FOLLOW_UPS = Block(
    "team-nazorg",
    _("The team's follow-up assessments due"),
    _("No follow-up assessments of the team are due."),
    lambda user, today: _follow_ups(user, today, mine=False),
    _follow_up_item,
)
TEAM_ANSWERS = Block(
    "team-antwoorden",
    _("Answers from partners to the team"),
    _("No partner answered the team recently."),
    lambda user, today: _answers(user, today, mine=False),
    _answer_item,
)
UNASSIGNED = Block(
    "zonder-regiehouder",
    _("Households without a coordinator"),
    _("Every household has a coordinator."),
    _unassigned,
    _unassigned_item,
)
PARTNER_REQUESTS = Block(
    "verzoeken",
    _("Requests to your organisation"),
    _("No requests are waiting for your answer."),
    _partner_requests,
    _partner_request_item,
)
MEETINGS = Block(
    "overleggen",
    _("Next meetings"),
    _("No meetings planned."),
    _meetings,
    _meeting_item,
)
TABLE_QUEUE = Block(
    "wachtrij-tafel",
    _("Cases waiting for the table"),
    _("No cases are waiting for the table."),
    _table_queue,
    _queue_item,
)
FUND_REQUESTS = Block(
    "potje-aanvragen",
    _("Fund requests awaiting approval or payment"),
    _("No fund requests are waiting."),
    _fund_requests,
    _fund_request_item,
)
SIGNALS = Block(
    "signalen",
    _("Proposed signals"),
    _("No proposed signals."),
    _signals,
    _signal_item,
)

#: Role → its blocks, in the order the home page shows them.
HOME_BLOCKS: dict[str, list[Block]] = {
    Role.PROFESSIONAL: [REFERRALS, MY_DEADLINES, MY_ACTIONS, MY_FOLLOW_UPS, MY_ANSWERS],
    Role.TEAM_LEAD: [
        REFERRALS,
        UNASSIGNED,
        TEAM_DEADLINES,
        TEAM_ACTIONS,
        TEAM_FOLLOW_UPS,
        TEAM_ANSWERS,
    ],
    Role.PARTNER_CONTACT: [PARTNER_REQUESTS],
    Role.TABLE_CHAIR: [MEETINGS, TABLE_QUEUE],
    Role.FUND_MANAGER: [FUND_REQUESTS],
    Role.POLICY_ANALYST: [SIGNALS],
    #: Filled by the privacy work (security alerts, data-subject requests); nothing yet.
    Role.PRIVACY_OFFICER: [],
    Role.ADMIN: [],
}


def blocks_for(user: AnyUser) -> list[Block]:
    """The user's blocks over all their roles, in the order of ``Role``, each once."""
    roles = roles_of(user)
    seen: dict[str, Block] = {}
    for role in Role.values:
        if role in roles:
            for block in HOME_BLOCKS.get(role, []):
                seen.setdefault(block.key, block)
    return list(seen.values())


def block_get(*, user: AnyUser, key: str) -> Block:
    """The user's block with this key; 404 for a block of a role the user does not have."""
    for block in blocks_for(user):
        if block.key == key:
            return block
    raise Http404


def with_count(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows with ``total``, the number of rows of the whole queryset, in the same query."""
    return rows.annotate(total=Window(expression=Count("pk")))


def run_block(block: Block, *, user: AnyUser, today: Today, size: int = BLOCK_SIZE) -> BlockResult:
    """The first ``size`` items of the block and their total, in one query."""
    rows = list(with_count(block.select(user, today))[:size])
    count = rows[0].total if rows else 0
    return BlockResult(block, count, [block.item(row, today) for row in rows])


def work_list(*, user: AnyUser, day: datetime.date) -> list[BlockResult]:
    """Every block of the user's roles, each read in one query, the reads logged once."""
    today = Today.of(day)
    results = [run_block(block, user=user, today=today) for block in blocks_for(user)]
    log_shown(user=user, items=[item for result in results for item in result.items])
    return results


def log_shown(*, user: AnyUser, items: Iterable[WorkItem]) -> None:
    """Record the households and referrals whose names were shown: a record per household
    and per referral, all in one INSERT."""
    households: dict[int, Household] = {}
    referrals: dict[int, Referral] = {}
    for item in items:
        if item.household is not None:
            households.setdefault(item.household.pk, item.household)
        if item.referral is not None:
            referrals.setdefault(item.referral.pk, item.referral)
    log_lists_shown(
        user=user, households=list(households.values()), referrals=list(referrals.values())
    )
