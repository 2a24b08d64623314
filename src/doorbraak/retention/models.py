"""Bewaartermijnen en vernietiging: retention rules as data, destruction lists and records.

A ``RetentionRule`` says how long one kind of record is kept (per closing reason for a
closed household), and on what source; a rule with an empty period never destroys. Every
change of a rule is kept (``RetentionRuleChange``). The monthly run proposes a
``DestructionList`` (vernietigingslijst) of households whose period has passed; a privacy
officer who did not prepare it approves it (four eyes), and each destruction leaves a
``DestructionRecord`` that names no person.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.households.models import CloseReason, Household
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


def _retention_municipalities(user: User | AnonymousUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return sorted(
        {
            *municipality_ids_of(user, role=Role.PRIVACY_OFFICER),
            *municipality_ids_of(user, role=Role.ADMIN),
        }
    )


class RecordKind(models.TextChoices):
    HOUSEHOLD_CLOSED = "huishouden_afgesloten", _("Closed household file")
    PROCESSING_LOG = "verwerkingslog", _("Processing-log records")
    SECURITY_LOG = "beveiligingslog", _("Security-log records")


class RetentionRuleQuerySet(models.QuerySet["RetentionRule"]):
    def visible_to(self, user: User | AnonymousUser) -> RetentionRuleQuerySet:
        """The rules of the municipalities where the user is privacy officer or admin."""
        return self.filter(municipality__in=_retention_municipalities(user))


class RetentionRule(models.Model):
    """How long one kind of record is kept after its starting point, and on what source."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind of record"), max_length=25, choices=RecordKind.choices)
    close_reason = models.CharField(
        _("reason for closing"),
        max_length=20,
        choices=CloseReason.choices,
        blank=True,
        help_text=_("Only for closed household files."),
    )
    period_months = models.PositiveIntegerField(
        _("retention period (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: no period has been set, and nothing of this kind is destroyed."),
    )
    minimum_months = models.PositiveIntegerField(
        _("legal minimum (months)"),
        null=True,
        blank=True,
        help_text=_("A shorter period needs a recorded reason."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["municipality", "kind", "close_reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "close_reason"], name="retentionrule_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="huishouden_afgesloten") | Q(close_reason=""),
                name="retentionrule_reason_only_for_households",
            ),
        ]

    def __str__(self) -> str:
        if self.close_reason:
            return f"{self.get_kind_display()}: {self.get_close_reason_display()}"
        return str(self.get_kind_display())

    @property
    def period_label(self) -> str:
        return period_label(self.period_months)

    def due_on(self, start: datetime.date) -> datetime.date | None:
        """The first day a record that started on ``start`` may be destroyed; None: never."""
        if self.period_months is None:
            return None
        return add_months(start, self.period_months)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def period_label(months: int | None) -> str:
    if months is None:
        return str(_("not set (never destroyed)"))
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(str(_("%(years)s yr") % {"years": years}))
    if rest or not years:
        parts.append(str(_("%(months)s mo") % {"months": rest}))
    return " ".join(parts)


class RetentionRuleChange(models.Model):
    """One change of a retention rule: who, when, the old and the new period, and why."""

    rule = models.ForeignKey(RetentionRule, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    old_period_months = models.PositiveIntegerField(_("old period (months)"), null=True)
    new_period_months = models.PositiveIntegerField(_("new period (months)"), null=True)
    old_source = models.CharField(_("old source"), max_length=300, blank=True)
    new_source = models.CharField(_("new source"), max_length=300, blank=True)
    old_version = models.CharField(_("old version"), max_length=100, blank=True)
    new_version = models.CharField(_("new version"), max_length=100, blank=True)
    reason = LimitedTextField(_("reason"), blank=True, max_length=limits.SHORT_TEXT)

    class Meta:
        verbose_name = _("retention rule change")
        verbose_name_plural = _("retention rule changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [limits.length_check("reason", limits.SHORT_TEXT)]

    def __str__(self) -> str:
        return f"{self.rule}: {self.old_period_months} → {self.new_period_months}"


class DestructionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting approval")
    APPROVED = "goedgekeurd", _("Approved and carried out")


class DestructionListQuerySet(models.QuerySet["DestructionList"]):
    def visible_to(self, user: User | AnonymousUser) -> DestructionListQuerySet:
        return self.filter(municipality__in=_retention_municipalities(user))


class DestructionList(models.Model):
    """Vernietigingslijst: the households proposed for destruction, approved as a whole."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DestructionStatus.choices,
        default=DestructionStatus.OPEN,
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
        help_text=_("Empty when the monthly run proposed the list."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)

    objects = DestructionListQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction list")
        verbose_name_plural = _("destruction lists")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", approved_at__isnull=True)
                | Q(status="goedgekeurd", approved_at__isnull=False, approved_by__isnull=False),
                name="destructionlist_approval_complete",
            ),
            models.CheckConstraint(
                condition=Q(prepared_by__isnull=True) | ~Q(prepared_by=models.F("approved_by")),
                name="destructionlist_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.proposed_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == DestructionStatus.OPEN


class DestructionItem(models.Model):
    """One household on a destruction list; removed from it with a reason, or destroyed."""

    destruction_list = models.ForeignKey(
        DestructionList, on_delete=models.CASCADE, related_name="items"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(_("closed on"))
    due_on = models.DateField(_("retention ended on"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = LimitedTextField(
        _("reason for removal"), blank=True, max_length=limits.SHORT_TEXT
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("destruction list item")
        verbose_name_plural = _("destruction list items")
        ordering = ["due_on", "pk"]
        constraints = [
            limits.length_check("removal_reason", limits.SHORT_TEXT),
            # Never twice the same household on lists still waiting for approval.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(removed_at__isnull=True, destroyed_at__isnull=True),
                name="destructionitem_one_pending_per_household",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="destructionitem_removal_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.destruction_list}: {self.household_id}"

    @property
    def is_pending(self) -> bool:
        return self.removed_at is None and self.destroyed_at is None


class DestructionRecordQuerySet(models.QuerySet["DestructionRecord"]):
    def visible_to(self, user: User | AnonymousUser) -> DestructionRecordQuerySet:
        return self.filter(municipality__in=_retention_municipalities(user))


class DestructionRecord(models.Model):
    """Proof of one destruction: what kinds and how many, under which rule, approved by whom,
    when, with which reference. It names no person and points at no household."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    scope = models.CharField(_("scope"), max_length=20)  # "household" or "member"
    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule_description = models.CharField(_("rule"), max_length=600, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    reference = models.CharField(_("reference"), max_length=100)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    destruction_list = models.ForeignKey(
        DestructionList, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    #: ``{"households.member": 3, …}``: how many records of each kind were cleared.
    counts = models.JSONField(_("what was destroyed"))

    objects = DestructionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-destroyed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.destroyed_at:%Y-%m-%d})"
