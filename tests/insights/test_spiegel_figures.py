"""The spiegel from pre-aggregated figures: equal to the live count, refreshed on change.

A generated set (three municipalities, districts, bottlenecks over fourteen months with
regulations and organisations, households with several bottlenecks on different days,
times near midnight and on the days the clocks change) is counted both ways: the
summary-based ``build_spiegel`` must equal ``build_spiegel_live`` for every period,
``min_count`` and choice of municipalities.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import random
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from pypdf import PdfReader

from doorbraak.accounts.models import Municipality, Organisation, Role
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import Bottleneck, BottleneckKind, Theme
from doorbraak.households.models import Household
from doorbraak.insights import figures, patterns, selectors
from doorbraak.insights.documents import build_spiegel_pdf
from doorbraak.insights.figures import refresh_spiegel_figures, refresh_spiegel_figures_task
from doorbraak.insights.models import FigureDimension, SpiegelFigure, SpiegelRefresh
from doorbraak.insights.patterns import Period
from doorbraak.library.models import Regulation
from tests.conftest import Cast
from tests.downloads.built import build_queued
from tests.factories import (
    DistrictFactory,
    HouseholdFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegulationFactory,
    TeamFactory,
)

AMS = ZoneInfo("Europe/Amsterdam")
FIRST_DAY = datetime.date(2025, 10, 1)
DAYS = 425  # fourteen months: 1 October 2025 to 29 November 2026

#: The periods compared: month-aligned, not aligned, one day, the days the clocks change,
#: a year, three years, and one before any bottleneck.
PERIODS = [
    Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    Period(datetime.date(2026, 2, 14), datetime.date(2026, 5, 9)),
    Period(datetime.date(2026, 3, 29), datetime.date(2026, 3, 29)),
    Period(datetime.date(2025, 10, 25), datetime.date(2025, 10, 26)),
    Period(datetime.date(2025, 12, 1), datetime.date(2026, 11, 30)),
    Period(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)),
    Period(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)),
]
MIN_COUNTS = [1, 2, 3, 5]


@dataclasses.dataclass
class World:
    north: Municipality
    south: Municipality
    west: Municipality
    households: list[Household]
    regulations: list[Regulation]
    organisations: list[Organisation]
    rng: random.Random

    @property
    def ids(self) -> list[int]:
        return [self.north.pk, self.south.pk, self.west.pk]


def bottleneck(
    cast: Cast,
    household: Household,
    when: datetime.datetime,
    *,
    theme: str,
    kind: str,
    regulations: list[Regulation],
    organisations: list[Organisation],
) -> Bottleneck:
    made = Bottleneck.objects.create(
        household=household,
        title="Vastgelopen",
        description="Beschrijving.",
        theme=theme,
        kind=kind,
        blocked_solution="De oplossing.",
        created_by=cast.alice,
    )
    made.regulations.set(regulations)
    made.organisations.set(organisations)
    Bottleneck.objects.filter(pk=made.pk).update(created_at=when)
    return made


def add_bottlenecks(cast: Cast, world: World, count: int) -> None:
    rng = world.rng
    for _ in range(count):
        day = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        hour, minute = rng.choice([(0, 0), (0, 30), (2, 30), (12, 0), (23, 30), (23, 59)])
        when = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AMS)
        bottleneck(
            cast,
            rng.choice(world.households),
            when,
            theme=rng.choice(Theme.values),
            kind=rng.choice(BottleneckKind.values),
            regulations=rng.sample(world.regulations, rng.choice([0, 1, 1, 2])),
            organisations=rng.sample(world.organisations, rng.choice([0, 1, 1, 2])),
        )


@pytest.fixture
def world(cast: Cast) -> World:
    west = MunicipalityFactory(name="Gemeente West", code="0303")
    teams = [
        (cast.team_a, cast.north),
        (cast.team_z, cast.south),
        (TeamFactory(name="Buurtteam W", municipality=west), west),
    ]
    households: list[Household] = []
    for team, municipality in teams:
        districts: list[Any] = [  # factories are typed as factories
            DistrictFactory(municipality=municipality, name=f"{municipality.name} Oost"),
            DistrictFactory(municipality=municipality, name=f"{municipality.name} Midden"),
            None,
        ]
        households += [
            HouseholdFactory(team=team, district=districts[n % 3], name=f"Huishouden {n}")
            for n in range(6)
        ]
    regulations = [RegulationFactory(citation=f"Spiegelwet art. {n}") for n in range(1, 5)]
    organisations = [cast.uwv, cast.wi_north, cast.wi_south]
    organisations.append(OrganisationFactory(name="SVB", municipality=None))  # type: ignore[arg-type]
    made = World(
        north=cast.north,
        south=cast.south,
        west=west,
        households=households,
        regulations=regulations,
        organisations=organisations,
        rng=random.Random(2026),
    )
    add_bottlenecks(cast, made, 160)
    return made


def live(ids: list[int], period: Period, min_count: int = 3) -> patterns.Spiegel:
    return patterns.build_spiegel_live(ids, period, min_count=min_count)


def summary(ids: list[int], period: Period, min_count: int = 3) -> patterns.Spiegel:
    built = patterns.build_spiegel(ids, period, min_count=min_count)
    assert built.figures_at is not None, "counted live: the figures were not used"
    return dataclasses.replace(built, figures_at=None)


def assert_equal_everywhere(world: World, periods: list[Period], min_counts: list[int]) -> None:
    for ids in ([world.north.pk], [world.south.pk], world.ids):
        for period in periods:
            for min_count in min_counts:
                expected = live(ids, period, min_count)
                assert summary(ids, period, min_count) == expected, (ids, period, min_count)


# --- equal to the live count ------------------------------------------------------------------
def test_it_equals_the_live_spiegel_for_every_period_and_min_count(
    world: World, cast: Cast
) -> None:
    refresh_spiegel_figures()
    assert_equal_everywhere(world, PERIODS, MIN_COUNTS)
    # The set is rich enough for the comparison to mean something.
    year = live(world.ids, PERIODS[4], 2)
    assert year.total > 100
    assert year.previous_total > 0
    assert year.households < year.total  # households with several bottlenecks
    assert len(year.combinations) > 3
    assert len(year.by_district) == 7
    assert any(c.households < c.count for c in year.combinations)
    assert {row.month for row in year.by_month} == set(PERIODS[4].months())


def test_the_trend_compares_with_the_previous_period_from_the_figures(world: World) -> None:
    refresh_spiegel_figures()
    period = Period(datetime.date(2026, 6, 1), datetime.date(2026, 8, 31))
    mirror = summary(world.ids, period)
    assert mirror.previous_period == Period(datetime.date(2026, 3, 1), datetime.date(2026, 5, 31))
    assert mirror.previous_total == live(world.ids, period).previous_total > 0
    assert [r.previous for r in mirror.by_theme] == [
        r.previous for r in live(world.ids, period).by_theme
    ]


def test_without_figures_for_every_municipality_it_counts_live(world: World) -> None:
    refresh_spiegel_figures([world.north.pk])
    mirror = patterns.build_spiegel(world.ids, PERIODS[4])
    assert mirror.figures_at is None
    assert mirror == live(world.ids, PERIODS[4])
    assert patterns.build_spiegel([world.north.pk], PERIODS[4]).figures_at is not None


def test_the_table_holds_ids_and_labels_only(world: World) -> None:
    refresh_spiegel_figures()
    household_ids = {str(h.pk) for h in world.households}
    for dimension, key in SpiegelFigure.objects.values_list("dimension", "key"):
        if dimension == FigureDimension.HOUSEHOLD:
            assert key in household_ids
        elif dimension == FigureDimension.PAIR_HOUSEHOLD:
            regulation, organisation, household = key.split(":")
            assert regulation.isdigit()
            assert organisation.isdigit()
            assert household in household_ids
        elif dimension in (FigureDimension.THEME, FigureDimension.KIND):
            assert key in Theme.values + BottleneckKind.values
        elif dimension == FigureDimension.COMBINATION:
            assert key.split(":")[2] in Theme.values
        else:
            assert key == "" or key.isdigit()


# --- refreshing -------------------------------------------------------------------------------
def test_a_refresh_after_a_change_updates_exactly(world: World, cast: Cast) -> None:
    refresh_spiegel_figures()
    period = PERIODS[4]
    target = Bottleneck.objects.filter(
        household__municipality=world.north, regulations__isnull=False
    ).first()
    assert target is not None
    # A new bottleneck, a theme changed, a regulation removed, a household's district moved.
    add_bottlenecks(cast, world, 3)
    other = next(t for t in Theme.values if t != target.theme)
    Bottleneck.objects.filter(pk=target.pk).update(theme=other)
    target.regulations.remove(target.regulations.first())
    Household.objects.filter(pk=target.household_id).update(district=None)
    assert summary(world.ids, period, 1) != live(world.ids, period, 1)  # stale until refreshed
    refresh_spiegel_figures()
    assert_equal_everywhere(world, [period, PERIODS[1]], [1, 3])


def test_a_failed_refresh_leaves_the_old_figures(
    world: World, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    refresh_spiegel_figures([world.north.pk])
    before = sorted(SpiegelFigure.objects.values_list("day", "dimension", "key", "count"))
    refreshed_at = SpiegelRefresh.objects.get(municipality=world.north).refreshed_at
    add_bottlenecks(cast, world, 10)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(SpiegelFigure.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        refresh_spiegel_figures([world.north.pk])
    after = sorted(SpiegelFigure.objects.values_list("day", "dimension", "key", "count"))
    assert after == before
    assert SpiegelRefresh.objects.get(municipality=world.north).refreshed_at == refreshed_at


def test_registering_a_bottleneck_asks_the_worker_once(
    world: World,
    cast: Cast,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    fields = {
        "title": "Vastgelopen",
        "description": "Wat vastzit.",
        "kind": BottleneckKind.RULES_CLASH,
        "blocked_solution": "De oplossing.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        made = breakthrough_services.bottleneck_register(
            actor=cast.alice, household=household, theme=Theme.DEBTS, **fields
        )
        breakthrough_services.bottleneck_register(
            actor=cast.alice, household=household, theme=Theme.INCOME, **fields
        )
    jobs = default_task_backend.results  # type: ignore[attr-defined]
    assert [(job.task.name, job.args) for job in jobs] == [
        ("refresh_spiegel_figures_task", [[cast.north.pk]])
    ]
    assert SpiegelRefresh.objects.get(municipality=cast.north).queued
    # The worker runs it: the flag is cleared, the figures are there.
    assert jobs[0].task.call(*jobs[0].args) > 0
    state = SpiegelRefresh.objects.get(municipality=cast.north)
    assert not state.queued
    assert state.refreshed_at is not None
    day = timezone.localdate(made.created_at)
    period = Period(day, day)
    assert summary([cast.north.pk], period).total == 2
    # A change the spiegel does not count (the title) asks for nothing; the theme does.
    with django_capture_on_commit_callbacks(execute=True):
        breakthrough_services.bottleneck_update(
            actor=cast.alice, bottleneck=made, theme=Theme.DEBTS, **{**fields, "title": "Anders"}
        )
    assert len(jobs) == 1
    with django_capture_on_commit_callbacks(execute=True):
        breakthrough_services.bottleneck_update(
            actor=cast.alice, bottleneck=made, theme=Theme.HOUSING, **fields
        )
    assert len(jobs) == 2


def test_the_command_and_the_task_refresh(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("refresh_spiegel_figures", "--municipality", str(world.south.pk))
    assert "1 municipalities" in capsys.readouterr().out
    assert set(SpiegelRefresh.objects.values_list("municipality_id", flat=True)) == {world.south.pk}
    assert refresh_spiegel_figures_task.call(None) == SpiegelFigure.objects.count()
    assert figures.figures_at(world.ids) is not None
    call_command("refresh_spiegel_figures", "--enqueue")
    assert default_task_backend.results[-1].args == [None]  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="No municipality with id 999999"):
        call_command("refresh_spiegel_figures", "--municipality", "999999")


# --- the pages ----------------------------------------------------------------------------------
def queries_at_two_sizes(client: Any, url: str, grow: Callable[[int], None], more: int) -> int:
    """The queries of one request of ``url`` after ``grow(1)`` and after ``grow(more)``."""
    counts = []
    for size in (1, more):
        grow(size)
        client.get(url)  # renews the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    return counts[1]


FRESH = datetime.datetime(2026, 12, 7, 3, 10, tzinfo=AMS)


def test_the_spiegel_and_comparison_show_the_freshness(
    world: World, cast: Cast, as_user: Any
) -> None:
    MembershipFactory(
        user=cast.grace,
        role=Role.POLICY_ANALYST,
        municipality=cast.south,
        organisation=cast.wi_south,
    )
    client = as_user(cast.grace)
    query = {"start": "2026-01-01", "end": "2026-06-30"}
    page = client.get(reverse("insights:spiegel"), query).content.decode()
    assert 'data-testid="figures-freshness"' in page
    assert "Cijfers zojuist rechtstreeks uit de casussen geteld." in page
    refresh_spiegel_figures()
    SpiegelRefresh.objects.update(refreshed_at=FRESH)
    for name in ("insights:spiegel", "insights:compare"):
        page = client.get(reverse(name), query).content.decode()
        assert "Cijfers bijgewerkt op 7 december 2026 om 03:10." in page, name


def test_the_comparison_from_the_figures_equals_the_live_one(world: World, cast: Cast) -> None:
    for municipality in (cast.south, world.west):
        MembershipFactory(
            user=cast.grace,
            role=Role.POLICY_ANALYST,
            municipality=municipality,
            organisation=cast.wi_south,
        )
    for period in PERIODS:
        asked = {"user": cast.grace, "period_start": period.start, "period_end": period.end}
        counted_live = selectors.compare_municipalities(**asked)
        assert {f.figures_at for f in counted_live} == {None}
        refresh_spiegel_figures()
        from_figures = selectors.compare_municipalities(**asked)
        assert all(f.figures_at is not None for f in from_figures)
        assert [dataclasses.replace(f, figures_at=None) for f in from_figures] == counted_live
        SpiegelRefresh.objects.all().delete()


def test_the_spiegel_page_asks_a_constant_and_smaller_number_of_queries(
    world: World, cast: Cast, as_user: Any
) -> None:
    url = reverse("insights:spiegel") + "?start=2025-10-01&end=2026-11-30"

    def grow(count: int) -> None:
        add_bottlenecks(cast, world, 20 * count)
        refresh_spiegel_figures()

    counts = queries_at_two_sizes(as_user(cast.grace), url, grow, more=3)
    # From the figures: the freshness, the sums, the months, two distinct counts, three
    # labels, beside the page's own (session, user, memberships, log, municipalities, …).
    SpiegelRefresh.objects.all().delete()
    client = as_user(cast.grace)
    client.get(url)
    with CaptureQueriesContext(connection) as live_queries:
        client.get(url)
    # 13 from the figures; 26 live (the 25 of before, and the look for the figures).
    assert (counts, len(live_queries.captured_queries)) == (13, 26)


def test_the_pdf_shows_the_freshness(world: World, cast: Cast, as_user: Any) -> None:
    refresh_spiegel_figures()
    SpiegelRefresh.objects.update(refreshed_at=FRESH)
    client = as_user(cast.grace)
    query = {"start": "2026-01-01", "end": "2026-06-30", "municipality": cast.north.pk}
    built = build_queued(
        client, client.post(reverse("insights:spiegel-pdf"), query), build_spiegel_pdf
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(built.content)).pages)
    assert "Cijfers bijgewerkt op 7 december 2026 om 03:10." in " ".join(text.split())
