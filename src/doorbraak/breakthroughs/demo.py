"""Synthetic demo bottlenecks and breakthroughs for ``seed_demo``: every state, every level.

Everything goes through the services, so the timeline, the processing log, the escalation
steps and the disclosures are consistent with real use. Each step runs at the moment it
"happened" (``time_machine``), spread over the last year; open breakthroughs are timed so
some deadlines have passed and some are near. The stories come from the seeds of the
project (no benefit without an address, CJIB fines, rent arrears and eviction, the father
who had to sell his car, ...). Texts are Dutch data, not interface text. Synthetic only.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.db.models import Q
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, User
from doorbraak.accounts.selectors import active_memberships
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.demo_stories import (
    ADMIN_MANDATE,
    ANSWERS,
    BREAKTHROUGH_SHARE,
    CLARIFICATION,
    CONSENT_BASIS,
    CONTACT_PROFILES,
    ESCALATE_REASONS,
    GAPS,
    L1_MANDATE,
    LEVEL_CHANGES,
    OVERRIDE_BASIS,
    OVERRIDE_REASON,
    PLANS,
    REASONS,
    STORIES,
    TABLE_MANDATE,
    Plan,
    Story,
)
from doorbraak.breakthroughs.models import (
    DEFAULT_DEADLINE_DAYS,
    Bottleneck,
    Breakthrough,
    ContactProfile,
    DecisionOutcome,
    EscalationSettings,
    PartnerRequest,
    RequestStatus,
    Scenario,
    TimeOut,
)
from doorbraak.catalogue.selectors import cost_item_for
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    ConsentMethod,
    ConsentPurpose,
    Household,
    HouseholdStatus,
    Member,
    MemberRole,
)
from doorbraak.lib.workdays import add_working_days, is_working_day
from doorbraak.library.models import Regulation


def _working_days_back(day: datetime.date, days: int) -> datetime.date:
    while days > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def ensure_demo_settings(municipality: Municipality) -> None:
    """Escalation deadlines for the demo municipality and the contacts' mandates (idempotent)."""
    EscalationSettings.objects.get_or_create(
        municipality=municipality,
        defaults={
            "own_mandate_days": DEFAULT_DEADLINE_DAYS[1],
            "partner_days": DEFAULT_DEADLINE_DAYS[2],
            "table_days": DEFAULT_DEADLINE_DAYS[3],
            "administrative_days": DEFAULT_DEADLINE_DAYS[4],
            "reminder_days_before": 2,
        },
    )
    for username, (mandate, max_cents, phone) in CONTACT_PROFILES.items():
        membership = Membership.objects.filter(
            user__username=username, role=Role.PARTNER_CONTACT, municipality=municipality
        ).first()
        if membership is not None:
            ContactProfile.objects.get_or_create(
                membership=membership,
                defaults={"mandate": mandate, "max_amount_cents": max_cents, "phone": phone},
            )


def seed_breakthroughs(*, municipality: Municipality, count: int = 60, seed: int = 2026) -> int:
    """Create ``count`` bottlenecks, about three in four with a breakthrough.

    Skipped (returns 0) when the municipality already has bottlenecks, so a second
    ``seed_demo`` changes nothing. Returns the number of breakthroughs created.
    """
    ensure_demo_settings(municipality)
    if count <= 0 or Bottleneck.objects.filter(household__municipality=municipality).exists():
        return 0
    with translation.override("nl"):
        return _Seeder(municipality, random.Random(seed)).run(count)  # noqa: S311 - demo data


