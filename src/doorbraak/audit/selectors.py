"""Reads of the processing log, scoped to the privacy officer's municipalities."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import Municipality, Role, User
from doorbraak.accounts.selectors import AnyUser, active_memberships, municipality_ids_of
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import (
    Alert,
    AlertSettings,
    ProcessingAction,
    ProcessingLog,
    ProcessingLogSeal,
    SecurityEvent,
)
from doorbraak.lib.bounds import MAX_ID
from doorbraak.lib.crypto import search_hash
from doorbraak.lib.prepared import Input, Prepared, PreparedObjects
from doorbraak.lib.rows import choice_labels, day_writer


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


#: Counting stops here: "more than 1,000" (twenty pages) tells a privacy officer enough;
#: past it she narrows the filters or exports. Counting millions of rows on every page view
#: does not scale, and a filter without an index of its own (user, person, action) visits a
#: record for every one counted: a thousand of them, not ten thousand (docs/scale.md).
COUNT_LIMIT = 1_000
#: The unsealed tail is counted further: the sealer normally keeps it at a few records.
UNSEALED_COUNT_LIMIT = 10_000


class BoundedCount(Subquery):
    """``COUNT(*)`` of a sliced queryset, as a value inside another query.

    Give it ``records.order_by(<the index's order>).values(<indexed column>)[: limit + 1]``:
    the count stops after ``limit + 1`` rows, and with only columns of the index the scan
    reads the index alone once the visibility map says its pages are all visible
    (docs/scale.md).
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) bounded)"
    output_field = IntegerField()


def processing_log_search(
    *,
    user: AnyUser,
    person: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
    search_term_hash: str = "",
) -> QuerySet[ProcessingLog]:
    """Records the user may see, filtered; newest first. Dates are Amsterdam days.

    ``search_term_hash`` (``doorbraak.lib.crypto.search_hash`` of a term) finds the
    searches for that term: a search record carries the hash in its ``object_id``.

    Each filter meets an index that starts with it: (municipality, time), (actor, time),
    (person, time). A user name is looked up in the users first and the log filtered by
    the actor's id, so the log is never joined to the users.
    """
    if not user.is_authenticated:
        return ProcessingLog.objects.none()
    return _found_records(
        **_search_filters(  # type: ignore[arg-type]  # each filter of its own kind
            user=user,
            person=person,
            username=username,
            date_from=date_from,
            date_to=date_to,
            action=action,
            search_term_hash=search_term_hash,
        )
    )


def _search_filters(
    *,
    user: AnyUser,
    person: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
    search_term_hash: str = "",
) -> dict[str, Input]:
    """The values :func:`_found_records` compares for a signed-in user's filters: the
    municipalities where the user is privacy officer (what ``visible_to`` reads), the
    person's pseudonym, the ids of the user name (none: nothing found), the first moments
    of the first day and of the day after the last (Amsterdam days), the action and the
    search hash; a filter not given is left out."""
    filters: dict[str, Input] = {
        "municipalities": tuple(sorted(municipality_ids_of(user, role=Role.PRIVACY_OFFICER)))
    }
    if person:
        filters["person"] = person.strip()
    if username:
        filters["actors"] = tuple(actor_ids(username))
    if date_from:
        filters["start"] = _start_of(date_from)
    if date_to:
        filters["end"] = _start_of(date_to + datetime.timedelta(days=1))
    if action:
        filters["action"] = action
    if search_term_hash:
        filters["search_term_hash"] = search_term_hash
    return filters


#: The users of a user name (``iexact``), the SQL compiled once (lib/prepared.py).
_ACTOR_IDS = Prepared(
    lambda *, username: User.objects.filter(username__iexact=username).values("pk")
)


def actor_ids(username: str) -> list[int]:
    """The ids of the users named ``username`` (any case, spaces around it ignored)."""
    return [row["pk"] for row in _ACTOR_IDS.rows(username=username.strip())]


class BadCursor(ValueError):
    """A page link that this page did not make (edited or cut off)."""


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def log_cursor(record: ProcessingLog | SecurityEvent) -> str:
    """Where a page starts or ends: the record's time in microseconds and its id."""
    return f"{(record.occurred_at - _EPOCH) // _MICROSECOND}.{record.pk}"


