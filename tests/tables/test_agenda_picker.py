"""The chair's agenda picker lists the most urgent cases, not every open case of the area.

It shows the ``PICKER_SIZE`` (50) cases the chair could still add, in the table queue's
order (the nearest deadline first), or the one case asked for by number (``?zaak=``), and
keeps a case that was POSTed when the form comes back. Any case the chair could add is
still accepted on a POST. Here the size is set to 2 so that a few cases show the cut.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.tables import selectors
from doorbraak.tables.models import Meeting
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast
from tests.tables.builders import household_of_team_a

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_picker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PICKER_SIZE", 2)


@pytest.fixture
def erin(as_user: Any, cast: Cast) -> Any:
    """The chair, reading the pages in English (the messages' msgids)."""
    client = as_user(cast.erin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(meeting: Meeting, query: str = "") -> str:
    return reverse("tables:meeting-detail", args=[meeting.pk]) + query


def _case(cast: Cast, name: str, due_in_days: int) -> Breakthrough:
    """A submitted case below the table whose level deadline is ``due_in_days`` away."""
    breakthrough = submitted(cast, household_of_team_a(cast, name))
    Breakthrough.objects.filter(pk=breakthrough.pk).update(
        level_deadline=timezone.localdate() + datetime.timedelta(days=due_in_days)
    )
    return breakthrough


def _listed(response: Any) -> list[int]:
    choices = response.context["add_form"].fields["breakthrough"].choices
    return [int(value) for value, _label in choices if value != ""]


@pytest.fixture
def cases(cast: Cast, meeting: Meeting) -> list[Breakthrough]:
    """Three cases that could still be added: due in 9, 2 and 5 days."""
    return [
        _case(cast, f"Huishouden {name}", days) for name, days in (("A", 9), ("B", 2), ("C", 5))
    ]


def test_it_lists_the_most_urgent_cases_in_queue_order(
    erin: Any, meeting: Meeting, cases: list[Breakthrough]
) -> None:
    response = erin.get(_page(meeting))
    assert _listed(response) == [cases[1].pk, cases[2].pk]
    body = response.content.decode()
    assert 'id="tb-case-lookup"' in body
    assert "The list shows the 2 most urgent cases" in body


def test_a_case_is_looked_up_by_its_number(
    erin: Any, meeting: Meeting, case: Breakthrough, cases: list[Breakthrough]
) -> None:
    client = erin
    response = client.get(_page(meeting, f"?zaak={cases[0].pk}"))
    assert _listed(response) == [cases[0].pk]
    assert f"Case #{cases[0].pk} is in the list below." in response.content.decode()
    # The case already on the agenda, and a number nobody has, are not found.
    for number in (case.pk, 999_999):
        response = client.get(_page(meeting, f"?zaak={number}"))
        assert _listed(response) == []
        assert f"Case #{number} is not an open case" in response.content.decode()
    response = client.get(_page(meeting, "?zaak=abc"))
    assert _listed(response) == [cases[1].pk, cases[2].pk]
    assert "Enter the number of the case" in response.content.decode()


def test_a_case_not_listed_is_still_added_and_kept_on_a_redisplay(
    erin: Any, meeting: Meeting, cases: list[Breakthrough]
) -> None:
    client = erin
    add = reverse("tables:agenda-add", args=[meeting.pk])
    response = client.post(add, {"breakthrough": cases[0].pk, "note": "x" * 301})
    assert response.status_code == 200
    assert _listed(response) == [cases[0].pk, cases[1].pk, cases[2].pk]
    assert f'<option value="{cases[0].pk}" selected>' in response.content.decode()
    assert not meeting.items.filter(breakthrough=cases[0]).exists()
    response = client.post(add, {"breakthrough": cases[0].pk})
    assert response.status_code == 302
    assert meeting.items.filter(breakthrough=cases[0]).exists()


def test_only_the_chair_gets_the_picker(
    as_user: Any, cast: Cast, meeting: Meeting, cases: list[Breakthrough]
) -> None:
    body = as_user(cast.dave).get(_page(meeting, f"?zaak={cases[0].pk}")).content.decode()
    assert 'id="tb-case-lookup"' not in body
    assert not re.search(rf"#{cases[0].pk} — ", body)
    assert as_user(cast.mallory).get(_page(meeting)).status_code in (403, 404)
    add = reverse("tables:agenda-add", args=[meeting.pk])
    assert as_user(cast.dave).post(add, {"breakthrough": cases[0].pk}).status_code in (403, 404)
    assert not meeting.items.filter(breakthrough=cases[0]).exists()


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_cases(erin: Any, cast: Cast, meeting: Meeting) -> None:
    client = erin
    first = _case(cast, "Huishouden Eerst", 3)
    urls = [_page(meeting), _page(meeting, f"?zaak={first.pk}")]
    small = [_queries(client, url) for url in urls]
    for n in range(4):
        _case(cast, f"Huishouden Groei {n}", n + 1)
    large = [_queries(client, url) for url in urls]
    assert small == large
