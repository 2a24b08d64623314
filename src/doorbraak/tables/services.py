"""Every change at a breakthrough table: meetings, agenda, attendance, decisions, follow-up.

Each function is one use case: keyword-only, transactional, writes the processing log
(activity: breakthrough table) where case data is involved. A decision becomes final when
the chair closes the meeting: then it flows back to the breakthrough (an accountable
``breakthroughs.Decision``) and to the household's timeline, and the people who must act
are told. Bad input raises ``ValidationError`` with a Dutch message and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import Membership, Organisation, Role, User
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    DecisionOutcome,
    EscalationLevel,
)
from doorbraak.households.models import EventKind
from doorbraak.households.services import record_event
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Message
from doorbraak.lib.notifications import notify
from doorbraak.lib.text import shorten
from doorbraak.tables import policies
from doorbraak.tables.models import (
    AgendaItem,
    AgendaItemStatus,
    Attendance,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    TableDecision,
    TableMember,
    TableOutcome,
)
from doorbraak.tables.processing import log_table_case

MAX_FUND_AMOUNT_CENTS = 10_000_000  # € 100.000: above this it is not a fund request


# --- helpers ----------------------------------------------------------------------------------
def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _require_chair(actor: User, meeting: Meeting) -> None:
    if not policies.is_chair(actor, meeting.table):
        raise Refused
    if meeting.is_closed:
        raise ValidationError(_("This meeting is closed; its agenda and decisions are final."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))


def _locked_meeting(meeting: Meeting) -> Meeting:
    # Only the meeting row, FOR NO KEY UPDATE: meeting → agenda item → household →
    # breakthrough is the lock order (docs/locking.md).
    return (
        Meeting.objects.select_for_update(no_key=True, of=("self",))
        .select_related("table")
        .get(pk=meeting.pk)
    )


def _member_emails(table: BreakthroughTable) -> list[str]:
    emails = list(
        TableMember.objects.filter(table=table, active=True).values_list("user__email", flat=True)
    )
    return [*emails, table.chair.email]


def _in_table_scope(table: BreakthroughTable, breakthrough: Breakthrough) -> bool:
    household = breakthrough.household
    if household.municipality_id != table.municipality_id:
        return False
    return table.district_id is None or household.district_id == table.district_id


# --- meetings ------------------------------------------------------------------------------
def _check_times(
    starts_at: datetime.datetime, ends_at: datetime.datetime, location: str, online_url: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting ends after it starts.")
    elif ends_at - starts_at > datetime.timedelta(hours=12):
        errors["ends_at"] = _("A meeting lasts at most twelve hours.")
    if not location.strip() and not online_url.strip():
        errors["location"] = _("Give a place or an online link.")
    if online_url and not online_url.startswith("https://"):
        errors["online_url"] = _("An online link starts with https://.")
    return errors


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    table: BreakthroughTable,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    online_url: str = "",
) -> Meeting:
    """Plan a meeting; the agenda is proposed from the cases that reached the table."""
    if not policies.is_chair(actor, table):
        raise Refused
    errors = _check_times(starts_at, ends_at, location, online_url)
    if starts_at < timezone.now():
        errors["starts_at"] = _("A new meeting starts in the future.")
    if not table.active:
        errors["table"] = _("This table is no longer active.")
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        table=table,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        online_url=online_url.strip(),
        created_by=actor,
    )
    agenda_propose(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    actor: User,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    online_url: str = "",
) -> Meeting:
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be moved."))
    errors = _check_times(starts_at, ends_at, location, online_url)
    if errors:
        raise ValidationError(errors)
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.location = location.strip()
    meeting.online_url = online_url.strip()
    meeting.save(update_fields=["starts_at", "ends_at", "location", "online_url"])
    if meeting.agenda_published_at:
        notify(
            _member_emails(meeting.table),
            Message(gettext_lazy("Doorbraak: a meeting of your breakthrough table moved")),
            Message(
                gettext_lazy("The meeting of %(table)s moved to %(when)s. %(url)s"),
                table=meeting.table.name,
                when=starts_at,
                url=_url("tables:meeting-detail", meeting.pk),
            ),
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    # Its open items return to the pool and are proposed for the next meeting.
    meeting.items.filter(status=AgendaItemStatus.OPEN).update(status=AgendaItemStatus.POSTPONED)
    return meeting


# --- agenda --------------------------------------------------------------------------------
def _on_an_open_agenda() -> Q:
    return Q(
        agenda_items__status=AgendaItemStatus.OPEN,
        agenda_items__meeting__status__in=[MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS],
    )


def _next_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def agenda_propose(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Add what is waiting for the table: by deadline (passed first), then the highest level.

    Breakthroughs at the table level or higher that are not decided and not on another
    open agenda; then the table's follow-up actions that are overdue.
    """
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    table = meeting.table
    waiting = (
        Breakthrough.objects.filter(
            status=BreakthroughStatus.SUBMITTED,
            level__gte=EscalationLevel.TABLE,
            municipality_id=table.municipality_id,
        )
        .exclude(_on_an_open_agenda())
        # Decided (or postponed) in this meeting is not open, but on its agenda all the same.
        .exclude(agenda_items__meeting=meeting)
        .select_related("household")
        .order_by("level_deadline", "-level", "submitted_at", "pk")
    )
    if table.district_id is not None:
        waiting = waiting.filter(household__district_id=table.district_id)
    position = _next_position(meeting)
    added: list[AgendaItem] = []
    for breakthrough in waiting:
        added.append(
            AgendaItem.objects.create(meeting=meeting, breakthrough=breakthrough, position=position)
        )
        position += 1
    overdue = (
        FollowUpAction.objects.open()
        .filter(decision__item__meeting__table=table, due_on__lt=timezone.localdate())
        .exclude(
            agenda_items__status=AgendaItemStatus.OPEN,
            agenda_items__meeting__status__in=[MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS],
        )
        .exclude(agenda_items__meeting=meeting)
        .order_by("due_on", "pk")
    )
    for action in overdue:
        added.append(
            AgendaItem.objects.create(meeting=meeting, follow_up=action, position=position)
        )
        position += 1
    return added


