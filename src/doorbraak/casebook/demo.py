"""Demo examples for ``seed_demo``: about 40 published examples, through the services.

The demo's breakthroughs that were carried out and evaluated are proposed by their
coordinator and approved by the demo team lead. There are few of those, so first closed
stories are added in the team lead's team (bottleneck → breakthrough → decision at the
team's own mandate → carried out → evaluated), from the demo stories of the breakthroughs
app, each step at the moment it "happened". Every text of an example is the story's own
general wording (synthetic); a proposal the identifier check refuses is skipped, as a
coordinator would rewrite it. Idempotent: skipped when the municipality has examples.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, User
from doorbraak.accounts.selectors import active_memberships
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.demo_stories import L1_MANDATE, STORIES, Story
from doorbraak.breakthroughs.models import (
    Breakthrough,
    BreakthroughStatus,
    DecisionOutcome,
    Scenario,
)
from doorbraak.casebook import services
from doorbraak.casebook.models import Example, ExampleResult, ExampleScope
from doorbraak.catalogue.selectors import cost_item_for
from doorbraak.households.models import Household, HouseholdStatus
from doorbraak.library.models import Regulation

DECISION_REASON = "Past binnen het eigen mandaat van het buurtteam; de waardendriehoek is rond."
#: Several demo households share a story; their examples say for whom it worked, in general
#: terms, so that the casebook does not list one title many times.
VARIANTS = (
    "",
    " (alleenstaande)",
    " (gezin met jonge kinderen)",
    " (na een scheiding)",
    " (jongere tot 27 jaar)",
    " (gezin met tieners)",
)
SCOPES = (ExampleScope.MUNICIPALITY, ExampleScope.INSTALLATION, ExampleScope.NATIONAL)


def seed_examples(
    *, municipality: Municipality, target: int = 40, seed: int = 18
) -> tuple[int, int]:
    """``(closed stories added, examples published)``; (0, 0) when there are examples."""
    if target <= 0 or Example.objects.filter(municipality=municipality).exists():
        return 0, 0
    lead = (
        User.objects.filter(
            memberships__role=Role.TEAM_LEAD, memberships__municipality=municipality
        )
        .order_by("pk")
        .first()
    )
    if lead is None:
        return 0, 0
    with translation.override("nl"):
        return _Seeder(municipality, lead, random.Random(seed)).run(target)  # noqa: S311


class _Seeder:
    def __init__(self, municipality: Municipality, lead: User, rng: random.Random) -> None:
        self.municipality = municipality
        self.lead = lead
        self.rng = rng
        self.today = timezone.localdate()
        team_id = (
            Membership.objects.filter(user=lead, role=Role.TEAM_LEAD)
            .values_list("team_id", flat=True)
            .first()
        )
        assert team_id is not None
        self.team_id: int = team_id
        active_memberships(lead)
        self.users: dict[int, User] = {}
        for user in User.objects.filter(memberships__team_id=self.team_id).distinct():
            active_memberships(user)
            self.users[user.pk] = user
        self.regulations = {
            r.citation: r for r in Regulation.objects.filter(municipality__isnull=True)
        }
        self.organisations = {o.short_name: o for o in Organisation.objects.all()}
        self.tick = 0
        self.published_titles: list[str] = []

    @contextmanager
    def at(self, day: datetime.date) -> Iterator[None]:
        self.tick += 1
        moment = timezone.make_aware(
            datetime.datetime.combine(min(day, self.today), datetime.time(10, 0))
        ) + datetime.timedelta(minutes=(self.tick % 40) * 7)
        with time_machine.travel(min(moment, timezone.now()), tick=False):
            yield

    def _coordinator(self, household: Household) -> User | None:
        assignment = household.coordinator_assignments.filter(ended_at__isnull=True).first()
        if assignment is None:
            return None
        return self.users.get(assignment.coordinator_id)

    def _closed(self) -> list[Breakthrough]:
        return list(
            Breakthrough.objects.filter(
                household__team_id=self.team_id, status=BreakthroughStatus.EVALUATED
            ).select_related("household", "bottleneck")
        )

    def run(self, target: int) -> tuple[int, int]:
        added = 0
        households = [
            h
            for h in Household.objects.filter(
                team_id=self.team_id, status=HouseholdStatus.ACTIVE
            ).order_by("pk")
            if (c := self._coordinator(h)) is not None and c.pk != self.lead.pk
        ]
        needed = target + 4 - len(self._closed())  # a few spare for refused proposals
        for index in range(max(0, needed)):
            if not households:
                break
            household = households[index % len(households)]
            story = STORIES[index % len(STORIES)]
            start = self.today - datetime.timedelta(days=self.rng.randint(120, 330))
            if household.opened_on >= start:
                start = min(
                    self.today - datetime.timedelta(days=70),
                    household.opened_on + datetime.timedelta(days=3),
                )
            added += self._story(household, story, start)
        published = 0
        for number, breakthrough in enumerate(self._closed()):
            if published >= target:
                break
            published += self._publish(breakthrough, number)
        return added, published

    def _story(self, household: Household, story: Story, start: datetime.date) -> int:
        actor = self._coordinator(household)
        if actor is None:
            return 0
        day = start
        with self.at(day):
            bottleneck = breakthrough_services.bottleneck_register(
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
            breakthrough = breakthrough_services.breakthrough_start(
                actor=actor, bottleneck=bottleneck, title=story.bt_title, proposal=story.proposal
            )
            breakthrough_services.breakthrough_update(
                actor=actor,
                breakthrough=breakthrough,
                title=story.bt_title,
                proposal=story.proposal,
                regulation=self.regulations.get(story.basis),
                legal_reasoning=story.reasoning,
                horizon_months=story.horizon,
                direct_cost_cents=story.direct_cost_cents,
                direct_cost_payer=story.payer,
                engagement=story.engagement,
                household_commitment=story.commitment,
            )
            lines = [(Scenario.STATUS_QUO, line) for line in story.status_quo] + [
                (Scenario.BREAKTHROUGH, line) for line in story.with_breakthrough
            ]
            for scenario, line in lines:
                item = cost_item_for(code=line.code, municipality=self.municipality, on=day)
                if item is not None:
                    breakthrough_services.scenario_line_add(
                        actor=actor,
                        breakthrough=breakthrough,
                        scenario=scenario,
                        cost_item=item,
                        quantity=line.quantity,
                        probability_pct=line.probability,
                        note=line.note,
                    )
        try:
            for gap, step in ((1, "submit"), (2, "decide"), (6, "carry_out"), (40, "evaluate")):
                day += datetime.timedelta(days=gap)
                with self.at(day):
                    breakthrough.refresh_from_db()
                    if step == "submit":
                        breakthrough_services.breakthrough_submit(
                            actor=actor, breakthrough=breakthrough
                        )
                    elif step == "decide":
                        breakthrough_services.breakthrough_decide(
                            actor=actor,
                            breakthrough=breakthrough,
                            outcome=DecisionOutcome.APPROVED,
                            mandate=L1_MANDATE,
                            reason=DECISION_REASON,
                        )
                    elif step == "carry_out":
                        breakthrough_services.breakthrough_carry_out(
                            actor=actor,
                            breakthrough=breakthrough,
                            carried_out_on=timezone.localdate(),
                            note=story.carried_out,
                        )
                    else:
                        breakthrough_services.breakthrough_evaluate(
                            actor=actor,
                            breakthrough=breakthrough,
                            evaluated_on=timezone.localdate(),
                            evaluation=story.evaluation,
                        )
        except ValidationError:
            return 0
        return 1

    def _publish(self, breakthrough: Breakthrough, number: int) -> int:
        household = breakthrough.household
        actor = self._coordinator(household)
        if actor is None or actor.pk == self.lead.pk:
            return 0
        story = next((s for s in STORIES if s.bt_title == breakthrough.title), None)
        evaluated = breakthrough.evaluated_on or self.today
        day = min(self.today, evaluated + datetime.timedelta(days=5))
        full = Breakthrough.objects.prefetch_related(
            "scenario_lines__cost_item", "bottleneck__regulations", "bottleneck__organisations"
        ).get(pk=breakthrough.pk)
        initial = services.initial_from(full)
        try:
            with self.at(day):
                example = services.example_propose(
                    actor=actor,
                    breakthrough=breakthrough,
                    title=_variant(breakthrough.title, self.published_titles),
                    theme=breakthrough.bottleneck.theme,
                    bottleneck=story.description if story else breakthrough.bottleneck.description,
                    solution=(
                        f"{story.proposal} {story.reasoning}" if story else breakthrough.proposal
                    ),
                    result=ExampleResult.PARTLY if number % 7 == 6 else ExampleResult.SOLVED,
                    outcome=breakthrough.evaluation,
                    commitment=story.engagement if story else "",
                    regulations=initial["regulations"],  # type: ignore[arg-type]
                    organisations=initial["organisations"],  # type: ignore[arg-type]
                    amounts=initial["amounts"],  # type: ignore[arg-type]
                    scope=SCOPES[number % len(SCOPES)],
                    horizon_months=breakthrough.horizon_months,
                )
            with self.at(day + datetime.timedelta(days=2)):
                services.example_approve(actor=self.lead, example=example)
            self.published_titles.append(breakthrough.title)
        except (ValidationError, PermissionDenied):
            return 0
        return 1


def _variant(title: str, published: list[str]) -> str:
    suffix = VARIANTS[published.count(title) % len(VARIANTS)]
    return title[: 200 - len(suffix)] + suffix
