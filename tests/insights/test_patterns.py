"""The spiegel: counts, trends and recurring combinations, on constructed bottlenecks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from doorbraak.accounts.models import District, Organisation
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Theme,
)
from doorbraak.households.models import Household
from doorbraak.insights import patterns
from doorbraak.insights.patterns import Period
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.factories import DistrictFactory, HouseholdFactory, RegulationFactory

AMS = ZoneInfo("Europe/Amsterdam")
MARCH = Period(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMS)


def make_bottleneck(
    household: Household,
    when: datetime.datetime,
    *,
    theme: str = Theme.DEBTS,
    kind: str = BottleneckKind.RULES_CLASH,
    regulations: Iterable[Any] = (),  # factories are typed as factories
    organisations: Iterable[Organisation] = (),
    description: str = "Beschrijving van wat vastzit.",
) -> Bottleneck:
    """A bottleneck registered at ``when`` (``created_at`` is set after creation)."""
    creator = household.coordinator_assignments.first()
    bottleneck = Bottleneck.objects.create(
        household=household,
        title="Vastgelopen",
        description=description,
        theme=theme,
        kind=kind,
        blocked_solution="De oplossing.",
        created_by=creator.coordinator if creator else household.team.memberships.first().user,
    )
    bottleneck.regulations.set(list(regulations))
    bottleneck.organisations.set(list(organisations))
    Bottleneck.objects.filter(pk=bottleneck.pk).update(created_at=when)
    bottleneck.refresh_from_db()
    return bottleneck


def households(cast: Cast, n: int, *, district: District | None = None) -> list[Household]:
    return [
        HouseholdFactory(team=cast.team_a, coordinator=cast.alice, district=district)
        for _ in range(n)
    ]


@pytest.fixture
def planted(cast: Cast) -> dict[str, object]:
    """reg1+UWV three times in March (edges included), reg2+UWV twice, and noise around it."""
    reg1, reg2 = RegulationFactory(citation="Proefwet art. 9"), RegulationFactory()
    centrum = DistrictFactory(municipality=cast.north, name="Centrum")
    hh = households(cast, 4, district=centrum) + households(cast, 1)
    uwv = cast.uwv
    # At N = 3: the first day 00:00 and the last day 23:59 are inside the period.
    make_bottleneck(hh[0], at(2026, 3, 1, 0, 0), regulations=[reg1], organisations=[uwv])
    make_bottleneck(
        hh[1], at(2026, 3, 15), theme=Theme.INCOME, regulations=[reg1], organisations=[uwv]
    )
    make_bottleneck(hh[2], at(2026, 3, 31, 23, 59), regulations=[reg1], organisations=[uwv])
    # Just outside: the first minute of April and the last minute of February.
    make_bottleneck(hh[3], at(2026, 4, 1, 0, 0), regulations=[reg1], organisations=[uwv])
    make_bottleneck(hh[3], at(2026, 2, 28, 23, 59), regulations=[reg2], organisations=[uwv])
    # Below N: reg2 with UWV twice in March, both in the same household.
    make_bottleneck(
        hh[4],
        at(2026, 3, 10),
        theme=Theme.HOUSING,
        regulations=[reg2],
        organisations=[uwv, cast.wi_north],
    )
    make_bottleneck(
        hh[4], at(2026, 3, 11), theme=Theme.HOUSING, regulations=[reg2], organisations=[uwv]
    )
    # The other municipality's bottleneck with the same pair never counts here.
    south = HouseholdFactory(team=cast.team_z, coordinator=cast.mallory)
    make_bottleneck(south, at(2026, 3, 12), regulations=[reg1], organisations=[uwv])
    return {"reg1": reg1, "reg2": reg2, "centrum": centrum, "households": hh}


def test_it_compares_a_period_with_the_previous_one_of_the_same_length() -> None:
    previous = MARCH.previous()
    assert previous == Period(start=datetime.date(2026, 1, 29), end=datetime.date(2026, 2, 28))
    assert previous.days == MARCH.days == 31
    assert MARCH.months() == [datetime.date(2026, 3, 1)]
    assert Period.bimonthly(datetime.date(2026, 5, 14)) == Period(
        start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 30)
    )
    assert Period.bimonthly(datetime.date(2026, 1, 3)) == Period(
        start=datetime.date(2025, 11, 1), end=datetime.date(2025, 12, 31)
    )


def test_it_counts_only_whole_days_of_the_period_in_local_time(
    cast: Cast, planted: dict[str, object]
) -> None:
    assert patterns.bottlenecks_in([cast.north.pk], MARCH).count() == 5
    assert patterns.bottlenecks_in([cast.north.pk, cast.south.pk], MARCH).count() == 6


def test_it_finds_a_combination_at_n_and_not_below(cast: Cast, planted: dict[str, object]) -> None:
    reg1 = planted["reg1"]
    assert isinstance(reg1, Regulation)
    found = patterns.find_candidates(patterns.bottlenecks_in([cast.north.pk], MARCH), min_count=3)
    assert [(c.regulation_id, c.organisation_id, c.count) for c in found] == [
        (reg1.pk, cast.uwv.pk, 3)
    ]
    assert found[0].theme == Theme.DEBTS  # two debts against one income
    assert len(found[0].household_ids) == 3


def test_a_lower_n_finds_the_smaller_combination(cast: Cast, planted: dict[str, object]) -> None:
    reg2 = planted["reg2"]
    assert isinstance(reg2, Regulation)
    found = patterns.find_candidates(patterns.bottlenecks_in([cast.north.pk], MARCH), min_count=2)
    pairs = {(c.regulation_id, c.organisation_id): c for c in found}
    assert pairs[(reg2.pk, cast.uwv.pk)].count == 2
    assert len(pairs[(reg2.pk, cast.uwv.pk)].household_ids) == 1
    # W&I Noord was named with reg2 once only.
    assert (reg2.pk, cast.wi_north.pk) not in pairs


def test_a_combination_across_the_period_edge_is_not_a_candidate(cast: Cast) -> None:
    reg = RegulationFactory()
    hh = households(cast, 3)
    make_bottleneck(hh[0], at(2026, 2, 28, 23, 59), regulations=[reg], organisations=[cast.uwv])
    make_bottleneck(hh[1], at(2026, 3, 2), regulations=[reg], organisations=[cast.uwv])
    make_bottleneck(hh[2], at(2026, 4, 1, 0, 0), regulations=[reg], organisations=[cast.uwv])
    bottlenecks = patterns.bottlenecks_in([cast.north.pk], MARCH)
    assert patterns.find_candidates(bottlenecks, min_count=2) == []
    with pytest.raises(ValueError):
        patterns.find_candidates(bottlenecks, min_count=0)


def test_the_spiegel_counts_with_trends(
    cast: Cast, planted: dict[str, object], django_assert_max_num_queries: object
) -> None:
    reg1, centrum = planted["reg1"], planted["centrum"]
    assert isinstance(reg1, Regulation)
    assert isinstance(centrum, District)
    # Counted live (no figures yet): the look for the figures is the 21st query.
    with django_assert_max_num_queries(21):  # type: ignore[operator]
        mirror = patterns.build_spiegel([cast.north.pk], MARCH)
    assert mirror.figures_at is None

    assert (mirror.total, mirror.previous_total, mirror.households) == (5, 1, 4)
    themes = {row.key: row for row in mirror.by_theme}
    assert (themes[Theme.DEBTS].current, themes[Theme.DEBTS].previous) == (2, 1)
    assert themes[Theme.DEBTS].trend == "up"
    assert themes[Theme.DEBTS].label == str(Theme.DEBTS.label)
    assert (themes[Theme.HOUSING].current, themes[Theme.INCOME].current) == (2, 1)
    assert mirror.by_theme[0].current >= mirror.by_theme[-1].current

    regulations = {row.label: row for row in mirror.by_regulation}
    assert (regulations["Proefwet art. 9"].current, regulations["Proefwet art. 9"].previous) == (
        3,
        0,
    )
    reg2_row = next(r for r in mirror.by_regulation if r.label != "Proefwet art. 9")
    assert (reg2_row.current, reg2_row.previous, reg2_row.trend) == (2, 1, "up")

    organisations = {row.label: row for row in mirror.by_organisation}
    assert (organisations["UWV"].current, organisations["UWV"].previous) == (5, 1)
    assert organisations["W&I Noord"].current == 1

    districts = {row.label: row for row in mirror.by_district}
    assert (districts["Centrum"].current, districts["Centrum"].previous) == (3, 1)
    assert districts["No district"].current == 2

    kinds = {row.key: row.current for row in mirror.by_kind}
    assert kinds == {BottleneckKind.RULES_CLASH: 5}
    assert [(m.month, m.count) for m in mirror.by_month] == [(datetime.date(2026, 3, 1), 5)]

    assert [(c.regulation, c.organisation, c.count, c.households) for c in mirror.combinations] == [
        ("Proefwet art. 9", "UWV", 3, 3)
    ]


def test_a_falling_trend_and_empty_months(cast: Cast) -> None:
    hh = households(cast, 1)[0]
    make_bottleneck(hh, at(2026, 1, 10), theme=Theme.WORK)
    make_bottleneck(hh, at(2026, 1, 20), theme=Theme.WORK)
    make_bottleneck(hh, at(2026, 3, 5), theme=Theme.WORK)
    period = Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 3, 31))
    mirror = patterns.build_spiegel([cast.north.pk], period)
    work = next(row for row in mirror.by_theme if row.key == Theme.WORK)
    assert (work.current, work.previous, work.change, work.trend) == (1, 2, -1, "down")
    assert [(m.month.month, m.count) for m in mirror.by_month] == [(2, 0), (3, 1)]


def test_a_regional_spiegel_adds_municipalities_up(cast: Cast, planted: dict[str, object]) -> None:
    mirror = patterns.build_spiegel([cast.north.pk, cast.south.pk], MARCH)
    assert mirror.total == 6
    assert mirror.combinations[0].count == 4
