"""The log page at any size: keyset pages, a bounded count, filters that meet an index.

A privacy officer of a region reads a log of millions of records; a page deep in it must
cost what the first page costs, and no page view may count every record.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorbraak.audit import selectors
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.audit.views import PAGE_SIZE
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

URL = reverse("audit:processing-log")
#: Only the reads: every view of the page adds a search record of its own at the top.
READS = f"{URL}?action=read"
MOMENT = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


def write(cast: Cast, count: int, *, at: datetime.datetime = MOMENT, prefix: str = "p") -> None:
    """``count`` records of Alice's municipality, all at the same moment (ties on time)."""
    with time_machine.travel(at, tick=False):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            subjects=[f"{prefix}-{index}" for index in range(count)],
        )


def shown(body: str) -> list[str]:
    """The persons of the rows shown, in order (the sixth column)."""
    table = body.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td[^>]*>((?:p|q)-\d+)</td>", table)


def link(body: str, name: str) -> str | None:
    found = re.search(rf'href="\?([^"]*{name}=[^"&]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_walking_older_and_back_newer_shows_every_record_once_in_order(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    # 2.5 pages at one moment (ties broken by id) between two other moments.
    write(cast, 20, at=MOMENT + datetime.timedelta(minutes=5), prefix="q")
    write(cast, PAGE_SIZE * 2 + PAGE_SIZE // 2)
    write(cast, 10, at=MOMENT - datetime.timedelta(minutes=5), prefix="q")
    expected = list(
        ProcessingLog.objects.filter(object_type="households.household")
        .order_by("-occurred_at", "-id")
        .values_list("subject_pseudonym", flat=True)
    )
    client = as_user(cast.heidi)
    pages: list[list[str]] = []
    body = client.get(READS).content.decode()
    pages.append(shown(body))
    assert link(body, "nieuwer") is None
    while older := link(body, "ouder"):
        assert older.startswith("action=read&")  # the filters stay
        body = client.get(f"{URL}?{older}").content.decode()
        pages.append(shown(body))
    assert [len(page) for page in pages] == [50, 50, 50, 5]
    assert [person for page in pages for person in page] == expected
    # And back: every newer page is the page that was shown before it.
    for previous in reversed(pages[:-1]):
        newer = link(body, "nieuwer")
        assert newer is not None
        body = client.get(f"{URL}?{newer}").content.decode()
        assert shown(body) == previous
    assert link(body, "nieuwer") is None


def test_the_count_stops_at_the_limit_and_no_query_counts_the_whole_log(
    as_user, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 30)
    write(cast, 45)
    client = as_user(cast.heidi)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL).content.decode()
    assert "Meer dan 30 logregels gevonden." in body
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page counts what it found"
    for sql in counts:
        assert "LIMIT" in sql.upper(), f"an unbounded count: {sql}"
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 50)
    assert "45 logregels gevonden." in client.get(READS).content.decode()


@pytest.mark.parametrize("size", [60, 400])
def test_a_deep_page_costs_the_queries_of_the_first_at_two_sizes(
    as_user, cast: Cast, size: int
) -> None:  # type: ignore[no-untyped-def]
    write(cast, size)
    client = as_user(cast.heidi)
    client.get(URL)  # the session's first request looks up more (device, membership)
    with CaptureQueriesContext(connection) as first:
        body = client.get(URL).content.decode()
    older = link(body, "ouder")
    assert older is not None
    with CaptureQueriesContext(connection) as deeper:
        client.get(f"{URL}?{older}")
    # The same for 60 and 400 records, and for the first and a later page (the
    # SQLite/PostgreSQL difference is the session's lookups, not the log).
    assert len(deeper.captured_queries) == len(first.captured_queries) <= 12
    assert not any("OFFSET" in q["sql"].upper() for q in deeper.captured_queries)


def test_the_count_comes_with_the_page_and_a_link_past_the_end_still_counts(
    as_user, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    write(cast, 7)
    client = as_user(cast.heidi)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(READS).content.decode()
    assert "7 logregels gevonden." in body
    log_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "audit_processinglog" in q["sql"]
    ]
    page_reads = [sql for sql in log_reads if '"unsealed"' not in sql]  # not the seal status
    assert len(page_reads) == 1
    assert "COUNT(*)" in page_reads[0]
    # A cursor older than every record: no rows to carry the count, which is then asked.
    body = client.get(f"{READS}&ouder=1000.1").content.decode()
    assert shown(body) == []
    assert "7 logregels gevonden." in body


@pytest.mark.parametrize(
    "cursor",
    ["ouder=abc", "ouder=1.2.3", "nieuwer=99999999999999999999999.1", "ouder=-5.-1", "ouder=1.0"],
)
def test_a_page_link_that_was_tampered_with_shows_the_newest_page_with_a_dutch_message(
    as_user, cast: Cast, cursor: str
) -> None:  # type: ignore[no-untyped-def]
    write(cast, 3)
    response = as_user(cast.heidi).get(f"{URL}?{cursor}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deze paginalink klopt niet" in body
    assert len(shown(body)) == 3


def test_the_user_filter_finds_the_actor_by_id_without_joining_the_users(
    as_user, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    write(cast, 4)
    with time_machine.travel(MOMENT, tick=False):
        processing_log_record(
            actor=cast.carol,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            subjects=["q-1"],
        )
    client = as_user(cast.heidi)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL, {"username": "CAROL"}).content.decode()
    assert shown(body) == ["q-1"]
    log_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "audit_processinglog" in q["sql"]
    ]
    assert log_reads
    assert not any("accounts_user" in sql for sql in log_reads)
    # An unknown user name finds nothing, and says so.
    assert shown(client.get(URL, {"username": "niemand"}).content.decode()) == []
