"""Reads of funds, balances, requests and spending, scoped to the reader.

Objects out of reach are 404 (``get_object_or_404`` on the ``visible_to`` queryset). Lists
never carry the IBAN; a detail read of a request tied to a household is written to the
processing log. Spending figures are aggregates without personal data.

"Spend" is money paid out (gross, the request amounts of paid, repaid and written-off
requests, by payment date); the balances come from the ledger.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.selectors import AnyUser, active_memberships, municipality_ids_of
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.funds import ledger, policies
from doorbraak.funds.models import (
    PAID_STATUSES,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    MandateRule,
    fund_scopes,
)
from doorbraak.funds.processing import log_fund_request
from doorbraak.households.models import Household, HouseholdStatus, Member, team_scope
from doorbraak.households.selectors import POSTCODE_LENGTH
from doorbraak.lib.prepared import PreparedObjects

#: At most this many households answer the search of a request form.
HOUSEHOLD_HITS = 20


# --- funds ------------------------------------------------------------------------------------
def fund_list(*, user: AnyUser, year: int | None = None) -> QuerySet[Fund]:
    funds = Fund.objects.visible_to(user).select_related("municipality", "district", "team")
    if year is not None:
        funds = funds.filter(year=year)
    return funds.order_by("-year", "name")


@functools.lru_cache(maxsize=4)
def open_funds_read(year: int) -> PreparedObjects:
    """The active funds of ``year`` and later, of the scopes given (``Fund.objects.of_scopes``),
    in the order of :func:`fund_list`, compiled once per year and number of ids (a year is
    a ``smallint``, which no prepared marker can stand for: it is a constant of the plan)."""
    return PreparedObjects(
        lambda **scopes: (
            Fund.objects.of_scopes(**scopes)
            .filter(active=True, year__gte=year)
            .order_by("-year", "name")
        )
    )


def open_funds(*, user: AnyUser) -> list[Fund]:
    """The funds the user works with that are open for requests: active, of this year or
    later (last year's potje is closed for new requests). What ``fund_list(user=user)``
    gives of them without its joins, read with SQL compiled once per shape; the view still
    asks ``policies.can_request`` of each."""
    if not user.is_authenticated:
        return []
    objects: list[Fund] = open_funds_read(timezone.localdate().year).objects(**fund_scopes(user))
    return objects


def fund_get(*, user: AnyUser, pk: int) -> Fund:
    """The fund, or 404 when the user does not work with it."""
    return get_object_or_404(fund_list(user=user), pk=pk)


def fund_balances(*, fund: Fund) -> ledger.Balances:
    """Budget, committed, paid (net of repayments), repaid and available, from the ledger."""
    return ledger.balances(fund)


def fund_balances_of(*, funds: list[Fund]) -> dict[int, ledger.Balances]:
    """The balances of every fund of a list, in one query."""
    return ledger.balances_of(funds)


# --- what a request form offers -----------------------------------------------------------------
def team_ids_of(user: AnyUser) -> set[int]:
    """The teams in which the user drafts requests (professional or team lead)."""
    return {
        m.team_id
        for m in active_memberships(user)
        if m.team_id is not None and m.role in policies.TEAM_ROLES
    }


def _requestable(scope: Collection[int], teams: Collection[int]) -> QuerySet[Household]:
    """``requestable_households`` for a user whose teams in scope are ``scope`` and whose
    teams that draft requests are ``teams`` (written with the ids alone, for a query
    compiled once: lib/prepared.py)."""
    return (
        Household.objects.of_teams(scope)
        .filter(team_id__in=teams, status=HouseholdStatus.ACTIVE)
        .select_related("municipality")
        .order_by("name", "pk")
    )


def requestable_households(*, user: AnyUser, team_id: int | None = None) -> QuerySet[Household]:
    """The open households of the user's own team(s) (or of ``team_id``, when it is one of
    them), by name: any of them may be chosen on a request form. The form validates a
    POST against this queryset (one lookup by primary key); it never lists it whole."""
    teams = team_ids_of(user) if team_id is None else {team_id} & team_ids_of(user)
    return _requestable(team_scope(user), teams)


#: ``requestable_households(...).filter(public_id=...).first()``, compiled once per number
#: of teams (lib/prepared.py).
REQUESTABLE_HOUSEHOLD = PreparedObjects(
    lambda *, scope, teams, public_id: _requestable(scope, teams).filter(public_id=public_id)[:1]
)


def requestable_household(*, user: AnyUser, public_id: uuid.UUID) -> Household | None:
    """The household of ``requestable_households(user=user)`` whose public id is
    ``public_id`` (with its municipality), or None: what a request form is opened from."""
    found = REQUESTABLE_HOUSEHOLD.objects(
        scope=tuple(team_scope(user)), teams=tuple(sorted(team_ids_of(user))), public_id=public_id
    )
    return found[0] if found else None


#: What the request form shows of a hit: its name in the select, its public id and
#: municipality for the processing log (``log_household_choices``).
HIT_COLUMNS = ("id", "public_id", "municipality_id", "name")


def _hits_query(
    *, scope: tuple[int, ...], teams: tuple[int, ...], text: str, postcode: str = ""
) -> QuerySet[Household]:
    """The hits of ``household_search(query=text, status=ACTIVE)`` among the households of
    ``teams``, for a user whose teams in scope are ``scope``: its matching (name, street,
    postcode when ``postcode``, the upper-cased text, is given, a member's surname) and its
    order, with the access rules of ``Household.objects.of_teams`` and
    ``Member.objects.of_teams``. The hits' ids first, then their rows: the ids are tested
    off the index of the team's households, which carries the name, street, postcode and
    status (households/0016), without reading each household's row; only the hits' rows
    are read then, and of those only what the form shows (``HIT_COLUMNS``)."""
    members = Member.objects.of_teams(scope).filter(last_name__icontains=text)
    matches = Q(name__icontains=text) | Q(street__icontains=text)
    if postcode:
        matches |= Q(postcode__icontains=postcode)
    found = (
        Household.objects.of_teams(scope)
        .filter(matches | Q(pk__in=members.values("household")))
        .filter(status=HouseholdStatus.ACTIVE)
        .order_by("name", "pk")
        .filter(team_id__in=teams)
    )
    hits = found.values("pk")[:HOUSEHOLD_HITS]
    return Household.objects.filter(pk__in=hits).only(*HIT_COLUMNS).order_by("name", "pk")


#: ``_hits_query`` compiled once per number of teams and kind of term (lib/prepared.py).
HITS = PreparedObjects(_hits_query)


def requestable_household_hits(
    *, user: AnyUser, query: str, team_id: int | None = None
) -> list[Household]:
    """The first ``HOUSEHOLD_HITS`` open households of the user's team(s) that the search
    of the household list finds for ``query`` (same matching: name, street, postcode,
    members' surnames), by name, with only ``HIT_COLUMNS`` loaded. Empty for an empty
    query."""
    text = query.strip()
    if not text:
        return []
    scope = tuple(team_scope(user))
    teams = tuple(sorted(team_ids_of(user) if team_id is None else {team_id} & team_ids_of(user)))
    if not scope or not teams:
        return []  # household_search finds nothing outside the user's teams
    # A postcode holds at most POSTCODE_LENGTH characters: a longer term is not compared
    # with the households' postcodes (as household_search does).
    postcode = text.upper()
    if len(postcode) <= POSTCODE_LENGTH:
        return HITS.objects(scope=scope, teams=teams, text=text, postcode=postcode)
    return HITS.objects(scope=scope, teams=teams, text=text)


def _linkable(scope: Collection[int], teams: Collection[int]) -> QuerySet[Breakthrough]:
    """``linkable_breakthroughs`` for a user whose teams in scope are ``scope`` and whose
    teams that draft requests are ``teams`` (written with the ids alone)."""
    return (
        Breakthrough.objects.of_teams(scope)
        .filter(team_id__in=teams)
        .order_by("-created_at", "-pk")
    )


def linkable_breakthroughs(*, user: AnyUser) -> QuerySet[Breakthrough]:
    """The breakthroughs of the user's own team(s) a request may name; the service further
    requires the request's household's own (never listed whole)."""
    return _linkable(team_scope(user), team_ids_of(user))


#: ``linkable_breakthroughs(...).filter(household_id=...)``, compiled once per number of
#: teams (lib/prepared.py).
HOUSEHOLD_BREAKTHROUGHS = PreparedObjects(
    lambda *, scope, teams, household: _linkable(scope, teams).filter(household_id=household)
)


def breakthroughs_of_household(*, user: AnyUser, household_id: int | None) -> list[Breakthrough]:
    """What a request form offers for its household: that household's breakthroughs."""
    if household_id is None:
        return []
    return HOUSEHOLD_BREAKTHROUGHS.objects(
        scope=tuple(team_scope(user)),
        teams=tuple(sorted(team_ids_of(user))),
        household=household_id,
    )


def _cost_items(municipalities: Collection[int]) -> QuerySet[CostItem]:
    return CostItem.objects.of_municipalities(municipalities).order_by("name", "-valid_year", "pk")


def cost_items(*, user: AnyUser) -> QuerySet[CostItem]:
    """The cost items a request may say it prevents: the national ones and those of the
    user's municipalities, by name and newest year first. A form validates a POST against
    this queryset; :func:`cost_item_choices` gives the same items as a list."""
    return CostItem.objects.visible_to(user).order_by("name", "-valid_year", "pk")


#: ``cost_items(...)`` as a list, compiled once per number of municipalities (lib/prepared.py).
COST_ITEMS = PreparedObjects(lambda *, municipalities: _cost_items(municipalities))


def cost_item_choices(*, user: AnyUser) -> list[CostItem]:
    """What :func:`cost_items` gives, read into a list (what a request form's select shows)."""
    if not user.is_authenticated:
        return []
    return COST_ITEMS.objects(municipalities=tuple(sorted(municipality_ids_of(user))))


def mandate_rule_list(*, fund: Fund) -> QuerySet[MandateRule]:
    return fund.mandate_rules.order_by("min_amount_cents", "-valid_from", "-pk")


# --- requests ---------------------------------------------------------------------------------
def fund_request_list(
    *,
    user: AnyUser,
    fund: Fund | None = None,
    status: str = "",
) -> QuerySet[FundRequest]:
    """Requests the user may see, without the IBAN (lists never show it)."""
    requests = (
        FundRequest.objects.visible_to(user)
        .select_related("fund", "team", "household")
        .defer("iban")
    )
    if fund is not None:
        requests = requests.filter(fund=fund)
    if status in FundRequestStatus.values:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at", "-pk")


def fund_page_requests(*, user: AnyUser, fund: Fund, limit: int) -> list[FundRequest]:
    """The ``limit`` newest requests of ``fund`` that the user may see, as
    :func:`fund_request_list` orders them, with only what the fund page's table shows
    (number, purpose, whether anonymous, team, amount, status, date; no IBAN). ``fund``
    must come from :func:`fund_get`: each request's fund is set to it, not read again."""
    requests = list(
        FundRequest.objects.visible_to(user)
        .filter(fund=fund)
        .select_related("team")
        .only(
            "pk",
            "fund_id",
            "household_id",
            "amount_cents",
            "purpose",
            "status",
            "created_at",
            "team__name",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    for fund_request in requests:
        fund_request.fund = fund
    return requests


def fund_request_get(*, user: AnyUser, pk: int) -> FundRequest:
    """The request, or 404; a read of a request tied to a household is logged."""
    fund_request = get_object_or_404(
        FundRequest.objects.visible_to(user).select_related(
            "fund__municipality",
            "team",
            "household__municipality",
            "breakthrough",
            "prevents_cost_item",
            "requested_by",
            "paid_by",
        ),
        pk=pk,
    )
    log_fund_request(actor=user, action=ProcessingAction.READ, fund_request=fund_request)
    return fund_request


@dataclass(frozen=True)
class PaymentDetails:
    """What a fund manager sees of a request to pay it: no household details."""

    request_id: int
    amount_cents: int
    purpose: str
    payee_kind: str
    payee_name: str
    iban: str
    status: str


def fund_request_payment_details(*, user: AnyUser, fund_request: FundRequest) -> PaymentDetails:
    """The minimum personal data needed to pay; the IBAN only for the fund manager."""
    show_iban = policies.is_fund_manager(user, fund_request.fund)
    return PaymentDetails(
        request_id=fund_request.pk,
        amount_cents=fund_request.amount_cents,
        purpose=str(fund_request.get_purpose_display()),
        payee_kind=fund_request.payee_kind,
        payee_name=fund_request.payee_name,
        iban=fund_request.iban if show_iban else fund_request.masked_iban,
        status=fund_request.status,
    )


def approvals_of(fund_request: FundRequest) -> list[str]:
    """Names of those who approved, in order."""
    return [
        str(a.approver) for a in fund_request.approvals.select_related("approver").order_by("pk")
    ]


# --- spending (aggregates, no personal data) --------------------------------------------------
def _paid(user: AnyUser, fund: Fund | None) -> QuerySet[FundRequest]:
    requests = FundRequest.objects.filter(
        fund__in=Fund.objects.visible_to(user), status__in=PAID_STATUSES
    )
    if fund is not None:
        requests = requests.filter(fund=fund)
    return requests


@dataclass(frozen=True)
class SpendLine:
    key: str
    label: str
    total_cents: int
    count: int


def spend_by_purpose(*, user: AnyUser, fund: Fund | None = None) -> list[SpendLine]:
    rows = (
        _paid(user, fund)
        .values("purpose")
        .annotate(total=Sum("amount_cents"), count=Count("pk"))
        .order_by("-total", "purpose")
    )
    labels = dict(FundPurpose.choices)
    return [
        SpendLine(
            key=row["purpose"],
            label=str(labels.get(row["purpose"], row["purpose"])),
            total_cents=int(row["total"] or 0),
            count=row["count"],
        )
        for row in rows
    ]


def spend_by_district(*, user: AnyUser, fund: Fund | None = None) -> list[SpendLine]:
    rows = (
        _paid(user, fund)
        .values("household__district_id", "household__district__name")
        .annotate(total=Sum("amount_cents"), count=Count("pk"))
        .order_by("-total", "household__district__name")
    )
    return [
        SpendLine(
            key=str(row["household__district_id"] or ""),
            label=row["household__district__name"] or "–",
            total_cents=int(row["total"] or 0),
            count=row["count"],
        )
        for row in rows
    ]


def spend_by_month(*, user: AnyUser, fund: Fund | None = None) -> list[SpendLine]:
    rows = (
        _paid(user, fund)
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("amount_cents"), count=Count("pk"))
        .order_by("month")
    )
    lines = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        key = month.strftime("%Y-%m") if month else ""
        lines.append(
            SpendLine(key=key, label=key, total_cents=int(row["total"] or 0), count=row["count"])
        )
    return lines


@dataclass(frozen=True)
class HouseholdAverage:
    households: int
    total_cents: int

    @property
    def average_cents(self) -> int:
        return round(self.total_cents / self.households) if self.households else 0


def average_per_household(*, user: AnyUser, fund: Fund | None = None) -> HouseholdAverage:
    result = _paid(user, fund).aggregate(
        total=Sum("amount_cents"), households=Count("household", distinct=True)
    )
    return HouseholdAverage(
        households=int(result["households"] or 0), total_cents=int(result["total"] or 0)
    )


@dataclass(frozen=True)
class Prevented:
    """What the paid requests were expected to prevent, by the cost catalogue's figures."""

    requests: int
    paid_cents: int
    prevented_cents: int


def prevented(*, user: AnyUser, fund: Fund | None = None) -> Prevented:
    linked = _paid(user, fund).filter(prevents_cost_item__isnull=False)
    result = linked.aggregate(
        count=Count("pk"),
        paid=Sum("amount_cents"),
        prevented=Sum("prevents_cost_item__amount_cents"),
    )
    return Prevented(
        requests=int(result["count"] or 0),
        paid_cents=int(result["paid"] or 0),
        prevented_cents=int(result["prevented"] or 0),
    )


@dataclass(frozen=True)
class FundSpending:
    """The spending figures of one fund, as the five functions above give them."""

    by_purpose: list[SpendLine]
    by_district: list[SpendLine]
    by_month: list[SpendLine]
    average: HouseholdAverage
    prevented: Prevented


def fund_spending(*, fund: Fund) -> FundSpending:
    """What :func:`spend_by_purpose`, :func:`spend_by_district`, :func:`spend_by_month`,
    :func:`average_per_household` and :func:`prevented` give for ``fund``, in one query.

    ``fund`` must come from :func:`fund_get` (a fund the user works with): the five
    functions' "funds visible to the user" is then that fund alone, so it is not asked
    again. The paid requests are grouped by purpose, district and month at once (a few
    hundred groups at most: a fund's purposes × its districts × twelve months), and the
    three lists are summed from those groups; the number of distinct households comes
    along as one subquery, the same in every group. The lists are ordered as the five
    functions' queries order them on PostgreSQL (an empty district or month last).
    """
    paid_requests = FundRequest.objects.filter(fund_id=fund.pk, status__in=PAID_STATUSES)
    households = (
        paid_requests.order_by()
        .values("fund_id")
        .annotate(households=Count("household", distinct=True))
        .values("households")
    )
    linked = Q(prevents_cost_item__isnull=False)
    groups = (
        paid_requests.annotate(month=TruncMonth("paid_on"))
        .values_list("purpose", "household__district_id", "household__district__name", "month")
        .annotate(
            total=Sum("amount_cents"),
            count=Count("pk"),
            linked_count=Count("pk", filter=linked),
            linked_paid=Sum("amount_cents", filter=linked),
            prevented=Sum("prevents_cost_item__amount_cents"),
            households=Subquery(households),
        )
        .order_by()
    )
    purposes: dict[str, list[int]] = {}
    districts: dict[int | None, list[int]] = {}
    district_names: dict[int | None, str | None] = {}
    months: dict[datetime.date | None, list[int]] = {}
    total = linked_count = linked_paid = prevented_cents = household_count = 0
    for purpose, district_id, district_name, month, *figures in groups:
        cents, count, group_linked, group_linked_paid, group_prevented, group_households = (
            int(value or 0) for value in figures
        )
        if isinstance(month, datetime.datetime):
            month = month.date()
        for sums, key in ((purposes, purpose), (districts, district_id), (months, month)):
            line = sums.setdefault(key, [0, 0])
            line[0] += cents
            line[1] += count
        district_names[district_id] = district_name
        total += cents
        linked_count += group_linked
        linked_paid += group_linked_paid
        prevented_cents += group_prevented
        household_count = group_households
    labels = dict(FundPurpose.choices)
    by_purpose = [
        SpendLine(key=key, label=str(labels.get(key, key)), total_cents=cents, count=count)
        for key, (cents, count) in sorted(purposes.items(), key=lambda kv: (-kv[1][0], kv[0]))
    ]
    by_district = [
        SpendLine(
            key=str(key or ""),
            label=district_names[key] or "–",
            total_cents=cents,
            count=count,
        )
        for key, (cents, count) in sorted(
            districts.items(),
            key=lambda kv: (-kv[1][0], district_names[kv[0]] is None, district_names[kv[0]] or ""),
        )
    ]
    by_month = [
        SpendLine(
            key=month.strftime("%Y-%m") if month else "",
            label=month.strftime("%Y-%m") if month else "",
            total_cents=cents,
            count=count,
        )
        for month, (cents, count) in sorted(
            months.items(), key=lambda kv: (kv[0] is None, kv[0] or datetime.date.min)
        )
    ]
    return FundSpending(
        by_purpose=by_purpose,
        by_district=by_district,
        by_month=by_month,
        average=HouseholdAverage(households=household_count, total_cents=total),
        prevented=Prevented(
            requests=linked_count, paid_cents=linked_paid, prevented_cents=prevented_cents
        ),
    )
