"""Reads for policy analysts: the spiegel, signals, their cases, and municipalities compared.

Everything here is aggregated or pseudonymised: counts, labels of themes, regulations,
organisations and districts, and household pseudonyms. Nothing returns a name, address,
BSN, free text about a household or a bottleneck id (tested). A user who is no policy
analyst at all gets ``Refused`` (403); a municipality or signal outside the analyst's
municipalities is a 404.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import Theme
from doorbraak.insights import figures, patterns, policies
from doorbraak.insights.models import (
    OPEN_SIGNAL_STATUSES,
    Signal,
    SignalCase,
    SignalEvent,
    SignalStatus,
)
from doorbraak.insights.processing import log_policy_research
from doorbraak.lib.access import Refused

MAX_PERIOD_DAYS = 3 * 366


def _require_analyst(user: AnyUser) -> set[int]:
    ids = policies.analyst_municipality_ids(user)
    if not ids:
        raise Refused
    return ids


def checked_period(period_start: datetime.date, period_end: datetime.date) -> patterns.Period:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("Choose a period of at most three years.")})
    return patterns.Period(start=period_start, end=period_end)


def insight_municipalities(*, user: AnyUser) -> QuerySet[Municipality]:
    """The municipalities whose figures the user may see (as a policy analyst)."""
    return Municipality.objects.filter(pk__in=policies.analyst_municipality_ids(user)).order_by(
        "name"
    )


def municipality_get(*, user: AnyUser, pk: int) -> Municipality:
    _require_analyst(user)
    return get_object_or_404(insight_municipalities(user=user), pk=pk)


# --- the spiegel ------------------------------------------------------------------------------
def spiegel(
    *,
    user: AnyUser,
    municipality: Municipality | Sequence[Municipality],
    period_start: datetime.date,
    period_end: datetime.date,
    min_count: int = patterns.DEFAULT_MIN_COUNT,
) -> patterns.Spiegel:
    """The mirror of one municipality, or of several together for a regional analyst."""
    allowed = _require_analyst(user)
    chosen = [municipality] if isinstance(municipality, Municipality) else list(municipality)
    if not chosen or any(m.pk not in allowed for m in chosen):
        raise Http404
    if min_count < 2:
        raise ValidationError({"min_count": _("A pattern needs at least two bottlenecks.")})
    period = checked_period(period_start, period_end)
    return patterns.build_spiegel([m.pk for m in chosen], period, min_count=min_count)


# --- signals ----------------------------------------------------------------------------------
def signal_list(
    *, user: AnyUser, municipality: Municipality | None = None, status: str = ""
) -> QuerySet[Signal]:
    """Signals of the analyst's municipalities, newest first."""
    signals = Signal.objects.visible_to(user).select_related(
        "municipality", "regulation", "organisation"
    )
    if municipality is not None:
        signals = signals.filter(municipality=municipality)
    if status:
        if status == "open":
            signals = signals.open()
        elif status in SignalStatus.values:
            signals = signals.filter(status=status)
    return signals.order_by("-created_at", "-pk")


def signal_get(*, user: AnyUser, pk: int) -> Signal:
    """The signal, or 404 when it belongs to a municipality the user does not analyse."""
    return get_object_or_404(
        Signal.objects.visible_to(user).select_related(
            "municipality", "regulation", "organisation", "created_by"
        ),
        pk=pk,
    )


def signal_history(*, signal: Signal) -> QuerySet[SignalEvent]:
    """The steps of a signal the caller already fetched through ``signal_get``."""
    return signal.events.select_related("by").order_by("at", "pk")


@dataclass(frozen=True)
class CaseRow:
    """An underlying case as analysts see it: a pseudonym, a theme and a month."""

    pseudonym: str
    theme: str
    theme_label: str
    month: datetime.date


