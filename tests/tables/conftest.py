"""Fixtures of the breakthrough-table tests: Erin's table with Dave (UWV), cases, a meeting.

Builds on the breakthrough helpers of ``tests/breakthroughs/test_services.py``. A test
module that defines a fixture of the same name uses its own.
"""

from __future__ import annotations

import datetime
from typing import Any
from typing import cast as cast_

import pytest
from django.utils import timezone

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import Breakthrough, EscalationLevel
from doorbraak.households.models import ConsentPurpose, Household
from doorbraak.tables import services
from doorbraak.tables.models import BreakthroughTable, Meeting, TableMember
from tests.breakthroughs.test_services import give_consent, submitted
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MembershipFactory, OrganisationFactory, UserFactory


def case_at_table(cast: Cast, household: Household) -> Breakthrough:
    """A submitted breakthrough of Buurtteam A, escalated by the team to the table level."""
    breakthrough = submitted(cast, household)
    while breakthrough.level < EscalationLevel.TABLE:
        breakthrough_services.breakthrough_escalate(
            actor=cast.alice, breakthrough=breakthrough, reason="Eigen mandaat schiet tekort."
        )
        breakthrough.refresh_from_db()
    return breakthrough


def household_of_team_a(cast: Cast, name: str = "Huishouden Jansen") -> Household:
    return cast_(Household, HouseholdFactory(team=cast.team_a, name=name, coordinator=cast.alice))


def table_consent(cast: Cast, household: Household, organisation: Organisation) -> Any:
    """The household agrees to share its name and address with ``organisation`` at the table."""
    return give_consent(cast, household, organisation, purpose=ConsentPurpose.BREAKTHROUGH_TABLE)


def schedule(cast: Cast, table: BreakthroughTable, days: int = 7) -> Meeting:
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


@pytest.fixture
def table(cast: Cast) -> BreakthroughTable:
    """Gemeente Noord's table: Erin chairs, Dave sits for UWV."""
    table = BreakthroughTable.objects.create(
        municipality=cast.north, name="Doorbraaktafel Noord", chair=cast.erin
    )
    TableMember.objects.create(
        table=table,
        user=cast.dave,
        organisation=cast.uwv,
        may_decide="Terugvordering opschorten tot zes maanden",
        max_amount_cents=500_000,
    )
    return table


@pytest.fixture
def case(cast: Cast, household_a: Household) -> Breakthrough:
    return case_at_table(cast, household_a)


@pytest.fixture
def meeting(cast: Cast, table: BreakthroughTable, case: Breakthrough) -> Meeting:
    """A planned meeting next week; the agenda proposed the case of household A."""
    return schedule(cast, table)


@pytest.fixture
def running(cast: Cast, meeting: Meeting) -> Meeting:
    services.meeting_open(actor=cast.erin, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def piet(cast: Cast) -> User:
    """A fixed contact person of CJIB in Gemeente Noord who does not sit at the table."""
    cjib = OrganisationFactory(name="CJIB", national=True)
    user = cast_(User, UserFactory(username="piet"))
    MembershipFactory(
        user=user, role=Role.PARTNER_CONTACT, organisation=cjib, municipality=cast.north
    )
    return user


@pytest.fixture
def other_table_member(cast: Cast) -> User:
    """A UWV contact person in Noord who sits at another table only."""
    user = cast_(User, UserFactory(username="olga"))
    MembershipFactory(
        user=user, role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.north
    )
    other = BreakthroughTable.objects.create(
        municipality=cast.north, name="Doorbraaktafel Jeugd", chair=cast.erin
    )
    TableMember.objects.create(
        table=other, user=user, organisation=cast.uwv, may_decide="Uitstel van betaling"
    )
    return user
