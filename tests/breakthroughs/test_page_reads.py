"""The breakthrough page's own read (``selectors.breakthrough_page``, its SQL compiled once,
lib/prepared.py) gives what the full read gives: the same breakthroughs for every persona
(404 for the rest), and the same lists in the same order, each row knowing its
breakthrough."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorbraak.breakthroughs import selectors, services
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.households.models import Household
from tests.breakthroughs.builders import draft, give_consent, submitted
from tests.conftest import Cast

LISTS = (
    "scenario_lines",
    "decisions",
    "escalation_steps",
    "partner_requests",
    "time_outs",
    "disclosures",
)


def _busy(cast: Cast, household: Household) -> Breakthrough:
    """A submitted breakthrough with a request, a time-out, a disclosure and escalations."""
    breakthrough = submitted(cast, household, lines=2)
    give_consent(cast, household, cast.uwv)
    services.partner_request_send(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        question="Stopzetten?",
        legal_basis="AVG art. 6 lid 1 sub a",
    )
    services.time_out_request(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        what="Incasso",
        until=timezone.localdate() + datetime.timedelta(days=10),
        legal_basis="AVG art. 6 lid 1 sub a",
    )
    services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason="Stil")
    return breakthrough


def _shown(breakthrough: Breakthrough) -> dict[str, Any]:
    return {
        "household": breakthrough.household.pk,
        "bottleneck": breakthrough.bottleneck.pk,
        "regulation": breakthrough.regulation_id,
        **{name: [row.pk for row in getattr(breakthrough, name).all()] for name in LISTS},
    }


@pytest.mark.django_db
def test_it_gives_every_persona_the_breakthroughs_the_full_read_gives(
    cast: Cast, household_a: Household
) -> None:
    """Buurtteam A's professional and team lead see them; Buurtteam B, the other
    municipality, the partner contact and the privacy officer get 404."""
    breakthroughs = [_busy(cast, household_a), draft(cast, household_a)]
    seen = 0
    for user in (cast.alice, cast.bob, cast.carol, cast.dave, cast.mallory, cast.oscar):
        for breakthrough in breakthroughs:
            for _ in range(2):  # compiled, then from the plan
                try:
                    full = selectors.breakthrough_get(user=user, pk=breakthrough.pk, log=False)
                except Http404:
                    with pytest.raises(Http404):
                        selectors.breakthrough_page(user=user, pk=breakthrough.pk, log=False)
                    continue
                page = selectors.breakthrough_page(user=user, pk=breakthrough.pk, log=False)
                assert _shown(page) == _shown(full)
                seen += 1
    assert seen == 2 * 2 * 2  # Alice and Carol, both breakthroughs, twice


@pytest.mark.django_db
def test_each_row_of_a_list_knows_its_breakthrough_without_a_query(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = _busy(cast, household_a)
    page = selectors.breakthrough_page(user=cast.alice, pk=breakthrough.pk, log=False)
    with CaptureQueriesContext(connection) as queries:
        assert [r.state_label for r in page.partner_requests.all()]
        for name in LISTS:
            rows = list(getattr(page, name).all())
            assert rows or name in ("decisions", "disclosures"), name
            assert all(row.breakthrough is page for row in rows)
        assert [r.organisation.name for r in page.partner_requests.all()] == [cast.uwv.name]
    assert len(queries) == 0
