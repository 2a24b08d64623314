"""Reads of households, scoped to the user's team, with the processing log written.

``household_open`` and ``household_list`` are the only ways pages and the API reach a
household: they answer 404 outside the user's team and record the read.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Required, TypedDict, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Count,
    F,
    ForeignKey,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property

from doorbraak.accounts.models import Membership, Organisation, Role, User
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry
from doorbraak.households.models import (
    Consent,
    ConsentPurpose,
    CoordinatorAssignment,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    Referral,
    ReferralStatus,
    team_scope,
)
from doorbraak.households.processing import log_case_reads, log_case_support
from doorbraak.lib.crypto import blind_indexes, pseudonym, search_hash
from doorbraak.lib.prepared import Prepared, PreparedObjects, instance, model_columns
from doorbraak.lib.validators import normalise_bsn

M = TypeVar("M", bound=Model)


def _with_details(
    households: QuerySet[Household], today: datetime.date | None = None
) -> QuerySet[Household]:
    """What every page shows of a household: coordinator and size (members who have not
    left by ``today``, by default today); the latest classification is a column."""

    coordinator = CoordinatorAssignment.objects.filter(
        household=OuterRef("pk"), ended_at__isnull=True
    )
    # A correlated count rather than Count("members"): no join and no GROUP BY over every
    # visible household, so counting and paging a list stay as cheap as on the bare table.
    current_members = (
        Member.objects.filter(household=OuterRef("pk"))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today or timezone.localdate()))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return households.select_related("team", "district", "municipality").annotate(
        current_coordinator_id=Subquery(coordinator.values("coordinator_id")[:1]),
        current_member_count=Coalesce(Subquery(current_members, output_field=IntegerField()), 0),
    )


def household_queryset(*, user: AnyUser) -> QuerySet[Household]:
    """Visible households with what every page shows: coordinator and size."""
    return _with_details(Household.objects.visible_to(user))


#: The longest postcode a household holds (the column's length).
POSTCODE_LENGTH: int = Household._meta.get_field("postcode").max_length  # type: ignore[assignment]


def household_search(
    *,
    user: AnyUser,
    query: str = "",
    status: str = "",
    district_id: int | None = None,
    coordinator_is: User | None = None,
) -> QuerySet[Household]:
    """The team's households, optionally searched and filtered, ordered by name: the bare
    rows, cheap to count and to page (``household_list_page`` adds what a page shows).

    The search never matches on BSN: BSNs are only looked up for duplicates at intake.
    """
    return _searched(
        **_search_inputs(
            user=user,
            query=query,
            status=status,
            district_id=district_id,
            coordinator_is=coordinator_is,
        )
    )


class _SearchInputs(TypedDict, total=False):
    teams: Required[tuple[int, ...]]
    term: str
    postcode: str
    status: str
    district: int
    coordinator: int


def _search_inputs(
    *,
    user: AnyUser,
    query: str,
    status: str,
    district_id: int | None,
    coordinator_is: User | None,
) -> _SearchInputs:
    """What ``_searched`` takes for these filters: the user's teams and only the filters
    given, so that which of them a search uses is part of its shape (lib/prepared.py)."""
    inputs: _SearchInputs = {"teams": tuple(team_scope(user))}
    if query.strip():
        q = query.strip()
        inputs["term"] = q
        # A postcode holds at most 7 characters: a longer term (a surname such as "van de
        # Velde") cannot be part of one, and is not compared with every household's.
        if len(q.upper()) <= POSTCODE_LENGTH:
            inputs["postcode"] = q.upper()
    if status:
        inputs["status"] = status
    if district_id:
        inputs["district"] = district_id
    if coordinator_is is not None:
        inputs["coordinator"] = coordinator_is.pk
    return inputs


def _searched(
    *,
    teams: tuple[int, ...],
    term: str | None = None,
    postcode: str | None = None,
    status: str | None = None,
    district: int | None = None,
    coordinator: int | None = None,
) -> QuerySet[Household]:
    """``household_search`` for the teams ``teams``: searched for ``term`` in the name,
    the street and the members' surnames, and for ``postcode`` (the term upper-cased, for
    a term short enough to be part of one) in the postcode; filtered by ``status``,
    ``district`` and the ``coordinator``'s active assignments. Written with plain values
    alone, so that its SQL can be compiled once per shape (``household_search_page``)."""
    households = Household.objects.of_teams(teams)
    if term is not None:
        # A member's name through a subquery, not a join: no duplicates, so no DISTINCT.
        # The subquery looks only at the members of the user's teams, never at every
        # member of the country: on PostgreSQL the (team, surname trigrams) index finds the
        # team's matches alone, even for a surname common in the whole country. It does
        # not ask again whether each member's household is visible (searchable_by): the
        # households it names are matched only among the visible ones here, and asking
        # made PostgreSQL walk the team's 5,000 households once per surname found at a
        # million persons (42-50 ms instead of 8-17 ms for "van de Velde").
        members = Member.objects.of_teams(teams).filter(last_name__icontains=term)
        matches = Q(name__icontains=term) | Q(street__icontains=term)
        if postcode is not None:
            matches |= Q(postcode__icontains=postcode)
        households = households.filter(matches | Q(pk__in=members.values("household")))
    if status is not None:
        households = households.filter(status=status)
    if district is not None:
        households = households.filter(district_id=district)
    if coordinator is not None:
        # A household has at most one active assignment (a unique constraint).
        households = households.filter(
            pk__in=CoordinatorAssignment.objects.filter(
                coordinator_id=coordinator, ended_at__isnull=True
            ).values("household")
        )
    return households.order_by("name", "pk")


def household_list(
    *,
    user: AnyUser,
    query: str = "",
    status: str = "",
    district_id: int | None = None,
    coordinator_is: User | None = None,
    log: bool = True,
) -> HouseholdList:
    """``household_search`` with what a list shows on every row (for the API), to be paged
    by a ``Paginator``: its count, and the rows of a slice read with SQL compiled once per
    shape (lib/prepared.py).

    Call ``log_household_list`` with the page actually shown.
    """
    return HouseholdList(
        _search_inputs(
            user=user,
            query=query,
            status=status,
            district_id=district_id,
            coordinator_is=coordinator_is,
        )
    )


class HouseholdList:
    """The households of ``household_list``, for a ``Paginator``: ``count()`` is the
    queryset's count and a slice (a page) the rows the sliced queryset gives."""

    def __init__(self, inputs: _SearchInputs) -> None:
        self._inputs = inputs

    def queryset(self) -> QuerySet[Household]:
        """What ``household_list`` gives, as a queryset."""
        return _with_details(_searched(**self._inputs))

    def count(self) -> int:
        return self.queryset().count()

    def __getitem__(self, window: slice) -> list[Household]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("a page of households is a slice")
        start = window.start or 0
        rows: list[Household] = LIST_DETAILS.objects_between(
            start, window.stop, **self._inputs, today=timezone.localdate()
        )
        return rows


