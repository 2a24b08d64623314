"""Eén plan: goals per life domain, actions with an owner, and the household's commitment.

An agreed plan is never edited: a change makes a new version (a draft), and agreeing that
version supersedes the old one, which stays readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Organisation
from doorbraak.assessments.models import LifeDomain
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField
from doorbraak.socialmap.models import Service

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class PlanStatus(models.TextChoices):
    DRAFT = "concept", _("Draft")
    AGREED = "afgesproken", _("Agreed")
    SUPERSEDED = "vervangen", _("Superseded")


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User | AnonymousUser) -> PlanQuerySet:
        return self.filter(household__in=Household.objects.visible_to(user))


class Plan(models.Model):
    """One version of the household's plan."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    commitment = LimitedTextField(
        _("the household's own commitment"),
        blank=True,
        help_text=_("In their own words: if we make this exception for you, what will you do?"),
        max_length=limits.TEXT,
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-version"]
        constraints = [
            limits.length_check("commitment", limits.TEXT),
            models.UniqueConstraint(fields=["household", "version"], name="plan_unique_version"),
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="concept"), name="plan_one_draft"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="afgesproken"), name="plan_one_agreed"
            ),
            models.CheckConstraint(
                condition=Q(status="concept") | (~Q(commitment="") & Q(agreed_on__isnull=False)),
                name="plan_agreed_has_commitment_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} v{self.version}"


class Goal(models.Model):
    """A goal for one life domain, in words the household understands."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    domain = models.ForeignKey(
        LifeDomain, on_delete=models.PROTECT, related_name="+", verbose_name=_("life domain")
    )
    description = LimitedTextField(_("goal"), max_length=limits.SHORT_TEXT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]
        constraints = [
            limits.length_check("description", limits.SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class ActionOwner(models.TextChoices):
    HOUSEHOLD = "huishouden", _("The household")
    NETWORK = "netwerk", _("Family, friends or neighbours")
    PROFESSIONAL = "professional", _("The coordinator or team")
    PARTNER = "partner", _("A partner organisation")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "bezig", _("In progress")
    DONE = "klaar", _("Done")
    CANCELLED = "vervallen", _("Cancelled")


class Action(models.Model):
    """Actie: who does what by when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    description = LimitedTextField(_("action"), max_length=limits.SHORT_TEXT)
    owner = models.CharField(_("who"), max_length=15, choices=ActionOwner.choices)
    owner_name = models.CharField(_("name"), max_length=150, blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("service on the social map"),
        help_text=_("The help this action uses, from the social map of the municipality."),
    )
    due_on = models.DateField(_("done by"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "position", "pk"]
        constraints = [
            limits.length_check("description", limits.SHORT_TEXT),
            models.CheckConstraint(
                condition=~Q(owner="partner") | Q(owner_organisation__isnull=False),
                name="action_partner_needs_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
