"""Lists and detail pages cost the same queries at two data sizes (issue 20).

``make bench SCALE=1000000`` measures these pages at a million persons; here they are held
to a number of queries that does not grow with the data: each page is requested once at a
small size and once at a larger one (the partner inbox past its first page), and the
two counts must be equal. The household list and page, the table queue,
the processing log, the security log, the data-subject requests, the home page, the
casebook and the social map have their own two-size tests beside their other tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorbraak.breakthroughs.models import PartnerRequest, TimeOut
from doorbraak.funds.models import Fund
from doorbraak.households.models import Household
from doorbraak.insights import services as insight_services
from tests.breakthroughs.builders import give_consent, send, submitted
from tests.conftest import Cast
from tests.factories import HouseholdFactory
from tests.funds.factories import north_fund, paid
from tests.funds.factories import submitted as fund_submitted


def _queries(client: Client, url: str) -> int:
    """The queries of one request of ``url`` (after one that renews the session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def _same_at_two_sizes(
    client: Client, urls: Callable[[], list[str]], grow: Callable[[int], None], more: int
) -> list[int]:
    """``grow(1)`` and the counts, then ``grow(more)`` and the counts again."""
    grow(1)
    small = [_queries(client, url) for url in urls()]
    grow(more)
    large = [_queries(client, url) for url in urls()]
    assert small == large, (urls(), small, large)
    return large


def _household(cast: Cast, n: int) -> Household:
    return HouseholdFactory(team=cast.team_a, name=f"Huishouden {n}", coordinator=cast.alice)


def test_the_breakthrough_list_and_page(as_user: Any, cast: Cast) -> None:
    made: list[int] = []

    def grow(count: int) -> None:
        for n in range(count):
            made.append(submitted(cast, _household(cast, len(made) + n)).pk)

    def urls() -> list[str]:
        return [reverse("breakthroughs:list"), reverse("breakthroughs:detail", args=[made[-1]])]

    counts = _same_at_two_sizes(as_user(cast.alice), urls, grow, more=4)
    # The list reads its rows with their total in one query (a count and the rows before).
    # The page reads the rows of each of its lists with what they show, in one query per
    # list, and nothing it does not show (21 before).
    assert counts == [6, 18], counts


def test_the_partner_inbox_and_a_request_page(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    first = send(cast, breakthrough)

    def grow(count: int) -> None:
        # The inbox shows 25 a page: 31 requests are two pages. The request page shows the
        # time-outs asked from the organisation, each with its answer form.
        TimeOut.objects.bulk_create(
            TimeOut(
                breakthrough=breakthrough,
                organisation=cast.uwv,
                what=f"Invordering {n}",
                until=timezone.localdate() + datetime.timedelta(days=30),
                requested_by=cast.alice,
                requested_at=timezone.now(),
            )
            for n in range(count)
        )
        PartnerRequest.objects.bulk_create(
            PartnerRequest(
                breakthrough=breakthrough,
                organisation=cast.uwv,
                question=f"Vraag {n}",
                asked_by=cast.alice,
                asked_at=timezone.now(),
                deadline=timezone.localdate() + datetime.timedelta(days=n % 9),
            )
            for n in range(count)
        )

    def urls() -> list[str]:
        return [
            reverse("partners:inbox"),
            reverse("partners:inbox") + "?page=2",
            reverse("partners:request-detail", args=[first.pk]),
        ]

    counts = _same_at_two_sizes(as_user(cast.dave), urls, grow, more=30)
    # The request page reads its breakthrough, and whether sharing is allowed, with the
    # request, and the members once for the page and the log (12, then 10 before).
    assert counts[2] == 9, counts


def test_the_fund_pages(as_user: Any, cast: Cast, household_a: Household) -> None:
    fund: Fund = north_fund(cast)

    def grow(count: int) -> None:
        for _n in range(min(count, 2)):
            paid(
                fund=fund,
                by=cast.alice,
                approver=cast.carol,
                payer=cast.frank,
                household=household_a,
                amount_cents=1000,
            )
        for _n in range(count):
            fund_submitted(fund=fund, by=cast.alice, household=household_a, amount_cents=500)

    def urls() -> list[str]:
        return [
            reverse("funds:list"),
            reverse("funds:fund-detail", args=[fund.pk]),
            reverse("funds:request-list"),
        ]

    for user in (cast.frank, cast.alice):
        counts = _same_at_two_sizes(as_user(user), urls, grow, more=5)
        # The fund page: its spending figures in one query, and its requests without the
        # fund and household joins (13 before).
        assert counts[1] == 9, counts


def test_the_signal_list(as_user: Any, cast: Cast) -> None:
    made = [0]

    def grow(count: int) -> None:
        for _n in range(count):
            made[0] += 1
            insight_services.signal_create(
                actor=cast.grace,
                municipality=cast.north,
                title=f"Signaal {made[0]}",
                description="Regels botsen.",
            )

    _same_at_two_sizes(as_user(cast.grace), lambda: [reverse("insights:signal-list")], grow, more=8)