def _parse(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        micros_text, pk_text = cursor.split(".")
        micros, pk = int(micros_text), int(pk_text)
        when = _EPOCH + datetime.timedelta(microseconds=micros)
    except (ValueError, OverflowError) as error:
        raise BadCursor(cursor) from error
    if not 0 < pk <= MAX_ID or not micros >= 0:
        raise BadCursor(cursor)
    return when, pk


def older_than(cursor: str) -> Q:
    """The records after ``cursor`` (made by :func:`log_cursor`) in newest-first order, for
    a keyset page of any list of processing-log records; raises :class:`BadCursor`."""
    return _older(cursor)


def _older(cursor: str) -> Q:
    when, pk = _parse(cursor)
    # The first condition is implied by the second; it is there for the planner, which
    # cannot read a range off an OR: with it the index scan starts at the cursor instead
    # of walking (and filtering) every newer record down to it.
    return Q(occurred_at__lte=when) & (Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))


def _newer(cursor: str) -> Q:
    when, pk = _parse(cursor)
    return Q(occurred_at__gte=when) & (Q(occurred_at__gt=when) | Q(occurred_at=when, id__gt=pk))


class LogLine(TypedDict):
    """A record as a row of the log page shows it: each cell's text, its choices already in
    the page's language (a dict, which the template reads without trying an attribute)."""

    day: str  # the record's day, as ``|date:"DATE_FORMAT"`` writes it
    time: str  # its time of day, as ``|date:"H:i:s"`` writes it
    actor: str
    role: str  # the role, and the organisation after a comma if there is one
    action: str
    object: str  # the object type, and `` #<id>`` if there is an id
    subject: str  # the person's pseudonym, or "–"
    activity: str
    legal_basis: str
    request: str  # the request id, or "–"


@dataclass(frozen=True)
class LogPage:
    """One page of the log, newest first, with links to the pages beside it."""

    records: list[ProcessingLog]
    older: str | None  # the cursor of the next page (older records), if there is one
    newer: str | None  # the cursor of the previous page (newer records), if there is one
    found: int  # how many records match, counted up to ``limit`` + 1
    limit: int

    @property
    def more_than_limit(self) -> bool:
        return self.found > self.limit

    def lines(self) -> list[LogLine]:
        """The records' rows with their labels, each label translated once per page:
        Django's ``get_<field>_display`` translates every choice of the field on every
        call, which was a fifth of the page's time for 50 records; each day is written once,
        not once per record (docs/scale.md). Every cell is text, put together here rather
        than by ``{% if %}`` and ``|default`` in each row; the template escapes it."""
        actions = choice_labels(ProcessingAction.choices)
        activities = choice_labels(ProcessingActivity.choices)
        roles = choice_labels(Role.choices)
        roles["system"] = str(_("System"))
        day = day_writer()
        zone = timezone.get_current_timezone()
        lines: list[LogLine] = []
        for record in self.records:
            moment = record.occurred_at.astimezone(zone)  # ``timezone.localtime``
            role = roles.get(record.actor_role, record.actor_role)
            lines.append(
                {
                    "day": day(moment),
                    "time": f"{moment:%H:%M:%S}",
                    "actor": record.actor_name,
                    "role": f"{role}, {record.actor_organisation}"
                    if record.actor_organisation
                    else role,
                    "action": actions.get(record.action, record.action),
                    "object": f"{record.object_type} #{record.object_id}"
                    if record.object_id
                    else record.object_type,
                    "subject": record.subject_pseudonym or "–",
                    "activity": activities.get(record.activity, record.activity),
                    "legal_basis": record.legal_basis,
                    "request": record.request_id or "–",
                }
            )
        return lines


#: What the log page shows of a record (and the cursor's time and id): not the MACs, the
#: purpose or the ids of user and municipality, which are half of a record's width.
PAGE_COLUMNS = (
    "occurred_at",
    "actor_name",
    "actor_role",
    "actor_organisation",
    "action",
    "object_type",
    "object_id",
    "subject_pseudonym",
    "activity",
    "legal_basis",
    "request_id",
)


