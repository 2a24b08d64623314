"""A values() queryset compiled once per shape (``doorbraak.lib.prepared``): the same rows as
the queryset itself for any values, the SQL built once per shape, and a query whose
structure depends on its values never run with the wrong parameters."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Count, Q, QuerySet, Window
from django.test.utils import CaptureQueriesContext

from doorbraak.accounts.models import User
from doorbraak.households.models import Household
from doorbraak.lib.prepared import Plan, Prepared, markers
from tests.conftest import Cast
from tests.factories import HouseholdFactory


def _households(
    *, teams: tuple[int, ...], opened: datetime.date, coordinator: int
) -> QuerySet[Any]:
    return (
        Household.objects.filter(
            Q(coordinator_assignments__coordinator_id=coordinator) | Q(opened_on__gte=opened),
            team__in=teams,
            opened_on__lte=datetime.date(2026, 4, 1),
        )
        .distinct()
        .order_by("opened_on", "pk")
        .values("id", "public_id", "name", "opened_on")
    )


@pytest.fixture
def households(cast: Cast) -> list[Household]:
    made = []
    for day, team, coordinator in (
        (1, cast.team_a, cast.alice),
        (5, cast.team_a, None),
        (9, cast.team_b, None),
        (20, cast.team_a, None),
        (40, cast.team_b, None),
    ):
        made.append(
            HouseholdFactory(
                team=team,
                opened_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=day - 1),
                **({"coordinator": coordinator} if coordinator else {}),
            )
        )
    return made


@pytest.mark.parametrize(
    ("teams", "opened"),
    [
        ("a", datetime.date(2026, 3, 4)),
        ("ab", datetime.date(2026, 3, 4)),
        ("ba", datetime.date(2026, 3, 2)),
        ("b", datetime.date(2026, 3, 9)),
    ],
)
def test_it_gives_the_rows_the_queryset_gives(
    cast: Cast, households: list[Household], teams: str, opened: datetime.date
) -> None:
    ids = tuple(sorted({"a": cast.team_a.pk, "b": cast.team_b.pk}[t] for t in teams))
    inputs: dict[str, Any] = {"teams": ids, "opened": opened, "coordinator": cast.alice.pk}
    prepared = Prepared(_households)
    for _ in range(2):  # compiled, then from the plan
        assert prepared.rows(**inputs) == list(_households(**inputs))
    rows = prepared.rows(**inputs)
    assert rows
    assert isinstance(rows[0]["opened_on"], datetime.date)  # the converters applied
    assert rows[0]["public_id"] == Household.objects.get(pk=rows[0]["id"]).public_id


def test_it_builds_the_query_once_per_shape(cast: Cast, households: list[Household]) -> None:
    built: list[dict[str, Any]] = []

    def build(**inputs: Any) -> QuerySet[Any]:
        built.append(inputs)
        return _households(**inputs)

    prepared = Prepared(build)
    one = {"teams": (cast.team_a.pk,), "coordinator": cast.alice.pk}
    prepared.rows(**one, opened=datetime.date(2026, 3, 4))
    first = len(built)  # the model (for its database), the markers, the real values' check
    assert first == 3
    for day in (1, 2, 19):
        opened = datetime.date(2026, 3, day)
        assert prepared.rows(**one, opened=opened) == list(_households(**one, opened=opened))
    assert prepared.rows(teams=(cast.team_b.pk,), opened=datetime.date(2026, 3, 1), coordinator=1)
    assert len(built) == first  # the same shape: not built again
    two = {"teams": (cast.team_a.pk, cast.team_b.pk), "coordinator": cast.alice.pk}
    prepared.rows(**two, opened=datetime.date(2026, 3, 4))
    assert len(built) == first + 2  # a new shape (two teams): the markers and the check
    with CaptureQueriesContext(connection) as queries:
        prepared.rows(**two, opened=datetime.date(2026, 3, 8))
    assert len(queries) == 1
    assert len(built) == first + 2


def test_no_teams_is_no_rows_and_no_query(cast: Cast, households: list[Household]) -> None:
    prepared = Prepared(_households)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.rows(teams=(), opened=datetime.date(2026, 3, 4), coordinator=1)
        assert rows == []
        assert len(queries) == 0


def test_a_query_whose_structure_follows_its_values_is_built_each_time(
    cast: Cast, households: list[Household]
) -> None:
    """A branch on a value gives other SQL for the real values than for the markers: the
    shape is never prepared, and each request gets the rows of its own queryset."""

    def build(*, teams: tuple[int, ...], coordinator: int) -> QuerySet[Any]:
        rows = Household.objects.filter(team__in=teams)
        if coordinator > 0:  # the markers are negative
            rows = rows.filter(coordinator_assignments__coordinator_id=coordinator)
        return rows.order_by("pk").values("id")

    prepared = Prepared(build)
    for coordinator in (cast.alice.pk, cast.carol.pk, cast.alice.pk):
        inputs = {"teams": (cast.team_a.pk,), "coordinator": coordinator}
        assert prepared.rows(**inputs) == list(build(**inputs))
    assert prepared.rows(teams=(cast.team_a.pk,), coordinator=cast.alice.pk) == [
        {"id": households[0].pk}
    ]


def test_a_value_computed_from_an_input_is_never_taken_for_a_constant(
    cast: Cast, households: list[Household]
) -> None:
    """``opened + 30 days`` is a parameter that is no marker: with the markers it is a day
    of 1901, which the check against the real values finds; the query is built each time."""
    built: list[datetime.date] = []

    def build(*, opened: datetime.date) -> QuerySet[Any]:
        built.append(opened)
        until = opened + datetime.timedelta(days=30)
        return Household.objects.filter(opened_on__lte=until).order_by("pk").values("id")

    prepared = Prepared(build)
    for day in (1, 25, 1):
        opened = datetime.date(2026, 2, day)
        assert prepared.rows(opened=opened) == list(build(opened=opened))
    before = len(built)
    assert prepared.rows(opened=datetime.date(2026, 2, 1)) == [{"id": households[0].pk}]
    assert len(built) == before + 1  # never prepared: built for every request
    assert prepared.rows(opened=datetime.date(2026, 2, 25)) == list(
        Household.objects.filter(opened_on__lte=datetime.date(2026, 3, 27))
        .order_by("pk")
        .values("id")
    )


def test_a_window_count_and_a_slice_come_with_the_rows(
    cast: Cast, households: list[Household]
) -> None:
    def build(*, teams: tuple[int, ...]) -> QuerySet[Any]:
        rows = Household.objects.filter(team__in=teams).order_by("pk").values("id")
        return rows.annotate(total=Window(expression=Count("pk")))[:2]

    rows = Prepared(build).rows(teams=(cast.team_a.pk,))
    assert [row["total"] for row in rows] == [3, 3]
    assert [row["id"] for row in rows] == [households[0].pk, households[1].pk]


def test_it_takes_values_querysets_and_its_kinds_of_inputs_only(cast: Cast) -> None:
    """Ints, tuples of ints, dates, aware datetimes, UUIDs and texts; not a bool, a float,
    bytes or a naive datetime (read in the default time zone, with a warning)."""
    with pytest.raises(TypeError):
        Prepared(lambda **kw: Household.objects.filter(team__in=kw["teams"])).rows(teams=(1,))
    prepared = Prepared(lambda **kw: Household.objects.filter(pk=kw["pk"]).values("id"))
    for wrong in (True, b"1", 1.0, datetime.datetime(2026, 1, 1)):
        with pytest.raises(TypeError):
            prepared.rows(pk=wrong)  # type: ignore[arg-type]


def _by_public_id(*, teams: tuple[int, ...], public_id: uuid.UUID) -> QuerySet[Any]:
    return Household.objects.filter(team__in=teams, public_id=public_id).values("id", "public_id")


def test_a_uuid_is_an_input_in_the_form_of_its_backend(
    cast: Cast, households: list[Household]
) -> None:
    """A UUID is itself on PostgreSQL and its hex on SQLite (``UUIDField``'s
    ``get_db_prep_value``): the rows of each public id, the query built once."""
    built: list[uuid.UUID] = []

    def build(*, teams: tuple[int, ...], public_id: uuid.UUID) -> QuerySet[Any]:
        built.append(public_id)
        return _by_public_id(teams=teams, public_id=public_id)

    prepared = Prepared(build)
    team_a = (cast.team_a.pk,)
    for household in (*households, households[0]):
        inputs: dict[str, Any] = {"teams": team_a, "public_id": household.public_id}
        expected = list(_by_public_id(**inputs))
        assert prepared.rows(**inputs) == expected
        assert (expected != []) == (household.team_id == cast.team_a.pk)
    assert prepared.rows(teams=team_a, public_id=uuid.uuid4()) == []
    assert len(built) == 3  # the model, the markers and the check: then from the plan
    (plan,) = prepared._plans[connections["default"]].values()
    assert isinstance(plan, Plan)
    (slot,) = [slot for slot in plan.slots if slot.name == "public_id"]
    assert slot.form == ("value" if connection.features.has_native_uuid_field else "hex")


def test_a_uuid_marker_is_no_public_id_a_household_gets(cast: Cast) -> None:
    """The markers are of version 0 and the NCS variant: never a ``uuid4`` (a household's
    public id), and the one asked for finds nothing, as the queryset would."""
    marked, where = markers({"a": uuid.uuid4(), "b": uuid.uuid4(), "n": 1})
    assert len(set(where)) == 3
    for name in ("a", "b"):
        marker = marked[name]
        assert isinstance(marker, uuid.UUID)
        assert marker.version is None  # not an RFC 4122 UUID
        assert marker.variant == uuid.RESERVED_NCS
    household = HouseholdFactory(team=cast.team_a)
    marker = marked["a"]
    assert isinstance(marker, uuid.UUID)
    prepared = Prepared(_by_public_id)
    assert prepared.rows(teams=(cast.team_a.pk,), public_id=marker) == []
    assert prepared.rows(teams=(cast.team_a.pk,), public_id=household.public_id) == [
        {"id": household.pk, "public_id": household.public_id}
    ]


def test_a_uuid_in_another_form_falls_back(cast: Cast, households: list[Household]) -> None:
    """A UUID given to a lookup that takes it as text (``icontains`` on the public id: its
    text with dashes) is no marker found in its backend's form: the shape is never
    prepared, and every request gets its own queryset's rows."""
    built: list[uuid.UUID] = []

    def build(*, public_id: uuid.UUID) -> QuerySet[Any]:
        built.append(public_id)
        return Household.objects.filter(public_id__icontains=str(public_id)).values("id")

    prepared = Prepared(build)
    for household in households[:3]:
        assert prepared.rows(public_id=household.public_id) == [{"id": household.pk}]
    assert len(built) == 2 + 3  # the model and the markers, then the queryset each time


