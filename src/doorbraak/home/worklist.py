"""The day's work on the home page: per role an ordered list of blocks.

A *block* is one kind of work (new referrals, deadlines, overdue plan actions …): a title,
how many there are, the first few with a link to each, a "show all" page when there are
more (``/werk/<key>/``) and a marking of what is overdue or due soon. Each block reads with
ONE query, built on the models' ``visible_to(user)`` (or the app's selector), so another
team's or municipality's work never shows; the count comes with the rows (a window count).
The team's blocks (professionals, team leads) write that rule as conditions on the joined
household and are compiled to SQL once per shape (``lib.prepared``); a test holds them to
``visible_to``. The household names shown are recorded in the processing log by
:func:`log_shown`, once for the whole page.

``HOME_BLOCKS[role]`` is the registry: other branches add their blocks to a role's list
(``HOME_BLOCKS[Role.PRIVACY_OFFICER]`` is left empty for the data-subject requests and
security alerts; while it is empty the page shows the role's links only).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Choices,
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Window
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of, roles_of
from doorbraak.assessments.models import FollowUp, FollowUpStatus
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    EscalationLevel,
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
    team_scope,
)
from doorbraak.households.selectors import log_lists_shown
from doorbraak.insights.models import Signal, SignalStatus
from doorbraak.lib.prepared import Input, Prepared
from doorbraak.lib.rows import INT_PLACEHOLDER, UUID_PLACEHOLDER, page_asked, url_maker
from doorbraak.lib.workdays import add_working_days
from doorbraak.plans.models import Action, ActionOwner, ActionStatus, PlanStatus
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

    @property
    def due_iso(self) -> str:
        """The ``datetime`` of the ``<time>`` (``|date:'Y-m-d'``)."""
        return self.due.isoformat() if self.due is not None else ""

    @property
    def due_text(self) -> str:
        """The day as ``|date:"DATE_FORMAT"`` writes it, in the active language."""
        return _written_day(self.due, get_language()) if self.due is not None else ""


@functools.lru_cache(maxsize=512)
def _written_day(day: datetime.date, language: str | None) -> str:
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Block:
    """One kind of work: ``select(user, today)`` is its ordered queryset (the ONE query),
    ``item(row, today)`` turns a row into a line."""

    key: str
    title: str | Promise
    empty: str | Promise
    select: Callable[[AnyUser, Today], QuerySet[Any]]
    item: Callable[[Any, Today], WorkItem]
    #: The first ``BLOCK_SIZE`` rows of ``select`` with their ``total``, read without
    #: building the query (``lib.prepared``); None: from ``select``.
    first: Callable[[AnyUser, Today], list[Any]] | None = None
    #: The same for the first ``PAGE_SIZE`` rows (the first page of the block's page).
    first_page: Callable[[AnyUser, Today], list[Any]] | None = None


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


# --- the team's blocks: values() rows, prepared once per shape ------------------------------
# The blocks of professionals and team leads are read as ``values()`` rows of the fields
# they show, with the household's visibility written as conditions on the joined household
# (``Household.objects.visible_to``: the user's teams, not destroyed) instead of an ``IN``
# subquery, and each is compiled to SQL once per shape (``lib.prepared``): the home page
# builds no SQL for them. ``tests/home/test_worklist.py`` holds each of them to the rows
# the models' ``visible_to`` gives.


def inputs_of(user: AnyUser, today: Today) -> dict[str, Input]:
    """What the team's blocks depend on: the teams whose households the user may see
    (``team_scope``), the user, the last day that counts as due soon and the first day of
    the partner answers listed."""
    return {
        "teams": tuple(team_scope(user)),
        "user": cast(int, user.pk),
        "soon": today.soon,
        "since": today.day - datetime.timedelta(days=settings.HOME_ANSWERS_DAYS),
    }


def _visible(teams: tuple[int, ...], household: str) -> Q:
    """``Household.objects.visible_to(user)`` for the household at the path ``household``
    (joined, not a subquery): one of the user's teams, not destroyed."""
    return Q(**{f"{household}__team__in": teams, f"{household}__destroyed_on__isnull": True})


def _coordinated_by(user: int, household_ref: str) -> Exists:
    """Rows whose household (``household_ref``, the path to its id) the user coordinates.

    An ``EXISTS`` rather than a join: a household with earlier coordinators would give a
    row per assignment, and the window count must count each row once.
    """
    return Exists(
        CoordinatorAssignment.objects.filter(
            household_id=OuterRef(household_ref), coordinator_id=user, ended_at__isnull=True
        )
    )