def signal_cases(*, user: AnyUser, signal: Signal) -> list[CaseRow]:
    """The pseudonymised cases behind ``signal``; the read is written to the processing log."""
    if not Signal.objects.visible_to(user).filter(pk=signal.pk).exists():
        raise Http404
    themes = dict(Theme.choices)
    rows = [
        CaseRow(
            pseudonym=case_pseudonym,
            theme=theme,
            theme_label=str(themes.get(theme, theme)),
            month=month,
        )
        for case_pseudonym, theme, month in SignalCase.objects.filter(signal=signal)
        .order_by("month", "pseudonym", "pk")
        .values_list("pseudonym", "theme", "month")
    ]
    log_policy_research(
        actor=user,
        action=ProcessingAction.READ,
        object_type="insights.signal",
        object_id=signal.pk,
        subjects=sorted({row.pseudonym for row in rows}),
        municipality=signal.municipality,
    )
    return rows


# --- across municipalities --------------------------------------------------------------------
@dataclass(frozen=True)
class MunicipalityFigures:
    """Aggregated figures of one municipality, side by side with the others."""

    municipality_id: int
    name: str
    total: int
    previous_total: int
    households: int
    by_theme: dict[str, int] = field(default_factory=dict)
    open_signals: int = 0
    structural_signals: int = 0
    #: When the pre-aggregated figures were computed; ``None``: counted live just now.
    figures_at: datetime.datetime | None = None

    @property
    def change(self) -> int:
        return self.total - self.previous_total


def _municipality_counts_live(
    ids: list[int], period: patterns.Period
) -> figures.MunicipalityCounts:
    """The comparison's counts from the bottlenecks themselves (no figures yet)."""
    current = patterns.bottlenecks_in(ids, period).order_by()
    previous = patterns.bottlenecks_in(ids, period.previous()).order_by()
    totals: Counter[int] = Counter()
    themes: dict[int, dict[str, int]] = defaultdict(dict)
    for municipality_id, theme, n in current.values_list(
        "household__municipality_id", "theme"
    ).annotate(n=Count("pk")):
        totals[municipality_id] += n
        themes[municipality_id][theme] = n
    before = dict(previous.values_list("household__municipality_id").annotate(n=Count("pk")))
    households = dict(
        current.values_list("household__municipality_id").annotate(
            n=Count("household_id", distinct=True)
        )
    )
    return figures.MunicipalityCounts(
        totals=dict(totals), themes=dict(themes), previous_totals=before, households=households
    )


def compare_municipalities(
    *, user: AnyUser, period_start: datetime.date, period_end: datetime.date
) -> list[MunicipalityFigures]:
    """Per municipality where the user is a policy analyst: counts only, never cases."""
    allowed = _require_analyst(user)
    period = checked_period(period_start, period_end)
    ids = sorted(allowed)
    at = figures.figures_at(ids)
    if at is not None:
        counts = figures.municipality_counts(
            ids,
            start=period.start,
            end=period.end,
            previous_start=period.previous().start,
            previous_end=period.previous().end,
        )
    else:
        counts = _municipality_counts_live(ids, period)
    totals, themes = counts.totals, counts.themes
    before, households = counts.previous_totals, counts.households
    signals: dict[int, Counter[str]] = defaultdict(Counter)
    for municipality_id, status, n in (
        Signal.objects.filter(municipality_id__in=ids)
        .order_by()
        .values_list("municipality_id", "status")
        .annotate(n=Count("pk"))
    ):
        signals[municipality_id][status] = n
    return [
        MunicipalityFigures(
            municipality_id=municipality.pk,
            name=municipality.name,
            total=totals.get(municipality.pk, 0),
            previous_total=before.get(municipality.pk, 0),
            households=households.get(municipality.pk, 0),
            by_theme=dict(sorted(themes.get(municipality.pk, {}).items())),
            open_signals=sum(signals[municipality.pk][s] for s in OPEN_SIGNAL_STATUSES),
            structural_signals=signals[municipality.pk][SignalStatus.STRUCTURAL],
            figures_at=at,
        )
        for municipality in Municipality.objects.filter(pk__in=ids).order_by("name")
    ]