def _withdrawn(*, moment: datetime.datetime) -> QuerySet[Any]:
    return User.objects.filter(date_joined__gt=moment).order_by("pk").values("id")


@pytest.mark.parametrize("zone", ["UTC", "Europe/Amsterdam", "Pacific/Kiritimati"])
def test_an_aware_datetime_is_an_input_in_the_form_of_its_backend(cast: Cast, zone: str) -> None:
    """An aware moment is itself on PostgreSQL and its UTC text on SQLite
    (``adapt_datetimefield_value``), whatever its own time zone and the current one: the
    rows of each moment at the edge (one microsecond before, at, after; a whole second)."""
    from django.utils import timezone

    joined = datetime.datetime(2026, 3, 1, 23, 30, 0, 500, tzinfo=datetime.UTC)
    User.objects.filter(pk=cast.alice.pk).update(date_joined=joined)
    User.objects.exclude(pk=cast.alice.pk).update(date_joined=joined - datetime.timedelta(days=9))
    amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    moments = [
        joined - datetime.timedelta(microseconds=1),
        joined,
        joined + datetime.timedelta(microseconds=1),
        joined.replace(microsecond=0),
        joined.astimezone(amsterdam) - datetime.timedelta(seconds=1),
        joined.astimezone(amsterdam),
        joined - datetime.timedelta(days=30),
    ]
    built: list[datetime.datetime] = []

    def build(*, moment: datetime.datetime) -> QuerySet[Any]:
        built.append(moment)
        return _withdrawn(moment=moment)

    prepared = Prepared(build)
    with timezone.override(zone):
        for moment in moments:
            expected = list(_withdrawn(moment=moment))
            assert prepared.rows(moment=moment) == expected, moment
        assert len(built) == 3
    assert [bool(prepared.rows(moment=m)) for m in moments[:4]] == [True, False, False, True]
    plans = list(prepared._plans[connections["default"]].values())
    assert plans
    for plan in plans:  # one per time zone
        assert isinstance(plan, Plan)
        (slot,) = plan.slots
        assert slot.form == ("datetime" if connection.vendor == "sqlite" else "value")


