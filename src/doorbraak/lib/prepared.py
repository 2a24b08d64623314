"""A ``values()`` queryset built and compiled to SQL once per shape, run with each request's
values.

Building SQL from a queryset is expensive in Django: every ``filter()`` clones the query,
and the compiler walks every column, join, subquery and ``EXISTS`` again on each request
(a millisecond or more for a query of the home page's work list, more than the database
takes to run it). When a query differs from one request to the next only in its values
(the user's teams, the user, a day), its SQL is the same text each time. :class:`Prepared`
builds and compiles it once per *shape* (the query's name, the names and kinds of its
inputs and the length of each tuple of ids) and database connection, and runs that SQL
with the request's values in the places of its parameters.

To find those places it compiles the query once with *markers*: values of the same kind
that no real input takes (negative ids, days in 1901), each different, and records for
each parameter of the SQL which input it holds (or that it is a constant of the query).
That recipe is then checked against the query compiled with the real values of the
request that made it: the same SQL text and the same parameters, or the shape is never
prepared and every request builds its query as usual (a query whose structure depends on
its values falls back; it is never run with a wrong parameter). The rows come back as
``values()`` gives them: dicts, with the fields' database converters applied.
:meth:`Prepared.rows_between` gives a slice of them (a page): ``build`` returns the query
unsliced, and the ``LIMIT``/``OFFSET`` that Django writes as text at the end of the SQL
(``connection.ops.limit_offset_sql``) is put after the compiled SQL per request; whether
a slice has an offset and an end is part of its shape, checked once as the rest is.

:class:`PreparedObjects` does the same for a queryset of model instances (its
``select_related`` joins and annotations included, no ``prefetch_related``): the
instances come back as ``list(queryset)`` gives them. :func:`attach` then hands a list of
such instances to an object as ``prefetch_related`` would, for the code that reads
``obj.<relation>.all()``.

Only ints, tuples of ints, dates, aware datetimes, UUIDs and texts are inputs: their
prepared forms are known, so a marker is recognised in the parameters and the real value put
in the same form. An int is itself; a date is itself or, on SQLite, its ISO text; a UUID is
itself or, on a database without a UUID type (SQLite), its hex (``UUIDField.get_db_prep_value``);
an aware datetime is itself or what the backend makes of it for a ``DateTimeField``
(``connection.ops.adapt_datetimefield_value``: on SQLite the text of the moment in the
connection's time zone, UTC). A text is itself (``exact``, ``in`` of one) or a ``LIKE``
pattern: the text escaped by ``connection.ops.prep_for_like_query`` between the lookup's
wildcards (``contains``, ``startswith``, ``endswith``, their ``i`` forms, and ``iexact``,
which escapes without wildcards on PostgreSQL). Its marker holds the characters the escaping
changes, so a marker found unescaped is a text passed as it is and one found escaped a
pattern. A value Django puts in another form (a datetime given to a ``DateField`` lookup, a
UUID as text in an ``icontains``, a text upper-cased in Python) is no marker the recipe
finds: that shape falls back.
"""

from __future__ import annotations

import datetime
import threading
import uuid
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

Input = int | datetime.date | datetime.datetime | uuid.UUID | str | tuple[int, ...]
#: An input's name, and the item of a tuple (None for a single value).
_Place = tuple[str, int | None]
#: How a parameter holds its input: the value itself; a date's ISO text; a UUID's hex; a
#: datetime as the backend adapts it for a ``DateTimeField``; a text as a ``LIKE`` pattern.
_Form = Literal["value", "iso", "hex", "datetime", "like"]

#: Markers: ids below any real one (and within a 32-bit integer, so no lookup takes them
#: for an overflow), days no real work is due on, moments of another year than those days
#: (a moment given to a ``DateField`` lookup is a day no day marker is), each with its own
#: microseconds, and UUIDs no ``uuid4`` gives (version 0, the NCS variant).
_FIRST_ID_MARKER = -1_987_654_300
_FIRST_DAY_MARKER = datetime.date(1901, 1, 1)
_FIRST_MOMENT_MARKER = datetime.datetime(1903, 1, 1, 0, 0, 0, 123_457, tzinfo=datetime.UTC)
_FIRST_UUID_MARKER = 0xD00B_BAA0_0000_0000_0000_0000_0000_0001
#: Texts no one types (control characters around them), holding ``%``, ``_`` and ``\\``,
#: which every backend's ``LIKE`` escaping changes.
_TEXT_MARKER = "\x1fdoorbraak_%_\\_marker_{}\x1f"


