"""The law library: articles of laws, policy rules and by-laws that give room for a tailored
solution. National articles are shared by every municipality; local ones belong to one."""

from __future__ import annotations

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


class RegulationKind(models.TextChoices):
    LAW = "wet", _("Law")
    REGULATION = "regeling", _("Regulation or decree")
    POLICY = "beleidsregel", _("Policy rule")
    LOCAL = "verordening", _("Municipal by-law")


class Deviation(models.TextChoices):
    """Does the article itself leave room for a tailored solution?"""

    NONE = "geen", _("No room to deviate")
    HARDSHIP = "hardheid", _("Hardship clause")
    DISCRETION = "beleidsruimte", _("Discretion")


class RegulationQuerySet(models.QuerySet["Regulation"]):
    def visible_to(self, user: User | AnonymousUser) -> RegulationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(municipality__isnull=True) | Q(municipality_id__in=municipality_ids_of(user))
        )


class Regulation(models.Model):
    """Regeling/wetsartikel: one article of a law or policy rule, in our own words.

    The table keeps the name it had when the library lived in the breakthroughs app
    (``breakthroughs_regulation``): the model moved by a state-only migration.
    """

    law = models.CharField(_("law or rule"), max_length=150)
    article = models.CharField(_("article"), max_length=60)
    citation = models.CharField(
        _("official citation"), max_length=200, help_text=_("For example: Awb art. 4:84.")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=RegulationKind.choices)
    description = LimitedTextField(_("what it says, in our own words"), max_length=limits.TEXT)
    deviation = models.CharField(
        _("room to deviate"), max_length=15, choices=Deviation.choices, default=Deviation.NONE
    )
    url = models.URLField(_("address of the official text"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="regulations",
        verbose_name=_("municipality"),
        help_text=_("Empty for national laws and rules."),
    )

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("law library")
        db_table = "breakthroughs_regulation"
        ordering = ["law", "article"]
        constraints = [
            limits.length_check("description", limits.TEXT),
            models.UniqueConstraint(
                fields=["citation"],
                condition=Q(municipality__isnull=True),
                name="regulation_unique_national_citation",
            ),
            models.UniqueConstraint(
                fields=["citation", "municipality"],
                condition=Q(municipality__isnull=False),
                name="regulation_unique_local_citation",
            ),
        ]

    def __str__(self) -> str:
        return self.citation

    @property
    def allows_deviation(self) -> bool:
        return self.deviation != Deviation.NONE
