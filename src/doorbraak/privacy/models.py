"""Verzoeken van betrokkenen: the requests a person makes under the AVG (art. 15-21).

The privacy officer registers a request (inzage, rectificatie, beperking, bezwaar,
verwijdering) for one person (a household member), with its legal deadline (one month,
once extendable by up to two further months with a reason, ``privacy.deadlines``); every
step taken on it is kept (``RequestStep``), and it ends with a decision and its reason.

The request keeps the person's pseudonym, so what was asked and decided stays accountable
after the person's data have been erased (the link to the member then becomes empty).
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
from doorbraak.households.models import Member
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField
from doorbraak.lib.messages import StoredText, render_stored
from doorbraak.privacy.deadlines import is_overdue

if TYPE_CHECKING:
    from doorbraak.accounts.selectors import AnyUser


class RequestKind(models.TextChoices):
    ACCESS = "inzage", _("Access (art. 15)")
    RECTIFICATION = "rectificatie", _("Rectification (art. 16)")
    RESTRICTION = "beperking", _("Restriction of processing (art. 18)")
    OBJECTION = "bezwaar", _("Objection (art. 21)")
    ERASURE = "verwijdering", _("Erasure (art. 17)")


class RequestStatus(models.TextChoices):
    RECEIVED = "ontvangen", _("Received")
    IN_PROGRESS = "in_behandeling", _("In progress")
    DONE = "afgehandeld", _("Handled")
    REFUSED = "afgewezen", _("Refused")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class Decision(models.TextChoices):
    GRANTED = "toegewezen", _("Granted")
    REFUSED = "afgewezen", _("Refused")


class DataSubjectRequestQuerySet(models.QuerySet["DataSubjectRequest"]):
    def visible_to(self, user: AnyUser) -> DataSubjectRequestQuerySet:
        """Requests of the municipalities where the user is privacy officer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(municipality_id__in=municipality_ids_of(user, role=Role.PRIVACY_OFFICER))

    def open(self) -> DataSubjectRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class DataSubjectRequest(models.Model):
    """Verzoek van een betrokkene: one request of one person, with its deadline and decision."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind of request"), max_length=15, choices=RequestKind.choices)
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
        help_text=_("Empty once the person's data have been erased."),
    )
    subject_pseudonym = models.CharField(_("person concerned (pseudonym)"), max_length=64)
    received_on = models.DateField(_("received on"))
    deadline = models.DateField(_("answer before"))
    extended_at = models.DateTimeField(_("deadline extended at"), null=True, blank=True)
    extension_reason = LimitedTextField(
        _("reason for the extension"), blank=True, max_length=limits.SHORT_TEXT
    )
    description = LimitedTextField(
        _("what the person asks"), blank=True, max_length=limits.SHORT_TEXT
    )
    status = models.CharField(
        _("status"), max_length=15, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    decision_reason = LimitedTextField(
        _("reasons for the decision"), blank=True, max_length=limits.SHORT_TEXT
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = DataSubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["deadline", "pk"]
        indexes = [
            # The open requests of a municipality, nearest deadline first.
            models.Index(fields=["municipality", "status", "deadline"], name="dsr_muni_open"),
        ]
        constraints = [
            limits.length_check("extension_reason", limits.SHORT_TEXT),
            limits.length_check("description", limits.SHORT_TEXT),
            limits.length_check("decision_reason", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                name="dsr_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("received_on")), name="dsr_deadline_after_receipt"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["ontvangen", "in_behandeling"], decision="")
                | Q(status__in=["afgehandeld", "afgewezen"], handled_at__isnull=False)
                & ~Q(decision="")
                & ~Q(decision_reason=""),
                name="dsr_closed_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and is_overdue(self.deadline, today or timezone.localdate())


class RequestStep(models.Model):
    """One step taken on a request: who, when, what (written by the services, never edited)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="steps")
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    #: The step in Dutch (the record language); shown for steps stored before ``message``.
    summary = models.CharField(_("what"), max_length=300)
    #: The step untranslated and its parameters, shown in the reader's language
    #: (lib.messages); empty on older rows.
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    note = LimitedTextField(_("reason"), blank=True, max_length=limits.SHORT_TEXT)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["occurred_at", "pk"]
        constraints = [limits.length_check("note", limits.SHORT_TEXT)]

    def __str__(self) -> str:
        return self.summary

    @property
    def line(self) -> StoredText:
        """The step in the active language, or the stored Dutch text (marked as Dutch)."""
        return render_stored(self.message, self.params, self.summary)