#: The household fields a row of a team's block carries, for its name, link and the log.
_HOUSEHOLD_FIELDS = ("id", "public_id", "name", "municipality_id")


def _household_values(path: str) -> list[str]:
    return [f"{path}__{name}" for name in _HOUSEHOLD_FIELDS]


def _stub(model: type[Model], **values: Any) -> Any:
    """An instance of ``model`` with only these fields loaded (as ``only()`` gives one)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


def _household_of(row: dict[str, Any], path: str) -> Household:
    return cast(
        Household, _stub(Household, **{name: row[f"{path}__{name}"] for name in _HOUSEHOLD_FIELDS})
    )


def _display(choices: type[Choices], value: Any) -> str:
    """What ``get_<field>_display()`` shows for ``value`` of a field with these choices."""
    return str(dict(choices.choices).get(value, value))


@functools.lru_cache(maxsize=64)
def _url_maker(viewname: str, urlconf: Any, prefix: str, by_uuid: bool) -> Callable[[Any], str]:
    return url_maker(viewname, placeholder=UUID_PLACEHOLDER if by_uuid else INT_PLACEHOLDER)


def _url(viewname: str, pk: int | UUID) -> str:
    """``reverse(viewname, args=[pk])``, the pattern reversed once per URLconf and prefix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _url_maker(viewname, urlconf, get_script_prefix(), isinstance(pk, UUID))(pk)


