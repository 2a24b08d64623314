"""Outcomes (resultaten): what the work prevented or achieved, valued with the cost catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.catalogue.models import CostItem, Payer
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class OutcomeType(models.TextChoices):
    DEBT_PREVENTED = "schuld_voorkomen", _("Higher debt prevented")
    EVICTION_PREVENTED = "huisuitzetting_voorkomen", _("Eviction prevented")
    HOMELESSNESS_PREVENTED = "dakloosheid_voorkomen", _("Homelessness prevented")
    WORK_FOUND = "werk_gevonden", _("Work found")
    BENEFIT_ENDED = "uitkering_beeindigd", _("Benefit ended")
    CARE_AVOIDED = "zorg_voorkomen", _("(Youth) care avoided")
    PLACEMENT_AVOIDED = "uithuisplaatsing_voorkomen", _("Out-of-home placement avoided")
    OTHER = "overig", _("Other")


class OutcomeQuerySet(models.QuerySet["Outcome"]):
    def visible_to(self, user: User | AnonymousUser) -> OutcomeQuerySet:
        """The household's team (policy analysts read aggregates through the insights app)."""

        return self.filter(household__in=Household.objects.visible_to(user))

    def in_force(self) -> OutcomeQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Outcome(models.Model):
    """Resultaat: what the work prevented or achieved, valued with the cost catalogue.

    The value is calculated once, when the outcome is recorded, with the figures valid on
    the date it happened, and kept with its lines (per payer, with the source), so a later
    catalogue year does not rewrite what was reported. A mistaken outcome is withdrawn,
    not deleted.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="outcomes"
    )
    breakthrough = models.ForeignKey(
        "breakthroughs.Breakthrough",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("breakthrough"),
    )
    outcome_type = models.CharField(_("outcome"), max_length=30, choices=OutcomeType.choices)
    occurred_on = models.DateField(_("date"))
    #: Why the outcome is dated before the household was registered (a past year entered
    #: afterwards); required then, empty otherwise.
    backdate_reason = models.CharField(
        _("why dated before the registration"), max_length=300, blank=True, default=""
    )
    evidence = LimitedTextField(_("evidence"), max_length=limits.TEXT)
    debt_amount_cents = models.PositiveBigIntegerField(
        _("debt prevented in cents"), null=True, blank=True
    )
    cost_item = models.ForeignKey(
        CostItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cost item"),
        help_text=_("Only for 'other': what it prevented, from the catalogue."),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    value_cents = models.BigIntegerField(_("estimated value in cents"), default=0)
    value_note = models.CharField(_("note on the valuation"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            limits.length_check("evidence", limits.TEXT),
            models.CheckConstraint(condition=~Q(evidence=""), name="outcome_has_evidence"),
            models.CheckConstraint(
                condition=~Q(outcome_type="schuld_voorkomen") | Q(debt_amount_cents__gt=0),
                name="outcome_debt_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="outcome_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_type_display()} ({self.occurred_on})"


class OutcomeValue(models.Model):
    """One line of an outcome's valuation: a cost that was (probably) avoided, and for whom."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="values")
    description = models.CharField(_("what"), max_length=200)
    cost_item = models.ForeignKey(
        CostItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payer = models.CharField(_("who would have paid"), max_length=20, choices=Payer.choices)
    unit_amount_cents = models.BigIntegerField(_("amount per unit in cents"))
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=2)
    weight_pct = models.PositiveSmallIntegerField(_("probability weight (%)"))
    value_cents = models.BigIntegerField(_("value in cents"))
    low_cents = models.BigIntegerField(_("low estimate in cents"))
    high_cents = models.BigIntegerField(_("high estimate in cents"))
    source = models.CharField(_("source"), max_length=400)

    class Meta:
        verbose_name = _("valuation line")
        verbose_name_plural = _("valuation lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_pct__gte=1) & Q(weight_pct__lte=100),
                name="outcomevalue_weight_1_to_100",
            )
        ]

    def __str__(self) -> str:
        return self.description
