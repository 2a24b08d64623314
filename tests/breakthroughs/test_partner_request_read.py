"""The partner request page's own read (``selectors.partner_request_open``: the request and
whether sharing is allowed, its SQL compiled once, lib/prepared.py) gives what the read
through ``for_partner`` and ``sharing_allowed_expression`` gives, at the consent's edges:
its first moment, its last day, its withdrawal (a microsecond before, at, after), a
withdrawal still to come, an override, other organisations and municipalities."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.http import Http404
from django.utils import timezone

from doorbraak.accounts.models import Role, User
from doorbraak.breakthroughs import selectors
from doorbraak.breakthroughs.models import Disclosure, PartnerRequest, partner_scopes
from doorbraak.households.models import Consent, ConsentPurpose, Household
from doorbraak.lib.prepared import Plan
from tests.breakthroughs.builders import give_consent, send, submitted
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _old(user: User, pk: int, at: datetime.datetime) -> list[tuple[Any, ...]]:
    """The read as it was: ``for_partner`` and the expression of ``at`` alone."""
    found = (
        PartnerRequest.objects.for_partner(user)
        .select_related(
            "organisation",
            "asked_by",
            "answered_by",
            "breakthrough__household__district",
            "breakthrough__bottleneck",
            "breakthrough__regulation",
        )
        .annotate(shared_now=selectors.sharing_allowed_expression(at=at))
        .filter(pk=pk)
        .order_by()
    )
    return [_seen(request) for request in found]


def _new(user: User, pk: int, at: datetime.datetime) -> list[tuple[Any, ...]]:
    organisations, municipalities = partner_scopes(user)
    found = selectors.PARTNER_REQUEST_READ.objects(
        organisations=organisations,
        municipalities=municipalities,
        pk=pk,
        at=at,
        day=timezone.localdate(at),
    )
    return [_seen(request) for request in found]


def _seen(request: PartnerRequest) -> tuple[Any, ...]:
    breakthrough = request.breakthrough
    return (
        request.pk,
        bool(request.shared_now),  # type: ignore[attr-defined]
        request.organisation.name,
        request.asked_by.pk,
        request.answered_by_id,
        breakthrough.household.pk,
        breakthrough.household.district_id,
        breakthrough.bottleneck.pk,
        breakthrough.regulation_id,
    )


def _same(user: User, pk: int, at: datetime.datetime) -> bool | None:
    """Whether sharing is allowed at ``at`` by both reads (None: neither finds it)."""
    old, new = _old(user, pk, at), _new(user, pk, at)
    assert new == old, at
    return old[0][1] if old else None


@pytest.fixture
def request_with_consent(cast: Cast, household_a: Household) -> tuple[PartnerRequest, Consent]:
    breakthrough = submitted(cast, household_a)
    last_day = timezone.localdate() + datetime.timedelta(days=10)
    consent = give_consent(cast, household_a, cast.uwv, valid_until=last_day)
    return send(cast, breakthrough), consent


def test_the_consents_last_day_and_the_next(
    cast: Cast, request_with_consent: tuple[PartnerRequest, Consent]
) -> None:
    request, consent = request_with_consent
    assert consent.valid_until is not None
    first = datetime.datetime.combine(consent.given_on, datetime.time(), AMSTERDAM)
    last = datetime.datetime.combine(consent.valid_until, datetime.time.max, AMSTERDAM)
    micro = datetime.timedelta(microseconds=1)
    with timezone.override("Europe/Amsterdam"):
        assert _same(cast.dave, request.pk, first) is True
        assert _same(cast.dave, request.pk, timezone.now()) is True
        assert _same(cast.dave, request.pk, last) is True
        assert _same(cast.dave, request.pk, last + micro) is False
        assert _same(cast.dave, request.pk, last.astimezone(datetime.UTC) + micro) is False
    # In another time zone the day of a moment is another: both reads take the same one.
    with timezone.override("Pacific/Kiritimati"):
        for moment in (first, last - datetime.timedelta(hours=14), last, last + micro):
            _same(cast.dave, request.pk, moment)
        assert _same(cast.dave, request.pk, last) is False


def test_the_withdrawal_to_the_microsecond_and_one_to_come(
    cast: Cast, request_with_consent: tuple[PartnerRequest, Consent]
) -> None:
    request, consent = request_with_consent
    withdrawn = timezone.now().replace(microsecond=250_000) + datetime.timedelta(hours=3)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=withdrawn)
    micro = datetime.timedelta(microseconds=1)
    # Withdrawn in three hours: still shared now and until the moment itself.
    assert _same(cast.dave, request.pk, timezone.now()) is True
    assert _same(cast.dave, request.pk, withdrawn - micro) is True
    assert _same(cast.dave, request.pk, withdrawn) is False
    assert _same(cast.dave, request.pk, withdrawn + micro) is False
    assert _same(cast.dave, request.pk, withdrawn.astimezone(AMSTERDAM) - micro) is True
    assert _same(cast.dave, request.pk, withdrawn.replace(microsecond=0)) is True
    # The page itself, at those moments.
    for moment, shared in ((withdrawn - micro, True), (withdrawn, False)):
        with time_machine.travel(moment, tick=False):
            view = selectors.partner_request_open(user=cast.dave, pk=request.pk)
            assert view.shared is shared
            assert bool(view.members) is shared
            assert selectors.sharing_allowed(request, at=moment) is shared


def test_an_override_and_requests_without_a_disclosure(
    cast: Cast, household_a: Household, request_with_consent: tuple[PartnerRequest, Consent]
) -> None:
    request, consent = request_with_consent
    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())
    later = timezone.now() + datetime.timedelta(days=30)
    assert _same(cast.dave, request.pk, later) is False
    Disclosure.objects.create(
        household=household_a,
        breakthrough=request.breakthrough,
        organisation=cast.uwv,
        purpose=ConsentPurpose.SHARE_WITH_PARTNER,
        legal_basis="AVG art. 6 lid 1 sub e",
        override_reason="Dringend",
        disclosed_by=cast.alice,
        disclosed_at=timezone.now(),
    )
    assert _same(cast.dave, request.pk, later) is True
    # Not the user's request, or no such request: neither read finds it.
    assert _same(cast.alice, request.pk, later) is None
    assert _same(cast.dave, request.pk + 1000, later) is None
    with pytest.raises(Http404):
        selectors.partner_request_open(user=cast.alice, pk=request.pk)


def test_scopes_of_several_organisations_and_municipalities(
    cast: Cast, request_with_consent: tuple[PartnerRequest, Consent]
) -> None:
    """A contact of UWV in another municipality sees nothing; with the right municipality
    too, the request; the read compiled once per number of scopes, not built each time."""
    request, _consent = request_with_consent
    contact = UserFactory(username="contact-zuid")
    MembershipFactory(
        user=contact, role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.south
    )
    now = timezone.now()
    assert partner_scopes(contact) == ((cast.uwv.pk,), (cast.south.pk,))
    assert _same(contact, request.pk, now) is None
    MembershipFactory(
        user=contact, role=Role.PARTNER_CONTACT, organisation=cast.uwv, municipality=cast.north
    )
    both = User.objects.get(pk=contact.pk)  # the memberships are cached on the user
    assert partner_scopes(both) == ((cast.uwv.pk, cast.uwv.pk), (cast.south.pk, cast.north.pk))
    assert _same(both, request.pk, now) is True
    # Prepared (a plan per number of scopes; None for no scopes: no query), no fallback.
    plans = list(selectors.PARTNER_REQUEST_READ._plans[connections["default"]].values())
    assert sum(isinstance(plan, Plan) for plan in plans) >= 2
    assert all(plan is not False for plan in plans)
