"""Doorbraaktafels: mandated partners who decide together on the cases nobody else could.

A *table* belongs to a municipality (optionally one district), has a chair and members —
fixed contact persons with what they may decide. A *meeting* has an agenda of
breakthroughs that reached the table level (and overdue follow-up actions); per item the
table records a *decision* and *follow-up actions*. Once the meeting is closed a decision
is never edited: a correction is a new decision that points to the one it corrects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality, Organisation
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class ClosedMeetingError(RuntimeError):
    """A decision of a closed meeting was about to be changed or deleted."""


class TableQuerySet(models.QuerySet["BreakthroughTable"]):
    def visible_to(self, user: User | AnonymousUser) -> TableQuerySet:
        """The tables the user chairs or is an active member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(chair=user) | Q(members__user=user, members__active=True)).distinct()


class BreakthroughTable(models.Model):
    """Doorbraaktafel of a municipality, or of one of its districts."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="breakthrough_tables"
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breakthrough_tables",
        verbose_name=_("district"),
        help_text=_("Empty for a table of the whole municipality."),
    )
    name = models.CharField(_("name"), max_length=150)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_tables",
        verbose_name=_("chair"),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = TableQuerySet.as_manager()

    class Meta:
        verbose_name = _("breakthrough table")
        verbose_name_plural = _("breakthrough tables")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="table_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class TableMember(models.Model):
    """A member of the table: a person, the organisation they represent and their mandate."""

    table = models.ForeignKey(BreakthroughTable, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="table_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    may_decide = LimitedTextField(
        _("may decide"),
        help_text=_("For example: stop collection for six months."),
        max_length=limits.SHORT_TEXT,
    )
    max_amount_cents = models.PositiveBigIntegerField(
        _("maximum amount in cents"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("table member")
        verbose_name_plural = _("table members")
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            limits.length_check("may_decide", limits.SHORT_TEXT),
            models.UniqueConstraint(fields=["table", "user"], name="tablemember_once_per_table"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class MeetingStatus(models.TextChoices):
    PLANNED = "gepland", _("Planned")
    IN_PROGRESS = "bezig", _("In progress")
    CLOSED = "gesloten", _("Closed")
    CANCELLED = "geannuleerd", _("Cancelled")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User | AnonymousUser) -> MeetingQuerySet:
        return self.filter(table__in=BreakthroughTable.objects.visible_to(user))


class Meeting(models.Model):
    """Tafeloverleg: one meeting of a table."""

    table = models.ForeignKey(BreakthroughTable, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    agenda_published_at = models.DateTimeField(_("agenda sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes_sent_at = models.DateTimeField(_("minutes sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(online_url=""), name="meeting_has_a_place"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status="gesloten") | Q(closed_at__isnull=False),
                name="meeting_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.starts_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED


class AgendaItemStatus(models.TextChoices):
    OPEN = "open", _("To discuss")
    DECIDED = "besloten", _("Decided")
    POSTPONED = "uitgesteld", _("Postponed")


class AgendaItem(models.Model):
    """One point of the agenda: a breakthrough, or an overdue follow-up action."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    follow_up = models.ForeignKey(
        "tables.FollowUpAction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=12, choices=AgendaItemStatus.choices, default=AgendaItemStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the agenda proposed it."),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(breakthrough__isnull=False) & Q(follow_up__isnull=True))
                | (Q(breakthrough__isnull=True) & Q(follow_up__isnull=False)),
                name="agendaitem_breakthrough_or_follow_up",
            ),
            models.UniqueConstraint(
                fields=["meeting", "breakthrough"],
                condition=Q(breakthrough__isnull=False),
                name="agendaitem_breakthrough_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "follow_up"],
                condition=Q(follow_up__isnull=False),
                name="agendaitem_follow_up_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.breakthrough or self.follow_up}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(TableMember, on_delete=models.PROTECT, related_name="attendance")
    present = models.BooleanField(_("present"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.present}"


class TableOutcome(models.TextChoices):
    APPROVED = "goedgekeurd", _("Approved")
    REJECTED = "afgewezen", _("Rejected")
    DEFERRED = "uitgesteld", _("Deferred")
    MORE_INFORMATION = "meer_informatie", _("More information needed")


class TableDecision(models.Model):
    """Besluit of the table on one agenda item.

    While the meeting runs the chair may still change it; once the meeting is closed it is
    fixed, and a correction is a new decision with ``corrects`` pointing to this one.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=16, choices=TableOutcome.choices)
    reason = LimitedTextField(_("reason"), max_length=limits.TEXT)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_table_decisions",
        verbose_name=_("responsible person"),
    )
    fund_amount_cents = models.PositiveBigIntegerField(
        _("amount from the fund in cents"), null=True, blank=True
    )
    fund_purpose = models.CharField(_("what the money is for"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )

    class Meta:
        verbose_name = _("table decision")
        verbose_name_plural = _("table decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            limits.length_check("reason", limits.TEXT),
            models.CheckConstraint(condition=~Q(reason=""), name="tabledecision_has_reason"),
            models.CheckConstraint(
                condition=Q(fund_amount_cents__isnull=True) | Q(fund_amount_cents__gt=0),
                name="tabledecision_fund_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(fund_amount_cents__isnull=True) | ~Q(fund_purpose=""),
                name="tabledecision_fund_amount_has_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.item}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding and self._meeting_closed():
            raise ClosedMeetingError("A decision of a closed meeting cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._meeting_closed():
            raise ClosedMeetingError("A decision of a closed meeting cannot be deleted.")
        return super().delete(*args, **kwargs)

    def _meeting_closed(self) -> bool:
        return Meeting.objects.filter(
            items__decisions__pk=self.pk, status=MeetingStatus.CLOSED
        ).exists()


class FollowUpActionQuerySet(models.QuerySet["FollowUpAction"]):
    def open(self) -> FollowUpActionQuerySet:
        return self.filter(done_on__isnull=True)


class FollowUpAction(models.Model):
    """Vervolgactie: who does what by when, after a table decision."""

    decision = models.ForeignKey(
        TableDecision, on_delete=models.PROTECT, related_name="follow_up_actions"
    )
    description = models.CharField(_("what"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="table_follow_ups",
        verbose_name=_("responsible person"),
    )
    due_on = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.CharField(_("how it was done"), max_length=300, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def table(self) -> BreakthroughTable:
        return self.decision.item.meeting.table
