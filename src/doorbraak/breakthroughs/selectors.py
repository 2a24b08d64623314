"""Reads of bottlenecks, breakthroughs, partner requests, the table queue and the directory.

Every function is scoped to what the user may see (404 otherwise) and writes the
processing log when it shows personal data.
"""

from __future__ import annotations

import datetime
import functools
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core.paginator import Page, Paginator
from django.db import router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.models import District, Membership, Organisation, Role
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    Disclosure,
    EscalationLevel,
    EscalationStep,
    PartnerRequest,
    RequestStatus,
    ScenarioLine,
    TimeOut,
    partner_scopes,
)
from doorbraak.breakthroughs.processing import log_household_case, log_table_queue
from doorbraak.breakthroughs.returns import Line, ReturnCalculation, calculate_return
from doorbraak.catalogue.models import CostItem
from doorbraak.households.models import (
    Consent,
    ConsentPurpose,
    Household,
    Member,
    MemberRole,
    person_pseudonym,
    team_scope,
)
from doorbraak.households.selectors import log_household_list
from doorbraak.lib.prepared import (
    Input,
    Prepared,
    PreparedObjects,
    attach,
    model_columns,
)
from doorbraak.lib.rows import page_asked
from doorbraak.lib.workdays import working_days_between
from doorbraak.library.models import Regulation

ModelT = TypeVar("ModelT", bound=Model)


# --- law library and cost items (no personal data) --------------------------------------------
def consent_givers(*, household: Household) -> QuerySet[Member]:
    """The current members, who may give consent on the spot (the service checks age)."""
    return Member.objects.filter(household=household).current().order_by("birth_date", "pk")


def organisations_without_contact(*, user: AnyUser, household: Household) -> frozenset[int]:
    """Ids of the organisations the user sees that have no fixed contact person for the
    household's municipality: a request to them would go unread. One query."""
    with_contact = Membership.objects.active().filter(
        role=Role.PARTNER_CONTACT,
        municipality_id=household.municipality_id,
        user__is_active=True,
    )
    return frozenset(
        Organisation.objects.visible_to(user)
        .exclude(pk__in=with_contact.values("organisation_id"))
        .values_list("pk", flat=True)
    )


def consented_organisations(*, household: Household) -> list[str]:
    """Names of the organisations the household consented to share with, in force today."""
    now = timezone.now()
    today = timezone.localdate(now)
    return list(
        Consent.objects.filter(
            household=household,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            given_on__lte=today,
            recipient__isnull=False,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=now))
        .order_by("recipient__name")
        .values_list("recipient__name", flat=True)
        .distinct()
    )


def cost_item_choices(*, user: AnyUser, household: Household) -> QuerySet[CostItem]:
    """Cost items for a calculation about ``household``: national and its municipality's."""
    return (
        CostItem.objects.visible_to(user)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=household.municipality_id))
        .order_by("name", "-valid_year", "pk")
    )


# --- bottlenecks and breakthroughs (the household's team) -------------------------------------
def bottlenecks_of(*, household: Household) -> QuerySet[Bottleneck]:
    """The household's bottlenecks with what the page shows; the caller opened the household."""
    return (
        Bottleneck.objects.filter(household=household)
        .select_related("created_by")
        .prefetch_related(
            "regulations",
            "organisations",
            Prefetch("breakthroughs", queryset=Breakthrough.objects.order_by("-created_at")),
        )
        .order_by("-created_at", "-pk")
    )


#: What the household page shows of its bottlenecks and their breakthroughs
#: (``bottleneck_summaries``), each read by the household's id with SQL compiled once
#: (lib/prepared.py): the rows, columns and order of the two prefetches they replace.
_SUMMARY_BOTTLENECKS = PreparedObjects(
    lambda *, household: (
        Bottleneck.objects.filter(household_id=household)
        .only("household", "title", "theme", "kind", "created_at")
        .order_by("-created_at", "-pk")
    )
)
_SUMMARY_BREAKTHROUGHS = PreparedObjects(
    lambda *, household: (
        Breakthrough.objects.filter(bottleneck__household_id=household)
        .only("bottleneck", "title", "status", "level", "created_at")
        .order_by("-created_at", "-pk")
    )
)


def bottleneck_summaries(*, household: Household) -> list[Bottleneck]:
    """``bottlenecks_of`` with only what the household page shows of them: title, theme,
    kind and day, and their breakthroughs (title, status, level), newest first; no
    author, regulations or organisations (issue 20).

    Read once per household object: the page's bottleneck section and its next-step panel
    (``home.next_step``) both ask, and the second gets the household's list, attached to
    it as ``prefetch_related`` would. Two queries with SQL compiled once (the
    breakthroughs' only when there are bottlenecks), not two prefetches built anew on
    every request.
    """
    cache = getattr(household, "_prefetched_objects_cache", {})
    if "bottlenecks" in cache:
        return list(household.bottlenecks.all())
    bottlenecks = _SUMMARY_BOTTLENECKS.objects(household=household.pk)
    if bottlenecks:
        by_bottleneck: dict[int, list[Breakthrough]] = {b.pk: [] for b in bottlenecks}
        for breakthrough in _SUMMARY_BREAKTHROUGHS.objects(household=household.pk):
            # A bottleneck registered after the first query: not on this page, nor its own.
            if (listed := by_bottleneck.get(breakthrough.bottleneck_id)) is not None:
                listed.append(breakthrough)
        for bottleneck in bottlenecks:
            attach(bottleneck, "breakthroughs", by_bottleneck[bottleneck.pk])
    attach(household, "bottlenecks", bottlenecks)
    return list(bottlenecks)