def processing_log_page(
    records: QuerySet[ProcessingLog],
    *,
    older_than: str = "",
    newer_than: str = "",
    size: int = 50,
) -> LogPage:
    """A page of ``records`` (as ordered by :func:`processing_log_search`) by keyset.

    ``older_than`` gives the page after a cursor, ``newer_than`` the page before one; the
    first page without either. Every page costs the same at any depth: an index range
    from the cursor, never an OFFSET. Raises :class:`BadCursor` for a cursor this page did
    not make.
    """
    limit = COUNT_LIMIT
    # The count rides along with the page's rows (PostgreSQL and SQLite evaluate the
    # uncorrelated subquery once) and reads only the time, which every reading index
    # holds: no query of its own, and an index-only scan where the filter allows it. In
    # the index's order: unordered, PostgreSQL chose a bitmap scan of every matching index
    # entry (a whole municipality) before the LIMIT could stop it.
    matching = records.order_by("-occurred_at").values("occurred_at")[: limit + 1]
    counted = records.only(*PAGE_COLUMNS).annotate(found=BoundedCount(matching))
    if newer_than:
        rows: list[Any] = list(
            counted.filter(_newer(newer_than)).order_by("occurred_at", "id")[: size + 1]
        )
        has_newer = len(rows) > size
        page = list(reversed(rows[:size]))
        older = log_cursor(page[-1]) if page else None
        newer = log_cursor(page[0]) if page and has_newer else None
    else:
        if older_than:
            counted = counted.filter(_older(older_than))
        rows = list(counted[: size + 1])
        page = rows[:size]
        older = log_cursor(page[-1]) if len(rows) > size else None
        newer = log_cursor(page[0]) if older_than and page else None
    if rows:
        found = rows[0].found
    elif older_than or newer_than:
        found = matching.count()  # a link past either end: the page is empty, the count not
    else:
        found = 0  # the first page of nothing
    return LogPage(records=page, older=older, newer=newer, found=found, limit=limit)


def _found_records(
    *,
    municipalities: tuple[int, ...],
    person: str | None = None,
    actors: tuple[int, ...] | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    action: str | None = None,
    search_term_hash: str | None = None,
) -> QuerySet[ProcessingLog]:
    """:func:`processing_log_search` of a privacy officer of ``municipalities``, its
    filters given as the values it compares (``start`` and ``end``: the first moments of
    the first day and of the day after the last)."""
    records = ProcessingLog.objects.of_municipalities(municipalities)
    if person is not None:
        records = records.filter(subject_pseudonym=person)
    if actors is not None:
        records = records.filter(actor_id__in=actors)
    if start is not None:
        records = records.filter(occurred_at__gte=start)
    if end is not None:
        records = records.filter(occurred_at__lt=end)
    if action is not None:
        records = records.filter(action=action)
    if search_term_hash is not None:
        records = records.filter(action=ProcessingAction.SEARCH, object_id=search_term_hash)
    return records.order_by("-occurred_at", "-id")


def _cursor_q(when: datetime.datetime, pk: int, *, older: bool) -> Q:
    """:func:`_older` (or :func:`_newer`) of a parsed cursor."""
    if older:
        return Q(occurred_at__lte=when) & (Q(occurred_at__lt=when) | Q(occurred_at=when, id__lt=pk))
    return Q(occurred_at__gte=when) & (Q(occurred_at__gt=when) | Q(occurred_at=when, id__gt=pk))


def _page_rows(
    limit: int,
    size: int,
    *,
    older_when: datetime.datetime | None = None,
    older_pk: int | None = None,
    newer_when: datetime.datetime | None = None,
    newer_pk: int | None = None,
    **filters: Any,
) -> QuerySet[ProcessingLog]:
    """The query of :func:`processing_log_page` for ``_found_records(**filters)``: the
    page's ``size`` + 1 rows after a cursor (or before one, oldest first), each with the
    bounded count of all the records found."""
    records = _found_records(**filters)
    matching = records.order_by("-occurred_at").values("occurred_at")[: limit + 1]
    counted = records.only(*PAGE_COLUMNS).annotate(found=BoundedCount(matching))
    if newer_when is not None and newer_pk is not None:
        return counted.filter(_cursor_q(newer_when, newer_pk, older=False)).order_by(
            "occurred_at", "id"
        )[: size + 1]
    if older_when is not None and older_pk is not None:
        counted = counted.filter(_cursor_q(older_when, older_pk, older=True))
    return counted[: size + 1]


@functools.lru_cache(maxsize=8)
def processing_log_page_read(limit: int, size: int) -> PreparedObjects:
    """:func:`_page_rows`, its SQL compiled once per shape (which filters and which
    cursor, the number of municipalities and of users of the name) and per count limit and
    page size, which are part of the SQL's text (public so that tests can see that a shape
    was prepared)."""
    return PreparedObjects(lambda **inputs: _page_rows(limit, size, **inputs))