#: ``household_list``'s rows (``_with_details`` of ``_searched`` on ``today``), compiled
#: once per shape.
LIST_DETAILS = PreparedObjects(lambda *, today, **inputs: _with_details(_searched(**inputs), today))


class _CountedPaginator(Paginator[Household]):
    """A paginator told the number of rows, found with the page's ids in one query (its
    pages' rows are put in afterwards)."""

    def __init__(self, per_page: int, count: int) -> None:
        super().__init__([], per_page)
        self._found = count

    @cached_property
    def count(self) -> int:
        return self._found


#: Beyond any team's pages; a larger number would overflow the OFFSET.
_MAX_PAGE = 1_000_000


def _page_number(value: str | int | None) -> int | None:
    """The page asked for, read as ``Paginator.get_page`` reads it: not a whole number is
    page 1; below 1 (or absurdly far) is the last page, which only the count can tell
    (None)."""
    try:
        number = int(value)  # type: ignore[arg-type]  # None is not a number: page 1
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= _MAX_PAGE else None


def household_list_page(
    *,
    user: AnyUser,
    households: QuerySet[Household],
    number: str | int | None,
    per_page: int,
) -> Page[Household]:
    """One page of ``household_search``, in its order, with what the list shows on every
    row; the page's ``paginator.count`` is the number of households found.

    The filtered query runs once: it gives the page's ids and, in a window count over all
    its rows, the number found (the count is over the same rows a separate ``COUNT(*)``
    would read: the team's households, or those the search matched). Then only the rows
    shown get their coordinator and member count, looked up by primary key, so the detail
    subqueries never meet the sort over the whole team.
    """

    def counted(start: int, stop: int, last: bool) -> list[tuple[int, int]]:
        return list(_counted(households.reverse() if last else households)[start:stop])

    return _page(counted, number=number, per_page=per_page)