@dataclass(frozen=True)
class _Slot:
    """Parameter ``index`` of the SQL holds the input ``name`` (item ``item`` of a tuple)
    in the form ``form``."""

    index: int
    name: str
    item: int | None
    form: _Form
    #: A ``LIKE`` pattern's wildcards before and after the escaped text.
    affixes: tuple[str, str] = ("", "")


@dataclass
class Plan:
    """The recipe of one shape: its SQL, its constant parameters and where each input goes
    (public so that tests can see that a shape was prepared and in which form)."""

    sql: str
    params: list[Any]  # the constants; the slots' places are filled per request
    slots: list[_Slot]
    names: list[str]
    compiler: SQLCompiler  # for the fields' converters (per connection, like the plan)


#: ``None``: the shape gives no rows without a query (an empty ``IN``), as Django does.
#: ``False``: the shape cannot be prepared; the query is built on every request.
_Entry = Plan | None | Literal[False]


def _shape(inputs: dict[str, Input]) -> tuple[Hashable, ...]:
    """The names and kinds of the inputs, each tuple's length, and the current time zone
    (a constant of the SQL of a lookup such as ``__date``)."""
    return (
        timezone.get_current_timezone_name(),
        *(
            (name, len(value) if isinstance(value, tuple) else type(value).__name__)
            for name, value in sorted(inputs.items())
        ),
    )


def markers(inputs: dict[str, Input]) -> tuple[dict[str, Input], dict[Any, _Place]]:
    """Marker inputs of the same shape, and each marker's input (and item of a tuple)."""
    next_id, next_day = _FIRST_ID_MARKER, _FIRST_DAY_MARKER
    next_moment, next_uuid = _FIRST_MOMENT_MARKER, _FIRST_UUID_MARKER
    next_text = 0
    marked: dict[str, Input] = {}
    where: dict[Any, _Place] = {}
    for name, value in sorted(inputs.items()):
        if isinstance(value, bool):
            raise TypeError(f"{name}: a bool is not an input of a prepared query")
        if isinstance(value, tuple):
            ids = tuple(range(next_id, next_id - len(value), -1))
            next_id -= len(value)
            marked[name] = ids
            where.update({marker: (name, item) for item, marker in enumerate(ids)})
        elif isinstance(value, datetime.datetime):
            if not timezone.is_aware(value):
                # A naive moment is read in the default time zone with a warning: not an
                # input whose prepared form is fixed.
                raise TypeError(f"{name}: a naive datetime is not an input of a prepared query")
            marked[name] = next_moment
            where[next_moment] = (name, None)
            next_moment += datetime.timedelta(days=1, microseconds=1)
        elif isinstance(value, uuid.UUID):
            marker = uuid.UUID(int=next_uuid)
            marked[name] = marker
            where[marker] = (name, None)
            next_uuid += 1
        elif isinstance(value, datetime.date):
            marked[name] = next_day
            where[next_day] = (name, None)
            next_day += datetime.timedelta(days=1)
        elif isinstance(value, int):
            marked[name] = next_id
            where[next_id] = (name, None)
            next_id -= 1
        elif isinstance(value, str):
            text = _TEXT_MARKER.format(next_text)
            marked[name] = text
            where[text] = (name, None)
            next_text += 1
        else:
            raise TypeError(f"{name}: {type(value).__name__} is not an input of a prepared query")
    return marked, where


def _texts(
    where: dict[Any, _Place], connection: BaseDatabaseWrapper
) -> dict[str, tuple[Any, _Form]]:
    """The markers that a backend passes as text, by that text: a day's ISO text, a UUID's
    hex, a moment as the backend adapts it (on SQLite; as themselves elsewhere)."""
    texts: dict[str, tuple[Any, _Form]] = {}
    for marker in where:
        if isinstance(marker, datetime.datetime):
            adapted = connection.ops.adapt_datetimefield_value(marker)
            if isinstance(adapted, str):
                texts[adapted] = (marker, "datetime")
        elif isinstance(marker, datetime.date):
            texts[marker.isoformat()] = (marker, "iso")
        elif isinstance(marker, uuid.UUID):
            texts[marker.hex] = (marker, "hex")
    return texts


def _pattern(
    param: str, where: dict[Any, _Place], connection: BaseDatabaseWrapper
) -> tuple[str, tuple[str, str]] | None:
    """The text marker of a ``LIKE`` pattern ``param``, with its wildcards before and after:
    the marker escaped, between nothing but ``%``."""
    for marker in where:
        if not isinstance(marker, str):
            continue
        escaped = connection.ops.prep_for_like_query(marker)
        before, found, after = param.partition(escaped)
        if found and not before.strip("%") and not after.strip("%"):
            return marker, (before, after)
    return None


