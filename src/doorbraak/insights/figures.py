"""The spiegel's pre-aggregated figures: counted per municipality and day, refreshed by the worker.

Counting the spiegel live takes some twenty grouped queries over the bottlenecks joined to
every household of the municipality; at national scale that is too slow for a page. So the
counts are kept per *day* in ``SpiegelFigure`` (any period of whole days, and the previous
period for the trend, is a sum over its days, exactly) and recomputed from the bottlenecks
by :func:`refresh_spiegel_figures`:

- on commit of a change to what the spiegel counts (a bottleneck registered, its theme,
  kind, regulations or organisations changed, a household's district changed), through
  ``doorbraak.lib.counts`` and the worker task (debounced: one job per municipality waits
  at a time, see ``SpiegelRefresh.queued``);
- every ten minutes by ``manage.py refresh_spiegel_figures`` (systemd timer or cron), the
  safety net for changes no service reports (a household erased, a direct repair);
- at the end of ``seed_demo`` and ``seed_scale``.

Distinct households are not additive over days, so they are kept as one row per household
(and per regulation and organisation pair) and counted as distinct keys over the period.
A day is a calendar day in the project's time zone (Europe/Amsterdam), as ``Period``'s.

The table holds no personal data beyond an internal household id: keys are theme and kind
values, ids of regulations, organisations, districts and households.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django_tasks import task

from doorbraak.accounts.models import Municipality
from doorbraak.breakthroughs.models import Bottleneck
from doorbraak.insights.models import FigureDimension, SpiegelFigure, SpiegelRefresh

logger = logging.getLogger(__name__)

#: The dimensions whose counts add up over days.
ADDITIVE = (
    FigureDimension.TOTAL,
    FigureDimension.THEME,
    FigureDimension.KIND,
    FigureDimension.REGULATION,
    FigureDimension.ORGANISATION,
    FigureDimension.DISTRICT,
    FigureDimension.COMBINATION,
)


# --- computing ----------------------------------------------------------------------------------
def _figures_of(municipality_id: int) -> list[SpiegelFigure]:
    """Every figure of one municipality, from its bottlenecks (three queries)."""
    zone = timezone.get_default_timezone()
    bottlenecks = Bottleneck.objects.filter(household__municipality_id=municipality_id).order_by()
    regulations: dict[int, list[int]] = defaultdict(list)
    for bottleneck_id, regulation_id in Bottleneck.regulations.through.objects.filter(
        bottleneck__household__municipality_id=municipality_id
    ).values_list("bottleneck_id", "regulation_id"):
        regulations[bottleneck_id].append(regulation_id)
    organisations: dict[int, list[int]] = defaultdict(list)
    for bottleneck_id, organisation_id in Bottleneck.organisations.through.objects.filter(
        bottleneck__household__municipality_id=municipality_id
    ).values_list("bottleneck_id", "organisation_id"):
        organisations[bottleneck_id].append(organisation_id)

    counts: Counter[tuple[datetime.date, str, str]] = Counter()
    for pk, household_id, district_id, theme, kind, created_at in bottlenecks.values_list(
        "pk", "household_id", "household__district_id", "theme", "kind", "created_at"
    ):
        day = timezone.localtime(created_at, zone).date()
        counts[(day, FigureDimension.TOTAL, "")] += 1
        counts[(day, FigureDimension.THEME, theme)] += 1
        counts[(day, FigureDimension.KIND, kind)] += 1
        counts[
            (day, FigureDimension.DISTRICT, "" if district_id is None else str(district_id))
        ] += 1
        counts[(day, FigureDimension.HOUSEHOLD, str(household_id))] += 1
        for regulation_id in set(regulations.get(pk, ())):
            counts[(day, FigureDimension.REGULATION, str(regulation_id))] += 1
        for organisation_id in set(organisations.get(pk, ())):
            counts[(day, FigureDimension.ORGANISATION, str(organisation_id))] += 1
        for regulation_id in set(regulations.get(pk, ())):
            for organisation_id in set(organisations.get(pk, ())):
                pair = f"{regulation_id}:{organisation_id}"
                counts[(day, FigureDimension.COMBINATION, f"{pair}:{theme}")] += 1
                counts[(day, FigureDimension.PAIR_HOUSEHOLD, f"{pair}:{household_id}")] += 1
    return [
        SpiegelFigure(
            municipality_id=municipality_id, day=day, dimension=dimension, key=key, count=n
        )
        for (day, dimension, key), n in counts.items()
    ]


def refresh_municipality(municipality_id: int) -> int:
    """Recompute one municipality's figures in one transaction; the number of rows written.

    A failure leaves the previous figures (and their freshness) as they were.
    """
    # Cleared before reading, so a change committed from here on asks for another job.
    SpiegelRefresh.objects.filter(municipality_id=municipality_id, queued=True).update(queued=False)
    with transaction.atomic():
        figures = _figures_of(municipality_id)
        SpiegelFigure.objects.filter(municipality_id=municipality_id).delete()
        SpiegelFigure.objects.bulk_create(figures, batch_size=2000)
        SpiegelRefresh.objects.update_or_create(
            municipality_id=municipality_id, defaults={"refreshed_at": timezone.now()}
        )
    return len(figures)


def refresh_spiegel_figures(municipality_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of these municipalities (all when ``None``); rows written."""
    ids = (
        list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
        if municipality_ids is None
        else sorted(set(municipality_ids))
    )
    rows = 0
    for municipality_id in ids:
        rows += refresh_municipality(municipality_id)
    logger.info("spiegel_figures_refreshed", extra={"municipalities": len(ids), "rows": rows})
    return rows


