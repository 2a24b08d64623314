"""Builders for the data-subject request tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from doorbraak.households.models import Household, Member
from doorbraak.privacy import deadlines
from doorbraak.privacy.erasure import ERASURE_HANDLERS
from doorbraak.privacy.models import DataSubjectRequest, RequestKind
from tests.conftest import Cast

#: A valid BSN (elfproef), synthetic.
BSN = "111222333"


def head_of(household: Household) -> Member:
    return household.members.get(role="hoofd")


def make_request(
    cast: Cast,
    member: Member,
    *,
    kind: RequestKind = RequestKind.ACCESS,
    received_on: datetime.date = datetime.date(2026, 11, 20),
) -> DataSubjectRequest:
    """A request as registered, without the service (so it writes no log record)."""
    return DataSubjectRequest.objects.create(
        municipality=member.household.municipality,
        kind=kind,
        member=member,
        subject_pseudonym=member.pseudonym,
        received_on=received_on,
        deadline=deadlines.answer_deadline(received_on),
        registered_by=cast.heidi if member.household.municipality == cast.north else cast.oscar,
    )


@pytest.fixture
def access_request(cast: Cast, household_a: Household) -> DataSubjectRequest:
    return make_request(cast, head_of(household_a))


@pytest.fixture
def no_erasure_handlers() -> Iterator[None]:
    """Without the handler the retention app registers (as if that app were not installed)."""
    registered = list(ERASURE_HANDLERS)
    ERASURE_HANDLERS.clear()
    yield
    ERASURE_HANDLERS[:] = registered