def _value(inputs: dict[str, Input], slot: _Slot, connection: BaseDatabaseWrapper) -> Any:
    value = inputs[slot.name]
    if slot.form == "like":
        assert isinstance(value, str)
        before, after = slot.affixes
        return before + connection.ops.prep_for_like_query(value) + after
    if isinstance(value, tuple):
        assert slot.item is not None
        return value[slot.item]
    if slot.form == "iso":
        assert isinstance(value, datetime.date)
        return value.isoformat()
    if slot.form == "hex":
        assert isinstance(value, uuid.UUID)
        return value.hex
    if slot.form == "datetime":
        assert isinstance(value, datetime.datetime)
        return connection.ops.adapt_datetimefield_value(value)
    return value


class Prepared:
    """A ``values()`` queryset that ``build(**inputs)`` makes, compiled once per shape and
    database connection."""

    #: What ``build`` must return: a ``values()`` queryset.
    iterable: type[Any] = ValuesIterable

    def __init__(self, build: Callable[..., QuerySet[Any]], *, using: str | None = None) -> None:
        self.build = build
        #: None: the database the routers choose for reading the query's model, per call,
        #: as the queryset would.
        self.using = using
        self._model: type[Model] | None = None
        self._plans: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[Hashable, _Entry]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def rows(self, **inputs: Input) -> list[dict[str, Any]]:
        """The rows of ``build(**inputs)``, as ``list(build(**inputs))`` gives them."""
        return self.rows_between(0, None, **inputs)

    def rows_between(
        self, start: int, stop: int | None, /, **inputs: Input
    ) -> list[dict[str, Any]]:
        """The rows of ``build(**inputs)[start:stop]``, as a slice of the queryset gives
        them: a page of the rows, whatever the page, from the SQL compiled once per shape
        (the ``LIMIT`` and ``OFFSET`` Django writes into the text are put after it per
        request, as Django puts them; ``build`` returns the query unsliced)."""
        entry, results = self._run(inputs, (start, stop))
        if entry is None:
            return results
        names, count = entry.names, len(entry.names)
        return [
            {names[i]: row[i] for i in range(count)}
            for row in entry.compiler.results_iter(results=[results])
        ]

    def _run(
        self, inputs: dict[str, Input], limits: tuple[int, int | None] = (0, None)
    ) -> tuple[Plan | None, list[Any]]:
        """The plan and the database's rows; or no plan and the finished result (no rows
        for an empty ``IN`` or an empty slice, or what the queryset gave when the shape is
        not prepared)."""
        start, stop = limits
        if start < 0 or (stop is not None and stop < start):
            raise ValueError("a slice of a prepared query is start <= stop, from 0")
        if stop == start:
            return None, []  # what an empty slice of a queryset gives, without a query
        if self.using is not None:
            using = self.using
        elif self._model is not None:
            using = router.db_for_read(self._model)
        else:
            queryset = self.build(**inputs)
            self._model, using = queryset.model, queryset.db
        connection = connections[using]
        with self._lock:
            plans = self._plans.setdefault(connection, {})
        # A slice is part of the shape by whether it has an offset and an end: the forms of
        # ``LIMIT``/``OFFSET`` Django writes (checked once per shape, with the real values).
        shape = (_shape(inputs), start > 0, stop is not None)
        if shape not in plans:
            plans[shape] = self._prepare(using, inputs, limits)
        entry = plans[shape]
        if entry is None:
            return None, []
        if not isinstance(entry, Plan):
            queryset = self.build(**inputs).using(using)
            return None, list(queryset if limits == (0, None) else queryset[start:stop])
        params = list(entry.params)
        for slot in entry.slots:
            params[slot.index] = _value(inputs, slot, connection)
        with connection.cursor() as cursor:
            cursor.execute(entry.sql + _limit_sql(connection, limits), params)
            return entry, cursor.fetchall()

    def _compile(
        self,
        using: str,
        inputs: dict[str, Input],
        limits: tuple[int, int | None] = (0, None),
    ) -> tuple[SQLCompiler, str, list[Any]]:
        built = self.build(**inputs).using(using)
        if built.query.is_sliced:
            if limits != (0, None):
                raise TypeError("rows_between takes the query unsliced")
            queryset = built
        else:
            queryset = built[limits[0] : limits[1]]
        if not issubclass(queryset._iterable_class, self.iterable):
            raise TypeError(f"{type(self).__name__} takes a {self.iterable.__name__} queryset")
        if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(
            queryset, "_known_related_objects", {}
        ):
            raise TypeError("a prepared query reads no related objects afterwards")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        if not sql:
            raise EmptyResultSet
        return compiler, sql, list(params)

    def _prepare(
        self, using: str, inputs: dict[str, Input], limits: tuple[int, int | None]
    ) -> _Entry:
        marked, where = markers(inputs)
        try:
            compiler, sql, params = self._compile(using, marked)
        except EmptyResultSet:
            try:
                self._compile(using, inputs)
            except EmptyResultSet:
                return None  # both empty: no query, as Django would run none
            return False
        connection = connections[using]
        texts = _texts(where, connection)
        slots = []
        for index, param in enumerate(params):
            if isinstance(param, bool):
                continue
            if isinstance(param, int | str | datetime.date | uuid.UUID) and param in where:
                name, item = where[param]
                slots.append(_Slot(index, name, item, form="value"))
            elif isinstance(param, str) and param in texts:
                marker, form = texts[param]
                name, item = where[marker]
                slots.append(_Slot(index, name, item, form=form))
            elif isinstance(param, str) and (pattern := _pattern(param, where, connection)):
                marker, affixes = pattern
                name, item = where[marker]
                slots.append(_Slot(index, name, item, form="like", affixes=affixes))
        query = compiler.query
        # The names ``ValuesIterable`` gives the columns.
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        plan = Plan(sql=sql, params=params, slots=slots, names=names, compiler=compiler)
        # The check: every marker found, and the recipe gives what Django compiles for the
        # real values; otherwise this shape is built on every request.
        if {(slot.name, slot.item) for slot in slots} != set(where.values()):
            return False
        try:
            _compiler, real_sql, real_params = self._compile(using, inputs, limits)
        except EmptyResultSet:
            return False
        filled = list(params)
        for slot in slots:
            filled[slot.index] = _value(inputs, slot, connection)
        if real_sql != sql + _limit_sql(connection, limits) or filled != real_params:
            return False
        return plan


