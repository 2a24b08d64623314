"""Bottlenecks, breakthroughs with the value triangle, the law library and the escalation route.

A *bottleneck* (knelpunt) is where the rules or practices of organisations clash for one
household. A *breakthrough* (doorbraak) is the exception that unblocks it, justified by
the value triangle — legitimacy (a regulation that allows it), return (what the status quo
costs society against the breakthrough, per payer) and engagement (how the household takes
back control). It climbs the escalation route until someone with the mandate decides; the
decision is an accountable record that is never edited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality, Organisation, Role, Team
from doorbraak.accounts.selectors import active_memberships
from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.households.models import ConsentPurpose, Household, team_scope
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField
from doorbraak.library.models import Regulation

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class ImmutableError(RuntimeError):
    """A decision or disclosure record was about to be changed or deleted."""


# --- escalation configuration ---------------------------------------------------------------
class EscalationLevel(models.IntegerChoices):
    OWN_MANDATE = 1, _("Own mandate")
    PARTNER = 2, _("Fixed contact person of the partner organisation")
    TABLE = 3, _("Breakthrough table")
    ADMINISTRATIVE = 4, _("Administrative or national escalation")


#: Working days per level when a municipality has not set its own.
DEFAULT_DEADLINE_DAYS: dict[int, int] = {1: 5, 2: 10, 3: 15, 4: 20}


class EscalationSettings(models.Model):
    """Deadlines of the escalation route of one municipality, in working days."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="escalation_settings"
    )
    own_mandate_days = models.PositiveSmallIntegerField(
        _("own mandate (working days)"), default=DEFAULT_DEADLINE_DAYS[1]
    )
    partner_days = models.PositiveSmallIntegerField(
        _("partner organisation (working days)"), default=DEFAULT_DEADLINE_DAYS[2]
    )
    table_days = models.PositiveSmallIntegerField(
        _("breakthrough table (working days)"), default=DEFAULT_DEADLINE_DAYS[3]
    )
    administrative_days = models.PositiveSmallIntegerField(
        _("administrative escalation (working days)"), default=DEFAULT_DEADLINE_DAYS[4]
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder (working days before the deadline)"), default=2
    )

    class Meta:
        verbose_name = _("escalation deadlines")
        verbose_name_plural = _("escalation deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(own_mandate_days__gte=1)
                & Q(partner_days__gte=1)
                & Q(table_days__gte=1)
                & Q(administrative_days__gte=1),
                name="escalation_deadlines_at_least_one_day",
            )
        ]

    def __str__(self) -> str:
        return str(self.municipality)

    def days_for(self, level: int) -> int:
        return {
            EscalationLevel.OWN_MANDATE: self.own_mandate_days,
            EscalationLevel.PARTNER: self.partner_days,
            EscalationLevel.TABLE: self.table_days,
            EscalationLevel.ADMINISTRATIVE: self.administrative_days,
        }[EscalationLevel(level)]


