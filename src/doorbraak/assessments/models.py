"""Zelfredzaamheid: life domains scored 1–5, per member or for the whole household.

A domain with a score at or below the problem threshold counts as a problem domain; the
number of problem domains gives the household's classification: green, orange or red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality
from doorbraak.households.models import Classification, Household, Member
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class LifeDomain(models.Model):
    """Leefgebied. ``municipality`` empty: the default catalogue (the 11 ZRM domains)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="life_domains",
        verbose_name=_("municipality"),
        help_text=_(
            "Empty for the default catalogue; a municipality with its own domains uses only those."
        ),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    level_1 = models.CharField(_("1: acute problems"), max_length=300)
    level_2 = models.CharField(_("2: not self-reliant"), max_length=300)
    level_3 = models.CharField(_("3: barely self-reliant"), max_length=300)
    level_4 = models.CharField(_("4: sufficiently self-reliant"), max_length=300)
    level_5 = models.CharField(_("5: fully self-reliant"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="lifedomain_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(municipality__isnull=True),
                name="lifedomain_unique_default_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def level(self, score: int) -> str:
        return str(getattr(self, f"level_{score}"))


class ClassificationRule(models.Model):
    """A municipality's thresholds; without one the defaults of DESIGN.md apply."""

    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.CASCADE,
        related_name="classification_rule",
        verbose_name=_("municipality"),
    )
    problem_threshold = models.PositiveSmallIntegerField(
        _("problem when the score is at most"), default=2
    )
    green_max = models.PositiveSmallIntegerField(_("green up to problem domains"), default=3)
    orange_max = models.PositiveSmallIntegerField(_("orange up to problem domains"), default=6)

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    problem_threshold__gte=1,
                    problem_threshold__lte=4,
                    orange_max__gt=models.F("green_max"),
                ),
                name="classificationrule_sane",
            )
        ]

    def __str__(self) -> str:
        return str(self.municipality)

    def classify(self, problem_domains: int) -> Classification:
        if problem_domains <= self.green_max:
            return Classification.GREEN
        if problem_domains <= self.orange_max:
            return Classification.ORANGE
        return Classification.RED


class AssessmentKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    REVIEW = "tussentijds", _("Review")
    FOLLOW_UP = "nazorg", _("Follow-up after closing")


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: User | AnonymousUser) -> AssessmentQuerySet:
        return self.filter(household__in=Household.objects.visible_to(user))


class Assessment(models.Model):
    """One assessment on one day, of one member or of the household as a whole."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assessments")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("member"),
        help_text=_("Empty: the household as a whole."),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=AssessmentKind.choices, default=AssessmentKind.INTAKE
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    problem_domains = models.PositiveSmallIntegerField(_("problem domains"))
    classification = models.CharField(
        _("classification"), max_length=8, choices=Classification.choices
    )
    note = LimitedTextField(_("note"), blank=True, max_length=limits.SHORT_TEXT)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            # The latest classification of a household, on every list row and page.
            models.Index(
                "household",
                models.F("assessed_on").desc(),
                models.F("id").desc(),
                condition=Q(member__isnull=True),
                name="assessment_household_latest",
            ),
        ]
        constraints = [
            limits.length_check("note", limits.SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.assessed_on} {self.get_classification_display()}"


class DomainScore(models.Model):
    """The professional's score (and optionally the household's own) for one domain."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    self_score = models.PositiveSmallIntegerField(
        _("the household's own score"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("domain score")
        verbose_name_plural = _("domain scores")
        ordering = ["domain__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="domainscore_score_1_5"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=1, self_score__lte=5),
                name="domainscore_self_score_1_5",
            ),
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="domainscore_once_per_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


class SelfAssessment(models.Model):
    """Eigen inschatting: the household's own scores, filled in by a member on their own
    page (``/mijn/``) before the next assessment.

    The professional finds the newest one in the next assessment's form, as the household's
    own score per domain (``DomainScore.self_score``); the record itself stays as it was.
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="self_assessments"
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("filled in by"),
    )
    submitted_at = models.DateTimeField(_("filled in at"), default=timezone.now)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(
                "household",
                models.F("submitted_at").desc(),
                name="selfassessment_household_new",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.submitted_at:%Y-%m-%d}"


class SelfScore(models.Model):
    """The household's own score (1–5) of one life domain in a self-assessment."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    domain = models.ForeignKey(LifeDomain, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("own score"))

    class Meta:
        verbose_name = _("own score")
        verbose_name_plural = _("own scores")
        ordering = ["domain__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="selfscore_score_1_5"
            ),
            models.UniqueConstraint(
                fields=["self_assessment", "domain"], name="selfscore_once_per_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "gepland", _("Scheduled")
    REMINDED = "herinnerd", _("Reminder sent")
    DONE = "gedaan", _("Done")
    CANCELLED = "vervallen", _("Cancelled")


class FollowUp(models.Model):
    """A follow-up assessment planned 3, 6 or 12 months after closing."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="follow_ups")
    months_after_closing = models.PositiveSmallIntegerField(_("months after closing"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    assessment = models.OneToOneField(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_up"
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "months_after_closing"],
                condition=~Q(status="vervallen"),
                name="followup_once_per_moment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} +{self.months_after_closing}m"