def _limit_sql(connection: BaseDatabaseWrapper, limits: tuple[int, int | None]) -> str:
    """What Django's compiler puts at the end of a query sliced ``[start:stop]`` (nothing
    for ``[0:None]``), with the space it joins it by."""
    text = connection.ops.limit_offset_sql(*limits)
    return f" {text}" if text else ""


class PreparedObjects(Prepared):
    """A queryset of model instances that ``build(**inputs)`` makes (``select_related``
    and annotations allowed, no ``prefetch_related``), compiled once per shape and
    database connection."""

    iterable = ModelIterable

    def objects(self, **inputs: Input) -> list[Any]:
        """The instances of ``build(**inputs)``, as ``list(build(**inputs))`` gives them
        (built as ``ModelIterable`` builds them, from the compiler that made the SQL)."""
        return self.objects_between(0, None, **inputs)

    def objects_between(self, start: int, stop: int | None, /, **inputs: Input) -> list[Any]:
        """The instances of ``build(**inputs)[start:stop]`` (as ``rows_between``)."""
        entry, results = self._run(inputs, (start, stop))
        if entry is None:
            return results
        compiler = entry.compiler
        db = compiler.using
        select, klass_info = compiler.select, compiler.klass_info
        assert klass_info is not None
        model = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, db)
        annotations = compiler.annotation_col_map.items()
        found = []
        for row in compiler.results_iter(results=[results]):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, place in annotations:
                setattr(obj, name, row[place])
            found.append(obj)
        return found


def attach(instance: Model, name: str, objects: list[Any]) -> None:
    """``instance.<name>.all()`` gives ``objects`` (the reverse relation ``name``, read
    elsewhere) without a query, and each of them knows ``instance``: what
    ``prefetch_related(name)`` leaves behind. A filter on it still asks the database."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    field = manager.field
    for obj in objects:
        field.set_cached_value(obj, instance)
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[field.remote_field.cache_name] = queryset


M = TypeVar("M", bound=Model)


def model_columns(model: type[Model]) -> tuple[str, ...]:
    """Every column of ``model``, by the names ``Model.from_db`` (and ``values()``) take."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def instance(
    model: type[M], row: dict[str, Any], columns: Sequence[str], *, prefix: str = "", db: str
) -> M:
    """The instance a queryset makes of ``columns`` of ``model`` (the other fields deferred,
    as ``only()`` leaves them), from a prepared row whose keys are ``prefix`` + column."""
    loaded = set(columns)
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in loaded]
    return model.from_db(db, ordered, [row[prefix + column] for column in ordered])