@transaction.atomic
def agenda_add(
    *, actor: User, meeting: Meeting, breakthrough: Breakthrough, note: str = ""
) -> AgendaItem:
    """The chair adds an open breakthrough of the table's area (below the table level: moved up)."""
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if not _in_table_scope(meeting.table, breakthrough):
        raise ValidationError({"breakthrough": _("This case is outside the area of this table.")})
    if not breakthrough.is_open:
        raise ValidationError({"breakthrough": _("This breakthrough has already been decided.")})
    if meeting.items.filter(breakthrough=breakthrough).exists():
        raise ValidationError({"breakthrough": _("This case is already on the agenda.")})
    breakthrough_services.breakthrough_to_table(
        actor=actor,
        breakthrough=breakthrough,
        reason=_("Put on the agenda of %(table)s.") % {"table": meeting.table.name},
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        breakthrough=breakthrough,
        position=_next_position(meeting),
        note=note.strip()[:300],
        added_by=actor,
    )
    log_table_case(
        actor=actor,
        action=ProcessingAction.UPDATE,
        household=breakthrough.household,
        object_type="tables.agendaitem",
        object_id=item.pk,
    )
    return item


@transaction.atomic
def agenda_move(*, actor: User, item: AgendaItem, position: int) -> list[AgendaItem]:
    """Put ``item`` at ``position`` (1-based) and renumber the rest."""
    meeting = _locked_meeting(item.meeting)
    _require_chair(actor, meeting)
    items = list(meeting.items.order_by("position", "pk"))
    if not 1 <= position <= len(items):
        raise ValidationError(
            {"position": _("Choose a position from 1 to %(n)d.") % {"n": len(items)}}
        )
    moving = next(i for i in items if i.pk == item.pk)
    items.remove(moving)
    items.insert(position - 1, moving)
    for number, each in enumerate(items, start=1):
        if each.position != number:
            each.position = number
            each.save(update_fields=["position"])
    return items


