"""The log page's own read (``selectors.processing_log_search_page``, its SQL compiled once
per shape, lib/prepared.py) gives the page that ``processing_log_page`` gives of
``processing_log_search``: the same records with the same columns, cursors and count, for
every filter, cursor and persona; and its rows are what the template shows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connections

from doorbraak.audit import selectors
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.services import processing_log_record
from doorbraak.lib.prepared import Plan
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
SIZE = 4


def _write(cast: Cast) -> None:
    """Records of Alice and Carol over three days, ties on time included; a person whose
    pseudonym holds ``%`` and ``_``."""
    for day in range(3):
        for actor, action, count in (
            (cast.alice, ProcessingAction.READ, 3),
            (cast.carol, ProcessingAction.SEARCH, 2),
        ):
            with time_machine.travel(MOMENT + datetime.timedelta(days=day), tick=False):
                processing_log_record(
                    actor=actor,
                    action=action,
                    activity=ProcessingActivity.CASE_SUPPORT,
                    object_type="households.household",
                    object_id="abc" if action == ProcessingAction.SEARCH else "",
                    subjects=[f"p-{day}-{n}" for n in range(count)] + ["50%_<x>"],
                )


def _seen(page: selectors.LogPage) -> tuple[Any, ...]:
    return (
        [
            (
                record.pk,
                *(getattr(record, column) for column in selectors.PAGE_COLUMNS),
                frozenset(record.get_deferred_fields()),
            )
            for record in page.records
        ],
        page.older,
        page.newer,
        page.found,
        page.limit,
        page.lines(),
    )


FILTERS: list[dict[str, Any]] = [
    {},
    {"username": "alice"},
    {"username": " ALICE "},
    {"username": "al_ce"},
    {"username": "a%"},
    {"username": "niemand"},
    {"person": "50%_<x>"},
    {"person": "p-1-0", "username": "alice"},
    {"action": ProcessingAction.SEARCH},
    {"date_from": datetime.date(2026, 3, 3)},
    {"date_to": datetime.date(2026, 3, 3)},
    {"date_from": datetime.date(2026, 3, 3), "date_to": datetime.date(2026, 3, 3)},
    {"search_term_hash": "abc"},
]


def test_every_page_is_the_page_of_the_former_read(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(cast)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 12)  # past it on some filters
    every = ProcessingLog.objects.order_by("-occurred_at", "-id")
    cursors = ["", "1000.1", "99999999999999.1", *(selectors.log_cursor(r) for r in every[::5])]
    for user in (cast.heidi, cast.alice, cast.grace):
        for filters in FILTERS:
            for older in cursors:
                for newer in ("", *cursors[3:5]):
                    records = selectors.processing_log_search(user=user, **filters)
                    expected = _seen(
                        selectors.processing_log_page(
                            records, older_than=older, newer_than=newer, size=SIZE
                        )
                    )
                    page = selectors.processing_log_search_page(
                        user=user, older_than=older, newer_than=newer, size=SIZE, **filters
                    )
                    assert _seen(page) == expected, (user.username, filters, older, newer)


@pytest.mark.parametrize("cursor", ["abc", "1.2.3", "-5.-1", "1.0", "99999999999999999999999.1"])
def test_a_bad_cursor_is_refused_as_before(cast: Cast, cursor: str) -> None:
    with pytest.raises(selectors.BadCursor):
        selectors.processing_log_search_page(user=cast.heidi, older_than=cursor)
    with pytest.raises(selectors.BadCursor):
        selectors.processing_log_search_page(user=cast.heidi, newer_than=cursor)


def test_the_shapes_are_prepared(cast: Cast) -> None:
    _write(cast)
    first = selectors.processing_log_search_page(user=cast.heidi, username="alice", size=SIZE)
    assert first.older is not None
    selectors.processing_log_search_page(
        user=cast.heidi, username="alice", older_than=first.older, size=SIZE
    )
    plans = list(
        selectors.processing_log_page_read(selectors.COUNT_LIMIT, SIZE)
        ._plans[connections["default"]]
        .values()
    )
    assert len(plans) >= 2
    assert all(isinstance(plan, Plan) for plan in plans)


def test_the_rows_are_the_cells_the_template_showed(cast: Cast) -> None:
    with time_machine.travel(MOMENT, tick=False):
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.READ,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="households.household",
            object_id="7",
            subjects=["p-1"],
        )
        processing_log_record(
            actor=cast.alice,
            action=ProcessingAction.EXPORT,
            activity=ProcessingActivity.CASE_SUPPORT,
            object_type="insights.export",
        )
    page = selectors.processing_log_search_page(user=cast.heidi, size=SIZE)
    by_object = {line["object"]: line for line in page.lines()}
    read = by_object["households.household #7"]
    assert read["subject"] == "p-1"
    (record,) = [r for r in page.records if r.object_id == "7"]
    assert record.actor_organisation
    assert read["role"].endswith(", " + record.actor_organisation)
    export = by_object["insights.export"]
    assert export["subject"] == "–"
    assert export["request"] == "–"
    assert export["actor"] == read["actor"]
