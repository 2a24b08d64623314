"""Fixtures of the breakthrough-table tests: Erin's table with Dave (UWV), cases, a meeting.

Built with ``tests/tables/builders.py``. A test module that defines a fixture of the same
name uses its own.
"""

from __future__ import annotations

from typing import cast as cast_

import pytest

from doorbraak.accounts.models import Role, User
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.households.models import Household
from doorbraak.tables import services
from doorbraak.tables.models import BreakthroughTable, Meeting, TableMember
from tests.conftest import Cast
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.tables.builders import at_table, north_table, schedule


@pytest.fixture
def table(cast: Cast) -> BreakthroughTable:
    """Gemeente Noord's table: Erin chairs, Dave sits for UWV."""
    return north_table(cast)


@pytest.fixture
def case(cast: Cast, household_a: Household) -> Breakthrough:
    return at_table(cast, household_a)


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