def household_search_page(
    *,
    user: AnyUser,
    query: str = "",
    status: str = "",
    district_id: int | None = None,
    coordinator_is: User | None = None,
    number: str | int | None,
    per_page: int,
) -> Page[Household]:
    """``household_list_page`` of ``household_search`` with these filters (the list page),
    the same page in the same queries, with SQL compiled once per shape (lib/prepared.py):
    the filtered query with its window count, per set of filters given and kind of page,
    and the rows shown, per number of rows. Building the search and compiling it cost more
    than the database took to run it."""
    inputs = _search_inputs(
        user=user,
        query=query,
        status=status,
        district_id=district_id,
        coordinator_is=coordinator_is,
    )

    def counted(start: int, stop: int, last: bool) -> list[tuple[int, int]]:
        prepared = SEARCH_TAIL_IDS if last else SEARCH_IDS
        return [(row["pk"], row["found"]) for row in prepared.rows_between(start, stop, **inputs)]

    return _page(counted, number=number, per_page=per_page)


def _page(
    counted: Callable[[int, int, bool], list[tuple[int, int]]],
    *,
    number: str | int | None,
    per_page: int,
) -> Page[Household]:
    """The page ``number`` of the rows ``counted(start, stop, last)`` gives: (id, number
    of rows found) of the slice ``[start:stop]`` of the query, in reverse order if
    ``last``."""
    wanted = _page_number(number)
    if wanted is not None:
        start = (wanted - 1) * per_page
        found = counted(start, start + per_page, False)
        if found or wanted == 1:
            paginator = _CountedPaginator(per_page, found[0][1] if found else 0)
            page = paginator.page(wanted)
            page.object_list = _list_rows([pk for pk, _found in found])
            return page
    # Past the end (an old link) or below 1: the last page, as ``Paginator.get_page`` shows
    # it. Still one query: the last rows in reverse order, with the count.
    tail = counted(0, per_page, True)
    paginator = _CountedPaginator(per_page, tail[0][1] if tail else 0)
    page = paginator.page(paginator.num_pages)
    on_last_page = paginator.count - (paginator.num_pages - 1) * per_page
    page.object_list = _list_rows([pk for pk, _found in reversed(tail[:on_last_page])])
    return page


def _counted(households: QuerySet[Household]) -> QuerySet[Household, tuple[int, int]]:
    """(id, number of rows of the whole query): the count is a window over all rows, so a
    slice of this still counts them all."""
    return households.annotate(found=Window(Count("pk"))).values_list("pk", "found")


#: ``_counted`` of ``_searched`` as rows (``pk``, ``found``), in the list's order and in
#: reverse (the last page), compiled once per shape (public, as the two reads below, so
#: that tests can see their shapes prepared).
SEARCH_IDS = Prepared(
    lambda **inputs: _searched(**inputs).annotate(found=Window(Count("pk"))).values("pk", "found")
)
SEARCH_TAIL_IDS = Prepared(
    lambda **inputs: (
        _searched(**inputs).reverse().annotate(found=Window(Count("pk"))).values("pk", "found")
    )
)