class ContactProfile(models.Model):
    """What a fixed contact person of a partner organisation may decide (partner directory)."""

    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="contact_profile"
    )
    mandate = LimitedTextField(
        _("may decide"),
        help_text=_("For example: stop collection for up to 6 months."),
        max_length=limits.SHORT_TEXT,
    )
    max_amount_cents = models.PositiveBigIntegerField(
        _("maximum amount in cents"), null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact person's mandate")
        verbose_name_plural = _("contact persons' mandates")
        constraints = [
            limits.length_check("mandate", limits.SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return str(self.membership)


# --- bottleneck -----------------------------------------------------------------------------
class Theme(models.TextChoices):
    INCOME = "inkomen", _("Income")
    DEBTS = "schulden", _("Debts")
    HOUSING = "wonen", _("Housing")
    CARE = "zorg", _("Care")
    WORK = "werk", _("Work")
    EDUCATION = "onderwijs", _("Education")
    JUSTICE = "justitie", _("Justice")
    BENEFITS = "toeslagen", _("Benefits and allowances")
    MOBILITY = "vervoer", _("Transport")
    OTHER = "overig", _("Other")


class BottleneckKind(models.TextChoices):
    RULES_CLASH = "regels_botsen", _("Rules clash")
    PRACTICE = "uitvoering", _("Implementation practice")
    MISSING = "ontbrekend", _("Missing provision")
    INFORMATION = "informatie", _("Information is not shared")
    OTHER = "overig", _("Other")


class BottleneckQuerySet(models.QuerySet["Bottleneck"]):
    def visible_to(self, user: User | AnonymousUser) -> BottleneckQuerySet:
        return self.filter(household__in=Household.objects.visible_to(user))


class Bottleneck(models.Model):
    """Knelpunt: what is stuck for this household, and which rules or practices cause it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="bottlenecks")
    title = models.CharField(_("what is stuck"), max_length=200)
    description = LimitedTextField(_("description"), max_length=limits.TEXT)
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=BottleneckKind.choices)
    blocked_solution = LimitedTextField(_("the solution it blocks"), max_length=limits.TEXT)
    regulations = models.ManyToManyField(
        Regulation, blank=True, related_name="bottlenecks", verbose_name=_("regulations")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="bottlenecks", verbose_name=_("organisations")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = BottleneckQuerySet.as_manager()

    class Meta:
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")
        ordering = ["-created_at", "-pk"]
        # The spiegel counts the bottlenecks of a period: without it every count scans them all.
        indexes = [models.Index(fields=["created_at"], name="bottleneck_created")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="bottleneck_has_title"),
            limits.length_check("description", limits.TEXT),
            limits.length_check("blocked_solution", limits.TEXT),
        ]

    def __str__(self) -> str:
        return self.title


# --- breakthrough -----------------------------------------------------------------------------
class BreakthroughStatus(models.TextChoices):
    DRAFT = "concept", _("Draft")
    SUBMITTED = "ingediend", _("Submitted")
    APPROVED = "goedgekeurd", _("Approved")
    REJECTED = "afgewezen", _("Rejected")
    CARRIED_OUT = "uitgevoerd", _("Carried out")
    EVALUATED = "geevalueerd", _("Evaluated")


OPEN_STATUSES = (BreakthroughStatus.SUBMITTED,)


class BreakthroughQuerySet(models.QuerySet["Breakthrough"]):
    def visible_to(self, user: User | AnonymousUser) -> BreakthroughQuerySet:
        """The household's team; partners see requests, never this list.

        The rows whose household the user may see (``Household.visible_to``, the rule),
        named by the breakthrough's own copy of the team too: the same rows, but the team's
        breakthroughs are then read off their own index instead of by joining every
        breakthrough of the country with the team's households."""
        return self.of_teams(team_scope(user))

    def of_teams(self, teams: Collection[int]) -> BreakthroughQuerySet:
        """What :meth:`visible_to` gives a user whose teams in scope are ``teams`` (for a
        query compiled once: lib/prepared.py)."""
        return self.filter(team__in=teams, household__in=Household.objects.of_teams(teams))


class Breakthrough(models.Model):
    """Doorbraak: the proposed exception, its value triangle and where it stands."""

    bottleneck = models.ForeignKey(
        Bottleneck, on_delete=models.CASCADE, related_name="breakthroughs"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="breakthroughs", editable=False
    )
    #: The household's team and municipality, copied when the breakthrough is made
    #: (``breakthrough_start``, ``seed_scale``): a household never changes team or
    #: municipality (no service does; a coordinator handover stays within the team), so
    #: the copies never go stale. A service that moved a household would have to update
    #: its breakthroughs in the same transaction. The team's list, the table queue and the
    #: fund pages filter on them off the breakthrough's own indexes, without the households.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False
    )
    title = models.CharField(_("proposal"), max_length=200)
    proposal = LimitedTextField(_("what exactly should happen"), max_length=limits.LONG_TEXT)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BreakthroughStatus.choices,
        default=BreakthroughStatus.DRAFT,
    )
    # Legitimacy.
    regulation = models.ForeignKey(
        Regulation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breakthroughs",
        verbose_name=_("legal basis"),
    )
    legal_reasoning = LimitedTextField(
        _("why this basis allows it"), blank=True, max_length=limits.LONG_TEXT
    )
    # Return.
    horizon_months = models.PositiveSmallIntegerField(_("horizon in months"), default=12)
    direct_cost_cents = models.PositiveBigIntegerField(_("direct cost in cents"), default=0)
    direct_cost_payer = models.CharField(
        _("who pays the direct cost"),
        max_length=20,
        choices=Payer.choices,
        default=Payer.MUNICIPALITY,
    )
    # Engagement.
    engagement = LimitedTextField(
        _("how the household regains control"), blank=True, max_length=limits.TEXT
    )
    household_commitment = LimitedTextField(
        _("the household's own commitment"), blank=True, max_length=limits.TEXT
    )
    # Escalation.
    level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.OWN_MANDATE
    )
    level_deadline = models.DateField(_("deadline of this level"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    carried_out_note = LimitedTextField(
        _("how it was carried out"), blank=True, max_length=limits.TEXT
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluation = LimitedTextField(_("evaluation"), blank=True, max_length=limits.LONG_TEXT)

    objects = BreakthroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("breakthrough")
        verbose_name_plural = _("breakthroughs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "level_deadline"]),
            # The team's breakthroughs, newest first (the list, the fund form's choices).
            models.Index(fields=["team", "-created_at"], name="breakthrough_team_created"),
            # The table queue and the table's picker: open, at the table, in a municipality.
            models.Index(
                fields=["municipality", "status", "level"], name="breakthrough_municipality"
            ),
        ]
        constraints = [
            limits.length_check("proposal", limits.LONG_TEXT),
            limits.length_check("legal_reasoning", limits.LONG_TEXT),
            limits.length_check("engagement", limits.TEXT),
            limits.length_check("household_commitment", limits.TEXT),
            limits.length_check("carried_out_note", limits.TEXT),
            limits.length_check("evaluation", limits.LONG_TEXT),
            models.CheckConstraint(
                condition=Q(horizon_months__gte=1) & Q(horizon_months__lte=120),
                name="breakthrough_horizon_1_to_120_months",
            ),
            models.CheckConstraint(
                condition=Q(status="concept") | Q(submitted_at__isnull=False),
                name="breakthrough_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="breakthrough_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == BreakthroughStatus.DRAFT

    @property
    def is_open(self) -> bool:
        """Submitted and waiting for a decision somewhere on the escalation route."""
        return self.status == BreakthroughStatus.SUBMITTED


class Scenario(models.TextChoices):
    STATUS_QUO = "status_quo", _("Status quo")
    BREAKTHROUGH = "doorbraak", _("With the breakthrough")


class ScenarioLine(models.Model):
    """One cost × quantity × probability in a scenario of the return calculation.

    The cost is either a catalogue item (``cost_item``) or the household's own line: an
    amount that holds only for this household (the father's travel costs), with its own
    description, payer, unit and a note on where the amount comes from. Exactly one of
    the two is filled in (a check constraint).
    """

    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.CASCADE, related_name="scenario_lines"
    )
    scenario = models.CharField(_("scenario"), max_length=12, choices=Scenario.choices)
    cost_item = models.ForeignKey(
        CostItem,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cost item"),
        null=True,
        blank=True,
    )
    # A household-specific line (cost_item empty).
    own_description = models.CharField(_("description"), max_length=150, blank=True)
    own_amount_cents = models.PositiveBigIntegerField(
        _("amount per unit in cents"), null=True, blank=True
    )
    own_payer = models.CharField(_("who pays"), max_length=20, choices=Payer.choices, blank=True)
    own_unit = models.CharField(_("unit"), max_length=12, choices=CostUnit.choices, blank=True)
    own_source = models.CharField(_("source of the amount"), max_length=400, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=7,
        decimal_places=2,
        help_text=_("In the item's unit: events, months or years within the horizon."),
    )
    probability_pct = models.PositiveSmallIntegerField(_("probability (%)"), default=100)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scenario line")
        verbose_name_plural = _("scenario lines")
        ordering = ["scenario", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="scenarioline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(probability_pct__gte=1) & Q(probability_pct__lte=100),
                name="scenarioline_probability_1_to_100",
            ),
            models.CheckConstraint(
                condition=(
                    Q(cost_item__isnull=False)
                    & Q(own_description="")
                    & Q(own_amount_cents__isnull=True)
                    & Q(own_payer="")
                    & Q(own_unit="")
                    & Q(own_source="")
                )
                | (
                    Q(cost_item__isnull=True)
                    & ~Q(own_description="")
                    & Q(own_amount_cents__isnull=False)
                    & ~Q(own_payer="")
                    & ~Q(own_unit="")
                ),
                name="scenarioline_catalogue_or_own",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_name} × {self.quantity} ({self.probability_pct}%)"

    @property
    def is_own(self) -> bool:
        """A household-specific line, not from the cost catalogue."""
        return self.cost_item_id is None

    @property
    def item_name(self) -> str:
        if self.cost_item is None:
            return self.own_description
        return f"{self.cost_item.name} ({self.cost_item.valid_year})"

    @property
    def item_amount_cents(self) -> int:
        """The price per unit: the catalogue's or the household's own."""
        if self.cost_item is None:
            return self.own_amount_cents or 0
        return self.cost_item.amount_cents

    @property
    def item_payer(self) -> str:
        return self.own_payer if self.cost_item is None else self.cost_item.payer

    @property
    def item_payer_label(self) -> str:
        return str(Payer(self.item_payer).label)

    @property
    def item_unit(self) -> str:
        return self.own_unit if self.cost_item is None else self.cost_item.unit

    @property
    def item_unit_label(self) -> str:
        return str(CostUnit(self.item_unit).label)


class DecisionOutcome(models.TextChoices):
    APPROVED = "goedgekeurd", _("Approved")
    REJECTED = "afgewezen", _("Rejected")


class AppendOnly(models.Model):
    """Rows of an accountable record: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError(f"{type(self).__name__} records cannot be deleted.")


class Decision(AppendOnly):
    """Besluit: who decided, for which organisation, under which mandate, and why."""

    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=DecisionOutcome.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=EscalationLevel.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The decider's full name as it was: first name (150) + space + last name (150).
    decided_by_name = models.CharField(_("decided by"), max_length=301)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    mandate = models.CharField(_("mandate"), max_length=300)
    reason = LimitedTextField(_("reason"), max_length=limits.TEXT)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            limits.length_check("reason", limits.TEXT),
            models.CheckConstraint(condition=~Q(reason=""), name="decision_has_reason"),
            models.CheckConstraint(condition=~Q(mandate=""), name="decision_has_mandate"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.breakthrough}"


class EscalationStep(models.Model):
    """One stay of a breakthrough on a level of the route, and why it moved on."""

    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.CASCADE, related_name="escalation_steps"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=EscalationLevel.choices)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateField(_("deadline"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reason = models.CharField(_("why it came to this level"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the deadline moved it on automatically."),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["breakthrough"],
                condition=Q(ended_at__isnull=True),
                name="escalationstep_one_current_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.breakthrough}"


#: The legal basis of sharing with a partner when the household consented. Never offered
#: (pre-filled) where no consent is in force: the service fills it in when consent holds.
CONSENT_LEGAL_BASIS = "AVG art. 6 lid 1 sub a: toestemming van het huishouden"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "geaccepteerd", _("Accepted")
    DECLINED = "afgewezen", _("Declined")
    MORE_INFORMATION = "meer_informatie", _("More information needed")
    WITHDRAWN = "ingetrokken", _("Withdrawn")


class PartnerRequestQuerySet(models.QuerySet["PartnerRequest"]):
    def for_partner(self, user: User | AnonymousUser) -> PartnerRequestQuerySet:
        """Requests addressed to an organisation the user is a fixed contact person of."""

        if not user.is_authenticated:
            return self.none()
        return self.of_scopes(*partner_scopes(user))

    def of_scopes(
        self, organisations: Sequence[int], municipalities: Sequence[int]
    ) -> PartnerRequestQuerySet:
        """What :meth:`for_partner` gives a fixed contact person of ``organisations[i]`` in
        ``municipalities[i]`` for each ``i`` (:func:`partner_scopes`; the rule written with
        the ids alone, for a query compiled once: lib/prepared.py)."""
        scopes = Q(pk__in=[])
        for organisation, municipality in zip(organisations, municipalities, strict=True):
            scopes |= Q(
                organisation_id=organisation,
                breakthrough__household__municipality_id=municipality,
            )
        return self.filter(scopes)


def partner_scopes(user: User | AnonymousUser) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The organisations and municipalities (pairwise) of the user's memberships in force
    as a fixed contact person, in the memberships' order: read from the memberships the
    request has already read (one query per request)."""
    pairs = [
        (membership.organisation_id, membership.municipality_id)
        for membership in active_memberships(user)
        if membership.role == Role.PARTNER_CONTACT
    ]
    return tuple(o for o, _m in pairs), tuple(m for _o, m in pairs)


class PartnerRequest(models.Model):
    """A request to a partner organisation's fixed contact persons (escalation level 2)."""

    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.CASCADE, related_name="partner_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="breakthrough_requests"
    )
    #: The question and the information added to it later (``partner_request_clarify``),
    #: so it holds more than the form's first question.
    question = LimitedTextField(_("what is asked"), max_length=limits.LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"))
    deadline = models.DateField(_("answer before"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = LimitedTextField(_("answer"), blank=True, max_length=limits.TEXT)

    objects = PartnerRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to a partner")
        verbose_name_plural = _("requests to partners")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            limits.length_check("question", limits.LONG_TEXT),
            limits.length_check("answer", limits.TEXT),
            models.CheckConstraint(
                condition=Q(status="open") | Q(status="ingetrokken") | Q(answered_at__isnull=False),
                name="partnerrequest_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.breakthrough}"

    @property
    def is_waiting(self) -> bool:
        """Unanswered (open, or more information asked)."""
        return self.status in (RequestStatus.OPEN, RequestStatus.MORE_INFORMATION)

    @property
    def moved_on(self) -> bool:
        """Unanswered while the breakthrough went past the partner level or was decided.

        Uses ``self.breakthrough`` (loaded with the request, or known from
        ``breakthrough.partner_requests``).
        """
        breakthrough = self.breakthrough
        return self.is_waiting and (
            not breakthrough.is_open or breakthrough.level > EscalationLevel.PARTNER
        )

    @property
    def state_label(self) -> str:
        """The request's real state: "waiting" only while an answer can still count."""
        breakthrough = self.breakthrough
        if (
            self.is_waiting
            and breakthrough.is_open
            and breakthrough.level > EscalationLevel.PARTNER
        ):
            return str(
                _("Not answered in time: moved on to %(level)s")
                % {"level": EscalationLevel(breakthrough.level).label}
            )
        if self.is_waiting and not breakthrough.is_open:
            return str(
                _("No longer needed: %(status)s")
                % {"status": breakthrough.get_status_display().lower()}
            )
        return str(self.get_status_display())


class TimeOutStatus(models.TextChoices):
    REQUESTED = "gevraagd", _("Requested")
    GRANTED = "toegekend", _("Granted")
    REFUSED = "geweigerd", _("Refused")


class TimeOut(models.Model):
    """A pause of enforcement (collection, eviction) while the breakthrough is decided."""

    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.CASCADE, related_name="time_outs"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    what = models.CharField(_("what should pause"), max_length=200)
    until = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=TimeOutStatus.choices, default=TimeOutStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = LimitedTextField(_("answer"), blank=True, max_length=limits.TEXT)

    class Meta:
        verbose_name = _("time-out")
        verbose_name_plural = _("time-outs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            limits.length_check("answer", limits.TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.what}"


class Disclosure(AppendOnly):
    """Verstrekking: household data made available to a partner organisation, and on what basis.

    Without active consent for the purpose and recipient nothing is disclosed, unless a
    user with the override permission records why (``override_reason``).
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    breakthrough = models.ForeignKey(
        Breakthrough, on_delete=models.PROTECT, related_name="disclosures"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    consent = models.ForeignKey(
        "households.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = LimitedTextField(
        _("reason for sharing without consent"), blank=True, max_length=limits.SHORT_TEXT
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(_("disclosed at"))

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_at", "-pk"]
        constraints = [
            limits.length_check("override_reason", limits.SHORT_TEXT),
            models.CheckConstraint(condition=~Q(purpose=""), name="disclosure_has_purpose"),
            models.CheckConstraint(condition=~Q(legal_basis=""), name="disclosure_has_basis"),
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(override_reason=""),
                name="disclosure_consent_or_override",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_purpose_display()})"
