"""The casebook (voorbeeldenbank): examples that teams learn from, without personal data.

An *example* (voorbeeld) is a closed breakthrough — carried out and evaluated — rewritten
so that nothing identifies the household: the bottleneck, the regulations and
organisations involved, the solution, the value triangle in rounded amounts per payer,
the outcome and what the household committed to. Its coordinator proposes it, a team lead
of the team approves publication, and a published example can be withdrawn. Its *scope*
says who reads it: the own municipality, every municipality on this installation, or the
national exchange (exported as JSON and imported elsewhere, with the source municipality).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality, Organisation, Team
from doorbraak.accounts.selectors import municipality_ids_of, team_ids_of
from doorbraak.breakthroughs.models import Breakthrough, Theme
from doorbraak.catalogue.models import Payer
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField
from doorbraak.library.models import Regulation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class ExampleStatus(models.TextChoices):
    DRAFT = "concept", _("Draft")
    PROPOSED = "voorgesteld", _("Proposed")
    PUBLISHED = "gepubliceerd", _("Published")
    WITHDRAWN = "ingetrokken", _("Withdrawn")


class ExampleScope(models.TextChoices):
    MUNICIPALITY = "gemeente", _("Own municipality")
    INSTALLATION = "installatie", _("All municipalities on this installation")
    NATIONAL = "landelijk", _("National exchange")


class ExampleResult(models.TextChoices):
    SOLVED = "opgelost", _("Solved")
    PARTLY = "deels", _("Partly solved")
    NOT_SOLVED = "niet_opgelost", _("Not solved")


class ExampleQuerySet(models.QuerySet["Example"]):
    def published(self) -> ExampleQuerySet:
        return self.filter(status=ExampleStatus.PUBLISHED)

    def visible_to(self, user: User | AnonymousUser) -> ExampleQuerySet:
        """Published examples the user may read, and the team's own unpublished ones.

        A published example of scope "own municipality" is read in its municipality only;
        wider scopes (and imported examples) by every reader on the installation. Drafts,
        proposals and withdrawn examples stay with the source team (its professionals and
        team leads). Who may read at all is the policy ``can_read_examples``.
        """
        if not user.is_authenticated:
            return self.none()
        published = Q(status=ExampleStatus.PUBLISHED) & (
            ~Q(scope=ExampleScope.MUNICIPALITY)
            | Q(municipality_id__in=sorted(municipality_ids_of(user)))
        )
        own_team = Q(team_id__in=sorted(team_ids_of(user)))
        return self.filter(published | own_team)


class Example(models.Model):
    """Voorbeeld: a closed breakthrough rewritten without anything identifying the household."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="examples",
        verbose_name=_("municipality"),
        help_text=_("The municipality the example comes from, or that imported it."),
    )
    #: The municipality the example was written in, as it was exported (imported ones).
    source_municipality = models.CharField(_("source municipality"), max_length=100)
    imported = models.BooleanField(_("imported"), default=False)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    breakthrough = models.ForeignKey(
        Breakthrough,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source breakthrough"),
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices)
    bottleneck = LimitedTextField(_("the bottleneck"), max_length=limits.TEXT)
    solution = LimitedTextField(_("the solution"), max_length=limits.TEXT)
    result = models.CharField(_("outcome"), max_length=15, choices=ExampleResult.choices)
    outcome = LimitedTextField(_("what it brought"), max_length=limits.TEXT)
    commitment = LimitedTextField(
        _("what the household committed to"), blank=True, max_length=limits.TEXT
    )
    regulations = models.ManyToManyField(
        Regulation, blank=True, related_name="examples", verbose_name=_("regulations")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="examples", verbose_name=_("organisations")
    )
    #: The regulations' citations and laws as one text, kept by the services: the search
    #: index (a generated column on PostgreSQL, FTS5 on SQLite) cannot follow a join.
    regulation_text = LimitedTextField(blank=True, editable=False, max_length=limits.TEXT)
    horizon_months = models.PositiveSmallIntegerField(_("horizon in months"), default=12)
    status = models.CharField(
        _("status"), max_length=12, choices=ExampleStatus.choices, default=ExampleStatus.DRAFT
    )
    scope = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=ExampleScope.choices,
        default=ExampleScope.MUNICIPALITY,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    rejection_reason = models.CharField(_("why not published"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("why withdrawn"), max_length=500, blank=True)

    objects = ExampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("example")
        verbose_name_plural = _("examples")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # Every visibility condition and what the lists sort by, so that counting and
            # finding the readable examples is an index-only scan (include: PostgreSQL).
            models.Index(
                fields=["status", "scope", "municipality", "team"],
                include=["published_at", "id"],
                name="example_visibility",
            ),
            models.Index(fields=["-published_at", "-id"], name="example_published"),
        ]
        constraints = [
            limits.length_check("bottleneck", limits.TEXT),
            limits.length_check("solution", limits.TEXT),
            limits.length_check("outcome", limits.TEXT),
            limits.length_check("commitment", limits.TEXT),
            limits.length_check("regulation_text", limits.TEXT),
            models.CheckConstraint(condition=~Q(title=""), name="example_has_title"),
            models.CheckConstraint(
                condition=~Q(status="gepubliceerd") | Q(published_at__isnull=False),
                name="example_published_has_time",
            ),
            models.UniqueConstraint(
                fields=["breakthrough"],
                condition=~Q(status="ingetrokken"),
                name="example_one_per_breakthrough",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ExampleStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == ExampleStatus.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ExampleStatus.WITHDRAWN


class ExampleAmount(models.Model):
    """One payer's side of the value triangle, rounded: the status quo against the example."""

    example = models.ForeignKey(Example, on_delete=models.CASCADE, related_name="amounts")
    payer = models.CharField(_("payer"), max_length=20, choices=Payer.choices)
    status_quo_cents = models.BigIntegerField(_("without the breakthrough"))
    breakthrough_cents = models.BigIntegerField(_("with the breakthrough"))

    class Meta:
        verbose_name = _("amount per payer")
        verbose_name_plural = _("amounts per payer")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["example", "payer"], name="exampleamount_one_per_payer"
            ),
            models.CheckConstraint(
                condition=Q(status_quo_cents__gte=0) & Q(breakthrough_cents__gte=0),
                name="exampleamount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_payer_display()}: {self.example}"

    @property
    def gain_cents(self) -> int:
        return self.status_quo_cents - self.breakthrough_cents
