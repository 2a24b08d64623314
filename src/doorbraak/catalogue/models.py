"""The cost catalogue (kostenkengetallen): what a situation costs society, and who pays.

A figure is valid for a year and comes with its public source. A new year is a new row
with the same ``code``; old rows stay, so a calculation made in 2025 can be repeated with
the 2025 figures. A municipality may keep its own figure for a code; otherwise the
national one counts.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.selectors import municipality_ids_of
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

        if not user.is_authenticated:
            return self.none()
        return self.of_municipalities(municipality_ids_of(user))

    def of_municipalities(self, municipalities: Collection[int]) -> CostItemQuerySet:
        """What :meth:`visible_to` gives a user of the municipalities ``municipalities``
        (the rule written with the ids alone, for a query compiled once: lib/prepared.py)."""
        return self.filter(Q(municipality__isnull=True) | Q(municipality_id__in=municipalities))


class CostItem(models.Model):
    """Kostenkengetal: one sourced amount for one kind of event or period, for one year.

    The table keeps the name it had when the catalogue lived in the outcomes app
    (``outcomes_costitem``): the model moved by a state-only migration, no data moved.
    """

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
    note = LimitedTextField(_("note"), blank=True, max_length=limits.SHORT_TEXT)

    objects = CostItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost item")
        verbose_name_plural = _("cost catalogue")
        db_table = "outcomes_costitem"
        ordering = ["name", "-valid_year"]
        constraints = [
            limits.length_check("note", limits.SHORT_TEXT),
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
