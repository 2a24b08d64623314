"""Synthetic demo breakthrough table for ``seed_demo``: a year of meetings, and what is next.

One municipal table, chaired by the demo chair, with the demo partner contact persons as
members (their mandate and maximum amount from the partner directory). About six past
meetings over the last year, each held at the moment it "happened" (``time_machine``):
the agenda proposed from the cases that had reached the table, attendance, a decision on
every item (every outcome occurs, some with money from the fund), follow-up actions of
which some were done on time, some late and some are still open and overdue. Then one
planned meeting with a proposed and published agenda, and one further planned meeting.
Some households consented to share their name with a member organisation, so identified
and minimised agenda items both occur. Everything goes through the services. Texts are
Dutch data, not interface text. Synthetic only.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.db.models import Min, Q
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, Role, User
from doorbraak.accounts.selectors import active_memberships
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    ContactProfile,
    Decision,
    DecisionOutcome,
    EscalationLevel,
)
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Member,
    MemberRole,
)
from doorbraak.tables import services
from doorbraak.tables.models import (
    AgendaItem,
    BreakthroughTable,
    FollowUpAction,
    Meeting,
    TableMember,
    TableOutcome,
)

PAST_MEETINGS_DAYS_AGO = (315, 252, 189, 126, 63, 12)
NEXT_MEETING_IN_DAYS = 9
FURTHER_MEETING_IN_DAYS = 9 + 42
#: Approve first: a deferred case comes back to the next meeting.
OUTCOMES = (
    TableOutcome.APPROVED,
    TableOutcome.MORE_INFORMATION,
    TableOutcome.REJECTED,
    TableOutcome.DEFERRED,
    TableOutcome.APPROVED,
    TableOutcome.REJECTED,
)
REASONS = {
    TableOutcome.APPROVED: "De tafel ziet dat de uitzondering hogere kosten voorkomt en het "
    "huishouden zelf meedoet. Binnen het mandaat van de aanwezige partners.",
    TableOutcome.REJECTED: "Er is een passende oplossing binnen de gewone regels: de tafel "
    "wijst de uitzondering af en vraagt het buurtteam die route te nemen.",
    TableOutcome.DEFERRED: "De woningcorporatie moet intern afstemmen; de tafel bespreekt de "
    "casus opnieuw in het volgende overleg.",
    TableOutcome.MORE_INFORMATION: "De tafel mist de actuele schuldenlijst en het advies van "
    "de schuldhulpverlening; het buurtteam levert die aan.",
}
FUNDS = (
    (25_000, "Vliegticket naar familie in een warm land"),
    (45_000, "Eerste maand huur na uitstroom uit de opvang"),
    (120_000, "Inlossen energieachterstand om afsluiting te voorkomen"),
)
ACTIONS = (
    "Terugvordering opschorten en de betalingsregeling schriftelijk bevestigen",
    "Huurachterstand bevriezen en een nieuwe afspraak met het huishouden maken",
    "Buurtteam stuurt de bijgewerkte schuldenlijst naar de tafel",
    "Uitkering met voorrang hervatten en het huishouden bellen",
    "Terugkoppeling aan het huishouden over het besluit van de tafel",
)
FOLLOW_UP_DECISION = (
    "De actie is nog niet afgerond; de verantwoordelijke partner meldt de voortgang binnen "
    "twee weken aan de voorzitter."
)
LOCATIONS = ("Stadskantoor, zaal 4.12", "Wijkcentrum De Schakel")
ONLINE = "https://vergaderen.demostad.example/doorbraaktafel"


def seed_tables(*, municipality: Municipality, seed: int = 2026) -> int:
    """Create the demo table with its meetings; returns the number of meetings created.

    Skipped (returns 0) when the municipality already has a table, has no breakthroughs
    or no table chair.
    """
    if BreakthroughTable.objects.filter(municipality=municipality).exists():
        return 0
    if not Breakthrough.objects.filter(household__municipality=municipality).exists():
        return 0  # nothing to discuss yet: seed the breakthroughs first
    with translation.override("nl"):
        return _TableSeeder(municipality, random.Random(seed)).run()  # noqa: S311 - demo data


class _TableSeeder:
    def __init__(self, municipality: Municipality, rng: random.Random) -> None:
        self.municipality = municipality
        self.rng = rng
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tick = 0
        memberships = (
            Membership.objects.active()
            .filter(municipality=municipality, role__in=[Role.TABLE_CHAIR, Role.PARTNER_CONTACT])
            .select_related("user", "organisation")
            .order_by("user__username", "pk")
        )
        self.chair: User | None = None
        self.contacts: list[Membership] = []
        for membership in memberships:
            if membership.role == Role.TABLE_CHAIR and self.chair is None:
                self.chair = membership.user
            elif membership.role == Role.PARTNER_CONTACT:
                self.contacts.append(membership)
        # Memberships cached now: the services ask for memberships "in force today", and
        # "today" moves back in time while the demo is written.
        if self.chair is not None:
            active_memberships(self.chair)
        for membership in self.contacts:
            active_memberships(membership.user)
        self.counter = 0
        self.planned: dict[int, TableOutcome] = {}
        self.actions_seen = 0

    @contextmanager
    def at(self, moment: datetime.datetime) -> Iterator[None]:
        self.tick += 1
        moment = min(moment + datetime.timedelta(minutes=self.tick % 7), timezone.now())
        with time_machine.travel(moment, tick=False):
            yield

    def _moment(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    # --- running -----------------------------------------------------------------------------
    def run(self) -> int:
        if self.chair is None:
            return 0
        table = BreakthroughTable.objects.create(
            municipality=self.municipality, name="Doorbraaktafel Demostad", chair=self.chair
        )
        self.members = self._members(table)
        self._consents()
        created = 0
        days = [self.today - datetime.timedelta(days=n) for n in PAST_MEETINGS_DAYS_AGO]
        for day, following in zip(days, [*days[1:], self.today], strict=True):
            created += self._past_meeting(table, day, following)
        created += self._upcoming(table)
        return created

    def _members(self, table: BreakthroughTable) -> list[TableMember]:
        profiles = {
            p.membership_id: p for p in ContactProfile.objects.filter(membership__in=self.contacts)
        }
        members = []
        for membership in self.contacts:
            profile = profiles.get(membership.pk)
            members.append(
                TableMember.objects.create(
                    table=table,
                    user=membership.user,
                    organisation=membership.organisation,
                    may_decide=profile.mandate
                    if profile
                    else "Besluiten binnen de eigen regels van de organisatie.",
                    max_amount_cents=profile.max_amount_cents if profile else None,
                )
            )
        return members

    def _consents(self) -> None:
        """Every other household at the table shares its name with one member organisation."""
        if not self.members:
            return
        breakthroughs = (
            Breakthrough.objects.filter(
                household__municipality=self.municipality,
                status=BreakthroughStatus.SUBMITTED,
                level__gte=EscalationLevel.TABLE,
            )
            .select_related("household")
            .order_by("pk")
        )
        households = list(dict.fromkeys(b.household for b in breakthroughs))
        heads = {
            m.household_id: m
            for m in Member.objects.filter(
                household__in=households, role=MemberRole.HEAD, left_on__isnull=True
            )
        }
        for number, household in enumerate(households):
            if number % 2 or household.pk not in heads:
                continue
            organisation = self.members[number % len(self.members)].organisation
            if Consent.objects.filter(
                household=household,
                recipient=organisation,
                purpose=ConsentPurpose.BREAKTHROUGH_TABLE,
            ).exists():
                continue
            coordinator = household.coordinator_assignments.filter(ended_at__isnull=True).first()
            if coordinator is None:
                continue
            household_services.consent_give(
                actor=coordinator.coordinator,
                household=household,
                given_by=heads[household.pk],
                purpose=ConsentPurpose.BREAKTHROUGH_TABLE,
                recipient=organisation,
                method=ConsentMethod.WRITTEN,
            )

    def _not_yet_at_the_table(self, meeting: Meeting) -> None:
        """Drop proposed cases that reached the table only after this (past) meeting."""
        reached = dict(
            Breakthrough.objects.filter(agenda_items__meeting=meeting)
            .annotate(
                at_table=Min(
                    "escalation_steps__started_at",
                    filter=Q(escalation_steps__level__gte=EscalationLevel.TABLE),
                )
            )
            .values_list("pk", "at_table")
        )
        late = [pk for pk, at in reached.items() if at is None or at > meeting.starts_at]
        meeting.items.filter(breakthrough__in=late).delete()
        for number, item in enumerate(meeting.items.order_by("position", "pk"), start=1):
            if item.position != number:
                item.position = number
                item.save(update_fields=["position"])

    def _history(self, meeting: Meeting, following: datetime.date) -> None:
        """Cases the table decided in the breakthrough demo, on the agenda where it happened.

        The breakthrough demo already recorded those decisions (level 3 or 4, by the chair);
        here the meeting is reconstructed around them. That history cannot be replayed
        through ``agenda_add`` (the cases are decided now), so the items are written directly.
        Outcome: the recorded table decision at the last meeting before it; "deferred" or
        "more information needed" at an earlier one, or when the administrative level decided.
        """
        starts = meeting.starts_at
        decisions = (
            Decision.objects.filter(
                breakthrough__household__municipality=self.municipality,
                level__gte=EscalationLevel.TABLE,
                decided_at__gt=starts,
                breakthrough__escalation_steps__level__gte=EscalationLevel.TABLE,
                breakthrough__escalation_steps__started_at__lt=starts,
            )
            .exclude(breakthrough__agenda_items__meeting=meeting)
            .distinct()
            .order_by("breakthrough__level_deadline", "pk")
        )
        position = meeting.items.count()
        for decision in decisions:
            position += 1
            item = AgendaItem.objects.create(
                meeting=meeting, breakthrough_id=decision.breakthrough_id, position=position
            )
            if (
                decision.level == EscalationLevel.TABLE
                and timezone.localdate(decision.decided_at) <= following
            ):
                self.planned[item.pk] = (
                    TableOutcome.APPROVED
                    if decision.outcome == DecisionOutcome.APPROVED
                    else TableOutcome.REJECTED
                )
            else:
                self.planned[item.pk] = (TableOutcome.DEFERRED, TableOutcome.MORE_INFORMATION)[
                    position % 2
                ]

    def _past_meeting(
        self, table: BreakthroughTable, day: datetime.date, following: datetime.date
    ) -> int:
        assert self.chair is not None
        chair = self.chair
        starts = self._moment(day, 14)
        with self.at(starts - datetime.timedelta(days=14)):
            meeting = services.meeting_schedule(
                actor=chair,
                table=table,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                location=self.rng.choice(LOCATIONS),
            )
            self._not_yet_at_the_table(meeting)
            self._history(meeting, following)
            if not meeting.items.exists():
                services.meeting_cancel(actor=chair, meeting=meeting)
                return 1
        with self.at(starts - datetime.timedelta(days=7)):
            services.agenda_publish(actor=chair, meeting=meeting)
        with self.at(starts):
            services.meeting_open(actor=chair, meeting=meeting)
            absent = self.rng.randrange(len(self.members) + 1) if self.members else 0
            for number, member in enumerate(self.members):
                services.attendance_record(
                    actor=chair, meeting=meeting, member=member, present=number != absent
                )
        for item in meeting.items.select_related("breakthrough").order_by("position"):
            with self.at(starts + datetime.timedelta(minutes=20 * item.position)):
                self._decide(item, day)
        with self.at(starts + datetime.timedelta(hours=2)):
            services.meeting_close(actor=chair, meeting=meeting)
        with self.at(starts + datetime.timedelta(days=1)):
            services.minutes_send(actor=chair, meeting=meeting)
        self._follow_up(meeting)
        return 1

    def _decide(self, item: AgendaItem, day: datetime.date) -> None:
        assert self.chair is not None
        if item.breakthrough is None:  # an overdue follow-up action
            services.decision_record(
                actor=self.chair,
                item=item,
                outcome=TableOutcome.DEFERRED,
                reason=FOLLOW_UP_DECISION,
            )
            return
        outcome = self.planned.get(item.pk)
        if outcome is None:
            outcome = OUTCOMES[self.counter % len(OUTCOMES)]
            self.counter += 1
        member = self.rng.choice(self.members) if self.members else None
        fund_amount, fund_purpose = None, ""
        if outcome == TableOutcome.APPROVED and item.pk % 3 != 2:
            fund_amount, fund_purpose = FUNDS[item.pk % len(FUNDS)]
        actions = []
        if member is not None and outcome != TableOutcome.REJECTED:
            for number in range(1 if outcome != TableOutcome.APPROVED else 2):
                actions.append(
                    services.ActionData(
                        description=self.rng.choice(ACTIONS),
                        organisation=member.organisation,
                        due_on=day + datetime.timedelta(days=7 + 14 * number),
                        responsible_user=member.user,
                    )
                )
        services.decision_record(
            actor=self.chair,
            item=item,
            outcome=outcome,
            reason=REASONS[outcome],
            responsible_organisation=member.organisation if member else None,
            responsible_user=member.user if member else None,
            fund_amount_cents=fund_amount,
            fund_purpose=fund_purpose,
            actions=actions,
        )

    def _follow_up(self, meeting: Meeting) -> None:
        """Some actions done on time, some late, the rest still open (overdue or not)."""
        assert self.chair is not None
        actions = FollowUpAction.objects.filter(decision__item__meeting=meeting).order_by("pk")
        for action in actions:
            agreed = timezone.localdate(action.created_at)
            self.actions_seen += 1
            pattern = self.actions_seen % 4  # on time, late, on time, still open
            if pattern in (1, 3):
                early = datetime.timedelta(days=self.rng.randint(0, 5))
                done_on = max(agreed, action.due_on - early)
            elif pattern == 2:
                done_on = action.due_on + datetime.timedelta(days=self.rng.randint(3, 20))
            else:
                continue
            if done_on >= self.today:
                continue
            with self.at(self._moment(done_on, 11)):
                services.follow_up_done(
                    actor=self.chair,
                    action=action,
                    done_on=done_on,
                    note="Afgerond en teruggekoppeld aan het huishouden.",
                )

    def _upcoming(self, table: BreakthroughTable) -> int:
        """The next meeting with a proposed, published agenda, and one further planned."""
        assert self.chair is not None
        chair = self.chair
        day = self.today + datetime.timedelta(days=NEXT_MEETING_IN_DAYS)
        starts = self._moment(day, 14)
        meeting = services.meeting_schedule(
            actor=chair,
            table=table,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            location=LOCATIONS[0],
            online_url=ONLINE,
        )
        if meeting.items.filter(breakthrough__isnull=False).count() < 2:
            candidates = Breakthrough.objects.filter(
                household__municipality=self.municipality, status=BreakthroughStatus.SUBMITTED
            ).exclude(agenda_items__meeting=meeting)
            for breakthrough in candidates.order_by("-level", "level_deadline", "pk")[:2]:
                services.agenda_add(
                    actor=chair,
                    meeting=meeting,
                    breakthrough=breakthrough,
                    note="Door de voorzitter toegevoegd: de termijn dreigt te verlopen.",
                )
        if meeting.items.exists():
            services.agenda_publish(actor=chair, meeting=meeting)
        further = self.today + datetime.timedelta(days=FURTHER_MEETING_IN_DAYS)
        starts = self._moment(further, 14)
        services.meeting_schedule(
            actor=chair,
            table=table,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            location=LOCATIONS[1],
        )
        return 2
