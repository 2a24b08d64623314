"""The spiegel: bottlenecks counted by theme, regulation, organisation, district and month.

Pure aggregation over ``breakthroughs.Bottleneck``, with no access checks (the selectors do
those) and no personal data in what it returns: counts, labels of themes, regulations,
organisations and districts, never names, addresses, BSNs or free text.

A *period* is a range of whole days, both ends included, in Europe/Amsterdam. Its *trend*
compares it with the previous period of the same length, ending the day before it starts.
A *recurring combination* is a (regulation, organisation) pair named together in at least
``min_count`` bottlenecks registered within the period: a candidate for a policy signal.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import District, Organisation
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Theme,
)
from doorbraak.insights import figures
from doorbraak.insights.models import FigureDimension, SpiegelFigure
from doorbraak.library.models import Regulation

#: Default N: a combination is a candidate when it occurs in at least this many bottlenecks.
DEFAULT_MIN_COUNT = 3


# --- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Whole days ``start`` through ``end`` (both included), local time."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - datetime.timedelta(days=1)
        return Period(start=end - datetime.timedelta(days=self.days - 1), end=end)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start 00:00, day after end 00:00) in the current time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end

    def months(self) -> list[datetime.date]:
        """First days of every calendar month the period touches."""
        month = self.start.replace(day=1)
        found: list[datetime.date] = []
        while month <= self.end:
            found.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return found

    @classmethod
    def bimonthly(cls, today: datetime.date) -> Period:
        """The last two complete calendar months before ``today``: the review meeting's period."""
        end = today.replace(day=1) - datetime.timedelta(days=1)
        start = (end.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        return cls(start=start, end=end)


def bottlenecks_in(municipality_ids: Iterable[int], period: Period) -> QuerySet[Bottleneck]:
    """Bottlenecks of households in these municipalities, registered within ``period``."""
    start, end = period.bounds()
    return Bottleneck.objects.filter(
        household__municipality_id__in=list(municipality_ids),
        created_at__gte=start,
        created_at__lt=end,
    )


# --- counts with a trend ----------------------------------------------------------------------
@dataclass(frozen=True)
class CountRow:
    """One line of the spiegel: a theme, regulation, … with its count now and before."""

    key: str
    label: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def trend(self) -> str:
        """``up``, ``down`` or ``flat`` against the previous period."""
        if self.current > self.previous:
            return "up"
        if self.current < self.previous:
            return "down"
        return "flat"


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    count: int


@dataclass(frozen=True)
class Combination:
    """A (regulation, organisation) pair that recurs: what the spiegel shows analysts."""

    regulation_id: int
    regulation: str
    organisation_id: int
    organisation: str
    count: int
    households: int
    theme: str
    theme_label: str


@dataclass(frozen=True)
class Candidate:
    """A recurring combination with the bottlenecks behind it (for the services only)."""

    regulation_id: int
    organisation_id: int
    bottleneck_ids: tuple[int, ...]
    household_ids: frozenset[int]
    theme: str

    @property
    def count(self) -> int:
        return len(self.bottleneck_ids)


@dataclass(frozen=True)
class Spiegel:
    """The aggregated mirror of one or more municipalities over a period."""

    municipality_ids: tuple[int, ...]
    period: Period
    previous_period: Period
    total: int
    previous_total: int
    households: int
    by_theme: list[CountRow] = field(default_factory=list)
    by_kind: list[CountRow] = field(default_factory=list)
    by_regulation: list[CountRow] = field(default_factory=list)
    by_organisation: list[CountRow] = field(default_factory=list)
    by_district: list[CountRow] = field(default_factory=list)
    by_month: list[MonthRow] = field(default_factory=list)
    combinations: list[Combination] = field(default_factory=list)
    min_count: int = DEFAULT_MIN_COUNT
    #: When the pre-aggregated figures were computed; ``None``: counted live just now.
    figures_at: datetime.datetime | None = None

    @property
    def total_row(self) -> CountRow:
        return CountRow(
            key="", label=_("All bottlenecks"), current=self.total, previous=self.previous_total
        )


def _counts(bottlenecks: QuerySet[Bottleneck], lookup: str) -> dict[object, int]:
    """Distinct bottlenecks per value of ``lookup`` (many-to-many lookups included)."""
    rows = bottlenecks.order_by().values(lookup).annotate(n=Count("pk", distinct=True))
    return {row[lookup]: row["n"] for row in rows}


def _rows(
    current: Mapping[Any, int],
    previous: Mapping[Any, int],
    labels: Mapping[Any, str],
) -> list[CountRow]:
    keys = set(current) | set(previous)
    rows = [
        CountRow(
            key="" if key is None else str(key),
            label=labels.get(key, str(key)),
            current=current.get(key, 0),
            previous=previous.get(key, 0),
        )
        for key in keys
    ]
    return sorted(rows, key=lambda r: (-r.current, -r.previous, r.label))


def _compare(
    current: QuerySet[Bottleneck],
    previous: QuerySet[Bottleneck],
    lookup: str,
    labels: Mapping[Any, str] | None = None,
    *,
    skip_none: bool = False,
    label_model: type[Regulation] | type[Organisation] | type[District] | None = None,
    label_field: str = "name",
    none_label: str = "",
) -> list[CountRow]:
    now, before = _counts(current, lookup), _counts(previous, lookup)
    if skip_none:
        now.pop(None, None)
        before.pop(None, None)
    found: dict[object, str] = dict(labels or {})
    if label_model is not None:
        ids = [key for key in set(now) | set(before) if key is not None]
        found.update(dict(label_model.objects.filter(pk__in=ids).values_list("pk", label_field)))
    if none_label:
        found[None] = none_label
    return _rows(now, before, found)


def monthly(bottlenecks: QuerySet[Bottleneck], period: Period) -> list[MonthRow]:
    """Bottlenecks per calendar month of ``period`` (months without any included, as 0)."""
    zone = timezone.get_current_timezone()
    rows = (
        bottlenecks.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    )
    counts: Counter[datetime.date] = Counter()
    for row in rows:
        value = row["month"]
        if isinstance(value, datetime.datetime):
            value = (
                timezone.localtime(value, zone).date() if timezone.is_aware(value) else value.date()
            )
        counts[value.replace(day=1)] += row["n"]
    return [MonthRow(month=month, count=counts.get(month, 0)) for month in period.months()]


# --- recurring combinations -------------------------------------------------------------------
def find_candidates(
    bottlenecks: QuerySet[Bottleneck], *, min_count: int = DEFAULT_MIN_COUNT
) -> list[Candidate]:
    """(regulation, organisation) pairs named together in at least ``min_count`` bottlenecks.

    Sorted by count (highest first), then by ids so the order is stable. The theme is the
    most frequent theme among the pair's bottlenecks (ties: alphabetical).
    """
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    pairs: dict[tuple[int, int], set[int]] = defaultdict(set)
    info: dict[int, tuple[int, str]] = {}
    for pk, regulation_id, organisation_id, household_id, theme in (
        bottlenecks.order_by()
        .filter(regulations__isnull=False, organisations__isnull=False)
        .values_list("pk", "regulations", "organisations", "household_id", "theme")
    ):
        if regulation_id is None or organisation_id is None:
            continue
        pairs[(regulation_id, organisation_id)].add(pk)
        info[pk] = (household_id, theme)
    candidates = []
    for (regulation_id, organisation_id), ids in pairs.items():
        if len(ids) < min_count:
            continue
        themes = Counter(info[pk][1] for pk in ids)
        theme = sorted(themes.items(), key=lambda item: (-item[1], item[0]))[0][0]
        candidates.append(
            Candidate(
                regulation_id=regulation_id,
                organisation_id=organisation_id,
                bottleneck_ids=tuple(sorted(ids)),
                household_ids=frozenset(info[pk][0] for pk in ids),
                theme=theme,
            )
        )
    return sorted(candidates, key=lambda c: (-c.count, c.regulation_id, c.organisation_id))


def _theme_label(theme: str) -> str:
    return str(Theme(theme).label) if theme in Theme.values else theme


def combinations(candidates: list[Candidate]) -> list[Combination]:
    """The analysts' view of candidates: labels and counts, no bottleneck or household ids."""
    regulations = dict(
        Regulation.objects.filter(pk__in={c.regulation_id for c in candidates}).values_list(
            "pk", "citation"
        )
    )
    organisations = dict(
        Organisation.objects.filter(pk__in={c.organisation_id for c in candidates}).values_list(
            "pk", "name"
        )
    )
    return [
        Combination(
            regulation_id=c.regulation_id,
            regulation=regulations.get(c.regulation_id, ""),
            organisation_id=c.organisation_id,
            organisation=organisations.get(c.organisation_id, ""),
            count=c.count,
            households=len(c.household_ids),
            theme=c.theme,
            theme_label=_theme_label(c.theme),
        )
        for c in candidates
    ]


# --- the whole mirror -------------------------------------------------------------------------
def build_spiegel(
    municipality_ids: Iterable[int], period: Period, *, min_count: int = DEFAULT_MIN_COUNT
) -> Spiegel:
    """Every count of the spiegel for ``period`` against the previous period.

    From the pre-aggregated figures (``insights.figures``) when every municipality has
    them, with their freshness in ``figures_at``; else counted live (``figures_at`` None).
    """
    ids = tuple(sorted(set(municipality_ids)))
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    at = figures.figures_at(ids)
    if at is not None:
        return spiegel_from_figures(ids, period, min_count=min_count, figures_at=at)
    return build_spiegel_live(ids, period, min_count=min_count)


def build_spiegel_live(
    municipality_ids: Iterable[int], period: Period, *, min_count: int = DEFAULT_MIN_COUNT
) -> Spiegel:
    """The spiegel counted from the bottlenecks themselves: the reference for the figures."""
    ids = tuple(sorted(set(municipality_ids)))
    previous_period = period.previous()
    current = bottlenecks_in(ids, period)
    previous = bottlenecks_in(ids, previous_period)
    themes = {value: str(label) for value, label in Theme.choices}
    kinds = {value: str(label) for value, label in BottleneckKind.choices}
    return Spiegel(
        municipality_ids=ids,
        period=period,
        previous_period=previous_period,
        total=current.count(),
        previous_total=previous.count(),
        households=current.order_by().values("household_id").distinct().count(),
        by_theme=_compare(current, previous, "theme", themes),
        by_kind=_compare(current, previous, "kind", kinds),
        by_regulation=_compare(
            current,
            previous,
            "regulations",
            skip_none=True,
            label_model=Regulation,
            label_field="citation",
        ),
        by_organisation=_compare(
            current, previous, "organisations", skip_none=True, label_model=Organisation
        ),
        by_district=_compare(
            current,
            previous,
            "household__district",
            label_model=District,
            none_label=_("No district"),
        ),
        by_month=monthly(current, period),
        combinations=combinations(find_candidates(current, min_count=min_count)),
        min_count=min_count,
    )


def _labels(
    model: type[Regulation] | type[Organisation] | type[District], field: str, keys: Iterable[str]
) -> dict[str, str]:
    ids = {int(key) for key in keys if key}
    return {
        str(pk): label for pk, label in model.objects.filter(pk__in=ids).values_list("pk", field)
    }


def spiegel_from_figures(
    municipality_ids: Iterable[int],
    period: Period,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
    figures_at: datetime.datetime | None = None,
) -> Spiegel:
    """The spiegel as sums (and distinct counts) over the days of the pre-aggregated figures.

    Equal to :func:`build_spiegel_live` for figures refreshed after the last change (tested).
    """
    ids = tuple(sorted(set(municipality_ids)))
    previous_period = period.previous()
    rows = SpiegelFigure.objects.filter(municipality_id__in=ids).order_by()
    current_days = rows.filter(day__gte=period.start, day__lte=period.end)

    now: dict[str, dict[str, int]] = defaultdict(dict)
    before: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, key, current, previous in (
        rows.filter(
            day__gte=previous_period.start,
            day__lte=period.end,
            dimension__in=figures.ADDITIVE,
        )
        .values_list("dimension", "key")
        .annotate(
            current=Sum("count", filter=Q(day__gte=period.start)),
            previous=Sum("count", filter=Q(day__lt=period.start)),
        )
    ):
        if current:
            now[dimension][key] = current
        if previous:
            before[dimension][key] = previous

    months: Counter[datetime.date] = Counter()
    for day, n in (
        current_days.filter(dimension=FigureDimension.TOTAL)
        .values_list("day")
        .annotate(n=Sum("count"))
    ):
        months[day.replace(day=1)] += n

    households = (
        current_days.filter(dimension=FigureDimension.HOUSEHOLD).values("key").distinct().count()
    )

    # Recurring combinations: the pair's count is the sum over its themes (one theme per
    # bottleneck); its theme the most frequent (ties: alphabetical), as find_candidates.
    pair_themes: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for key, n in now[FigureDimension.COMBINATION].items():
        regulation, organisation, theme = key.split(":", 2)
        pair_themes[(int(regulation), int(organisation))][theme] += n
    recurring = {
        pair: themes for pair, themes in pair_themes.items() if sum(themes.values()) >= min_count
    }
    pair_households: dict[tuple[int, int], set[str]] = defaultdict(set)
    if recurring:
        for key in (
            current_days.filter(dimension=FigureDimension.PAIR_HOUSEHOLD)
            .values_list("key", flat=True)
            .distinct()
        ):
            regulation, organisation, household_id = key.split(":", 2)
            pair = (int(regulation), int(organisation))
            if pair in recurring:
                pair_households[pair].add(household_id)

    regulation_keys = set(now[FigureDimension.REGULATION]) | set(before[FigureDimension.REGULATION])
    regulation_keys |= {str(r) for r, _o in recurring}
    organisation_keys = set(now[FigureDimension.ORGANISATION]) | set(
        before[FigureDimension.ORGANISATION]
    )
    organisation_keys |= {str(o) for _r, o in recurring}
    regulations = _labels(Regulation, "citation", regulation_keys)
    organisations = _labels(Organisation, "name", organisation_keys)
    districts = _labels(
        District,
        "name",
        set(now[FigureDimension.DISTRICT]) | set(before[FigureDimension.DISTRICT]),
    )
    districts[""] = _("No district")

    found = []
    for (regulation_id, organisation_id), themes in recurring.items():
        theme = sorted(themes.items(), key=lambda item: (-item[1], item[0]))[0][0]
        found.append(
            Combination(
                regulation_id=regulation_id,
                regulation=regulations.get(str(regulation_id), ""),
                organisation_id=organisation_id,
                organisation=organisations.get(str(organisation_id), ""),
                count=sum(themes.values()),
                households=len(pair_households[(regulation_id, organisation_id)]),
                theme=theme,
                theme_label=_theme_label(theme),
            )
        )
    found.sort(key=lambda c: (-c.count, c.regulation_id, c.organisation_id))

    def compare(dimension: str, labels: Mapping[Any, str]) -> list[CountRow]:
        return _rows(now[dimension], before[dimension], labels)

    return Spiegel(
        municipality_ids=ids,
        period=period,
        previous_period=previous_period,
        total=now[FigureDimension.TOTAL].get("", 0),
        previous_total=before[FigureDimension.TOTAL].get("", 0),
        households=households,
        by_theme=compare(FigureDimension.THEME, {v: str(label) for v, label in Theme.choices}),
        by_kind=compare(
            FigureDimension.KIND, {v: str(label) for v, label in BottleneckKind.choices}
        ),
        by_regulation=compare(FigureDimension.REGULATION, regulations),
        by_organisation=compare(FigureDimension.ORGANISATION, organisations),
        by_district=compare(FigureDimension.DISTRICT, districts),
        by_month=[MonthRow(month=month, count=months.get(month, 0)) for month in period.months()],
        combinations=found,
        min_count=min_count,
        figures_at=figures_at,
    )
