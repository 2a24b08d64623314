"""Synthetic demo funds for ``seed_demo``: the Voorkom Erger Potje and a year of requests.

The municipal Voorkom Erger Potje of this year (€ 25.000, at most € 500 per request and
€ 1.000 per household per year) and of last year, so that a full year of payments fits,
plus a district fund for Ondiep/Pijlsweerd that pays larger amounts after a decision of
the breakthrough table. Mandate rules: up to € 250 one approval (the fund manager; in the
district fund the team lead), above € 250 two professionals of the team, above € 1.000
also the breakthrough table.

About forty requests over the last year in every state — drafts (one still anonymous),
requested, approved and waiting for payment, paid, repaid, written off, rejected,
cancelled — tied to demo households, some to their breakthroughs and to table decisions
with an amount from the fund, most with the cost item they are expected to prevent.
Every step is taken through the services at the moment it "happened" (``time_machine``),
so the ledger is a real one and the payments are spread over the months. Texts are Dutch
data, not interface text. IBANs are synthetic (valid check digits, fictional accounts).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import time_machine
from django.utils import timezone, translation
from stdnum import iban as stdnum_iban

from doorbraak.accounts.models import District, Municipality, Role, User
from doorbraak.accounts.selectors import active_memberships
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.funds import services
from doorbraak.funds.models import (
    ApproverRole,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.households.models import Household, HouseholdStatus
from doorbraak.tables.models import TableDecision, TableOutcome

FUND_NAME = "Voorkom Erger Potje"
DISTRICT_FUND_NAME = "Wijkpotje Ondiep/Pijlsweerd"
DISTRICT_NAME = "Ondiep/Pijlsweerd"
BANKS = ("ABNA", "RABO", "INGB", "TRIO", "SNSB", "ASNB")


@dataclass(frozen=True)
class Story:
    summary: str
    purpose: FundPurpose
    low: int  # cents
    high: int
    payee_kind: PayeeKind
    payee_name: str
    cost_item: str = ""


STORIES = (
    Story(
        "Twee maanden huurachterstand; de verhuurder heeft een ontruimingsvonnis aangevraagd.",
        FundPurpose.RENT,
        30_000,
        50_000,
        PayeeKind.IBAN,
        "Woonstichting De Linde (fictief)",
        "huisuitzetting-corporatie",
    ),
    Story(
        "Achterstand bij de energieleverancier; afsluiting is aangekondigd voor volgende week.",
        FundPurpose.ENERGY,
        12_000,
        40_000,
        PayeeKind.IBAN,
        "Energie Vecht (fictief)",
        "schuldhulpverlening-traject",
    ),
    Story(
        "CJIB-boete met verhoging; zonder betaling volgt beslag en komt het werk in gevaar.",
        FundPurpose.DEBT,
        9_000,
        25_000,
        PayeeKind.IBAN,
        "Centraal Justitieel Incassobureau",
        "cjib-verhoging-boete-100",
    ),
    Story(
        "Openstaande zorgnota en eigen risico; de zorgverzekeraar dreigt met incasso.",
        FundPurpose.HEALTH,
        10_000,
        38_500,
        PayeeKind.IBAN,
        "Zorgverzekeraar Midden (fictief)",
    ),
    Story(
        "Reistegoed voor de eerste maand bij een nieuwe werkgever, tot het eerste salaris.",
        FundPurpose.TRANSPORT,
        7_500,
        15_000,
        PayeeKind.VOUCHER,
        "Reistegoed OV (voucher)",
        "bijstand-alleenstaande",
    ),
    Story(
        "Een tweedehands fiets met slot om de stageplek te kunnen halen.",
        FundPurpose.EDUCATION,
        9_000,
        20_000,
        PayeeKind.IN_KIND,
        "Kringloop Demostad (fictief)",
    ),
    Story(
        "Schoolreis en schoolspullen, zodat de kinderen gewoon mee kunnen doen.",
        FundPurpose.CHILDREN,
        5_000,
        15_000,
        PayeeKind.IBAN,
        "Basisschool De Regenboog (fictief)",
        "jeugdhulp-client",
    ),
    Story(
        "Boodschappen voor twee weken in afwachting van de eerste uitkering.",
        FundPurpose.BASIC_NEEDS,
        7_500,
        15_000,
        PayeeKind.VOUCHER,
        "Boodschappenbon (voucher)",
    ),
    Story(
        "Werkkleding en veiligheidsschoenen voor de start bij een nieuwe werkgever.",
        FundPurpose.WORK,
        10_000,
        20_000,
        PayeeKind.IN_KIND,
        "Werkkleding Demostad (fictief)",
        "bijstand-alleenstaande",
    ),
)

# What happens to each request, and how many days ago its last step took place.
PAID_DAYS_AGO = (352, 335, 318, 300, 283, 266, 248, 231, 214, 196, 179, 162, 144, 127, 110, 92)
PAID_DAYS_AGO_2 = (75, 58, 40, 22)
PLAN: tuple[tuple[str, int], ...] = (
    *((FundRequestStatus.PAID.value, d) for d in PAID_DAYS_AGO + PAID_DAYS_AGO_2),
    (FundRequestStatus.REPAID.value, 290),
    (FundRequestStatus.REPAID.value, 140),
    (FundRequestStatus.WRITTEN_OFF.value, 240),
    (FundRequestStatus.WRITTEN_OFF.value, 95),
    (FundRequestStatus.REJECTED.value, 275),
    (FundRequestStatus.REJECTED.value, 165),
    (FundRequestStatus.REJECTED.value, 33),
    ("cancelled-draft", 205),
    ("cancelled-requested", 118),
    ("cancelled-approved", 52),
    (FundRequestStatus.APPROVED.value, 9),
    (FundRequestStatus.APPROVED.value, 5),
    (FundRequestStatus.APPROVED.value, 2),
    (FundRequestStatus.REQUESTED.value, 6),
    ("requested-half", 3),
    (FundRequestStatus.REQUESTED.value, 1),
    (FundRequestStatus.DRAFT.value, 4),
    ("draft-anonymous", 2),
    (FundRequestStatus.DRAFT.value, 1),
)
REJECTIONS = (
    "Er is een voorliggende voorziening: de bijzondere bijstand vergoedt dit.",
    "De corporatie heeft al een betalingsregeling aangeboden; eerst die route.",
    "Het bedrag past niet bij het doel van het potje; bespreek het in het team.",
)
TEAM_ROLES = (Role.PROFESSIONAL, Role.TEAM_LEAD)


def demo_iban(rng: random.Random) -> str:
    """A synthetic Dutch IBAN with valid check digits (a fictional account)."""
    while True:
        bank = rng.choice(BANKS)
        account = f"{rng.randrange(10**9, 10**10):010d}"
        bban = bank + account
        candidate = "NL" + stdnum_iban.calc_check_digits("NL00" + bban) + bban
        if stdnum_iban.is_valid(candidate):
            return candidate


def seed_funds(*, municipality: Municipality, seed: int = 2026) -> int:
    """Create the demo funds and their requests; returns the number of requests created.

    Skipped (returns 0) when the municipality already has a fund, has no fund manager or
    no households to ask for, so a second ``seed_demo`` changes nothing.
    """
    if Fund.objects.filter(municipality=municipality).exists():
        return 0
    with translation.override("nl"):
        seeder = _FundSeeder(municipality, random.Random(seed))  # noqa: S311 - demo data
        if seeder.manager is None or not seeder.households:
            return 0
        return seeder.run()


class _FundSeeder:
    def __init__(self, municipality: Municipality, rng: random.Random) -> None:
        self.municipality = municipality
        self.rng = rng
        self.today = timezone.localdate()
        self.tick = 0
        # Users with their memberships cached now: the services ask for memberships "in
        # force today", and "today" moves back in time while the demo is written.
        self.users: dict[int, User] = {}
        for user in (
            User.objects.filter(memberships__municipality=municipality).distinct().order_by("pk")
        ):
            active_memberships(user)
            self.users[user.pk] = user
        self.manager = next(
            (
                u
                for u in self.users.values()
                if any(
                    m.role == Role.FUND_MANAGER and m.municipality_id == municipality.pk
                    for m in active_memberships(u)
                )
            ),
            None,
        )
        self.team_members: dict[int, list[User]] = {}
        self.leads: dict[int, User] = {}
        for user in self.users.values():
            for m in active_memberships(user):
                if m.team_id is None or m.role not in TEAM_ROLES:
                    continue
                self.team_members.setdefault(m.team_id, []).append(user)
                if m.role == Role.TEAM_LEAD:
                    self.leads.setdefault(m.team_id, user)
        households = (
            Household.objects.filter(municipality=municipality, status=HouseholdStatus.ACTIVE)
            .filter(coordinator_assignments__ended_at__isnull=True)
            .values_list("pk", "coordinator_assignments__coordinator_id")
            .order_by("pk")
        )
        coordinator_of = dict(households)
        self.households = [
            h
            for h in Household.objects.filter(pk__in=coordinator_of).order_by("pk")
            if coordinator_of[h.pk] in self.users
            and self.users[coordinator_of[h.pk]] in self.team_members.get(h.team_id, [])
        ]
        self.coordinator_of = coordinator_of
        self.rng.shuffle(self.households)
        self.used: set[int] = set()
        self.district = District.objects.filter(
            municipality=municipality, name=DISTRICT_NAME
        ).first()
        self.cost_items: dict[str, CostItem] = {}
        for item in CostItem.objects.filter(municipality__isnull=True).order_by("valid_year"):
            self.cost_items[item.code] = item  # the latest year wins
        # Teams that work in the district of the district fund and have a team lead.
        self.district_teams: set[int] = (
            {pk for pk in self.leads if self.district.teams.filter(pk=pk).exists()}
            if self.district is not None
            else set()
        )
        self.funds: dict[int, Fund] = {}
        self.district_fund: Fund | None = None
        self.created = 0

    # --- time ---------------------------------------------------------------------------------
    @contextmanager
    def at(self, day: datetime.date) -> Iterator[None]:
        """Run the services at 10:00 + a few minutes per step on ``day`` (never in the future)."""
        self.tick += 1
        moment = timezone.make_aware(
            datetime.datetime.combine(min(day, self.today), datetime.time(10, 0))
        ) + datetime.timedelta(minutes=(self.tick % 30) * 13)
        moment = min(moment, timezone.now())
        with time_machine.travel(moment, tick=False):
            yield

    def _ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    # --- funds --------------------------------------------------------------------------------
    def _rules(self, fund: Fund, small_role: ApproverRole) -> None:
        assert self.manager is not None
        start = datetime.date(fund.year, 1, 1)
        for low, high, count, role, table in (
            (0, 25_000, 1, small_role, False),
            (25_001, 100_000, 2, ApproverRole.PROFESSIONAL, False),
            (100_001, None, 2, ApproverRole.PROFESSIONAL, True),
        ):
            services.mandate_rule_add(
                actor=self.manager,
                fund=fund,
                min_amount_cents=low,
                max_amount_cents=high,
                approvals_required=count,
                approver_role=role,
                needs_table=table,
                valid_from=start,
            )

    def _funds(self) -> None:
        assert self.manager is not None
        purposes = [p for p in FundPurpose.values if p != FundPurpose.OTHER]
        for year, budget in ((self.today.year - 1, 2_000_000), (self.today.year, 2_500_000)):
            with self.at(max(datetime.date(year, 1, 2), self._ago(400))):
                fund = services.fund_create(
                    actor=self.manager,
                    municipality=self.municipality,
                    name=FUND_NAME,
                    year=year,
                    budget_cents=budget,
                    cap_per_request_cents=50_000,
                    cap_per_household_year_cents=100_000,
                    purposes=purposes,
                )
                self._rules(fund, ApproverRole.FUND_MANAGER)
            self.funds[year] = fund
        if self.district is not None:
            with self.at(datetime.date(self.today.year, 1, 2)):
                self.district_fund = services.fund_create(
                    actor=self.manager,
                    municipality=self.municipality,
                    district=self.district,
                    name=DISTRICT_FUND_NAME,
                    year=self.today.year,
                    budget_cents=1_000_000,
                    cap_per_request_cents=250_000,
                    cap_per_household_year_cents=300_000,
                )
                self._rules(self.district_fund, ApproverRole.TEAM_LEAD)

    # --- choosing -----------------------------------------------------------------------------
    def _household(
        self, *, before: datetime.date, team_size: int = 1, teams: set[int] | None = None
    ) -> Household | None:
        fitting = [
            h
            for h in self.households
            if h.pk not in self.used
            and len(self.team_members.get(h.team_id, [])) >= team_size
            and (teams is None or h.team_id in teams)
        ]
        opened = [h for h in fitting if h.opened_on < before] or fitting
        if not opened:
            return None
        household = opened[0]
        self.used.add(household.pk)
        return household

    def _approvers(self, fund_request: FundRequest) -> list[User]:
        """Who gives the approvals the request's (copied) mandate rule needs."""
        assert self.manager is not None
        role = fund_request.approver_role
        if role == ApproverRole.FUND_MANAGER:
            return [self.manager]
        if role == ApproverRole.TEAM_LEAD:
            lead = self.leads.get(fund_request.team_id)
            return [lead] if lead is not None and lead.pk != fund_request.requested_by_id else []
        others = [
            u
            for u in self.team_members[fund_request.team_id]
            if u.pk != fund_request.requested_by_id
        ]
        return others[: fund_request.approvals_required or 1]

    def _amount(self, story: Story, cap: int) -> int:
        amount = self.rng.randrange(story.low, story.high + 1, 500)
        return min(amount - amount % 500, cap)

    # --- running ------------------------------------------------------------------------------
    def run(self) -> int:
        self._funds()
        self._table_requests()
        for index, (plan, days_ago) in enumerate(PLAN):
            self._request(index, plan, days_ago)
        return self.created

    def _request(self, index: int, plan: str, days_ago: int) -> None:
        last = self._ago(days_ago)
        story = STORIES[index % len(STORIES)]
        # The steps before the last one: drafted and submitted a week earlier.
        lead_time = {
            FundRequestStatus.DRAFT.value: 0,
            "draft-anonymous": 0,
            FundRequestStatus.REPAID.value: 47,
            FundRequestStatus.WRITTEN_OFF.value: 47,
        }
        start = last - datetime.timedelta(days=lead_time.get(plan, 7))
        big = plan == "requested-half" or (story.high > 25_000 and index % 2 == 0)
        fund = self.funds.get(start.year) or self.funds[self.today.year]
        household = None
        if (
            self.district_fund is not None
            and start.year == self.district_fund.year
            and index % 4 == 1
            and self.district_teams
        ):
            household = self._household(
                before=start, team_size=3 if big else 1, teams=self.district_teams
            )
            fund = self.district_fund if household is not None else fund
        household = household or self._household(before=start, team_size=3 if big else 1)
        if household is None:
            return
        members = self.team_members[household.team_id]
        requester = self.users.get(self.coordinator_of[household.pk], members[0])
        amount = self._amount(story, 50_000 if big else 25_000)
        if plan == "requested-half":
            amount = max(amount, 30_000)
        # A request names only its own household's breakthrough, and an anonymous draft
        # none (it would name the household).
        breakthrough = (
            Breakthrough.objects.filter(household=household).order_by("pk").first()
            if index % 3 == 0 and plan != "draft-anonymous"
            else None
        )
        rng = self.rng
        with self.at(start - datetime.timedelta(days=1)):
            fund_request = services.fund_request_draft(
                actor=requester,
                fund=fund,
                summary=story.summary,
                amount_cents=amount,
                purpose=story.purpose,
                payee_kind=story.payee_kind,
                payee_name=story.payee_name,
                iban=demo_iban(rng) if story.payee_kind == PayeeKind.IBAN else "",
                household=None if plan == "draft-anonymous" else household,
                breakthrough=breakthrough,
                prevents_cost_item=self.cost_items.get(story.cost_item),
            )
        self.created += 1
        if plan == "draft-anonymous":
            self.used.discard(household.pk)
            return
        if plan == FundRequestStatus.DRAFT:
            return
        if plan == "cancelled-draft":
            with self.at(last):
                services.fund_request_cancel(
                    actor=requester, fund_request=fund_request, reason="Toch niet nodig."
                )
            return
        with self.at(start):
            fund_request = services.fund_request_submit(actor=requester, fund_request=fund_request)
        self._after_submit(fund_request, plan, start, last)

    def _after_submit(
        self, fund_request: FundRequest, plan: str, start: datetime.date, last: datetime.date
    ) -> None:
        assert self.manager is not None
        if plan == FundRequestStatus.REQUESTED:
            return
        if plan == "cancelled-requested":
            with self.at(last):
                services.fund_request_cancel(
                    actor=fund_request.requested_by,
                    fund_request=fund_request,
                    reason="Het huishouden heeft zelf een regeling getroffen.",
                )
            return
        if plan == FundRequestStatus.REJECTED:
            with self.at(last):
                services.fund_request_reject(
                    actor=self.manager,
                    fund_request=fund_request,
                    reason=REJECTIONS[self.tick % len(REJECTIONS)],
                )
            return
        approvers = self._approvers(fund_request)
        if plan == "requested-half":
            approvers = approvers[:1]
        for number, approver in enumerate(approvers, start=1):
            approve_day = min(start + datetime.timedelta(days=number), last)
            with self.at(approve_day):
                fund_request = services.fund_request_approve(
                    actor=approver, fund_request=fund_request, note="Akkoord."
                )
        if plan in (FundRequestStatus.APPROVED, "requested-half"):
            return
        if fund_request.status != FundRequestStatus.APPROVED:  # pragma: no cover - no approvers
            return
        if plan == "cancelled-approved":
            with self.at(last):
                services.fund_request_cancel(
                    actor=self.manager,
                    fund_request=fund_request,
                    reason="De verhuurder heeft de achterstand kwijtgescholden.",
                )
            return
        paid_on = last if plan == FundRequestStatus.PAID else start + datetime.timedelta(days=5)
        with self.at(paid_on):
            fund_request = services.fund_request_pay(
                actor=self.manager,
                fund_request=fund_request,
                payment_reference=f"VEP-{paid_on:%Y%m}-{fund_request.pk:04d}",
                paid_on=min(paid_on, self.today),
            )
        if plan == FundRequestStatus.REPAID:
            with self.at(last):
                services.fund_request_repay(
                    actor=self.manager,
                    fund_request=fund_request,
                    amount_cents=fund_request.amount_cents // 2
                    - fund_request.amount_cents // 2 % 100,
                    note="De verhuurder heeft de dubbel betaalde huur teruggestort.",
                )
        elif plan == FundRequestStatus.WRITTEN_OFF:
            with self.at(last):
                services.fund_request_write_off(
                    actor=self.manager,
                    fund_request=fund_request,
                    note="Terugbetaling afgesproken, maar het huishouden kan dit niet dragen.",
                )

    # --- decisions of the breakthrough table ----------------------------------------------------
    def _table_requests(self) -> None:
        """A request for the money the breakthrough table granted, a few days after it."""
        decisions = (
            TableDecision.objects.filter(
                outcome=TableOutcome.APPROVED,
                fund_amount_cents__isnull=False,
                item__breakthrough__household__municipality=self.municipality,
                corrections__isnull=True,
            )
            .select_related("item__breakthrough__household__team")
            .order_by("decided_at", "pk")
        )
        done = 0
        for decision in decisions:
            if done >= 3:
                return
            breakthrough = decision.item.breakthrough
            if breakthrough is None or decision.fund_amount_cents is None:
                continue
            household = breakthrough.household
            if household.pk in self.used or household.status != HouseholdStatus.ACTIVE:
                continue
            members = self.team_members.get(household.team_id, [])
            requester = self.users.get(self.coordinator_of.get(household.pk, 0) or 0)
            if requester is None or requester not in members or len(members) < 3:
                continue
            amount = decision.fund_amount_cents
            day = timezone.localdate(decision.decided_at) + datetime.timedelta(days=2)
            if amount > 50_000:
                fund = self.district_fund
                if fund is None or day.year != fund.year or household.team_id not in self.leads:
                    continue
                if (
                    fund.district_id is None
                    or not household.team.districts.filter(pk=fund.district_id).exists()
                ):
                    continue
            else:
                fund = self.funds.get(day.year)
            if fund is None or day > self.today:
                continue
            self.used.add(household.pk)
            with self.at(day):
                fund_request = services.fund_request_draft(
                    actor=requester,
                    fund=fund,
                    summary=decision.fund_purpose or "Besluit van de doorbraaktafel.",
                    amount_cents=amount,
                    purpose=FundPurpose.OTHER if not fund.purposes else FundPurpose.BASIC_NEEDS,
                    payee_kind=PayeeKind.IBAN,
                    payee_name="Begunstigde volgens tafelbesluit",
                    iban=demo_iban(self.rng),
                    household=household,
                    breakthrough=breakthrough,
                    table_decision_ref=str(decision.pk),
                    prevents_cost_item=self.cost_items.get("huisuitzetting-corporatie"),
                )
                fund_request = services.fund_request_submit(
                    actor=requester, fund_request=fund_request
                )
            self.created += 1
            done += 1
            last = min(day + datetime.timedelta(days=10), self.today)
            plan = (
                FundRequestStatus.PAID.value
                if last < self.today - datetime.timedelta(days=3)
                else FundRequestStatus.APPROVED.value
            )
            self._after_submit(fund_request, plan, day, last)
