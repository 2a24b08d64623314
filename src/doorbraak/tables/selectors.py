"""Reads for breakthrough tables: meetings, the minimised agenda, follow-up and figures.

Members see only items on agendas of their own tables, as a minimised summary; name and
address only where the household consented to share them with the member's organisation
for the breakthrough table. Every view of case data is in the processing log with the
activity "breakthrough table".
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.models import Organisation
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    PartnerRequest,
    ScenarioLine,
)
from doorbraak.breakthroughs.returns import ReturnCalculation
from doorbraak.breakthroughs.selectors import breakthrough_return, minimised_head
from doorbraak.households.models import Consent, ConsentPurpose, Household, Member
from doorbraak.tables import policies
from doorbraak.tables.models import (
    AgendaItem,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableOutcome,
)
from doorbraak.tables.processing import case_entry, log_table_cases


# --- tables and meetings ---------------------------------------------------------------------
def table_list(*, user: AnyUser) -> QuerySet[BreakthroughTable]:
    return (
        BreakthroughTable.objects.visible_to(user)
        .select_related("municipality", "district", "chair")
        .order_by("name")
    )


def table_get(*, user: AnyUser, pk: int) -> BreakthroughTable:
    return get_object_or_404(table_list(user=user), pk=pk)


def table_members(*, table: BreakthroughTable) -> QuerySet:  # type: ignore[type-arg]
    return table.members.filter(active=True).select_related("user", "organisation")


def meeting_list(*, user: AnyUser, table: BreakthroughTable | None = None) -> QuerySet[Meeting]:
    meetings = Meeting.objects.visible_to(user).select_related("table")
    if table is not None:
        meetings = meetings.filter(table=table)
    return meetings.order_by("-starts_at", "-pk")


def upcoming_meetings(*, user: AnyUser) -> QuerySet[Meeting]:
    return (
        Meeting.objects.visible_to(user)
        .filter(status__in=[MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS])
        .select_related("table")
        .order_by("starts_at")
    )


def meeting_get(*, user: AnyUser, pk: int) -> Meeting:
    """404 unless the user chairs or sits at the meeting's table."""
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related("table__municipality", "table__chair"),
        pk=pk,
    )


# --- the minimised agenda --------------------------------------------------------------------
@dataclass
class Ask:
    organisation: str
    status: str


@dataclass
class CaseSummary:
    """What a member may see of a case: no name, address or BSN — unless consented."""

    breakthrough: Breakthrough
    initials: str
    district: str
    age_band: str
    return_calculation: ReturnCalculation
    asks: list[Ask]
    household_name: str | None = None  # only with consent for the viewer's organisation
    address: str | None = None
    proposal: str | None = None  # the free text, like the name: only with that consent


@dataclass
class AgendaRow:
    item: AgendaItem
    case: CaseSummary | None
    decisions: list[TableDecision] = field(default_factory=list)

    @property
    def decision(self) -> TableDecision | None:
        """The decision in force: the newest correction, or the original."""
        return self.decisions[-1] if self.decisions else None


def _consented_households(
    households: list[Household], organisation: Organisation | None
) -> set[int]:
    if organisation is None or not households:
        return set()
    now = timezone.now()
    today = timezone.localdate(now)
    return set(
        Consent.objects.filter(
            household__in=households,
            recipient=organisation,
            purpose=ConsentPurpose.BREAKTHROUGH_TABLE,
            given_on__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=now))
        .values_list("household_id", flat=True)
    )


def _summary(breakthrough: Breakthrough, *, identified: bool) -> CaseSummary:
    household = breakthrough.household
    members: list[Member] = household.current_members  # type: ignore[attr-defined]
    initials, age_band = minimised_head(members, timezone.localdate())
    return CaseSummary(
        breakthrough=breakthrough,
        initials=initials,
        district=household.district.name if household.district else "–",
        age_band=age_band,
        return_calculation=breakthrough_return(breakthrough),
        asks=[
            Ask(r.organisation.name, r.get_status_display())
            for r in breakthrough.partner_requests.all()
        ],
        household_name=household.name if identified else None,
        address=household.address if identified else None,
        proposal=breakthrough.proposal if identified else None,
    )


def agenda(*, user: AnyUser, meeting: Meeting) -> list[AgendaRow]:
    """The meeting's agenda as ``user`` may see it; each case read is logged."""
    items = list(
        meeting.items.select_related(
            "follow_up__organisation",
            "follow_up__decision",
            "breakthrough__household__district",
            "breakthrough__household__municipality",
            "breakthrough__bottleneck",
            "breakthrough__regulation",
        )
        .prefetch_related(
            Prefetch(
                "breakthrough__scenario_lines",
                queryset=ScenarioLine.objects.select_related("cost_item"),
            ),
            Prefetch(
                "breakthrough__household__members",
                queryset=Member.objects.current().order_by("role", "birth_date"),
                to_attr="current_members",
            ),
            Prefetch(
                "breakthrough__partner_requests",
                queryset=PartnerRequest.objects.select_related("organisation"),
            ),
            Prefetch(
                "decisions",
                queryset=TableDecision.objects.select_related(
                    "responsible_organisation", "responsible_user", "decided_by"
                )
                .prefetch_related("follow_up_actions__organisation")
                .order_by("decided_at", "pk"),
            ),
        )
        .order_by("position", "pk")
    )
    organisation = policies.viewer_organisation(user, meeting.table)
    households = [i.breakthrough.household for i in items if i.breakthrough is not None]
    consented = _consented_households(households, organisation)
    rows = []
    entries: list[LogEntry] = []
    for item in items:
        case = None
        if item.breakthrough is not None:
            household = item.breakthrough.household
            case = _summary(item.breakthrough, identified=household.pk in consented)
            entries.append(
                case_entry(
                    household,
                    "tables.agendaitem",
                    item.pk,
                    subjects=(
                        [m.pseudonym for m in household.current_members]  # type: ignore[attr-defined]
                        if household.pk in consented
                        else [household.pseudonym]
                    ),
                )
            )
        rows.append(AgendaRow(item=item, case=case, decisions=list(item.decisions.all())))
    # One INSERT for the whole agenda, however many cases it shows.
    log_table_cases(actor=user, action=ProcessingAction.READ, entries=entries)
    return rows


