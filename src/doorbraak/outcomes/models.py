"""The cost catalogue (kostenkengetallen): what a situation costs society, and who pays.

A figure is valid for a year and comes with its public source. A new year is a new row
with the same ``code``; old rows stay, so a calculation made in 2025 can be repeated with
the 2025 figures. A municipality may keep its own figure for a code; otherwise the
national one counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class Payer(models.TextChoices):
    """Whose budget a cost falls on: the "wrong pocket" is about these."""

    MUNICIPALITY = "gemeente", _("Municipality")
    HOUSING_CORPORATION = "woningcorporatie", _("Housing corporation")
    HEALTH_INSURER = "zorgverzekeraar", _("Health insurer")
    NATIONAL = "rijk", _("National agency")
    JUSTICE = "justitie", _("Justice")
    HOUSEHOLD = "huishouden", _("The household")


class CostUnit(models.TextChoices):
    EVENT = "gebeurtenis", _("per event")
    MONTH = "maand", _("per month")
    YEAR = "jaar", _("per year")


class CostItemQuerySet(models.QuerySet["CostItem"]):
    def visible_to(self, user: User | AnonymousUser) -> CostItemQuerySet:
        """National figures and those of the user's municipalities (not personal data)."""
        from doorbraak.accounts.selectors import municipality_ids_of

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(municipality__isnull=True) | Q(municipality_id__in=municipality_ids_of(user))
        )


class CostItem(models.Model):
    """Kostenkengetal: one sourced amount for one kind of event or period, for one year."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Stays the same across years, e.g. 'huisuitzetting'."),
    )
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=12, choices=CostUnit.choices)
    amount_cents = models.PositiveBigIntegerField(_("amount in cents"))
    payer = models.CharField(_("who pays"), max_length=20, choices=Payer.choices)
    source = models.CharField(_("source"), max_length=400)
    source_url = models.URLField(_("source address"), blank=True)
    valid_year = models.PositiveSmallIntegerField(_("valid for year"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cost_items",
        verbose_name=_("municipality"),
        help_text=_("Empty for the national figure."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = CostItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost catalogue")
        ordering = ["name", "-valid_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_year"],
                condition=Q(municipality__isnull=True),
                name="costitem_one_national_figure_per_year",
            ),
            models.UniqueConstraint(
                fields=["code", "valid_year", "municipality"],
                condition=Q(municipality__isnull=False),
                name="costitem_one_local_figure_per_year",
            ),
            models.CheckConstraint(
                condition=Q(valid_year__gte=2000) & Q(valid_year__lte=2100),
                name="costitem_plausible_year",
            ),
            models.CheckConstraint(condition=~Q(source=""), name="costitem_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_year})"

    @property
    def amount_euros(self) -> float:
        return self.amount_cents / 100


# --- outcomes -----------------------------------------------------------------------------------
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
        from doorbraak.households.models import Household

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
