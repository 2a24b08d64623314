"""The session's idle time-out is renewed at most once a minute, not written per request."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import Cast


def _session_writes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in captured.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    )


def test_the_session_is_written_at_most_once_a_minute(as_user: Any, cast: Cast) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(cast.alice)
        home = reverse("home")
        assert _session_writes(client, home) == 1  # the first request after log-in renews
        assert _session_writes(client, home) == 0
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert _session_writes(client, home) == 0
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert _session_writes(client, home) == 1


def test_an_idle_session_still_ends_after_thirty_minutes(as_user: Any, cast: Cast) -> None:
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = as_user(cast.alice)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        # Activity within the minute does not move the expiry: 30 minutes from 9:00.
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=30, seconds=1), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_visit_creates_no_session(client: Client, db: None) -> None:
    client.get(reverse("accounts:login"))
    client.get("/.well-known/security.txt")
    from django.contrib.sessions.models import Session

    assert not Session.objects.exists()