@transaction.atomic
def agenda_postpone(*, actor: User, item: AgendaItem, note: str = "") -> AgendaItem:
    """Not this time: the item goes to the next planned meeting, or back to the pool."""
    meeting = _locked_meeting(item.meeting)
    _require_chair(actor, meeting)
    item = AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
    if item.status != AgendaItemStatus.OPEN:
        raise ValidationError(_("Only an item that is still to be discussed can be postponed."))
    item.status = AgendaItemStatus.POSTPONED
    item.note = (note.strip() or item.note)[:300]
    item.save(update_fields=["status", "note"])
    following = (
        Meeting.objects.filter(
            table=meeting.table, status=MeetingStatus.PLANNED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at")
        .first()
    )
    if (
        following is not None
        and not following.items.filter(
            breakthrough=item.breakthrough, follow_up=item.follow_up
        ).exists()
    ):
        AgendaItem.objects.create(
            meeting=following,
            breakthrough=item.breakthrough,
            follow_up=item.follow_up,
            position=_next_position(following),
            note=_("Postponed from %(date)s.") % {"date": meeting.starts_at.strftime("%d-%m-%Y")},
            added_by=actor,
        )
    return item


@transaction.atomic
def agenda_publish(*, actor: User, meeting: Meeting) -> Meeting:
    """Send the members word that the agenda is ready (no case data in the e-mail)."""
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if not meeting.items.exists():
        raise ValidationError(_("The agenda is empty."))
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_published_at"])
    notify(
        _member_emails(meeting.table),
        Message(gettext_lazy("Doorbraak: the agenda of your breakthrough table is ready")),
        Message(
            gettext_lazy("The agenda for %(table)s on %(when)s is ready: %(url)s"),
            table=meeting.table.name,
            when=meeting.starts_at,
            url=_url("tables:meeting-detail", meeting.pk),
        ),
    )
    return meeting


# --- meeting mode ----------------------------------------------------------------------------
@transaction.atomic
def meeting_open(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("This meeting has already started."))
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.opened_at = timezone.now()
    meeting.save(update_fields=["status", "opened_at"])
    return meeting


@transaction.atomic
def attendance_record(
    *, actor: User, meeting: Meeting, member: TableMember, present: bool, note: str = ""
) -> Attendance:
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if member.table_id != meeting.table_id:
        raise ValidationError({"member": _("This person is not a member of this table.")})
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting, member=member, defaults={"present": present, "note": note.strip()[:200]}
    )
    return attendance


@dataclass(frozen=True)
class ActionData:
    description: str
    organisation: Organisation
    due_on: datetime.date
    responsible_user: User | None = None


def _check_decision(
    *,
    meeting: Meeting,
    outcome: str,
    reason: str,
    responsible_organisation: Organisation | None,
    responsible_user: User | None,
    fund_amount_cents: int | None,
    fund_purpose: str,
    actions: list[ActionData],
) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if outcome not in TableOutcome.values:
        errors["outcome"] = _("Choose approved, rejected, deferred or more information needed.")
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Write down why the table decided this.")
    municipality_id = meeting.table.municipality_id
    if responsible_organisation is not None and responsible_organisation.municipality_id not in (
        None,
        municipality_id,
    ):
        errors["responsible_organisation"] = _("Choose an organisation that works here.")
    if outcome == TableOutcome.APPROVED and responsible_organisation is None:
        errors["responsible_organisation"] = _(
            "An approved breakthrough needs an organisation that carries it out."
        )
    if responsible_user is not None and not responsible_user.is_active:
        errors["responsible_user"] = _("This person no longer works in Doorbraak.")
    fund_purpose = fund_purpose.strip()
    if fund_amount_cents is not None:
        if not 0 < fund_amount_cents <= MAX_FUND_AMOUNT_CENTS:
            errors["fund_amount_cents"] = _("The amount is more than € 0 and at most € 100,000.")
        if not fund_purpose:
            errors["fund_purpose"] = _("Say what the money is for.")
        if outcome != TableOutcome.APPROVED:
            errors["fund_amount_cents"] = _("Money is only granted with an approval.")
    elif fund_purpose:
        errors["fund_amount_cents"] = _("Give the amount for this purpose.")
    today = timezone.localdate()
    for number, action in enumerate(actions, start=1):
        if not action.description.strip():
            errors[f"actions.{number}"] = _("Describe follow-up action %(n)d.") % {"n": number}
        elif action.due_on < today:
            errors[f"actions.{number}"] = _("The deadline of action %(n)d is in the past.") % {
                "n": number
            }
        elif action.organisation.municipality_id not in (None, municipality_id):
            errors[f"actions.{number}"] = _("Choose an organisation that works here.")
    if errors:
        raise ValidationError(errors)
    return reason, fund_purpose