def test_a_datetime_given_to_a_date_lookup_falls_back(cast: Cast) -> None:
    """A moment given to a ``DateField`` lookup is read as its day: no marker in the
    parameters, so the shape is never prepared (and never taken for a day marker)."""
    households = [
        HouseholdFactory(team=cast.team_a, opened_on=datetime.date(2026, 3, day)) for day in (1, 5)
    ]
    built: list[datetime.datetime] = []

    def build(*, moment: datetime.datetime, day: datetime.date) -> QuerySet[Any]:
        built.append(moment)
        return (
            Household.objects.filter(opened_on__lte=moment, opened_on__gte=day)
            .order_by("pk")
            .values("id")
        )

    prepared = Prepared(build)
    for moment_day in (2, 6, 2):
        inputs: dict[str, Any] = {
            "moment": datetime.datetime(2026, 3, moment_day, 12, tzinfo=datetime.UTC),
            "day": datetime.date(2026, 3, 1),
        }
        assert prepared.rows(**inputs) == list(build(**inputs))
    assert len(built) == 2 + 3 + 3  # never prepared: the queryset each time
    assert prepared.rows(
        moment=datetime.datetime(2026, 3, 6, 12, tzinfo=datetime.UTC),
        day=datetime.date(2026, 3, 1),
    ) == [{"id": h.pk} for h in households]