def processing_log_search_page(
    *,
    user: AnyUser,
    person: str = "",
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = "",
    search_term_hash: str = "",
    older_than: str = "",
    newer_than: str = "",
    size: int = 50,
) -> LogPage:
    """``processing_log_page(processing_log_search(user=user, …), …)``: the same page, its
    SQL compiled once per shape (lib/prepared.py). Raises :class:`BadCursor` for a cursor
    this page did not make."""
    # The cursor first: a bad one is refused before anything is read, as before.
    cursor: dict[str, Input] = {}
    if newer_than:
        cursor["newer_when"], cursor["newer_pk"] = _parse(newer_than)
    elif older_than:
        cursor["older_when"], cursor["older_pk"] = _parse(older_than)
    if not user.is_authenticated:
        return LogPage(records=[], older=None, newer=None, found=0, limit=COUNT_LIMIT)
    filters = _search_filters(
        user=user,
        person=person,
        username=username,
        date_from=date_from,
        date_to=date_to,
        action=action,
        search_term_hash=search_term_hash,
    )
    inputs = {**filters, **cursor}
    limit = COUNT_LIMIT
    rows: list[Any] = processing_log_page_read(limit, size).objects(**inputs)
    if newer_than:
        has_newer = len(rows) > size
        page = list(reversed(rows[:size]))
        older = log_cursor(page[-1]) if page else None
        newer = log_cursor(page[0]) if page and has_newer else None
    else:
        page = rows[:size]
        older = log_cursor(page[-1]) if len(rows) > size else None
        newer = log_cursor(page[0]) if older_than and page else None
    if rows:
        found = rows[0].found
    elif older_than or newer_than:
        # A link past either end: the page is empty, the count not.
        records = _found_records(**filters)  # type: ignore[arg-type]
        found = records.order_by("-occurred_at").values("occurred_at")[: limit + 1].count()
    else:
        found = 0  # the first page of nothing
    return LogPage(records=page, older=older, newer=newer, found=found, limit=limit)


@dataclass(frozen=True)
class SealStatus:
    """How far the sealer got, for the privacy officer (no personal data)."""

    last_seal: ProcessingLogSeal | None
    unsealed: int
    oldest_unsealed_at: datetime.datetime | None

    @property
    def lagging(self) -> bool:
        if self.oldest_unsealed_at is None:
            return False
        lag = timezone.now() - self.oldest_unsealed_at
        return lag > datetime.timedelta(minutes=settings.AUDIT_SEAL_MAX_LAG_MINUTES)


def _newest_seal(limit: int) -> QuerySet[ProcessingLogSeal]:
    """The newest seal, with the time of the oldest record after it and the number of those
    records (counted up to ``limit`` + 1): ``.first()`` of this is what the page shows."""
    # Ordered by id, both: the planner cannot estimate ``id >`` a value from the outer row
    # and, unordered, chose to scan the whole log for the count; in id order it takes the
    # index range from the seal on.
    tail = ProcessingLog.objects.filter(id__gt=OuterRef("last_record_id")).order_by("id")
    return ProcessingLogSeal.objects.order_by("-last_record_id").annotate(
        oldest_unsealed_at=Subquery(tail.values("occurred_at")[:1]),
        unsealed=BoundedCount(tail.values("id")[: limit + 1]),
    )[:1]


@functools.lru_cache(maxsize=4)
def _newest_seal_read(limit: int) -> PreparedObjects:
    """:func:`_newest_seal`, its SQL compiled once (it takes no input; one per limit)."""
    return PreparedObjects(lambda: _newest_seal(limit))


def seal_status() -> SealStatus:
    """The newest seal and the records after it, in one query.

    The newest seal's ``last_record_id`` is the sealer's high-water mark (the unique index
    finds it); the oldest record after it and the bounded count of those records are read
    off the primary key (id, time) alone, in the same query. Before the first seal, a
    second query reads the whole log the same way.
    """
    found = _newest_seal_read(UNSEALED_COUNT_LIMIT).objects()
    last: Any = found[0] if found else None
    if last is not None:
        return SealStatus(
            last_seal=last, unsealed=last.unsealed, oldest_unsealed_at=last.oldest_unsealed_at
        )
    everything = ProcessingLog.objects.order_by("id")
    first = (
        everything.annotate(
            unsealed=BoundedCount(everything.values("id")[: UNSEALED_COUNT_LIMIT + 1])
        )
        .values_list("occurred_at", "unsealed")
        .first()
    )
    oldest, unsealed = first if first is not None else (None, 0)
    return SealStatus(last_seal=None, unsealed=unsealed, oldest_unsealed_at=oldest)