class _Seeder:
    def __init__(self, municipality: Municipality, rng: random.Random) -> None:
        self.municipality = municipality
        self.rng = rng
        self.today = timezone.localdate()
        # Users with their memberships cached now: the services ask for memberships "in
        # force today", and "today" moves back in time while the demo is written.
        self.users: dict[int, User] = {}
        for user in User.objects.filter(memberships__municipality=municipality).distinct():
            active_memberships(user)
            self.users[user.pk] = user
        by_name = {u.username: u for u in self.users.values()}
        self.contacts = {
            short: by_name[username]
            for short, username in (("UWV", "contactpersoon"), ("De Linde", "corporatie"))
            if username in by_name
        }
        self.chair = by_name.get("voorzitter")
        self.lead = by_name.get("teamleider")
        lead_team = (
            Membership.objects.filter(user=self.lead, role=Role.TEAM_LEAD)
            .values_list("team_id", flat=True)
            .first()
            if self.lead
            else None
        )
        self.lead_team_id = lead_team
        self.organisations = {
            o.short_name: o
            for o in Organisation.objects.filter(
                Q(municipality__isnull=True) | Q(municipality=municipality)
            )
        }
        # Requests go only to organisations with a fixed contact person here (issue 15.4:
        # the service refuses the others, such as the CJIB in the demo).
        answered = set(
            Membership.objects.filter(
                role=Role.PARTNER_CONTACT, municipality=municipality, user__is_active=True
            ).values_list("organisation_id", flat=True)
        )
        self.with_contact = {short for short, o in self.organisations.items() if o.pk in answered}
        self.regulations = {
            r.citation: r for r in Regulation.objects.filter(municipality__isnull=True)
        }
        self.households = list(
            Household.objects.filter(municipality=municipality, status=HouseholdStatus.ACTIVE)
            .filter(coordinator_assignments__ended_at__isnull=True)
            .order_by("pk")
        )
        self.coordinator_of = dict(
            Household.objects.filter(
                pk__in=[h.pk for h in self.households],
                coordinator_assignments__ended_at__isnull=True,
            ).values_list("pk", "coordinator_assignments__coordinator_id")
        )
        self.heads = {
            m.household_id: m
            for m in Member.objects.filter(
                household__in=self.households, role=MemberRole.HEAD, left_on__isnull=True
            )
        }
        self.households = [
            h
            for h in self.households
            if h.pk in self.heads and self.coordinator_of.get(h.pk) in self.users
        ]
        self.used: Counter[int] = Counter()
        self.tick = 0

    # --- time ---------------------------------------------------------------------------------
    @contextmanager
    def at(self, day: datetime.date) -> Iterator[None]:
        """Run the services at 09:00 + a few minutes per step on ``day`` (never in the future)."""
        self.tick += 1
        moment = timezone.make_aware(
            datetime.datetime.combine(min(day, self.today), datetime.time(9, 0))
        ) + datetime.timedelta(minutes=(self.tick % 40) * 11)
        moment = min(moment, timezone.now())
        with time_machine.travel(moment, tick=False):
            yield

    # --- choosing -----------------------------------------------------------------------------
    def _household(self, *, before: datetime.date, lead: bool) -> Household | None:
        pool = [
            h
            for h in self.households
            if (not lead or h.team_id == self.lead_team_id)
            and h.pk not in {pk for pk, n in self.used.items() if n >= 3}
        ]
        fitting = [h for h in pool if h.opened_on < before] or pool
        if not fitting:
            return None
        least = min(self.used[h.pk] for h in fitting)
        household = self.rng.choice([h for h in fitting if self.used[h.pk] == least])
        self.used[household.pk] += 1
        return household

    def _story(self, plan: Plan) -> Story:
        pool = [
            s
            for s in STORIES
            if (not plan.contact or s.partner in self.contacts)
            and (not plan.pause or s.pause)
            and s.partner in self.organisations
        ]
        return self.rng.choice(pool or list(STORIES))

    def _schedule(self, plan: Plan) -> list[datetime.date]:
        """Dates of: the bottleneck, the draft, then each step of the plan."""
        steps = [s for s in plan.steps if s not in ("draft", "complete")]
        gaps = [1]  # the draft, a working day after the bottleneck
        level = 0
        anchor = 0  # index (in gaps) of the last step that moved the level
        for index, step in enumerate(steps, start=1):
            if step == "lapse":
                gaps.append(services.deadline_days(self.municipality.pk, level) + 1)
            else:
                gaps.append(GAPS[step])
            if step in LEVEL_CHANGES:
                if step in ("ask", "ask_override"):
                    level = max(level, 2)
                elif step == "submit":
                    level = 1
                else:
                    level = min(level + 1, 4)
                anchor = index
        if plan.due and level:
            days = services.deadline_days(self.municipality.pk, level)
            back = (
                days - self.rng.choice([1, 2])
                if plan.due == "near"
                else days + self.rng.randint(2, 8)
            )
            anchor_day = _working_days_back(self.today, back)
            start = _working_days_back(anchor_day, sum(gaps[: anchor + 1]))
        else:
            last = _working_days_back(self.today, self.rng.randint(1, 150))
            start = _working_days_back(last, sum(gaps))
        days_list = [start]
        for gap in gaps:
            days_list.append(min(self.today, add_working_days(days_list[-1], gap)))
        return days_list

    # --- running ------------------------------------------------------------------------------
    def run(self, count: int) -> int:
        if not self.households:
            return 0
        with_breakthrough = round(count * BREAKTHROUGH_SHARE)
        created = 0
        for index in range(count):
            if index < with_breakthrough:
                plan = PLANS[index % len(PLANS)]
                if index >= len(PLANS) and "ask_override" in plan.steps:
                    plan = Plan(("submit", "ask"), due="passed")  # one override is enough
                if plan.lead and (self.lead is None or self.lead_team_id is None):
                    plan = Plan(plan.steps, plan.due, plan.contact, plan.pause, lead=False)
                created += self._breakthrough(plan)
            else:
                self._bare_bottleneck()
        return created

    def _bottleneck(self, household: Household, actor: User, story: Story) -> Bottleneck:
        return services.bottleneck_register(
            actor=actor,
            household=household,
            title=story.title,
            description=story.description,
            theme=story.theme,
            kind=story.kind,
            blocked_solution=story.blocked,
            regulations=[self.regulations[c] for c in story.citations if c in self.regulations],
            organisations=[
                self.organisations[o] for o in story.organisations if o in self.organisations
            ],
        )

    def _bare_bottleneck(self) -> None:
        story = self.rng.choice(STORIES)
        day = _working_days_back(self.today, self.rng.randint(3, 220))
        household = self._household(before=day, lead=False)
        if household is None:
            return
        actor = self.users[self.coordinator_of[household.pk]]
        with self.at(day):
            self._bottleneck(household, actor, story)

    def _triangle(self, breakthrough: Breakthrough, actor: User, story: Story, full: bool) -> None:
        """Fill the value triangle; ``full=False`` leaves a random part of it open."""
        parts = {"legitimacy", "return", "engagement"}
        if not full:
            parts -= set(self.rng.sample(sorted(parts), k=self.rng.randint(1, 3)))
        services.breakthrough_update(
            actor=actor,
            breakthrough=breakthrough,
            title=story.bt_title,
            proposal=story.proposal,
            regulation=self.regulations.get(story.basis) if "legitimacy" in parts else None,
            legal_reasoning=story.reasoning if "legitimacy" in parts else "",
            horizon_months=story.horizon,
            direct_cost_cents=story.direct_cost_cents if "return" in parts else 0,
            direct_cost_payer=story.payer,
            engagement=story.engagement if "engagement" in parts else "",
            household_commitment=story.commitment if "engagement" in parts else "",
        )
        if "return" not in parts:
            return
        lines = [(Scenario.STATUS_QUO, line) for line in story.status_quo] + [
            (Scenario.BREAKTHROUGH, line) for line in story.with_breakthrough
        ]
        for scenario, line in lines:
            item = cost_item_for(code=line.code, municipality=self.municipality, on=self.today)
            if item is None:
                continue
            services.scenario_line_add(
                actor=actor,
                breakthrough=breakthrough,
                scenario=scenario,
                cost_item=item,
                quantity=line.quantity,
                probability_pct=line.probability,
                note=line.note,
            )
        for own in story.own_with_breakthrough:
            services.scenario_own_line_add(
                actor=actor,
                breakthrough=breakthrough,
                scenario=Scenario.BREAKTHROUGH,
                description=own.description,
                amount_cents=own.amount_cents,
                payer=own.payer,
                unit=own.unit,
                quantity=own.quantity,
                probability_pct=100,
                source=own.source,
            )

    def _consent(self, household: Household, actor: User, organisation: Organisation) -> None:
        if services.active_consent(
            household=household,
            organisation=organisation,
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        ):
            return
        household_services.consent_give(
            actor=actor,
            household=household,
            given_by=self.heads[household.pk],
            purpose=ConsentPurpose.SHARE_WITH_PARTNER,
            recipient=organisation,
            method=self.rng.choice([ConsentMethod.VERBAL, ConsentMethod.WRITTEN]),
            given_on=timezone.localdate(),
        )

    def _breakthrough(self, plan: Plan) -> int:
        story = self._story(plan)
        days = self._schedule(plan)
        household = self._household(before=days[0], lead=plan.lead)
        if household is None:
            return 0
        actor = self.users[self.coordinator_of[household.pk]]
        partner = self.organisations[story.partner]
        with self.at(days[0]):
            bottleneck = self._bottleneck(household, actor, story)
        with self.at(days[1]):
            breakthrough = services.breakthrough_start(
                actor=actor, bottleneck=bottleneck, title=story.bt_title, proposal=story.proposal
            )
            complete = plan.steps != ("draft",)
            self._triangle(breakthrough, actor, story, full=complete)
        steps = [s for s in plan.steps if s not in ("draft", "complete")]
        request: PartnerRequest | None = None
        for step, day in zip(steps, days[2:], strict=True):
            with self.at(day):
                request = self._step(step, story, household, actor, breakthrough, partner, request)
            breakthrough.refresh_from_db()
        return 1

    def _answered(self, partner: Organisation) -> Organisation:
        """``partner``, or an organisation with a fixed contact person when it has none
        (issue 15.4: a request nobody would answer is refused, e.g. the CJIB's)."""
        if partner.short_name in self.with_contact or not self.with_contact:
            return partner
        return self.organisations[min(self.with_contact)]

    def _step(
        self,
        step: str,
        story: Story,
        household: Household,
        actor: User,
        breakthrough: Breakthrough,
        partner: Organisation,
        request: PartnerRequest | None,
    ) -> PartnerRequest | None:
        contact = self.contacts.get(story.partner)
        if step == "submit":
            services.breakthrough_submit(actor=actor, breakthrough=breakthrough)
        elif step == "ask":
            asked = self._answered(partner)
            self._consent(household, actor, asked)
            return services.partner_request_send(
                actor=actor,
                breakthrough=breakthrough,
                organisation=asked,
                question=story.question,
                legal_basis=CONSENT_BASIS,
            )
        elif step == "ask_override":
            assert self.lead is not None
            organisation = next(
                (
                    o
                    for o in [partner, *self.organisations.values()]
                    if o.municipality_id is None
                    and o.short_name in self.with_contact
                    and services.active_consent(
                        household=household,
                        organisation=o,
                        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
                    )
                    is None
                ),
                self._answered(partner),
            )
            return services.partner_request_send(
                actor=self.lead,
                breakthrough=breakthrough,
                organisation=organisation,
                question=story.question,
                legal_basis=OVERRIDE_BASIS,
                override_reason=OVERRIDE_REASON,
            )
        elif step.startswith("timeout"):
            self._consent(household, actor, partner)
            time_out = services.time_out_request(
                actor=actor,
                breakthrough=breakthrough,
                organisation=partner,
                what=story.pause,
                until=timezone.localdate() + datetime.timedelta(days=90),
                legal_basis=CONSENT_BASIS,
            )
            if step != "timeout" and contact is not None:
                self._answer_time_out(time_out, contact, granted=step == "timeout_granted")
        elif step in ("more_info", "accept", "decline"):
            assert request is not None
            assert contact is not None
            status = {
                "more_info": RequestStatus.MORE_INFORMATION,
                "accept": RequestStatus.ACCEPTED,
                "decline": RequestStatus.DECLINED,
            }[step]
            services.partner_request_answer(
                actor=contact, request=request, status=status, answer=ANSWERS[status]
            )
        elif step == "clarify":
            assert request is not None
            services.partner_request_clarify(
                actor=actor, request=request, information=CLARIFICATION
            )
        elif step == "lapse":
            services.breakthrough_escalate(
                actor=None,
                breakthrough=breakthrough,
                reason="De termijn van dit niveau is verstreken zonder besluit.",
            )
        elif step == "escalate":
            services.breakthrough_escalate(
                actor=actor,
                breakthrough=breakthrough,
                reason=ESCALATE_REASONS.get(breakthrough.level, ESCALATE_REASONS[3]),
            )
        elif step in ("decide_ok", "decide_no", "table_ok", "table_no", "admin_ok", "admin_no"):
            self._decide(step, actor, breakthrough)
        elif step == "carry_out":
            services.breakthrough_carry_out(
                actor=actor,
                breakthrough=breakthrough,
                carried_out_on=timezone.localdate(),
                note=story.carried_out,
            )
        elif step == "evaluate":
            services.breakthrough_evaluate(
                actor=actor,
                breakthrough=breakthrough,
                evaluated_on=timezone.localdate(),
                evaluation=story.evaluation,
            )
        return request

    def _answer_time_out(self, time_out: TimeOut, contact: User, *, granted: bool) -> None:
        services.time_out_answer(
            actor=contact,
            time_out=time_out,
            granted=granted,
            answer=(
                "Toegekend: wij zetten dit stil tot de genoemde datum."
                if granted
                else "Niet mogelijk: de procedure loopt al. Wij vragen wel om aanhouding."
            ),
        )

    def _decide(self, step: str, actor: User, breakthrough: Breakthrough) -> None:
        kind, _sep, verdict = step.partition("_")
        decider, mandate = {
            "decide": (actor, L1_MANDATE),
            "table": (self.chair, TABLE_MANDATE),
            "admin": (
                self.lead if self.lead_team_id == breakthrough.household.team_id else None,
                ADMIN_MANDATE,
            ),
        }[kind]
        decider = decider or self.chair
        assert decider is not None
        services.breakthrough_decide(
            actor=decider,
            breakthrough=breakthrough,
            outcome=DecisionOutcome.APPROVED if verdict == "ok" else DecisionOutcome.REJECTED,
            mandate=mandate,
            reason=REASONS[step],
        )