@dataclass(frozen=True)
class PlanOffer:
    """What the household's agreed plan offers the breakthrough's engagement side."""

    commitment: str = ""
    #: How the household regains control: the plan's goals, one per line.
    goals: str = ""


def plan_offer(*, household: Household) -> PlanOffer:
    """The agreed plan's commitment and goals (empty without an agreed plan), one query.

    Read through the household's reverse relation, so this app does not import ``plans``
    (the status is the plan's ``PlanStatus.AGREED``).
    """
    rows = list(
        household.plans.filter(status="afgesproken")
        .order_by("goals__position", "goals__pk")
        .values_list("commitment", "goals__description")
    )
    if not rows:
        return PlanOffer()
    return PlanOffer(
        commitment=rows[0][0] or "",
        goals="\n".join(goal for _commitment, goal in rows if goal),
    )


def bottleneck_get(*, user: AnyUser, pk: int, log: bool = True) -> Bottleneck:
    bottleneck = get_object_or_404(
        Bottleneck.objects.visible_to(user).select_related(
            "household__municipality", "household__team", "created_by"
        ),
        pk=pk,
    )
    if log:
        log_household_case(
            actor=user,
            action=ProcessingAction.READ,
            household=bottleneck.household,
            object_type="breakthroughs.bottleneck",
            object_id=pk,
        )
    return bottleneck


def breakthrough_list(
    *, user: AnyUser, status: str = "", level: int | None = None
) -> QuerySet[Breakthrough]:
    """The team's breakthroughs (no personal data beyond the household's name on the page)."""
    breakthroughs = Breakthrough.objects.visible_to(user).select_related("household", "bottleneck")
    if status:
        breakthroughs = breakthroughs.filter(status=status)
    if level:
        breakthroughs = breakthroughs.filter(level=level)
    return breakthroughs.order_by("level_deadline", "-created_at", "pk")


#: What a row of the team's list shows and records: the household's name and link, the
#: bottleneck's title, status, level and deadline (not the long texts of every row).
LIST_ROW_COLUMNS = (
    "title",
    "status",
    "level",
    "level_deadline",
    "household__public_id",
    "household__name",
    "household__municipality_id",
    "bottleneck__title",
)


