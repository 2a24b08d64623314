"""De sociale kaart: the help on offer in a municipality, for professionals to find.

A :class:`Service` is one kind of help of one organisation (the voedselbank's food parcels,
the buurthuis's walk-in hour), with what it helps with (life domains), the districts it
serves, how to reach it, what it costs and how long the wait is. The social map is not
personal data: its contact person is the organisation's business contact. A plan action may
point at a service (``plans.Action.service``); this app does not import plans and counts
those links only through the reverse relation, aggregated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.assessments.models import LifeDomain
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class Cost(models.TextChoices):
    """What the service costs the household."""

    FREE = "gratis", _("Free")
    CONTRIBUTION = "eigen_bijdrage", _("Own contribution")
    PAID = "betaald", _("Paid")


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user: User | AnonymousUser) -> ServiceQuerySet:
        """The services of the user's municipalities (not personal data: no log)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(municipality_id__in=municipality_ids_of(user))

    def active(self) -> ServiceQuerySet:
        return self.filter(active=True)


class Service(models.Model):
    """Voorziening op de sociale kaart: one kind of help one organisation offers.

    ``code`` is the stable key of the CSV import: importing a row with a code that exists in
    the municipality updates that service. ``districts`` empty means the whole municipality.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="social_services",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("A short fixed key, e.g. 'voedselbank-pakket'; the CSV import matches on it."),
    )
    organisation_name = models.CharField(_("organisation"), max_length=150)
    name = models.CharField(_("service"), max_length=150)
    description = LimitedTextField(_("description"), max_length=limits.SHORT_TEXT)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    life_domains = models.ManyToManyField(
        LifeDomain, blank=True, related_name="+", verbose_name=_("helps with (life domains)")
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="+",
        verbose_name=_("districts"),
        help_text=_("Leave empty when the service works for the whole municipality."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    walk_in = models.CharField(
        _("walk-in"), max_length=200, blank=True, help_text=_("When and where you can walk in.")
    )
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    cost = models.CharField(_("costs"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(_("about the costs"), max_length=200, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(
        _("waiting time in weeks"), null=True, blank=True
    )
    waiting_updated_on = models.DateField(_("waiting time last updated"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_role = models.CharField(_("role of the contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone of the contact person"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("social map")
        ordering = ["organisation_name", "name"]
        constraints = [
            limits.length_check("description", limits.SHORT_TEXT),
            models.UniqueConstraint(fields=["municipality", "code"], name="service_unique_code"),
            models.CheckConstraint(
                condition=Q(waiting_weeks__isnull=True) | Q(waiting_weeks__lte=260),
                name="service_plausible_waiting_time",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="service_has_name"),
        ]
        indexes = [models.Index(fields=["municipality", "active"], name="service_municipality_act")]

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.name}"


class WaitingTimeReport(models.Model):
    """One report of a service's waiting time: the history behind "always full"."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="waiting_reports", verbose_name=_("service")
    )
    weeks = models.PositiveSmallIntegerField(_("waiting time in weeks"))
    reported_on = models.DateField(_("reported on"))

    class Meta:
        verbose_name = _("waiting-time report")
        verbose_name_plural = _("waiting-time reports")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "reported_on"], name="waitingtimereport_one_per_day"
            ),
            models.CheckConstraint(condition=Q(weeks__lte=260), name="waitingtimereport_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.weeks} ({self.reported_on})"