def _list_rows(ids: list[int]) -> list[Household]:
    """The list rows of these households, in the order of ``ids``."""
    if not ids:
        return []
    # The ids come from the user's scoped query just now, so the rows are looked up by
    # primary key alone.
    rows = LIST_ROWS.objects(ids=tuple(ids), today=timezone.localdate())
    by_id = {h.pk: h for h in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


_LIST_COLUMNS = (
    "public_id",
    "municipality_id",
    "name",
    "has_fixed_address",
    "postal_address",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "status",
    "latest_classification",
    "district__name",
)


#: The list rows of the households ``ids``: only the columns the list shows, and the
#: details (on ``today``), compiled once per number of rows (lib/prepared.py): building the
#: three detail subqueries costs more than running them.
LIST_ROWS = PreparedObjects(
    lambda *, ids, today: (
        _with_details(Household.objects.all(), today)
        .select_related(None)
        .select_related("district")  # the list does not show the team or municipality
        .only(*_LIST_COLUMNS)
        .order_by()
        .filter(pk__in=ids)
    )
)


#: The names of the users ``ids``, as the list shows a coordinator, compiled once per
#: number of users.
COORDINATOR_NAMES = PreparedObjects(
    lambda *, ids: User.objects.filter(pk__in=ids).only("first_name", "last_name", "username")
)


def coordinator_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The name the list shows of each coordinator (``get_full_name``, or the username),
    by id; ``None`` (no coordinator) left out."""
    wanted = tuple(sorted({pk for pk in ids if pk is not None}))
    if not wanted:
        return {}
    return {u.pk: u.get_full_name() or u.username for u in COORDINATOR_NAMES.objects(ids=wanted)}


def household_list_entries(
    *, households: list[Household], searched: bool, search_term: str = ""
) -> list[LogEntry]:
    """What ``log_household_list`` records, for a page that writes several lists at once
    (``log_lists_shown``): one entry per municipality of the households shown, in the
    order they are shown, so each record is filed under its own household's municipality
    (a user may work in teams of two). A search that found nobody still gives one entry,
    for its hash; a list of nothing, none."""
    object_id = search_hash(search_term) if search_term.strip() else ""
    if not households:
        return (
            [LogEntry(object_type="households.household", object_id=object_id)] if searched else []
        )
    by_municipality: dict[int, list[str]] = {}
    for household in households:
        by_municipality.setdefault(household.municipality_id, []).append(household.pseudonym)
    return [
        LogEntry(
            object_type="households.household",
            object_id=object_id,
            subjects=subjects,
            municipality=municipality,
        )
        for municipality, subjects in by_municipality.items()
    ]


def log_household_list(
    *, user: AnyUser, households: list[Household], searched: bool, search_term: str = ""
) -> None:
    """Record that these households were shown (one record per household shown).

    A search by name or address (``search_term``) is recorded by its keyed hash
    (``doorbraak.lib.crypto.search_hash``) in the records' ``object_id``, never the term:
    the privacy officer finds it by typing the term again. A search that found nobody still
    writes one record, with its hash.
    """
    entries = household_list_entries(
        households=households, searched=searched, search_term=search_term
    )
    if entries:
        log_case_reads(
            actor=user,
            action=ProcessingAction.SEARCH if searched else ProcessingAction.READ,
            entries=entries,
        )


#: The field ``household_open`` fills from the members it read.
CONSENT_GIVEN_BY = cast("ForeignKey[Member, Member]", Consent._meta.get_field("given_by"))


def household_open(*, user: AnyUser, public_id: uuid.UUID | str, log: bool = True) -> Household:
    """One household with its members, coordinators, involved professionals and consents,
    in a fixed number of queries (the household's own page reads them with
    ``household_page``).

    404 outside the user's team. Writes a READ record for every current member.
    """
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    today = timezone.localdate()
    household = get_object_or_404(
        household_queryset(user=user).prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("joined_on", "birth_date", "pk")),
            Prefetch(
                "coordinator_assignments",
                queryset=CoordinatorAssignment.objects.select_related("coordinator").order_by(
                    "-started_at"
                ),
            ),
            Prefetch(
                "involved_professionals",
                queryset=InvolvedProfessional.objects.select_related("organisation").order_by(
                    "since", "pk"
                ),
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("recipient").order_by("-given_on", "-pk"),
            ),
        ),
        public_id=key,
    )
    # Consent is given by a member of the household (``services.consent_give`` sees to
    # it): each consent's ``given_by`` is taken from the members just read, not joined a
    # second time (joining a whole member row again was more than half of the building of
    # the consents' SQL: 1.0 ms of the page's 5.3 ms, 0.4 ms without it). A giver not
    # among them (none should be) is still read when asked for.
    members = {member.pk: member for member in household.members.all()}
    for consent in household.consents.all():
        if (giver := members.get(consent.given_by_id)) is not None:
            CONSENT_GIVEN_BY.set_cached_value(consent, giver)
    if log:
        current = [m for m in household.members.all() if m.left_on is None or m.left_on > today]
        log_case_support(
            actor=user,
            action=ProcessingAction.READ,
            object_type="households.household",
            object_id=household.pk,
            subjects=[m.pseudonym for m in current] or [household.pseudonym],
            municipality=household.municipality,
        )
    return household


def _page_list(model: type[Model], order: tuple[str, ...], **related: str) -> Prepared:
    """Every column of the household's ``model`` rows in ``order``, and ``related``
    columns of a joined row (``recipient_name="recipient__name"``), compiled once."""
    fields = model_columns(model)
    return Prepared(
        lambda household: (
            model._default_manager.filter(household_id=household)
            .order_by(*order)
            .values(*fields, **{name: F(path) for name, path in related.items()})
        )
    )


#: The household page's four lists, in the orders ``household_open`` prefetches them.
_PAGE_MEMBERS = _page_list(Member, ("joined_on", "birth_date", "pk"))
_PAGE_ASSIGNMENTS = _page_list(
    CoordinatorAssignment,
    ("-started_at",),
    coordinator_first_name="coordinator__first_name",
    coordinator_last_name="coordinator__last_name",
    coordinator_username="coordinator__username",
)
_PAGE_PROFESSIONALS = _page_list(
    InvolvedProfessional, ("since", "pk"), organisation_name_joined="organisation__name"
)
_PAGE_CONSENTS = _page_list(Consent, ("-given_on", "-pk"), recipient_name="recipient__name")


#: The household of the page, with its team and district: visible to a user of the teams
#: ``teams`` (``Household.objects.visible_to``), read by its public id as ``get()`` reads
#: it but without the ``LIMIT 21`` (the public id is unique), the SQL compiled once per
#: number of teams (lib/prepared.py).
_PAGE_HOUSEHOLD = PreparedObjects(
    lambda *, teams, public_id: (
        Household.objects.of_teams(teams)
        .select_related("team", "district")
        .filter(public_id=public_id)
        .order_by()
    )
)


def _instance(model: type[M], row: dict[str, Any], using: str) -> M:
    """The ``model`` object of ``row`` as a queryset makes it (every column loaded)."""
    return instance(model, row, model_columns(model), db=using)


@dataclass(frozen=True)
class PageRow(Generic[M]):
    """An object the household page lists, and what it shows of its joined row."""

    object: M
    #: The coordinator's name (``get_full_name`` or the username), the organisation's or
    #: the recipient's name.
    joined: str


@dataclass(frozen=True)
class HouseholdPage:
    """What the household's own page shows: the household and its four lists."""

    household: Household
    members: list[Member]
    assignments: list[PageRow[CoordinatorAssignment]]
    professionals: list[PageRow[InvolvedProfessional]]
    consents: list[PageRow[Consent]]


def household_page(*, user: AnyUser, public_id: uuid.UUID | str, log: bool = True) -> HouseholdPage:
    """``household_open`` for the household's own page: the same household, lists and read
    record, each list read with SQL compiled once (``lib.prepared``: building the four
    prefetches' SQL and their joined objects was most of the page's reading) and the joined
    rows (coordinator, organisation, recipient) as the one name the page shows of each.

    404 outside the user's team. Writes a READ record for every current member.
    """
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    today = timezone.localdate()
    found = _PAGE_HOUSEHOLD.objects(teams=tuple(team_scope(user)), public_id=key)
    if not found:
        raise Http404
    household = found[0]
    using = household._state.db or DEFAULT_DB_ALIAS
    members = [_instance(Member, row, using) for row in _PAGE_MEMBERS.rows(household=household.pk)]
    by_pk = {member.pk: member for member in members}
    assignments = []
    for row in _PAGE_ASSIGNMENTS.rows(household=household.pk):
        # ``User.get_full_name()``, or the username, as the page writes the coordinator.
        name = f"{row['coordinator_first_name']} {row['coordinator_last_name']}".strip()
        assignment = _instance(CoordinatorAssignment, row, using)
        assignments.append(PageRow(assignment, name or row["coordinator_username"]))
    professionals = []
    for row in _PAGE_PROFESSIONALS.rows(household=household.pk):
        professional = _instance(InvolvedProfessional, row, using)
        # ``InvolvedProfessional.organisation_label`` without reading the organisation.
        label = (
            row["organisation_name_joined"]
            if professional.organisation_id is not None
            else professional.organisation_name
        )
        professionals.append(PageRow(professional, label))
    consents = []
    for row in _PAGE_CONSENTS.rows(household=household.pk):
        consent = _instance(Consent, row, using)
        # As ``household_open``: the giver from the members just read.
        if (giver := by_pk.get(consent.given_by_id)) is not None:
            CONSENT_GIVEN_BY.set_cached_value(consent, giver)
        consents.append(PageRow(consent, row["recipient_name"]))
    if log:
        current = [m for m in members if m.left_on is None or m.left_on > today]
        log_case_support(
            actor=user,
            action=ProcessingAction.READ,
            object_type="households.household",
            object_id=household.pk,
            subjects=[m.pseudonym for m in current] or [household.pseudonym],
            municipality=household.municipality_id,
        )
    return HouseholdPage(household, members, assignments, professionals, consents)


@dataclass(frozen=True)
class InvolvementSummary:
    professionals: int
    organisations: int
    yearly_cost_cents: int


def involvement_summary(
    household: Household,
    *,
    on: datetime.date | None = None,
    professionals: Iterable[InvolvedProfessional] | None = None,
) -> InvolvementSummary:
    """How many professionals and organisations are involved now, and what that costs a year.

    Works on ``professionals`` or else the prefetched ``involved_professionals`` (no extra
    query).
    """
    day = on or timezone.localdate()
    listed = household.involved_professionals.all() if professionals is None else professionals
    current = [p for p in listed if p.until is None or p.until >= day]
    organisations = {p.organisation_id or f"name:{p.organisation_name.lower()}" for p in current}
    return InvolvementSummary(
        professionals=len(current),
        organisations=len(organisations),
        yearly_cost_cents=sum(p.yearly_cost_cents or 0 for p in current),
    )


def current_coordinator(household: Household) -> CoordinatorAssignment | None:
    """The active assignment, from the prefetched assignments."""
    return next((a for a in household.coordinator_assignments.all() if a.ended_at is None), None)


#: The timeline's order: newest first.
TIMELINE_ORDER = ("-occurred_at", "-pk")


def timeline(
    *, household: Household, kinds: list[str] | None = None, limit: int | None = None
) -> QuerySet[HouseholdEvent]:
    """The household's events, newest first, optionally only some kinds."""
    events = household.events.select_related("actor").order_by(*TIMELINE_ORDER)
    if kinds:
        events = events.filter(kind__in=[k for k in kinds if k in EventKind.values])
    return events[:limit] if limit else events


#: What a page shows of each event: the line's three stored columns, the kind, the moment
#: and the actor's name (three columns of the joined user, no user object per line).
TIMELINE_LINE_COLUMNS = ("kind", "occurred_at", "summary", "message", "params", "actor_id")


def _timeline_values(events: QuerySet[HouseholdEvent]) -> QuerySet[HouseholdEvent, dict[str, Any]]:
    return events.select_related(None).values(
        *TIMELINE_LINE_COLUMNS,
        actor_first_name=F("actor__first_name"),
        actor_last_name=F("actor__last_name"),
        actor_username=F("actor__username"),
    )


@functools.lru_cache(maxsize=4)
def _latest_lines(limit: int) -> Prepared:
    """The household's latest ``limit`` events as ``timeline_lines`` reads them, compiled
    once (``lib.prepared``): the household page reads them on every request."""
    return Prepared(
        lambda household: _timeline_values(
            HouseholdEvent.objects.filter(household_id=household).order_by(*TIMELINE_ORDER)
        )[:limit]
    )


def timeline_lines(
    *, household: Household, kinds: list[str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """``timeline`` for a page, as rows of ``TIMELINE_LINE_COLUMNS`` with
    ``actor_first_name``, ``actor_last_name`` and ``actor_username`` from the same query.
    The latest events of every kind (the household page) come from SQL compiled once."""
    if not kinds and limit:
        return _latest_lines(limit).rows(household=household.pk)
    lines = _timeline_values(timeline(household=household, kinds=kinds))
    return list(lines[:limit] if limit else lines)


def consent_allows(
    *,
    household: Household,
    recipient: Organisation,
    purpose: ConsentPurpose,
    at: datetime.datetime | None = None,
) -> bool:
    """May the household's data be shared with ``recipient`` for ``purpose`` at ``at``?

    Later apps call this before anything leaves the team. Withdrawn, expired or not yet
    valid consent does not count.
    """
    moment = at or timezone.now()
    day = timezone.localdate(moment)
    return (
        Consent.objects.filter(
            household=household, recipient=recipient, purpose=purpose, given_on__lte=day
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment))
        .exists()
    )


# --- referrals --------------------------------------------------------------------------------
def referral_inbox(*, user: AnyUser, status: str = ReferralStatus.SUBMITTED) -> QuerySet[Referral]:
    """Referrals routed to the user's team, oldest and most urgent first."""
    referrals = Referral.objects.for_team_of(user).select_related(
        "source_organisation", "district", "team"
    )
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("referred_at")


def referrals_made_by(*, user: AnyUser) -> QuerySet[Referral]:
    """The referrer's own referrals. Pages show their status only, nothing of the household."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(referred_by=user).select_related("team").order_by("-referred_at")


def referral_open(*, user: AnyUser, pk: int) -> Referral:
    """A referral routed to the user's team (404 otherwise), with the read logged."""

    referral = get_object_or_404(
        Referral.objects.for_team_of(user).select_related(
            "source_organisation", "referred_by", "district", "team"
        ),
        pk=pk,
    )
    log_case_support(
        actor=user,
        action=ProcessingAction.READ,
        object_type="households.referral",
        object_id=referral.pk,
        subjects=[pseudonym("referral", referral.pk)],
        municipality=referral.municipality,
    )
    return referral


def active_household_count(*, user: AnyUser) -> int:
    return Household.objects.visible_to(user).filter(status=HouseholdStatus.ACTIVE).count()


def team_yearly_cost(*, user: AnyUser) -> int:
    total = InvolvedProfessional.objects.filter(
        household__in=Household.objects.visible_to(user), until__isnull=True
    ).aggregate(total=Sum("yearly_cost_cents"))["total"]
    return int(total or 0)


# --- for the household pages (added with households/views.py) -------------------------------
def team_colleagues(*, household: Household) -> QuerySet[User]:
    """Active professionals and team leads of the household's team: who can coordinate it."""

    memberships = Membership.objects.active().filter(
        team_id=household.team_id, role__in=[Role.PROFESSIONAL, Role.TEAM_LEAD]
    )
    # An API client's service user (accounts.apiclients) is no person: it coordinates nothing.
    return User.objects.filter(
        is_active=True, api_client__isnull=True, pk__in=memberships.values("user")
    ).order_by("last_name", "first_name", "username")


def referral_list_entry(*, referrals: list[Referral]) -> LogEntry | None:
    """What ``log_referral_list`` records; None for no referrals."""
    if not referrals:
        return None
    return LogEntry(
        object_type="households.referral",
        subjects=[pseudonym("referral", r.pk) for r in referrals],
    )


def log_referral_list(*, user: AnyUser, referrals: list[Referral]) -> None:
    """Record that these referrals (names of residents) were shown in a list."""
    entry = referral_list_entry(referrals=referrals)
    if entry is not None:
        log_case_reads(actor=user, action=ProcessingAction.READ, entries=[entry])


def log_lists_shown(
    *, user: AnyUser, households: list[Household], referrals: list[Referral]
) -> None:
    """Record households and referrals shown on one page (the home page's work list): the
    records ``log_household_list`` and ``log_referral_list`` write, in one INSERT."""
    referral_entry = referral_list_entry(referrals=referrals)
    shown = [
        *household_list_entries(households=households, searched=False),
        *([referral_entry] if referral_entry is not None else []),
    ]
    if shown:
        log_case_reads(actor=user, action=ProcessingAction.READ, entries=shown)


def member_for_bsn(bsn: str) -> Member | None:
    """The current member with this BSN, found by the blind index (every key), for a
    resident's sign-in; the most recently joined when the person is in more than one
    household. None for an invalid or unknown BSN. The caller logs what it does with it."""
    try:
        indexes = blind_indexes(normalise_bsn(bsn))
    except ValidationError:
        return None
    return (
        Member.objects.current()
        .filter(bsn_index__in=indexes)
        .select_related("household")
        .order_by("-joined_on", "-pk")
        .first()
    )