def _list_rows(
    *, teams: tuple[int, ...], today: datetime.date, status: str = "", level: int = 0
) -> QuerySet[Breakthrough]:
    """The team's list as its page shows it: :func:`breakthrough_list` of a user whose teams
    in scope are ``teams``, the columns of ``LIST_ROW_COLUMNS``, passed deadlines of open
    ones first."""
    rows = Breakthrough.objects.of_teams(teams).select_related("household", "bottleneck")
    if status:
        rows = rows.filter(status=status)
    if level:
        rows = rows.filter(level=level)
    return rows.only(*LIST_ROW_COLUMNS).order_by(
        Case(
            When(status=BreakthroughStatus.SUBMITTED, level_deadline__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        F("level_deadline").asc(nulls_last=True),
        "-created_at",
        "-pk",
    )


#: More pages than any team's list has (an OFFSET of 25 billion rows at most).
_MAX_LIST_PAGE = 1_000_000_000


@functools.lru_cache(maxsize=8)
def list_page_read(level: int) -> PreparedObjects:
    """The rows of :func:`_list_rows` at ``level`` (0: any), each with ``total``, the number
    of rows of the whole list (a window count in the same query); a page of them is
    ``objects_between(start, stop, …)``. Its SQL compiled once per shape (the number of
    teams, whether the list is filtered by status, whether the page has an offset) and per
    level, as a level is a small integer, which no marker can stand for (Django answers a
    value past a ``smallint`` with no rows). Public so that tests can see that a shape was
    prepared."""
    return PreparedObjects(
        lambda **inputs: _list_rows(**inputs, level=level).annotate(
            total=Window(expression=Count("pk"))
        )
    )


@functools.lru_cache(maxsize=8)
def list_last_page_read(level: int) -> PreparedObjects:
    """The rows of :func:`_list_rows`, last first, each with ``total``: the last page of the
    list (and more) is ``objects_between(0, per_page, …)``, one query, the SQL compiled once
    per shape. ``reverse()`` turns every term of the order round (the nulls' place too),
    and the order ends with the id, so this is the list's order backwards."""
    return PreparedObjects(
        lambda **inputs: (
            _list_rows(**inputs, level=level)
            .reverse()
            .annotate(total=Window(expression=Count("pk")))
        )
    )


def breakthrough_list_page(
    *,
    user: AnyUser,
    today: datetime.date,
    status: str = "",
    level: int | None = None,
    number: Any = None,
    per_page: int,
) -> Page[Breakthrough]:
    """The page ``number`` of the team's list (``_list_rows``), as ``Paginator.get_page``
    gives it, in one query: the rows with their total instead of a count and then the rows.

    A number that is not one gives the first page, as ``get_page`` does. A page past the
    last (its rows empty, a second query) or below the first gives the last page, as
    ``get_page`` does: read from the end of the list with its total.
    """
    inputs: dict[str, Input] = {"teams": tuple(team_scope(user)), "today": today}
    if status:
        inputs["status"] = status
    wanted = page_asked(number)  # as ``Paginator.validate_number`` reads it
    # A number past what a list can hold (and an OFFSET can take) is past its last page.
    if 1 <= wanted <= _MAX_LIST_PAGE:
        start = (wanted - 1) * per_page
        rows: list[Breakthrough] = list_page_read(level or 0).objects_between(
            start, start + per_page, **inputs
        )
        if rows or wanted == 1:
            total = rows[0].total if rows else 0  # type: ignore[attr-defined]
            counted: Paginator[Any] = Paginator(range(total), per_page)
            return Page(rows, wanted, counted)
    backwards: list[Breakthrough] = list_last_page_read(level or 0).objects_between(
        0, per_page, **inputs
    )
    total = backwards[0].total if backwards else 0  # type: ignore[attr-defined]
    paginator: Paginator[Any] = Paginator(range(total), per_page)
    last = paginator.num_pages
    on_last = paginator.count - (last - 1) * per_page
    return Page(backwards[:on_last][::-1], last, paginator)


def log_breakthrough_list(*, user: AnyUser, breakthroughs: list[Breakthrough]) -> None:
    """Lists show the household's name: record which households were shown."""
    households = list({b.household_id: b.household for b in breakthroughs}.values())
    log_household_list(user=user, households=households, searched=False)


def _with_everything(breakthroughs: QuerySet[Breakthrough]) -> QuerySet[Breakthrough]:
    return breakthroughs.select_related(
        "household__municipality",
        "household__team",
        "household__district",
        "bottleneck",
        "regulation",
        "created_by",
    ).prefetch_related(
        Prefetch(
            "scenario_lines",
            queryset=ScenarioLine.objects.select_related("cost_item").order_by("scenario", "pk"),
        ),
        "decisions__organisation",
        "escalation_steps__by",
        Prefetch(
            "partner_requests",
            queryset=PartnerRequest.objects.select_related(
                "organisation", "asked_by", "answered_by"
            ),
        ),
        "time_outs__organisation",
        Prefetch(
            "disclosures",
            queryset=Disclosure.objects.select_related("organisation", "disclosed_by"),
        ),
        "bottleneck__regulations",
        "bottleneck__organisations",
    )


#: The lists of the breakthrough page, each with the relations its rows show joined in its
#: own query, read by the breakthrough's id with SQL compiled once (lib/prepared.py): the
#: same rows, in the same order, as ``prefetch_related`` of these querysets reads.
_PAGE_LISTS = {
    "scenario_lines": PreparedObjects(
        lambda *, breakthrough: (
            ScenarioLine.objects.filter(breakthrough_id=breakthrough)
            .select_related("cost_item")
            .order_by("scenario", "pk")
        )
    ),
    "decisions": PreparedObjects(
        lambda *, breakthrough: Decision.objects.filter(
            breakthrough_id=breakthrough
        ).select_related("organisation")
    ),
    "escalation_steps": PreparedObjects(
        lambda *, breakthrough: EscalationStep.objects.filter(
            breakthrough_id=breakthrough
        ).select_related("by")
    ),
    # The page names who answered a request, not who asked it.
    "partner_requests": PreparedObjects(
        lambda *, breakthrough: PartnerRequest.objects.filter(
            breakthrough_id=breakthrough
        ).select_related("organisation", "answered_by")
    ),
    "time_outs": PreparedObjects(
        lambda *, breakthrough: TimeOut.objects.filter(breakthrough_id=breakthrough).select_related(
            "organisation"
        )
    ),
    "disclosures": PreparedObjects(
        lambda *, breakthrough: Disclosure.objects.filter(
            breakthrough_id=breakthrough
        ).select_related("organisation", "disclosed_by")
    ),
}


#: The breakthrough of the page, with its household, bottleneck and legal basis: visible
#: to a user of the teams ``teams`` (``Breakthrough.objects.visible_to``), read by its
#: primary key without the ``LIMIT 21`` of ``get()`` (see :func:`_by_pk_or_404`), the SQL
#: compiled once per number of teams.
_PAGE_BREAKTHROUGH = PreparedObjects(
    lambda *, teams, pk: (
        Breakthrough.objects.of_teams(teams)
        .filter(pk=pk)
        .select_related("household", "bottleneck", "regulation")
        .order_by()
    )
)


def _for_the_page(breakthrough: Breakthrough) -> Breakthrough:
    """What the breakthrough page shows, and nothing more: each list of the page in one
    query with what its rows show (``_PAGE_LISTS``), attached to the breakthrough as
    ``prefetch_related`` would.

    Not the bottleneck's regulations and organisations, the author or the household's
    team, district and municipality: the page shows none of them (the log takes the
    municipality's id). The relations of a list's rows are joined in its query instead of
    being read in a second one, and each list's SQL is built once, not on every request
    (issue 20).
    """
    for name, prepared in _PAGE_LISTS.items():
        attach(breakthrough, name, prepared.objects(breakthrough=breakthrough.pk))
    return breakthrough


def _by_pk_or_404(queryset: QuerySet[ModelT], pk: int) -> ModelT:
    """The row with primary key ``pk`` of ``queryset``, or 404.

    Read without the ``LIMIT 21`` that ``get()`` adds (and without an order, as ``get()``
    reads): with a limit PostgreSQL also weighs fast-start plans for every order of the nine
    or ten tables these pages join, and planning the query took 8-27 ms on a loaded machine
    against about 3 ms without it (issue 20). The primary key finds one row at most.
    """
    found = list(queryset.filter(pk=pk).order_by())
    if not found:
        raise Http404
    return found[0]


def breakthrough_get(*, user: AnyUser, pk: int, log: bool = True) -> Breakthrough:
    """The breakthrough with its triangle, route, requests and decisions; 404 outside the team."""
    breakthrough = _by_pk_or_404(_with_everything(Breakthrough.objects.visible_to(user)), pk)
    if log:
        log_household_case(
            actor=user,
            action=ProcessingAction.READ,
            household=breakthrough.household,
            object_type="breakthroughs.breakthrough",
            object_id=pk,
        )
    return breakthrough


#: The public ids of a household's current members (the page's log subjects, as
#: ``Member.pseudonym`` writes them), the SQL compiled once (lib/prepared.py).
_CURRENT_MEMBER_IDS = Prepared(
    lambda *, household, day: (
        Member.objects.filter(household_id=household).current(on=day).values("public_id")
    )
)


def breakthrough_page(*, user: AnyUser, pk: int, log: bool = True) -> Breakthrough:
    """The breakthrough with what its page shows (:func:`_for_the_page`); 404 outside the
    team, and the read recorded as :func:`breakthrough_get` records it."""
    found = _PAGE_BREAKTHROUGH.objects(teams=tuple(team_scope(user)), pk=pk)
    if not found:
        raise Http404
    breakthrough = _for_the_page(found[0])
    if log:
        household = breakthrough.household
        # The subjects as ``household_subjects`` names them, reading only their ids.
        members = _CURRENT_MEMBER_IDS.rows(household=household.pk, day=timezone.localdate())
        log_household_case(
            actor=user,
            action=ProcessingAction.READ,
            household=household,
            object_type="breakthroughs.breakthrough",
            object_id=pk,
            subjects=[person_pseudonym(row["public_id"]) for row in members]
            or [household.pseudonym],
        )
    return breakthrough


#: What a scenario line gives the return calculation (``breakthrough_return``).
RETURN_LINE_COLUMNS = (
    "breakthrough_id",
    "scenario",
    "own_amount_cents",
    "own_payer",
    "quantity",
    "probability_pct",
    "cost_item__amount_cents",
    "cost_item__payer",
)


def breakthrough_return(
    breakthrough: Breakthrough, scenario_lines: Iterable[ScenarioLine] | None = None
) -> ReturnCalculation:
    """The return calculation of the breakthrough's scenario lines: ``scenario_lines``, or
    its own (uses the prefetch)."""
    if scenario_lines is None:
        scenario_lines = breakthrough.scenario_lines.all()
    lines = [
        Line(
            scenario=line.scenario,
            amount_cents=line.item_amount_cents,
            payer=line.item_payer,
            quantity=line.quantity,
            probability_pct=line.probability_pct,
        )
        for line in scenario_lines
    ]
    return calculate_return(
        lines,
        direct_cost_cents=breakthrough.direct_cost_cents,
        direct_cost_payer=breakthrough.direct_cost_payer,
    )


# --- partner contacts -------------------------------------------------------------------------
def partner_inbox(*, user: AnyUser, status: str = "") -> QuerySet[PartnerRequest]:
    """Requests addressed to the user's organisations; the list shows no personal data.

    Most urgent first: the requests still waiting for an answer by deadline (the overdue
    ones on top), then the answered and withdrawn ones, latest deadline first.
    """
    requests = PartnerRequest.objects.for_partner(user).select_related(
        "organisation", "breakthrough__bottleneck", "breakthrough__household__district"
    )
    if status:
        requests = requests.filter(status=status)
    waiting = Q(status__in=(RequestStatus.OPEN, RequestStatus.MORE_INFORMATION))
    return requests.annotate(
        answered=Case(When(waiting, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by(
        "answered",
        Case(When(waiting, then=F("deadline"))).asc(nulls_last=True),
        F("deadline").desc(),
        "pk",
    )


#: What a row of the partner's inbox shows: no household data, and not the long texts of
#: the request and its breakthrough.
INBOX_ROW_COLUMNS = (
    "asked_at",
    "deadline",
    "status",
    "organisation__name",
    "breakthrough__status",
    "breakthrough__level",
    "breakthrough__bottleneck__theme",
    "breakthrough__household__district__name",
)


def sharing_allowed(request: PartnerRequest, *, at: datetime.datetime | None = None) -> bool:
    """May the partner see the household's data now? Consent in force, or a recorded override.

    A disclosure on consent lapses when the consent is withdrawn or expires: from then on
    nothing more is shown to the partner.
    """
    moment = at or timezone.now()
    day = timezone.localdate(moment)
    disclosures = Disclosure.objects.filter(
        breakthrough_id=request.breakthrough_id, organisation_id=request.organisation_id
    ).select_related("consent")
    for disclosure in disclosures:
        if disclosure.consent is None:
            return True  # shared on a recorded override
        consent = disclosure.consent
        withdrawn = consent.withdrawn_at is not None and consent.withdrawn_at <= moment
        expired = consent.valid_until is not None and consent.valid_until < day
        if not withdrawn and not expired:
            return True
    return False


def sharing_allowed_expression(
    *, at: datetime.datetime | None = None, day: datetime.date | None = None
) -> Exists:
    """:func:`sharing_allowed` as an expression of a ``PartnerRequest`` query: read with
    the request instead of in a query of its own (the same rule, the same moment).

    ``day`` is the day of ``at`` in the current time zone (given with it by a caller that
    has it already)."""
    moment = at or timezone.now()
    if day is None:
        day = timezone.localdate(moment)
    in_force = (Q(consent__withdrawn_at__isnull=True) | Q(consent__withdrawn_at__gt=moment)) & (
        Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gte=day)
    )
    return Exists(
        Disclosure.objects.filter(
            breakthrough_id=OuterRef("breakthrough_id"),
            organisation_id=OuterRef("organisation_id"),
        ).filter(Q(consent__isnull=True) | in_force)
    )


@dataclass
class PartnerView:
    request: PartnerRequest
    shared: bool
    members: list[Member] = field(default_factory=list)


#: A household's current members, as ``household.members.current()`` reads them, the SQL
#: compiled once (lib/prepared.py).
_CURRENT_MEMBERS = PreparedObjects(
    lambda *, household, day: Member.objects.filter(household_id=household).current(on=day)
)
#: The partner sees the return, not the lines: only what the return takes.
_RETURN_LINES = PreparedObjects(
    lambda *, breakthrough: (
        ScenarioLine.objects.filter(breakthrough_id=breakthrough)
        .select_related("cost_item")
        .only(*RETURN_LINE_COLUMNS)
        .order_by("scenario", "pk")
    )
)


def _partner_request(
    *,
    organisations: tuple[int, ...],
    municipalities: tuple[int, ...],
    pk: int,
    at: datetime.datetime,
    day: datetime.date,
) -> QuerySet[PartnerRequest]:
    """The request ``pk`` for a fixed contact person of ``organisations[i]`` in
    ``municipalities[i]`` (``PartnerRequest.objects.for_partner``), with what its page
    shows and whether sharing is allowed at ``at`` (on ``day``, its day), read without the
    ``LIMIT 21`` of ``get()`` (see :func:`_by_pk_or_404`)."""
    return (
        PartnerRequest.objects.of_scopes(organisations, municipalities)
        .select_related(
            "organisation",
            "asked_by",
            "answered_by",
            "breakthrough__household__district",
            "breakthrough__bottleneck",
            "breakthrough__regulation",
        )
        # Whether sharing is allowed, read with the request (the log takes the
        # municipality's id, so the municipality is not joined).
        .annotate(shared_now=sharing_allowed_expression(at=at, day=day))
        .filter(pk=pk)
        .order_by()
    )


#: :func:`_partner_request`, the SQL compiled once per number of the user's scopes (and
#: time zone; lib/prepared.py).
PARTNER_REQUEST_READ = PreparedObjects(_partner_request)


def partner_request_open(*, user: AnyUser, pk: int) -> PartnerView:
    """One request for a fixed contact person: 404 for other organisations; the household's
    data only while sharing is allowed, and every such read is in the processing log."""
    organisations, municipalities = partner_scopes(user)
    moment = timezone.now()
    found = PARTNER_REQUEST_READ.objects(
        organisations=organisations,
        municipalities=municipalities,
        pk=pk,
        at=moment,
        day=timezone.localdate(moment),
    )
    if not found:
        raise Http404
    request = found[0]
    shared = bool(request.shared_now)
    view = PartnerView(request=request, shared=shared)
    if shared:
        household = request.breakthrough.household
        # One read of the current members serves the page (youngest last) and the log
        # (its subjects, in the members' own order, as ``household_subjects`` lists them).
        members = _CURRENT_MEMBERS.objects(household=household.pk, day=timezone.localdate())
        for member in members:
            Member.household.field.set_cached_value(member, household)
        view.members = sorted(members, key=lambda member: member.birth_date)
        log_household_case(
            actor=user,
            action=ProcessingAction.READ,
            household=household,
            object_type="breakthroughs.partnerrequest",
            object_id=request.pk,
            activity=ProcessingActivity.PARTNER_REQUEST,
            subjects=[member.pseudonym for member in members] or [household.pseudonym],
        )
    return view


def partner_breakthrough(*, user: AnyUser, request: PartnerRequest) -> Breakthrough:
    """The breakthrough behind a request, with its lines and time-outs, for the partner's
    view: the one ``partner_request_open`` read with the request (and its household), its
    lines and time-outs attached to it (their SQL compiled once, lib/prepared.py), so no
    time-out reads its household again."""
    breakthrough = request.breakthrough
    pk = breakthrough.pk
    attach(breakthrough, "scenario_lines", _RETURN_LINES.objects(breakthrough=pk))
    attach(breakthrough, "time_outs", _PAGE_LISTS["time_outs"].objects(breakthrough=pk))
    return breakthrough


# --- breakthrough table queue (level 3) -------------------------------------------------------
@dataclass(frozen=True)
class QueueItem:
    """A minimised summary: no name, address or BSN."""

    breakthrough: Breakthrough
    initials: str
    district: str
    age_band: str
    return_calculation: ReturnCalculation
    #: The breakthrough's requests to partners, their organisations with them.
    partner_requests: tuple[PartnerRequest, ...]


def _age_band(age: int | None) -> str:
    if age is None:
        return "–"
    if age < 18:
        return "< 18"
    if age >= 67:
        return "67+"
    low = 18 if age < 27 else (age // 10) * 10
    high = 26 if low == 18 else low + 9
    return f"{low}–{high}"


def minimised_head(members: list[Member], today: datetime.date) -> tuple[str, str]:
    """Initials and age band of the household's head (or first member): all a table sees."""
    head = next((m for m in members if m.role == MemberRole.HEAD), members[0] if members else None)
    if head is None:
        return "–", "–"
    initials = "".join(
        part[0].upper() + "." for part in f"{head.first_name} {head.last_name}".split()
    )
    return initials, _age_band(head.age_on(today))


def table_queue_breakthroughs(*, user: AnyUser) -> QuerySet[Breakthrough]:
    """The queue in its order, nearest deadline first: what the pages are cut from.

    By the breakthrough's copy of the household's municipality, off one index
    (municipality, status, level), without joining the municipality's households."""
    return _table_queue_of(municipality_ids_of(user, role=Role.TABLE_CHAIR))


def _table_queue_of(municipalities: Collection[int]) -> QuerySet[Breakthrough]:
    return Breakthrough.objects.filter(
        status=BreakthroughStatus.SUBMITTED,
        level__gte=EscalationLevel.TABLE,
        municipality_id__in=municipalities,
    ).order_by("level_deadline", "submitted_at", "pk")


#: The ids of :func:`table_queue_breakthroughs`, its SQL compiled once per number of the
#: chair's municipalities (lib/prepared.py): the queue page cuts its pages from them.
_TABLE_QUEUE_IDS = Prepared(
    lambda *, municipalities: _table_queue_of(municipalities).values("pk"),
)


def table_queue_ids(*, user: AnyUser) -> list[int]:
    """The ids of :func:`table_queue_breakthroughs`, in its order."""
    municipalities = tuple(sorted(municipality_ids_of(user, role=Role.TABLE_CHAIR)))
    return [row["pk"] for row in _TABLE_QUEUE_IDS.rows(municipalities=municipalities)]


#: What a card of the queue (and an item of the API's queue) shows and records: the
#: return's inputs, the minimised household (its district, and its pseudonym and
#: municipality for the log), the bottleneck's title and theme, the legal basis.
QUEUE_CARD_COLUMNS = (
    "title",
    "status",
    "level",
    "level_deadline",
    "submitted_at",
    "direct_cost_cents",
    "direct_cost_payer",
    "household_commitment",
    "household__public_id",
    "household__municipality_id",
    "household__district__name",
    "bottleneck__title",
    "bottleneck__theme",
    "regulation",
)


#: A page of cards as ``only(*QUEUE_CARD_COLUMNS)`` with ``select_related`` reads it: per
#: relation (a path from the breakthrough), its model and the columns loaded (``None``:
#: all). ``test_queue_page_read`` holds it to that queryset.
_QUEUE_CARD_READ: tuple[tuple[str, type[Model], tuple[str, ...] | None], ...] = (
    (
        "",
        Breakthrough,
        (
            "id",
            "bottleneck_id",
            "household_id",
            "regulation_id",
            *(c for c in QUEUE_CARD_COLUMNS if "__" not in c and c != "regulation"),
        ),
    ),
    ("bottleneck", Bottleneck, ("id", "title", "theme")),
    ("household", Household, ("id", "public_id", "municipality_id", "district_id")),
    ("household__district", District, ("id", "name")),
    ("regulation", Regulation, None),
)


def _card_columns(model: type[Model], columns: tuple[str, ...] | None) -> tuple[str, ...]:
    return columns or model_columns(model)


def _queue_page_of(*, municipalities: tuple[int, ...], page: tuple[int, ...]) -> QuerySet[Any]:
    return (
        _table_queue_of(municipalities)
        .filter(pk__in=page)
        .values(
            *(
                f"{path}__{column}" if path else column
                for path, model, columns in _QUEUE_CARD_READ
                for column in _card_columns(model, columns)
            )
        )
    )


#: A page of the queue, its SQL compiled once per number of municipalities and of cards.
_QUEUE_PAGE = Prepared(_queue_page_of)


@dataclass(frozen=True)
class _CardPart:
    """How a card's object at ``path`` is made of a row (worked out once, not per card):
    its model, its columns in the order ``lib.prepared.instance`` gives them to
    ``Model.from_db`` and the row's keys of them, and the foreign key (``holder``) of the
    object at ``parent`` that holds it (None for the breakthrough)."""

    path: str
    model: type[Model]
    columns: list[str]
    keys: list[str]
    id_key: str
    holder: Any
    parent: str


@functools.cache
def _card_parts() -> tuple[_CardPart, ...]:
    models = {path: model for path, model, _columns in _QUEUE_CARD_READ}
    parts = []
    for path, model, columns in _QUEUE_CARD_READ:
        loaded = set(_card_columns(model, columns))
        ordered = [f.attname for f in model._meta.concrete_fields if f.attname in loaded]
        prefix = f"{path}__" if path else ""
        parent, _, name = path.rpartition("__")
        parts.append(
            _CardPart(
                path=path,
                model=model,
                columns=ordered,
                keys=[prefix + column for column in ordered],
                id_key=f"{prefix}id",
                holder=models[parent]._meta.get_field(name) if path else None,
                parent=parent,
            )
        )
    return tuple(parts)


def _queue_page(*, user: AnyUser, page: Sequence[int]) -> list[Breakthrough]:
    """The breakthroughs of ``page`` that are in the chair's queue, in its order, each with
    its bottleneck, household (and its district) and regulation, as ``select_related``
    puts them on it (each object as ``lib.prepared.instance`` makes it)."""
    municipalities = tuple(sorted(municipality_ids_of(user, role=Role.TABLE_CHAIR)))
    db = router.db_for_read(Breakthrough)
    parts = _card_parts()
    breakthroughs = []
    for row in _QUEUE_PAGE.rows(municipalities=municipalities, page=tuple(page)):
        made: dict[str, Model | None] = {}
        for part in parts:
            obj = (
                part.model.from_db(db, part.columns, [row[key] for key in part.keys])
                if row[part.id_key] is not None
                else None
            )
            made[part.path] = obj
            if part.holder is not None:
                parent = made[part.parent]
                assert parent is not None
                part.holder.set_cached_value(parent, obj)
        breakthroughs.append(cast(Breakthrough, made[""]))
    return breakthroughs


#: What a minimised card needs of the household's current members (initials and age).
QUEUE_MEMBER_COLUMNS = ("household_id", "first_name", "last_name", "birth_date", "role")


def _queue_lines() -> QuerySet[ScenarioLine]:
    # The return's inputs only: the queue shows the return, not the lines.
    return ScenarioLine.objects.select_related("cost_item").only(*RETURN_LINE_COLUMNS)


def _queue_members(day: datetime.date | None = None) -> QuerySet[Member]:
    return Member.objects.current(on=day).only(*QUEUE_MEMBER_COLUMNS).order_by("role", "birth_date")


def _queue_requests() -> QuerySet[PartnerRequest]:
    # The organisation asked, in the same query.
    return PartnerRequest.objects.select_related("organisation")


def _queue_prefetches() -> list[Prefetch[Any]]:
    return [
        Prefetch("scenario_lines", queryset=_queue_lines()),
        Prefetch("household__members", queryset=_queue_members(), to_attr="current_members"),
        Prefetch("partner_requests", queryset=_queue_requests()),
    ]


#: The lists of a page of cards, each read by the page's ids in one query with its SQL
#: compiled once per number of ids (lib/prepared.py): the rows, in the order, that the
#: prefetches of :func:`_queue_prefetches` read (the same querysets, filtered as
#: ``prefetch_related`` filters them). ``test_queue_lists_read`` holds them to those.
_QUEUE_LINES = PreparedObjects(
    lambda *, breakthroughs: _queue_lines().filter(breakthrough__in=breakthroughs)
)
_QUEUE_MEMBERS = PreparedObjects(
    lambda *, households, day: _queue_members(day).filter(household__in=households)
)
_QUEUE_REQUESTS = PreparedObjects(
    lambda *, breakthroughs: _queue_requests().filter(breakthrough__in=breakthroughs)
)


def _by(objects: list[ModelT], key: str) -> dict[int, list[ModelT]]:
    """``objects`` grouped by their column ``key``, each group in their order."""
    grouped: dict[int, list[ModelT]] = {}
    for obj in objects:
        grouped.setdefault(getattr(obj, key), []).append(obj)
    return grouped


@dataclass(frozen=True)
class _QueueLists:
    """The scenario lines and partner requests of a page's cards, by breakthrough."""

    scenario_lines: dict[int, list[ScenarioLine]]
    partner_requests: dict[int, list[PartnerRequest]]


def _queue_lists(breakthroughs: list[Breakthrough]) -> _QueueLists:
    """What ``prefetch_related_objects(breakthroughs, *_queue_prefetches())`` reads for a
    page of cards, in three queries whose SQL is built once (issue 20): each household's
    current members, put on it as ``current_members`` as the prefetch puts them; the
    scenario lines and partner requests of each breakthrough, each knowing its breakthrough,
    handed to the cards as lists (the cards read nothing else of them, and a related
    manager's queryset per card and relation cost more than the reads).
    """
    if not breakthroughs:
        return _QueueLists({}, {})
    by_pk = {breakthrough.pk: breakthrough for breakthrough in breakthroughs}
    ids = tuple(by_pk)
    lines = _by(_QUEUE_LINES.objects(breakthroughs=ids), "breakthrough_id")
    # By id, the last of a household's instances (as the prefetch's ``instances_dict``),
    # in the order of their first card (as its ``IN`` list, which drops repeated ids).
    households: dict[int, Household] = {}
    for breakthrough in breakthroughs:
        households[breakthrough.household.pk] = breakthrough.household
    members = _by(
        _QUEUE_MEMBERS.objects(households=tuple(households), day=timezone.localdate()),
        "household_id",
    )
    requests = _by(_QUEUE_REQUESTS.objects(breakthroughs=ids), "breakthrough_id")
    relations: tuple[tuple[dict[int, list[Any]], dict[int, Any], Any], ...] = (
        (lines, by_pk, ScenarioLine._meta.get_field("breakthrough")),
        (members, households, Member._meta.get_field("household")),
        (requests, by_pk, PartnerRequest._meta.get_field("breakthrough")),
    )
    for related, parents, parent_field in relations:
        for parent_pk, found in related.items():
            parent = parents[parent_pk]
            for obj in found:
                parent_field.set_cached_value(obj, parent)
    for breakthrough in breakthroughs:
        household = breakthrough.household
        household.current_members = members.get(household.pk, [])  # type: ignore[attr-defined]
    return _QueueLists(lines, requests)


def table_queue(
    *, user: AnyUser, pk: int | None = None, page: Sequence[int] | None = None
) -> list[QueueItem]:
    """Breakthroughs that reached the breakthrough table in the chair's municipalities.

    With ``page`` only those (one page of :func:`table_queue_breakthroughs`, in its
    order), with ``pk`` only that one (an empty list when it is not in the queue). Every
    card shown is a read of its household: recorded in one statement for the whole page,
    so a page costs the same number of queries however long the queue is.
    """
    if page is not None and pk is None:
        # A page of cards reads what the cards and the API's items show, not the long
        # texts of every breakthrough, bottleneck and household (issue 20), its SQL
        # compiled once per shape.
        breakthroughs = _queue_page(user=user, page=page)
        lists = _queue_lists(breakthroughs)
    else:
        queue = table_queue_breakthroughs(user=user)
        if pk is not None:
            queue = queue.filter(pk=pk)
        if page is not None:
            queue = queue.filter(pk__in=list(page)).only(*QUEUE_CARD_COLUMNS)
        breakthroughs = list(
            queue.select_related(
                "household__district", "bottleneck", "regulation"
            ).prefetch_related(*_queue_prefetches())
        )
        lists = _QueueLists(
            {b.pk: list(b.scenario_lines.all()) for b in breakthroughs},
            {b.pk: list(b.partner_requests.all()) for b in breakthroughs},
        )
    items = []
    today = timezone.localdate()
    for breakthrough in breakthroughs:
        members: list[Member] = breakthrough.household.current_members  # type: ignore[attr-defined]
        initials, age_band = minimised_head(members, today)
        items.append(
            QueueItem(
                breakthrough=breakthrough,
                initials=initials,
                district=breakthrough.household.district.name
                if breakthrough.household.district
                else "–",
                age_band=age_band,
                return_calculation=breakthrough_return(
                    breakthrough, lists.scenario_lines.get(breakthrough.pk, [])
                ),
                partner_requests=tuple(lists.partner_requests.get(breakthrough.pk, [])),
            )
        )
    log_table_queue(actor=user, breakthroughs=breakthroughs)
    return items


# --- partner directory ------------------------------------------------------------------------
@dataclass
class DirectoryEntry:
    organisation: Organisation
    contacts: list[Membership]
    answered: int
    median_working_days: float | None
    on_time_pct: int | None


def partner_directory(*, user: AnyUser) -> list[DirectoryEntry]:
    """Per organisation: its fixed contact persons, their mandate and response-time figures."""
    municipalities = municipality_ids_of(user)
    contacts = list(
        Membership.objects.active()
        .filter(role=Role.PARTNER_CONTACT, municipality_id__in=municipalities, user__is_active=True)
        .select_related("user", "organisation", "contact_profile")
        .order_by("organisation__name", "user__last_name", "user__first_name")
    )
    by_organisation: dict[int, DirectoryEntry] = {}
    for membership in contacts:
        entry = by_organisation.setdefault(
            membership.organisation_id,
            DirectoryEntry(membership.organisation, [], 0, None, None),
        )
        entry.contacts.append(membership)
    answered = PartnerRequest.objects.filter(
        organisation_id__in=list(by_organisation),
        breakthrough__municipality_id__in=municipalities,
        answered_at__isnull=False,
    ).values_list("organisation_id", "asked_at", "answered_at", "deadline")
    durations: dict[int, list[int]] = {}
    on_time: dict[int, int] = {}
    for organisation_id, asked_at, answered_at, deadline in answered:
        answered_on = timezone.localdate(answered_at)
        durations.setdefault(organisation_id, []).append(
            working_days_between(timezone.localdate(asked_at), answered_on)
        )
        on_time[organisation_id] = on_time.get(organisation_id, 0) + (answered_on <= deadline)
    for organisation_id, entry in by_organisation.items():
        days = durations.get(organisation_id, [])
        entry.answered = len(days)
        if days:
            entry.median_working_days = float(statistics.median(days))
            entry.on_time_pct = round(100 * on_time.get(organisation_id, 0) / len(days))
    return list(by_organisation.values())


def open_requests_count(*, user: AnyUser) -> int:
    return partner_inbox(user=user, status=RequestStatus.OPEN).count()