# --- The security log -------------------------------------------------------------------------


def _actor_ids(username: str) -> list[int]:
    return list(User.objects.filter(username__iexact=username.strip()).values_list("pk", flat=True))


def security_log_search(
    *,
    user: AnyUser,
    username: str = "",
    outcome: int | str | None = None,
    stage: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    search_term: str = "",
) -> QuerySet[SecurityEvent]:
    """Security events of the privacy officer's municipalities, filtered; newest first.

    ``search_term`` is hashed (``doorbraak.lib.crypto.search_hash``) and matched against the
    events' hash: the term itself is never stored, nor kept here.
    """
    events = SecurityEvent.objects.visible_to(user)
    if username:
        actors = _actor_ids(username)
        events = events.filter(actor_id__in=actors) if actors else events.none()
    if outcome:
        events = events.filter(outcome=int(outcome))
    if stage:
        events = events.filter(stage=stage)
    if object_type:
        events = events.filter(object_type=object_type.strip())
    if date_from:
        events = events.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(occurred_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if search_term.strip():
        events = events.filter(search_hash=search_hash(search_term))
    return events.order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class SecurityLogPage:
    """One page of the security log, newest first. Not counted: the links say whether
    there is more on either side."""

    events: list[SecurityEvent]
    older: str | None
    newer: str | None


def security_log_page(
    events: QuerySet[SecurityEvent],
    *,
    older_than: str = "",
    newer_than: str = "",
    size: int = 50,
) -> SecurityLogPage:
    """A page by keyset, as :func:`processing_log_page`, without counting: one query.

    Raises :class:`BadCursor` for a cursor this page did not make."""
    if newer_than:
        rows = list(events.filter(_newer(newer_than)).order_by("occurred_at", "id")[: size + 1])
        page = list(reversed(rows[:size]))
        return SecurityLogPage(
            events=page,
            older=log_cursor(page[-1]) if page else None,
            newer=log_cursor(page[0]) if page and len(rows) > size else None,
        )
    if older_than:
        events = events.filter(_older(older_than))
    rows = list(events[: size + 1])
    page = rows[:size]
    return SecurityLogPage(
        events=page,
        older=log_cursor(page[-1]) if len(rows) > size else None,
        newer=log_cursor(page[0]) if older_than and page else None,
    )


# --- Alerts -----------------------------------------------------------------------------------


#: How many open alerts the home page lists.
HOME_ALERTS = 5


@dataclass(frozen=True)
class OpenAlerts:
    newest: list[Alert]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.newest))


def open_alerts(*, user: AnyUser, size: int = HOME_ALERTS) -> OpenAlerts:
    """The newest open alerts of the user's municipalities and how many are open, in one
    query (a window count over the open alerts, bounded by the partial index)."""
    alerts = Alert.objects.visible_to(user).open()
    rows: list[Any] = list(
        alerts.select_related("actor")
        .annotate(open_total=Window(Count("id")))
        .order_by("-created_at", "-id")[:size]
    )
    return OpenAlerts(newest=rows, count=rows[0].open_total if rows else 0)


def alert_open_get(*, user: AnyUser, pk: int | str) -> Alert:
    """An open alert of the privacy officer's municipalities, or 404."""
    return get_object_or_404(Alert.objects.visible_to(user).open(), pk=pk)


def alert_municipality_get(*, user: AnyUser, pk: int | str) -> Municipality:
    """A municipality where the user is privacy officer, or 404."""
    ids = municipality_ids_of(user, role=Role.PRIVACY_OFFICER)
    return get_object_or_404(Municipality.objects.filter(pk__in=ids), pk=pk)


def alert_municipalities(*, user: AnyUser) -> list[Municipality]:
    """The municipalities where the user is privacy officer, by name: taken from the
    request's memberships (which carry their municipality), without a query of their own."""
    found = {
        m.municipality_id: m.municipality
        for m in active_memberships(user)
        if m.role == Role.PRIVACY_OFFICER and m.municipality is not None
    }
    return sorted(found.values(), key=lambda municipality: (municipality.name, municipality.pk))


def alert_settings_of(municipality: Municipality | int) -> AlertSettings:
    """The municipality's alert settings, or the defaults (unsaved) when it has none."""
    pk = municipality.pk if isinstance(municipality, Municipality) else municipality
    found = AlertSettings.objects.filter(municipality_id=pk).first()
    return found if found is not None else AlertSettings(municipality_id=pk)
