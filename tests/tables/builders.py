"""Scenario builders for the breakthrough tables: Gemeente Noord's table, a case at the
table, a meeting, the household's consent to the table, a decision.

The breakthrough itself comes from ``tests/breakthroughs/builders.py``.
"""

from __future__ import annotations

import datetime
from typing import Any
from typing import cast as cast_

from django.utils import timezone

from doorbraak.accounts.models import Organisation
from doorbraak.households.models import Consent, ConsentPurpose, Household
from doorbraak.tables import services
from doorbraak.tables.models import (
    AgendaItem,
    BreakthroughTable,
    Meeting,
    TableDecision,
    TableMember,
    TableOutcome,
)
from tests.breakthroughs.builders import at_table, give_consent
from tests.conftest import Cast
from tests.factories import HouseholdFactory

__all__ = [
    "at_table",
    "decide",
    "household_of_team_a",
    "north_table",
    "schedule",
    "table_consent",
]


def north_table(cast: Cast, *, max_amount_cents: int = 500_000) -> BreakthroughTable:
    """Gemeente Noord's table: Erin chairs, Dave sits for UWV with a mandate up to the amount."""
    table = BreakthroughTable.objects.create(
        municipality=cast.north, name="Doorbraaktafel Noord", chair=cast.erin
    )
    TableMember.objects.create(
        table=table,
        user=cast.dave,
        organisation=cast.uwv,
        may_decide="Terugvordering opschorten tot zes maanden",
        max_amount_cents=max_amount_cents,
    )
    return table


def household_of_team_a(cast: Cast, name: str = "Huishouden Jansen") -> Household:
    return cast_(Household, HouseholdFactory(team=cast.team_a, name=name, coordinator=cast.alice))


def table_consent(cast: Cast, household: Household, organisation: Organisation) -> Consent:
    """The household agrees to share its name and address with ``organisation`` at the table."""
    return give_consent(cast, household, organisation, purpose=ConsentPurpose.BREAKTHROUGH_TABLE)


def schedule(cast: Cast, table: BreakthroughTable, days: int = 7) -> Meeting:
    """Erin schedules a two-hour meeting at 10:00, ``days`` from today."""
    start = (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return services.meeting_schedule(
        actor=cast.erin,
        table=table,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Stadskantoor, zaal 3",
    )


def decide(
    cast: Cast, item: AgendaItem, outcome: str = TableOutcome.APPROVED, **overrides: Any
) -> TableDecision:
    """Erin records the table's decision on ``item``; UWV (Dave) carries it out."""
    arguments: dict[str, Any] = {
        "actor": cast.erin,
        "item": item,
        "outcome": outcome,
        "reason": "De tafel ziet dat dit erger voorkomt.",
        "responsible_organisation": cast.uwv,
        "responsible_user": cast.dave,
    }
    arguments.update(overrides)
    return services.decision_record(**arguments)
