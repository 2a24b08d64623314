"""Generated households for the evaluation-export tests: deterministic, and fast in bulk.

``export_set(cast, count)`` writes ``count`` households of Gemeente Noord with one to five
members, assessments, bottlenecks, breakthroughs and outcomes, every value chosen by the
household's number (no randomness, no clock), so two runs produce the same export byte
for byte. Rows go in with ``bulk_create``: thousands of households in a second or two.
"""

from __future__ import annotations

import datetime
import uuid

from doorbraak.accounts.models import District
from doorbraak.assessments.models import Assessment
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Theme,
)
from doorbraak.households.models import (
    Classification,
    CloseReason,
    Household,
    HouseholdStatus,
    Member,
    MemberRole,
)
from doorbraak.outcomes.models import Outcome, OutcomeType
from tests.conftest import Cast

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)

POSTCODES = ("3552 AB", "3552 CD", "3553 EF", "3551 GH", "9712 KL", "3581 MN")
CLASSIFICATIONS = (Classification.GREEN, Classification.ORANGE, Classification.RED)
THEMES = tuple(Theme)
STATUSES = tuple(BreakthroughStatus)
OUTCOMES = tuple(OutcomeType)


def export_set(cast: Cast, count: int, *, offset: int = 0) -> list[Household]:
    """``count`` households numbered from ``offset`` (public ids ``UUID(int=number)``)."""
    districts = [
        District.objects.get_or_create(municipality=cast.north, name=name)[0]
        for name in ("West", "Oost", "=HYPERLINK(1)")
    ]
    households: list[Household] = []
    for number in range(offset, offset + count):
        closed = number % 4 == 0
        households.append(
            Household(
                public_id=uuid.UUID(int=number + 1),
                municipality=cast.north,
                team=cast.team_a,
                district=districts[number % 3] if number % 11 else None,
                name=f"Huishouden {number}",
                house_number=number % 200 + 1,
                postcode=POSTCODES[number % len(POSTCODES)] if number % 13 else "",
                opened_on=datetime.date(2025 + number % 2, 1 + number % 12, 1 + number % 27),
                status=HouseholdStatus.CLOSED if closed else HouseholdStatus.ACTIVE,
                closed_on=datetime.date(2026, 1 + number % 6, 2) if closed else None,
                close_reason=CloseReason.GOALS_REACHED if closed else "",
            )
        )
    Household.objects.bulk_create(households)
    members: list[Member] = []
    assessments: list[Assessment] = []
    bottlenecks: list[Bottleneck] = []
    outcomes: list[Outcome] = []
    for number, household in enumerate(households, start=offset):
        for place in range(1 + number % 5):
            members.append(
                Member(
                    public_id=uuid.UUID(int=(number + 1) * 10 + place),
                    household=household,
                    team_id=household.team_id,
                    role=MemberRole.HEAD if place == 0 else MemberRole.CHILD,
                    first_name=f"Lid{place}",
                    last_name=f"Achternaam{number}",
                    birth_date=datetime.date(1940 + number % 60, 1 + place, 1 + number % 28),
                    joined_on=datetime.date(2025, 1, 1),
                    left_on=datetime.date(2026, 3, 1) if place == 4 else None,
                )
            )
        for index in range(number % 3):
            assessments.append(
                Assessment(
                    household=household,
                    assessed_by=cast.alice,
                    assessed_on=datetime.date(2026, 1 + index, 1 + number % 28),
                    problem_domains=number % 11,
                    classification=CLASSIFICATIONS[(number + index) % 3],
                )
            )
        if number % 2:
            bottlenecks.append(
                Bottleneck(
                    household=household,
                    title=f"Knelpunt {number}",
                    theme=THEMES[number % len(THEMES)],
                    kind=BottleneckKind.RULES_CLASH,
                    created_by=cast.alice,
                )
            )
        if number % 7 == 3:
            outcomes.append(
                Outcome(
                    household=household,
                    outcome_type=OUTCOMES[number % len(OUTCOMES)],
                    occurred_on=datetime.date(2026, 3, 1),
                    evidence=f"Bewijs {number}",
                    recorded_by=cast.alice,
                )
            )
    Member.objects.bulk_create(members)
    Assessment.objects.bulk_create(assessments)
    Bottleneck.objects.bulk_create(bottlenecks)
    Outcome.objects.bulk_create(outcomes)
    Breakthrough.objects.bulk_create(
        Breakthrough(
            bottleneck=bottleneck,
            household=bottleneck.household,
            team_id=bottleneck.household.team_id,
            municipality_id=bottleneck.household.municipality_id,
            title=f"Doorbraak {index}",
            status=STATUSES[index % len(STATUSES)],
            level=1 + index % 4,
            submitted_at=datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC),
            created_by=cast.alice,
        )
        for index, bottleneck in enumerate(bottlenecks)
        if index % 2
    )
    return households