@task()
def refresh_spiegel_figures_task(municipality_ids: list[int] | None = None) -> int:
    return refresh_spiegel_figures(municipality_ids)


# --- asking for a refresh -----------------------------------------------------------------------
def _enqueue_refresh(municipality_id: int) -> None:
    SpiegelRefresh.objects.get_or_create(municipality_id=municipality_id)
    # One waiting job per municipality: only the change that sets the flag enqueues.
    if SpiegelRefresh.objects.filter(municipality_id=municipality_id, queued=False).update(
        queued=True
    ):
        refresh_spiegel_figures_task.enqueue([municipality_id])


def schedule_refresh(municipality_id: int) -> None:
    """After the current transaction commits, have the worker refresh this municipality.

    ``robust``: the change itself is committed by then, so a failure to enqueue is logged,
    never turned into an error page (the timer's refresh catches up).
    """
    transaction.on_commit(lambda: _enqueue_refresh(municipality_id), robust=True)


# --- reading ------------------------------------------------------------------------------------
def figures_at(municipality_ids: Sequence[int]) -> datetime.datetime | None:
    """When the oldest of these municipalities' figures were computed; ``None`` when any of
    them has none (then the spiegel counts live)."""
    ids = set(municipality_ids)
    found = SpiegelRefresh.objects.filter(
        municipality_id__in=ids, refreshed_at__isnull=False
    ).aggregate(n=Count("pk"), oldest=Min("refreshed_at"))
    if not ids or found["n"] != len(ids):
        return None
    oldest: datetime.datetime = found["oldest"]
    return oldest


@dataclass(frozen=True)
class MunicipalityCounts:
    """Per municipality: bottlenecks by theme (and in total), before, and households."""

    totals: dict[int, int]
    themes: dict[int, dict[str, int]]
    previous_totals: dict[int, int]
    households: dict[int, int]


def municipality_counts(
    municipality_ids: Sequence[int],
    *,
    start: datetime.date,
    end: datetime.date,
    previous_start: datetime.date,
    previous_end: datetime.date,
) -> MunicipalityCounts:
    """The comparison's counts from the figures (three queries)."""
    rows = SpiegelFigure.objects.filter(municipality_id__in=list(municipality_ids)).order_by()
    current = rows.filter(day__gte=start, day__lte=end)
    totals: Counter[int] = Counter()
    themes: dict[int, dict[str, int]] = defaultdict(dict)
    for municipality_id, theme, n in (
        current.filter(dimension=FigureDimension.THEME)
        .values_list("municipality_id", "key")
        .annotate(n=Sum("count"))
    ):
        totals[municipality_id] += n
        themes[municipality_id][theme] = n
    previous = dict(
        rows.filter(dimension=FigureDimension.TOTAL, day__gte=previous_start, day__lte=previous_end)
        .values_list("municipality_id")
        .annotate(n=Sum("count"))
    )
    households = dict(
        current.filter(dimension=FigureDimension.HOUSEHOLD)
        .values_list("municipality_id")
        .annotate(n=Count("key", distinct=True))
    )
    return MunicipalityCounts(
        totals=dict(totals), themes=dict(themes), previous_totals=previous, households=households
    )
