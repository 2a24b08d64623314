"""Demo outcomes for ``seed_demo``: what a year of work prevented, through the services.

Outcomes follow the demo's carried-out and evaluated breakthroughs (each story's natural
result), plus a spread over other households, so the societal value report shows a
meaningful year. Synthetic only; evidence texts are data, in Dutch.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone, translation

from doorbraak.accounts.models import Membership, Municipality, Role, User
from doorbraak.breakthroughs.models import Breakthrough, BreakthroughStatus, Theme
from doorbraak.households.models import Household
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome, OutcomeType

#: What a carried-out breakthrough of each theme most plausibly prevented.
BY_THEME: dict[str, str] = {
    Theme.HOUSING: OutcomeType.EVICTION_PREVENTED,
    Theme.DEBTS: OutcomeType.DEBT_PREVENTED,
    Theme.INCOME: OutcomeType.HOMELESSNESS_PREVENTED,
    Theme.WORK: OutcomeType.WORK_FOUND,
    Theme.BENEFITS: OutcomeType.DEBT_PREVENTED,
    Theme.CARE: OutcomeType.CARE_AVOIDED,
    Theme.JUSTICE: OutcomeType.DEBT_PREVENTED,
    Theme.EDUCATION: OutcomeType.CARE_AVOIDED,
    Theme.MOBILITY: OutcomeType.WORK_FOUND,
    Theme.OTHER: OutcomeType.BENEFIT_ENDED,
}
EVIDENCE: dict[str, str] = {
    OutcomeType.EVICTION_PREVENTED: "De corporatie heeft de ontruimingsaanvraag ingetrokken "
    "na de betalingsregeling.",
    OutcomeType.DEBT_PREVENTED: "Incassokosten en verhogingen zijn niet opgelegd; de "
    "schuldeisers gingen akkoord met de regeling.",
    OutcomeType.HOMELESSNESS_PREVENTED: "Briefadres en uitkering op tijd geregeld; geen "
    "aanmelding bij de nachtopvang nodig.",
    OutcomeType.WORK_FOUND: "Arbeidscontract voor 24 uur per week getekend.",
    OutcomeType.BENEFIT_ENDED: "Bijstand beëindigd wegens inkomen uit werk.",
    OutcomeType.CARE_AVOIDED: "Geen indicatie voor jeugdhulp meer nodig volgens het wijkteam.",
    OutcomeType.PLACEMENT_AVOIDED: "Gezinshuis niet nodig: de kinderen blijven thuis wonen.",
}


@contextmanager
def _on(day: datetime.date) -> Iterator[None]:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))
    with time_machine.travel(min(moment, timezone.now()), tick=False):
        yield


def _coordinator(household: Household) -> User | None:
    assignment = household.coordinator_assignments.filter(ended_at__isnull=True).first()
    if assignment is None:
        return None
    on_team = Membership.objects.filter(
        user=assignment.coordinator,
        team_id=household.team_id,
        role__in=[Role.PROFESSIONAL, Role.TEAM_LEAD],
    ).exists()
    return assignment.coordinator if on_team else None


def seed_outcomes(*, municipality: Municipality, seed: int = 2026, extra: int = 40) -> int:
    """Create the demo outcomes; nothing when the municipality already has some."""
    if Outcome.objects.filter(household__municipality=municipality).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    created = 0
    with translation.override("nl"):
        done = Breakthrough.objects.filter(
            household__municipality=municipality,
            status__in=[BreakthroughStatus.CARRIED_OUT, BreakthroughStatus.EVALUATED],
        ).select_related("household", "bottleneck")
        for breakthrough in done:
            actor = _coordinator(breakthrough.household)
            day = breakthrough.carried_out_on or today
            if actor is None or day < breakthrough.household.opened_on:
                continue
            kind = BY_THEME.get(breakthrough.bottleneck.theme, OutcomeType.OTHER)
            if kind == OutcomeType.OTHER:
                continue
            with _on(day):
                services.outcome_record(
                    actor=actor,
                    household=breakthrough.household,
                    breakthrough=breakthrough,
                    outcome_type=kind,
                    occurred_on=day,
                    evidence=EVIDENCE[kind],
                    debt_amount_cents=rng.randrange(40_000, 600_000, 500)
                    if kind == OutcomeType.DEBT_PREVENTED
                    else None,
                )
            created += 1
        households = list(Household.objects.filter(municipality=municipality).order_by("pk"))
        rng.shuffle(households)
        kinds = [k for k in OutcomeType.values if k != OutcomeType.OTHER]
        for household in households[:extra]:
            actor = _coordinator(household)
            earliest = household.opened_on
            if actor is None or earliest >= today:
                continue
            day = earliest + datetime.timedelta(days=rng.randrange((today - earliest).days or 1))
            kind = rng.choice(kinds)
            with _on(day):
                services.outcome_record(
                    actor=actor,
                    household=household,
                    outcome_type=kind,
                    occurred_on=day,
                    evidence=EVIDENCE[kind],
                    debt_amount_cents=rng.randrange(40_000, 600_000, 500)
                    if kind == OutcomeType.DEBT_PREVENTED
                    else None,
                )
            created += 1
    return created