@transaction.atomic
def decision_record(
    *,
    actor: User,
    item: AgendaItem,
    outcome: str,
    reason: str,
    responsible_organisation: Organisation | None = None,
    responsible_user: User | None = None,
    fund_amount_cents: int | None = None,
    fund_purpose: str = "",
    actions: Iterable[ActionData] = (),
) -> TableDecision:
    """Record (or, while the meeting runs, replace) the table's decision on an agenda item."""
    meeting = _locked_meeting(item.meeting)
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Open the meeting before recording decisions."))
    item = AgendaItem.objects.select_for_update(no_key=True).get(pk=item.pk)
    if item.status == AgendaItemStatus.POSTPONED:
        raise ValidationError(_("This item was postponed."))
    action_list = list(actions)
    reason, fund_purpose = _check_decision(
        meeting=meeting,
        outcome=outcome,
        reason=reason,
        responsible_organisation=responsible_organisation,
        responsible_user=responsible_user,
        fund_amount_cents=fund_amount_cents,
        fund_purpose=fund_purpose,
        actions=action_list,
    )
    existing = item.decisions.filter(corrects__isnull=True).first()
    if existing is not None:  # the meeting still runs: the chair may change it
        existing.follow_up_actions.all().delete()
        existing.delete()
    decision = TableDecision.objects.create(
        item=item,
        outcome=outcome,
        reason=reason,
        responsible_organisation=responsible_organisation,
        responsible_user=responsible_user,
        fund_amount_cents=fund_amount_cents,
        fund_purpose=fund_purpose,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    for action in action_list:
        FollowUpAction.objects.create(
            decision=decision,
            description=action.description.strip()[:300],
            organisation=action.organisation,
            responsible_user=action.responsible_user,
            due_on=action.due_on,
        )
    item.status = AgendaItemStatus.DECIDED
    item.save(update_fields=["status"])
    if item.breakthrough is not None:
        log_table_case(
            actor=actor,
            action=ProcessingAction.CREATE,
            household=item.breakthrough.household,
            object_type="tables.tabledecision",
            object_id=decision.pk,
        )
    return decision


def _mandate(meeting: Meeting) -> str:
    present = Attendance.objects.filter(meeting=meeting, present=True).select_related(
        "member__organisation"
    )
    organisations = sorted({a.member.organisation.name for a in present})
    text = _("Breakthrough table %(table)s") % {"table": meeting.table.name}
    if organisations:
        text += " (" + ", ".join(organisations) + ")"
    return shorten(text, 300)


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    """Close the meeting: open items are postponed, decisions become final and flow back."""
    meeting = _locked_meeting(meeting)
    _require_chair(actor, meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise ValidationError(_("Only a meeting in progress can be closed."))
    for item in meeting.items.filter(status=AgendaItemStatus.OPEN):
        agenda_postpone(actor=actor, item=item, note=_("Not discussed."))
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    decisions = TableDecision.objects.filter(item__meeting=meeting).select_related(
        "item__breakthrough__household", "responsible_user"
    )
    mandate = _mandate(meeting)
    for decision in decisions:
        _flow_back(actor=actor, decision=decision, mandate=mandate)
    return meeting


def _flow_back(*, actor: User, decision: TableDecision, mandate: str) -> None:
    breakthrough = decision.item.breakthrough
    if breakthrough is not None:
        breakthrough.refresh_from_db()
        outcome = {
            TableOutcome.APPROVED: DecisionOutcome.APPROVED,
            TableOutcome.REJECTED: DecisionOutcome.REJECTED,
        }.get(TableOutcome(decision.outcome))
        if outcome is not None and breakthrough.is_open:
            breakthrough_services.breakthrough_decide(
                actor=actor,
                breakthrough=breakthrough,
                outcome=outcome,
                mandate=mandate,
                reason=decision.reason,
            )
        else:
            record_event(
                household=breakthrough.household,
                kind=EventKind.TABLE,
                actor=actor,
                summary=Message(
                    gettext_lazy("Breakthrough table: %(outcome)s — %(reason)s"),
                    outcome=TableOutcome(decision.outcome),
                    reason=decision.reason[:200],
                ),
            )
    recipients = [decision.responsible_user.email if decision.responsible_user else ""]
    recipients += [
        a.responsible_user.email
        for a in decision.follow_up_actions.select_related("responsible_user")
        if a.responsible_user
    ]
    notify(
        recipients,
        Message(gettext_lazy("Doorbraak: a decision of the breakthrough table is assigned to you")),
        Message(
            gettext_lazy(
                "The breakthrough table gave you a decision or follow-up action to carry out: "
                "%(url)s"
            ),
            url=_url("tables:follow-up"),
        ),
    )


@transaction.atomic
def decision_correct(
    *,
    actor: User,
    decision: TableDecision,
    outcome: str,
    reason: str,
    responsible_organisation: Organisation | None = None,
    responsible_user: User | None = None,
    fund_amount_cents: int | None = None,
    fund_purpose: str = "",
) -> TableDecision:
    """After the meeting: a correction is a new decision linked to the one it corrects."""
    meeting = _locked_meeting(decision.item.meeting)
    if not policies.is_chair(actor, meeting.table):
        raise Refused
    if not meeting.is_closed:
        raise ValidationError(_("While the meeting runs, change the decision itself."))
    if decision.corrections.exists():
        raise ValidationError(_("This decision was corrected already; correct the newest one."))
    reason, fund_purpose = _check_decision(
        meeting=meeting,
        outcome=outcome,
        reason=reason,
        responsible_organisation=responsible_organisation,
        responsible_user=responsible_user,
        fund_amount_cents=fund_amount_cents,
        fund_purpose=fund_purpose,
        actions=[],
    )
    correction = TableDecision.objects.create(
        item=decision.item,
        outcome=outcome,
        reason=reason,
        responsible_organisation=responsible_organisation,
        responsible_user=responsible_user,
        fund_amount_cents=fund_amount_cents,
        fund_purpose=fund_purpose,
        decided_by=actor,
        decided_at=timezone.now(),
        corrects=decision,
    )
    breakthrough = decision.item.breakthrough
    if breakthrough is not None:
        record_event(
            household=breakthrough.household,
            kind=EventKind.TABLE,
            actor=actor,
            summary=Message(
                gettext_lazy(
                    "Correction of the breakthrough table's decision: %(outcome)s — %(reason)s"
                ),
                outcome=TableOutcome(correction.outcome),
                reason=reason[:200],
            ),
        )
        log_table_case(
            actor=actor,
            action=ProcessingAction.CREATE,
            household=breakthrough.household,
            object_type="tables.tabledecision",
            object_id=correction.pk,
        )
    return correction


@transaction.atomic
def minutes_send(*, actor: User, meeting: Meeting) -> Meeting:
    """Tell the members the minutes are ready; they download them after logging in."""
    meeting = _locked_meeting(meeting)
    if not policies.is_chair(actor, meeting.table):
        raise Refused
    if not meeting.is_closed:
        raise ValidationError(_("Close the meeting before sending the minutes."))
    meeting.minutes_sent_at = timezone.now()
    meeting.save(update_fields=["minutes_sent_at"])
    notify(
        _member_emails(meeting.table),
        Message(gettext_lazy("Doorbraak: the minutes of your breakthrough table")),
        Message(
            gettext_lazy("The minutes of %(table)s of %(date)s are ready: %(url)s"),
            table=meeting.table.name,
            date=timezone.localdate(meeting.starts_at),
            url=_url("tables:minutes", meeting.pk),
        ),
    )
    return meeting


# --- follow-up ----------------------------------------------------------------------------
@transaction.atomic
def follow_up_done(
    *, actor: User, action: FollowUpAction, done_on: datetime.date, note: str = ""
) -> FollowUpAction:
    action = (
        FollowUpAction.objects.select_for_update(no_key=True, of=("self",))
        .select_related("decision__item__meeting__table")
        .get(pk=action.pk)
    )
    if action.done_on is not None:
        raise ValidationError(_("This action is already done."))
    if not policies.can_complete_follow_up(actor, action):
        raise Refused
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    if done_on < timezone.localdate(action.created_at):
        raise ValidationError({"done_on": _("The date is before the action was agreed.")})
    action.done_on = done_on
    action.done_note = note.strip()[:300]
    action.save(update_fields=["done_on", "done_note"])
    return action


def follow_up_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind about overdue follow-up actions (once a day) and put them on the next agenda."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "on_agenda": 0}
    overdue = (
        FollowUpAction.objects.open()
        .filter(due_on__lt=today)
        .exclude(reminded_on=today)
        .select_related("decision__item__meeting__table", "responsible_user", "organisation")
    )
    for action in overdue:
        with transaction.atomic():
            locked = FollowUpAction.objects.select_for_update(no_key=True).get(pk=action.pk)
            if locked.done_on is not None or locked.reminded_on == today:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            counts["reminded"] += 1
            table = action.table
            recipients = [action.responsible_user.email if action.responsible_user else ""]
            if not action.responsible_user:
                recipients += list(
                    Membership.objects.active()
                    .filter(
                        role=Role.PARTNER_CONTACT,
                        organisation=action.organisation,
                        municipality_id=table.municipality_id,
                    )
                    .values_list("user__email", flat=True)
                )
            notify(
                recipients,
                Message(gettext_lazy("Doorbraak: a follow-up action is overdue")),
                Message(
                    gettext_lazy(
                        "A follow-up action of the breakthrough table was due on %(date)s: %(url)s"
                    ),
                    date=action.due_on,
                    url=_url("tables:follow-up"),
                ),
            )
            following = (
                Meeting.objects.filter(table=table, status=MeetingStatus.PLANNED)
                .order_by("starts_at")
                .first()
            )
            if following is not None and not following.items.filter(follow_up=action).exists():
                AgendaItem.objects.create(
                    meeting=following, follow_up=action, position=_next_position(following)
                )
                counts["on_agenda"] += 1
    return counts
