"""The privacy officer's reads: the home page's counts and the person finder."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine

from doorbraak.households.models import Household, Member
from doorbraak.lib.crypto import blind_index, encrypt
from doorbraak.privacy.models import DataSubjectRequest, RequestStatus
from doorbraak.privacy.selectors import member_find, members_for_requests, open_requests_for
from tests.conftest import Cast
from tests.privacy.conftest import BSN, head_of, make_request


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_open_requests_for_the_home_page_in_one_query(
    cast: Cast, household_a: Household, household_z: Household, django_assert_num_queries: Any
) -> None:
    head = head_of(household_a)
    overdue = make_request(cast, head, received_on=datetime.date(2026, 10, 1))
    make_request(cast, head, received_on=datetime.date(2026, 10, 31))  # due 30 Nov: overdue
    soon = make_request(cast, head, received_on=datetime.date(2026, 11, 25))
    done = make_request(cast, head, received_on=datetime.date(2026, 11, 2))
    DataSubjectRequest.objects.filter(pk=done.pk).update(
        status=RequestStatus.DONE,
        decision="toegewezen",
        decision_reason="x",
        handled_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
    )
    make_request(cast, head_of(household_z))  # Zuid's
    open_requests_for(cast.heidi)  # the memberships are read once per request
    with django_assert_num_queries(1):
        found = open_requests_for(cast.heidi, nearest=2)
    assert (found.open, found.overdue) == (3, 2)
    assert next(r.pk for r in found.nearest) == overdue.pk
    assert soon.pk not in [r.pk for r in found.nearest]
    assert open_requests_for(cast.alice).open == 0
    assert open_requests_for(cast.oscar).open == 1


def test_the_person_finder_stays_within_the_officer_s_municipality(
    cast: Cast, household_a: Household, household_z: Household
) -> None:
    head = head_of(household_a)
    Member.objects.filter(pk=head.pk).update(bsn_encrypted=encrypt(BSN), bsn_index=blind_index(BSN))
    assert member_find(user=cast.heidi, municipality_id=cast.north.pk, bsn=BSN) == [head]
    assert member_find(user=cast.oscar, municipality_id=cast.north.pk, bsn=BSN) == []
    assert member_find(user=cast.heidi, municipality_id=cast.north.pk, bsn="12345") == []
    assert member_find(user=cast.alice, municipality_id=cast.north.pk, bsn=BSN) == []
    found = member_find(
        user=cast.heidi,
        municipality_id=cast.north.pk,
        last_name=head.last_name.upper(),
        birth_date=head.birth_date,
    )
    assert found == [head]
    assert set(members_for_requests(cast.heidi)) == set(household_a.members.all())