def agenda_item_get(*, user: AnyUser, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user)).select_related(
            "meeting__table", "breakthrough__household"
        ),
        pk=pk,
    )


def decision_get(*, user: AnyUser, pk: int) -> TableDecision:
    return get_object_or_404(
        TableDecision.objects.filter(
            item__meeting__in=Meeting.objects.visible_to(user)
        ).select_related("item__meeting__table", "item__breakthrough__household"),
        pk=pk,
    )


def candidates_to_add(*, user: AnyUser, meeting: Meeting) -> QuerySet[Breakthrough]:
    """Open breakthroughs of the table's area that the chair could still put on the agenda.

    Only titles and ids (no personal data) are shown in the chair's picker.
    """
    if not policies.is_chair(user, meeting.table):
        return Breakthrough.objects.none()
    table = meeting.table
    candidates = Breakthrough.objects.filter(
        status=BreakthroughStatus.SUBMITTED, municipality_id=table.municipality_id
    ).exclude(agenda_items__meeting=meeting)
    if table.district_id is not None:
        candidates = candidates.filter(household__district_id=table.district_id)
    # The table queue's order: the nearest deadline first.
    return candidates.select_related("bottleneck").order_by("level_deadline", "submitted_at", "pk")


#: The chair's picker lists at most this many cases; the rest are found by number.
PICKER_SIZE = 50


def agenda_picker(
    *, user: AnyUser, meeting: Meeting, case_number: int | None = None
) -> list[Breakthrough]:
    """What the chair's picker lists: the ``PICKER_SIZE`` most urgent cases the chair could
    still put on the agenda (``candidates_to_add``, in the table queue's order), or the
    one with ``case_number`` when asked for (none when it is not one of them)."""
    candidates = candidates_to_add(user=user, meeting=meeting)
    if case_number is not None:
        return list(candidates.filter(pk=case_number))
    return list(candidates[:PICKER_SIZE])


# --- follow-up -------------------------------------------------------------------------------
@dataclass
class OrganisationActions:
    organisation: Organisation
    actions: list[FollowUpAction]

    @property
    def overdue(self) -> int:
        today = timezone.localdate()
        return sum(1 for a in self.actions if a.due_on < today)


def follow_up_dashboard(*, user: AnyUser, include_done: bool = False) -> list[OrganisationActions]:
    """Open follow-up actions of the user's tables, per organisation, deadline first."""
    actions = FollowUpAction.objects.filter(
        decision__item__meeting__in=Meeting.objects.visible_to(user)
    ).select_related("organisation", "responsible_user", "decision__item__meeting__table")
    if not include_done:
        actions = actions.open()
    grouped: dict[int, OrganisationActions] = {}
    for action in actions.order_by("organisation__name", "due_on", "pk"):
        grouped.setdefault(
            action.organisation_id, OrganisationActions(action.organisation, [])
        ).actions.append(action)
    return list(grouped.values())


def follow_up_get(*, user: AnyUser, pk: int) -> FollowUpAction:
    return get_object_or_404(
        FollowUpAction.objects.filter(
            decision__item__meeting__in=Meeting.objects.visible_to(user)
        ).select_related("decision__item__meeting__table", "organisation"),
        pk=pk,
    )


# --- figures -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableFigures:
    year: int
    meetings: int
    cases_handled: int
    approved: int
    median_days_to_decision: float | None
    actions: int
    actions_on_time_pct: int | None


def table_figures(*, table: BreakthroughTable, year: int) -> TableFigures:
    """In the spirit of "60 cases a year, 89 breakthroughs": no personal data, counts only."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year + 1, 1, 1)
    meetings = Meeting.objects.filter(
        table=table,
        status=MeetingStatus.CLOSED,
        starts_at__date__gte=start,
        starts_at__date__lt=end,
    )
    decisions = list(
        TableDecision.objects.filter(
            item__meeting__in=meetings, corrects__isnull=True, item__breakthrough__isnull=False
        ).select_related("item__breakthrough")
    )
    handled = {d.item.breakthrough_id for d in decisions}
    approved = {d.item.breakthrough_id for d in decisions if d.outcome == TableOutcome.APPROVED}
    days = [
        (d.decided_at - d.item.breakthrough.submitted_at).days
        for d in decisions
        if d.outcome in (TableOutcome.APPROVED, TableOutcome.REJECTED)
        and d.item.breakthrough is not None
        and d.item.breakthrough.submitted_at is not None
    ]
    actions = list(
        FollowUpAction.objects.filter(decision__item__meeting__in=meetings).values_list(
            "due_on", "done_on"
        )
    )
    today = timezone.localdate()
    settled = [(due, done) for due, done in actions if done is not None or due < today]
    on_time = sum(1 for due, done in settled if done is not None and done <= due)
    return TableFigures(
        year=year,
        meetings=meetings.count(),
        cases_handled=len(handled),
        approved=len(approved),
        median_days_to_decision=float(statistics.median(days)) if days else None,
        actions=len(actions),
        actions_on_time_pct=round(100 * on_time / len(settled)) if settled else None,
    )