def test_the_time_zone_is_part_of_the_shape(cast: Cast) -> None:
    """``__date`` compares the day in the current time zone, whose name is a constant of
    the SQL: another time zone is another plan, with the rows of its own days."""
    from django.utils import timezone

    User.objects.filter(pk=cast.alice.pk).update(
        date_joined=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )

    def build(*, day: datetime.date) -> QuerySet[Any]:
        return User.objects.filter(date_joined__date=day).order_by("pk").values("id")

    prepared = Prepared(build)
    for zone, day in (("UTC", 1), ("Pacific/Kiritimati", 2), ("UTC", 1), ("Pacific/Kiritimati", 2)):
        with timezone.override(zone):
            rows = prepared.rows(day=datetime.date(2026, 3, day))
            assert {"id": cast.alice.pk} in rows, zone
            assert rows == list(build(day=datetime.date(2026, 3, day)))


def test_it_reads_from_the_database_the_routers_choose(
    cast: Cast, households: list[Household], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the queryset would: the routers choose the database for the query's model on
    each call (the replica, in a view that reads from it)."""
    from django.db import router

    inputs: dict[str, Any] = {
        "teams": (cast.team_a.pk,),
        "opened": datetime.date(2026, 3, 4),
        "coordinator": cast.alice.pk,
    }
    prepared = Prepared(_households)
    prepared.rows(**inputs)
    asked: list[type] = []
    choose = router.db_for_read

    def recorded(model: type, **hints: Any) -> str:
        asked.append(model)
        return choose(model, **hints)

    monkeypatch.setattr(router, "db_for_read", recorded)
    assert prepared.rows(**inputs) == list(_households(**inputs))
    assert asked[0] is Household


def _named(*, teams: tuple[int, ...], text: str) -> QuerySet[Any]:
    return (
        Household.objects.filter(
            Q(name__icontains=text) | Q(street__startswith=text) | Q(city=text), team__in=teams
        )
        .order_by("pk")
        .values("id")
    )


def test_a_text_is_an_input_as_itself_or_as_a_like_pattern(
    cast: Cast, households: list[Household]
) -> None:
    """A text is passed as it is to ``exact`` and as an escaped ``LIKE`` pattern to
    ``icontains`` and ``startswith``: the rows of each text, wildcards in it matched
    literally, the query built once."""
    names = ["Jansen 50%", "De_Wit", "Back\\slash", "Bakker", "Bakker & zn"]
    for household, name in zip(households, names, strict=True):
        Household.objects.filter(pk=household.pk).update(
            name=name, street="Dorpsstraat", city="Utrecht", team=cast.team_a
        )
    built: list[str] = []

    def build(*, teams: tuple[int, ...], text: str) -> QuerySet[Any]:
        built.append(text)
        return _named(teams=teams, text=text)

    prepared = Prepared(build)
    team_a = (cast.team_a.pk,)
    for text in ("bakker", "50%", "%", "e_w", "_", "\\", "k\\s", "", "Utrecht", "Dorp", "zz"):
        expected = list(_named(teams=team_a, text=text))
        assert prepared.rows(teams=team_a, text=text) == expected, text
    by_text = {
        text: {row["id"] for row in prepared.rows(teams=team_a, text=text)}
        for text in ("%", "_", "50%", "\\", "bakker", "zz")
    }
    assert by_text["%"] == by_text["50%"] == {households[0].pk}
    assert by_text["_"] == {households[1].pk}
    assert by_text["\\"] == {households[2].pk}
    assert by_text["bakker"] == {households[3].pk, households[4].pk}
    assert by_text["zz"] == set()
    assert len(built) == 3  # the model, the markers and the check: then from the plan
    (plan,) = prepared._plans[connections["default"]].values()
    assert isinstance(plan, Plan)
    forms = sorted((slot.form, slot.affixes) for slot in plan.slots if slot.name == "text")
    assert forms == [("like", ("", "%")), ("like", ("%", "%")), ("value", ("", ""))]


def test_a_text_changed_before_the_query_falls_back(
    cast: Cast, households: list[Household]
) -> None:
    """A text the build changes (upper-cased in Python) is no marker found: the shape is
    never prepared, and every request gets its own queryset's rows."""
    built: list[str] = []

    def build(*, text: str) -> QuerySet[Any]:
        built.append(text)
        return Household.objects.filter(postcode__contains=text.upper()).values("id")

    prepared = Prepared(build)
    for household in households[:3]:
        text = household.postcode.lower()
        assert prepared.rows(text=text) == list(build(text=text))
    assert len(built) == 2 + 3 + 3  # the model and the markers, then the queryset each time


# --- slices: a page of the rows -------------------------------------------------------------
SLICES = [(0, None), (0, 2), (0, 1), (1, 3), (2, None), (3, 4), (4, 9), (9, 12), (2, 2), (0, 0)]


def test_a_slice_gives_the_rows_the_sliced_queryset_gives(
    cast: Cast, households: list[Household]
) -> None:
    prepared = Prepared(_households)
    inputs: dict[str, Any] = {
        "teams": (cast.team_a.pk, cast.team_b.pk),
        "opened": datetime.date(2026, 3, 1),
        "coordinator": cast.alice.pk,
    }
    for _ in range(2):  # compiled, then from the plans
        for start, stop in SLICES:
            expected = list(_households(**inputs)[start:stop])
            assert prepared.rows_between(start, stop, **inputs) == expected, (start, stop)
    # One plan per form of LIMIT/OFFSET (none, LIMIT, LIMIT OFFSET, OFFSET), each prepared.
    plans = list(prepared._plans[connections["default"]].values())
    assert len(plans) == 4
    assert all(isinstance(plan, Plan) for plan in plans)
    assert prepared.rows(**inputs) == list(_households(**inputs))


def test_a_slice_is_built_once_per_shape_and_an_empty_one_asks_nothing(
    cast: Cast, households: list[Household]
) -> None:
    built: list[dict[str, Any]] = []

    def build(**inputs: Any) -> QuerySet[Any]:
        built.append(inputs)
        return _households(**inputs)

    prepared = Prepared(build)
    inputs: dict[str, Any] = {
        "teams": (cast.team_a.pk,),
        "opened": datetime.date(2026, 3, 1),
        "coordinator": cast.alice.pk,
    }
    prepared.rows_between(2, 4, **inputs)
    first = len(built)
    for start in (1, 3, 7, 1000):
        with CaptureQueriesContext(connection) as queries:
            rows = prepared.rows_between(start, start + 2, **inputs)
        assert rows == list(_households(**inputs)[start : start + 2])
        assert len(queries) == 1
    assert len(built) == first
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows_between(3, 3, **inputs) == []
    assert len(queries) == 0
    with pytest.raises(ValueError):
        prepared.rows_between(3, 2, **inputs)
    with pytest.raises(ValueError):
        prepared.rows_between(-1, 2, **inputs)


def test_a_slice_of_a_shape_not_prepared_is_the_queryset_s_slice(
    cast: Cast, households: list[Household]
) -> None:
    def build(*, teams: tuple[int, ...], coordinator: int) -> QuerySet[Any]:
        rows = Household.objects.filter(team__in=teams)
        if coordinator > 0:  # the markers are negative: another query for the real value
            rows = rows.filter(opened_on__gte=datetime.date(2026, 3, 5))
        return rows.order_by("opened_on", "pk").values("id")

    prepared = Prepared(build)
    teams = (cast.team_a.pk, cast.team_b.pk)
    for start, stop in SLICES:
        expected = list(build(teams=teams, coordinator=cast.alice.pk)[start:stop])
        assert prepared.rows_between(start, stop, teams=teams, coordinator=cast.alice.pk) == (
            expected
        )
    assert False in prepared._plans[connections["default"]].values()


def test_a_slice_takes_a_query_not_sliced_yet(cast: Cast, households: list[Household]) -> None:
    prepared = Prepared(lambda *, teams: Household.objects.filter(team__in=teams).values("id")[:2])
    assert len(prepared.rows(teams=(cast.team_a.pk,))) == 2  # a sliced query, as ever
    with pytest.raises(TypeError):
        Prepared(
            lambda *, teams: Household.objects.filter(team__in=teams).values("id")[:2]
        ).rows_between(0, 1, teams=(cast.team_a.pk,))