# --- referrals (professional and team lead: the whole team) ------------------------------------
def _referrals(*, teams: tuple[int, ...]) -> QuerySet[Any]:
    """New referrals for the user's teams (``Referral.objects.for_team_of``): crisis first,
    then high urgency, then by date."""
    return (
        Referral.objects.filter(team__in=teams, status=ReferralStatus.SUBMITTED)
        .order_by(
            Case(
                When(urgency=Urgency.CRISIS, then=Value(0)),
                When(urgency=Urgency.HIGH, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "referred_at",
            "pk",
        )
        .values("id", "resident_name", "urgency")
    )


def _referral_item(row: dict[str, Any], today: Today) -> WorkItem:
    return WorkItem(
        label=row["resident_name"],
        url=_url("households:referral-detail", row["id"]),
        detail=_display(Urgency, row["urgency"]),
        due=None,
        marking=URGENT if row["urgency"] == Urgency.CRISIS else "",
        referral=_stub(Referral, id=row["id"]),
    )


# --- breakthrough deadlines ---------------------------------------------------------------------
def _deadlines(
    *, teams: tuple[int, ...], soon: datetime.date, user: int | None = None
) -> QuerySet[Any]:
    """The user's teams' submitted breakthroughs (``Breakthrough.objects.visible_to``) due
    soon or overdue; with ``user``, those the user made or whose household they coordinate."""
    breakthroughs = Breakthrough.objects.filter(
        _visible(teams, "household"),
        team__in=teams,
        status=BreakthroughStatus.SUBMITTED,
        level_deadline__lte=soon,
    )
    if user is not None:
        breakthroughs = breakthroughs.filter(
            Q(created_by_id=user) | _coordinated_by(user, "household_id")
        )
    return breakthroughs.order_by("level_deadline", "pk").values(
        "id", "title", "level", "level_deadline", *_household_values("household")
    )


def _deadline_item(row: dict[str, Any], today: Today) -> WorkItem:
    household = _household_of(row, "household")
    return WorkItem(
        label=row["title"],
        url=_url("breakthroughs:detail", row["id"]),
        detail=f"{household.name} · {_display(EscalationLevel, row['level'])}",
        due=row["level_deadline"],
        marking=today.marking(row["level_deadline"]),
        household=household,
    )


# --- plan actions -----------------------------------------------------------------------------
def _actions(
    *, teams: tuple[int, ...], soon: datetime.date, user: int | None = None
) -> QuerySet[Any]:
    """Open actions of agreed plans of active households that are overdue or due soon."""
    actions = Action.objects.filter(
        _visible(teams, "plan__household"),
        plan__household__status=HouseholdStatus.ACTIVE,
        plan__status=PlanStatus.AGREED,
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
        due_on__lte=soon,
    )
    if user is not None:
        actions = actions.filter(_coordinated_by(user, "plan__household_id"))
    return actions.order_by("due_on", "pk").values(
        "id", "description", "owner", "due_on", "plan_id", *_household_values("plan__household")
    )


def _action_item(row: dict[str, Any], today: Today) -> WorkItem:
    household = _household_of(row, "plan__household")
    return WorkItem(
        label=row["description"],
        url=_url("plans:detail", row["plan_id"]),
        detail=f"{household.name} · {_display(ActionOwner, row['owner'])}",
        due=row["due_on"],
        marking=today.marking(row["due_on"]),
        household=household,
    )


# --- follow-up assessments --------------------------------------------------------------------
def _follow_ups(
    *, teams: tuple[int, ...], soon: datetime.date, user: int | None = None
) -> QuerySet[Any]:
    follow_ups = FollowUp.objects.filter(
        _visible(teams, "household"),
        status__in=(FollowUpStatus.SCHEDULED, FollowUpStatus.REMINDED),
        due_on__lte=soon,
    )
    if user is not None:
        # Closing keeps the coordinator: the same person does the follow-up.
        follow_ups = follow_ups.filter(_coordinated_by(user, "household_id"))
    return follow_ups.order_by("due_on", "pk").values(
        "id", "months_after_closing", "due_on", *_household_values("household")
    )


def _follow_up_item(row: dict[str, Any], today: Today) -> WorkItem:
    household = _household_of(row, "household")
    return WorkItem(
        label=household.name,
        url=_url("assessments:create", household.public_id),
        detail=str(
            _("Follow-up assessment %(months)s months after closing")
            % {"months": row["months_after_closing"]}
        ),
        due=row["due_on"],
        marking=today.marking(row["due_on"]),
        household=household,
    )


# --- partner answers --------------------------------------------------------------------------
def _answers(
    *, teams: tuple[int, ...], since: datetime.date, user: int | None = None
) -> QuerySet[Any]:
    """Requests to partners about the user's teams' breakthroughs (``visible_to``) answered
    since ``since`` (the last ``HOME_ANSWERS_DAYS`` days)."""
    answers = PartnerRequest.objects.filter(
        _visible(teams, "breakthrough__household"),
        breakthrough__team__in=teams,
        status__in=ANSWERED,
        answered_at__date__gte=since,
    )
    if user is not None:
        answers = answers.filter(
            Q(asked_by_id=user) | _coordinated_by(user, "breakthrough__household_id")
        )
    return answers.order_by("-answered_at", "-pk").values(
        "id",
        "status",
        "organisation__name",
        "breakthrough_id",
        "breakthrough__title",
        *_household_values("breakthrough__household"),
    )


def _answer_item(row: dict[str, Any], today: Today) -> WorkItem:
    household = _household_of(row, "breakthrough__household")
    return WorkItem(
        label=f"{row['organisation__name']}: {_display(RequestStatus, row['status'])}",
        url=_url("breakthroughs:detail", row["breakthrough_id"]),
        detail=f"{household.name} · {row['breakthrough__title']}",
        household=household,
    )


# --- households without a coordinator (team lead) ---------------------------------------------
def _unassigned(*, teams: tuple[int, ...]) -> QuerySet[Any]:
    """The user's teams' active households (``Household.objects.visible_to``) without a
    coordinator in office."""
    active = CoordinatorAssignment.objects.filter(household=OuterRef("pk"), ended_at__isnull=True)
    return (
        Household.objects.filter(
            ~Exists(active),
            team__in=teams,
            destroyed_on__isnull=True,
            status=HouseholdStatus.ACTIVE,
        )
        .order_by("opened_on", "pk")
        .values(*_HOUSEHOLD_FIELDS, "opened_on")
    )


def _unassigned_item(row: dict[str, Any], today: Today) -> WorkItem:
    household = cast(Household, _stub(Household, **{name: row[name] for name in _HOUSEHOLD_FIELDS}))
    return WorkItem(
        label=household.name,
        url=_url("households:detail", household.public_id),
        detail=str(_("Open since %(date)s") % {"date": date_format(row["opened_on"], "j M Y")}),
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
def _team_block(
    key: str,
    title: str | Promise,
    empty: str | Promise,
    build: Callable[..., QuerySet[Any]],
    item: Callable[[Any, Today], WorkItem],
    inputs: tuple[str, ...],
) -> Block:
    """A block of the team's work whose query ``build`` takes these of :func:`inputs_of`."""
    first = Prepared(lambda **values: with_count(build(**values))[:BLOCK_SIZE])
    first_page = Prepared(lambda **values: with_count(build(**values))[:PAGE_SIZE])

    def chosen(user: AnyUser, today: Today) -> dict[str, Input]:
        every = inputs_of(user, today)
        return {name: every[name] for name in inputs}

    return Block(
        key,
        title,
        empty,
        lambda user, today: build(**chosen(user, today)),
        item,
        lambda user, today: first.rows(**chosen(user, today)),
        lambda user, today: first_page.rows(**chosen(user, today)),
    )


REFERRALS = _team_block(
    "aanmeldingen",
    _("New referrals"),
    _("No new referrals for your team."),
    _referrals,
    _referral_item,
    ("teams",),
)
MY_DEADLINES = _team_block(
    "termijnen",
    _("Deadlines of your breakthroughs"),
    _("None of your breakthroughs is due soon."),
    _deadlines,
    _deadline_item,
    ("teams", "soon", "user"),
)
MY_ACTIONS = _team_block(
    "acties",
    _("Plan actions overdue or due soon"),
    _("No plan actions of your households are due."),
    _actions,
    _action_item,
    ("teams", "soon", "user"),
)
MY_FOLLOW_UPS = _team_block(
    "nazorg",
    _("Follow-up assessments due"),
    _("No follow-up assessments are due."),
    _follow_ups,
    _follow_up_item,
    ("teams", "soon", "user"),
)
MY_ANSWERS = _team_block(
    "antwoorden",
    _("Answers from partners"),
    _("No partner answered recently."),
    _answers,
    _answer_item,
    ("teams", "since", "user"),
)
TEAM_DEADLINES = _team_block(
    "team-termijnen",
    _("Deadlines of the team's breakthroughs"),
    _("None of the team's breakthroughs is due soon."),
    _deadlines,
    _deadline_item,
    ("teams", "soon"),
)
TEAM_ACTIONS = _team_block(
    "team-acties",
    _("The team's plan actions overdue or due soon"),
    _("No plan actions of the team are due."),
    _actions,
    _action_item,
    ("teams", "soon"),
)
TEAM_FOLLOW_UPS = _team_block(
    "team-nazorg",
    _("The team's follow-up assessments due"),
    _("No follow-up assessments of the team are due."),
    _follow_ups,
    _follow_up_item,
    ("teams", "soon"),
)
TEAM_ANSWERS = _team_block(
    "team-antwoorden",
    _("Answers from partners to the team"),
    _("No partner answered the team recently."),
    _answers,
    _answer_item,
    ("teams", "since"),
)
UNASSIGNED = _team_block(
    "zonder-regiehouder",
    _("Households without a coordinator"),
    _("Every household has a coordinator."),
    _unassigned,
    _unassigned_item,
    ("teams",),
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
    if block.first is not None and size == BLOCK_SIZE:
        rows = block.first(user, today)
    else:
        rows = list(with_count(block.select(user, today))[:size])
    count = _total(rows[0]) if rows else 0
    return BlockResult(block, count, [block.item(row, today) for row in rows])


def _total(row: Any) -> int:
    return int(row["total"] if isinstance(row, dict) else row.total)


def block_page(block: Block, *, user: AnyUser, today: Today, number: Any) -> Page[Any]:
    """The page ``number`` of the block's rows, as ``Paginator.get_page`` gives it, in one
    query: the rows with their total (a window count) instead of a count and then the rows.

    A number that is not one gives the first page, as ``get_page`` does. A page past the
    last (its rows empty) or below the first falls back to the paginator (a count and the
    last page), which turns it into the last page.
    """
    wanted = page_asked(number)  # as ``Paginator.validate_number`` reads it
    if wanted >= 1:
        if wanted == 1 and block.first_page is not None:
            rows = block.first_page(user, today)
        else:
            start = (wanted - 1) * PAGE_SIZE
            rows = list(with_count(block.select(user, today))[start : start + PAGE_SIZE])
        if rows or wanted == 1:
            paginator = Paginator(range(_total(rows[0]) if rows else 0), PAGE_SIZE)
            return Page(rows, wanted, paginator)
    return Paginator(block.select(user, today), PAGE_SIZE).get_page(number)


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
