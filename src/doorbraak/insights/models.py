"""Policy signals: what the spiegel (the mirror of the cases) shows, sent to whoever owns the rule.

A *signal* (beleidssignaal) says that a regulation or practice keeps causing bottlenecks:
"Awb art. 4:84 and the CJIB blocked eight households this period". It is proposed (by the
pattern detection or by an analyst), raised with the owner of the rule, answered by them,
and then either resolved or marked *structural*: not solvable within the current rules.
Every step is kept in its history. The underlying cases are kept as pseudonyms only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality, Organisation, Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.breakthroughs.models import Bottleneck, Theme
from doorbraak.lib import limits
from doorbraak.lib.limits import LimitedTextField
from doorbraak.lib.messages import StoredText, render_stored
from doorbraak.library.models import Regulation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from doorbraak.accounts.models import User


class OwnerKind(models.TextChoices):
    """Who owns the rule or practice a signal is about."""

    MUNICIPAL_POLICY = "gemeentelijk_beleid", _("Municipal policy department")
    PARTNER = "partnerorganisatie", _("Partner organisation")
    NATIONAL_AGENCY = "landelijke_uitvoerder", _("National implementing agency")
    MINISTRY = "ministerie", _("Ministry programme")


class SignalStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("Proposed")
    RAISED = "aangekaart", _("Raised with the owner")
    ANSWERED = "beantwoord", _("Answered")
    RESOLVED = "opgelost", _("Resolved")
    STRUCTURAL = "structureel", _("Structural: not solvable within the current rules")


#: A signal in one of these states is still being worked on; a new proposal for the same
#: regulation and organisation would only duplicate it.
OPEN_SIGNAL_STATUSES: tuple[str, ...] = (
    SignalStatus.PROPOSED,
    SignalStatus.RAISED,
    SignalStatus.ANSWERED,
)

#: The only steps a signal can take; everything else is refused.
SIGNAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SignalStatus.PROPOSED: (SignalStatus.RAISED,),
    SignalStatus.RAISED: (SignalStatus.ANSWERED,),
    SignalStatus.ANSWERED: (SignalStatus.RESOLVED, SignalStatus.STRUCTURAL),
    SignalStatus.RESOLVED: (),
    SignalStatus.STRUCTURAL: (),
}


class SignalQuerySet(models.QuerySet["Signal"]):
    def visible_to(self, user: User | AnonymousUser) -> SignalQuerySet:
        """Signals of the municipalities where the user is a policy analyst."""

        if not user.is_authenticated:
            return self.none()
        return self.filter(municipality_id__in=municipality_ids_of(user, role=Role.POLICY_ANALYST))

    def open(self) -> SignalQuerySet:
        return self.filter(status__in=OPEN_SIGNAL_STATUSES)


class Signal(models.Model):
    """Beleidssignaal: a recurring bottleneck, addressed to the owner of the rule behind it."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = LimitedTextField(_("what the cases show"), max_length=limits.LONG_TEXT)
    regulation = models.ForeignKey(
        Regulation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("regulation"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("organisation"),
    )
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices, blank=True)
    owner_kind = models.CharField(
        _("owner of the rule"), max_length=25, choices=OwnerKind.choices, blank=True
    )
    owner_name = models.CharField(
        _("name of the owner"),
        max_length=200,
        blank=True,
        help_text=_("For example: the ministry programme Simpler Rules."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the pattern detection proposed the signal."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    raised_at = models.DateTimeField(_("raised at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = LimitedTextField(_("answer of the owner"), blank=True, max_length=limits.TEXT)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = LimitedTextField(_("closing note"), blank=True, max_length=limits.SHORT_TEXT)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    case_count = models.PositiveIntegerField(_("number of bottlenecks"), default=0)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="signal_municipality_status")
        ]
        constraints = [
            limits.length_check("description", limits.LONG_TEXT),
            limits.length_check("answer", limits.TEXT),
            limits.length_check("closing_note", limits.SHORT_TEXT),
            models.CheckConstraint(condition=~Q(title=""), name="signal_has_title"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="signal_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status="voorgesteld") | Q(raised_at__isnull=False),
                name="signal_raised_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["voorgesteld", "aangekaart"])
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="signal_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["opgelost", "structureel"]) | Q(closed_at__isnull=False),
                name="signal_closed_has_time",
            ),
            # One open signal per recurring combination: the detection is idempotent.
            models.UniqueConstraint(
                fields=["municipality", "regulation", "organisation"],
                condition=Q(status__in=["voorgesteld", "aangekaart", "beantwoord"])
                & Q(regulation__isnull=False)
                & Q(organisation__isnull=False),
                name="signal_one_open_per_combination",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SIGNAL_STATUSES

    @property
    def proposed_automatically(self) -> bool:
        return self.created_by_id is None

    def can_move_to(self, status: str) -> bool:
        return status in SIGNAL_TRANSITIONS.get(self.status, ())


class SignalEvent(models.Model):
    """One step in the history of a signal: who moved it from where to where, and why."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=12, choices=SignalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=SignalStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a step taken automatically."),
    )
    at = models.DateTimeField(_("at"))
    #: Typed by the analyst, or written by the software in Dutch (the record language).
    note = LimitedTextField(_("note"), blank=True, max_length=limits.SHORT_TEXT)
    #: A note the software wrote, untranslated, and its parameters (lib.messages): shown in
    #: the reader's language. Empty for a typed note and on older rows.
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("signal step")
        verbose_name_plural = _("signal history")
        ordering = ["at", "pk"]
        constraints = [
            limits.length_check("note", limits.SHORT_TEXT),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"

    @property
    def line(self) -> StoredText:
        """The note in the active language when the software wrote it; else as typed."""
        if not self.message:
            return StoredText(self.note, "")  # typed: in whatever language it was typed
        return render_stored(self.message, self.params, self.note)


class SignalCase(models.Model):
    """A bottleneck underlying a signal, kept as the household's pseudonym.

    ``bottleneck`` lets the household's own team navigate to the case; analysts' selectors
    never expose it, only ``pseudonym``, ``theme`` and ``month``. When the case is deleted
    (retention) the pseudonymous evidence stays.
    """

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="cases")
    bottleneck = models.ForeignKey(
        Bottleneck, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    theme = models.CharField(_("theme"), max_length=15, choices=Theme.choices)
    month = models.DateField(_("month"), help_text=_("First day of the month it was registered."))

    class Meta:
        verbose_name = _("underlying case")
        verbose_name_plural = _("underlying cases")
        ordering = ["month", "pseudonym", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "bottleneck"],
                condition=Q(bottleneck__isnull=False),
                name="signalcase_unique_bottleneck",
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class ReportStatus(models.TextChoices):
    WAITING = "wacht", _("Waiting")
    RUNNING = "bezig", _("Being generated")
    DONE = "klaar", _("Ready")
    FAILED = "mislukt", _("Failed")


class ReportAudience(models.TextChoices):
    INTERNAL = "intern", _("Internal (within the municipality)")
    EXTERNAL = "extern", _("External (leaves the municipality)")


class ValueReport(models.Model):
    """One run of the societal value report: asked for on a page, built by the task worker.

    ``result`` holds the aggregated figures (no personal data), so the page, PDF and CSV
    show exactly what was computed; ``progress`` tells the page how far the worker is.
    """

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="value_reports"
    )
    district = models.ForeignKey(
        "accounts.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    audience = models.CharField(
        _("audience"), max_length=6, choices=ReportAudience.choices, default=ReportAudience.INTERNAL
    )
    k = models.PositiveSmallIntegerField(_("smallest number shown"))
    status = models.CharField(
        _("status"), max_length=7, choices=ReportStatus.choices, default=ReportStatus.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    result = models.JSONField(_("figures"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("value report")
        verbose_name_plural = _("value reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="valuereport_period_in_order",
            ),
            models.CheckConstraint(condition=Q(k__gte=1), name="valuereport_k_positive"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="valuereport_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period_start}–{self.period_end}"


# --- the spiegel's pre-aggregated figures -------------------------------------------------------
class FigureDimension(models.TextChoices):
    """What a row of ``SpiegelFigure`` counts, and what its ``key`` holds.

    The first seven are additive (a period's count is the sum of its days); the last two
    hold one row per household and are counted as *distinct keys* over the period.
    """

    TOTAL = "total", _("All bottlenecks")  # key ""
    THEME = "theme", _("Theme")  # key: the theme's value
    KIND = "kind", _("Kind of bottleneck")  # key: the kind's value
    REGULATION = "regulation", _("Regulation")  # key: regulation id
    ORGANISATION = "organisation", _("Organisation")  # key: organisation id
    DISTRICT = "district", _("District")  # key: district id, "" for no district
    COMBINATION = "combination", _("Regulation, organisation and theme")  # "reg:org:theme"
    HOUSEHOLD = "household", _("Household")  # key: household id, count 1
    PAIR_HOUSEHOLD = "pair_household", _("Household per regulation and organisation")


class SpiegelFigure(models.Model):
    """One pre-aggregated count of the spiegel: a municipality's bottlenecks of one day.

    Written only by ``insights.figures.refresh_spiegel_figures`` (from the bottlenecks);
    read by ``patterns.build_spiegel`` as sums (and distinct counts) over the days of a
    period. The ``key`` is a label value or an internal id, never a name or free text.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="spiegel_figures"
    )
    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=14, choices=FigureDimension.choices)
    key = models.CharField(_("key"), max_length=60, blank=True)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("spiegel figure")
        verbose_name_plural = _("spiegel figures")
        constraints = [
            # Its index (municipality, day, …) serves "municipality in (…) and day between".
            models.UniqueConstraint(
                fields=["municipality", "day", "dimension", "key"], name="spiegelfigure_unique"
            ),
        ]
        indexes = [
            # The distinct counts read one dimension of a period.
            models.Index(
                fields=["municipality", "dimension", "day"], name="spiegelfigure_dimension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.day} {self.dimension} {self.key}: {self.count}"


class SpiegelRefresh(models.Model):
    """When a municipality's spiegel figures were last computed: the freshness the pages show.

    Without a row the municipality has no figures yet and the spiegel counts live.
    ``queued`` is set when a change asked for a refresh and cleared when the worker starts
    it, so a burst of changes makes one job, not one per change.
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="spiegel_refresh"
    )
    refreshed_at = models.DateTimeField(_("figures updated at"), null=True, blank=True)
    queued = models.BooleanField(_("refresh queued"), default=False)

    class Meta:
        verbose_name = _("spiegel refresh")
        verbose_name_plural = _("spiegel refreshes")

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.refreshed_at}"
