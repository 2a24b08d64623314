"""The security log: every refused access leaves a ``SecurityEvent``, never the object's data.

A professional of team A who guesses team B's (or another municipality's) ids gets 404, as
before, and now leaves a trace for the privacy officer: who, which kind of object and the
id as given, which page, when, in which request, and the answer. The record is written after
the answer, outside the view's transactions, and a failure to write it never changes the
answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connections
from django.test import Client
from django.urls import reverse

from doorbraak.audit.models import (
    AppendOnlyError,
    ProcessingLog,
    SecurityEvent,
    SecurityOutcome,
    SecurityStage,
)
from doorbraak.households.models import Household
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _texts(event: SecurityEvent) -> str:
    return " ".join(str(getattr(event, f.attname)) for f in SecurityEvent._meta.concrete_fields)


def test_another_team_s_household_leaves_a_security_event_with_the_id_as_given(
    as_user: Any, cast: Cast, household_b: Household
) -> None:
    logged = ProcessingLog.objects.count()
    url = reverse("households:detail", args=[household_b.public_id])

    response = as_user(cast.alice).get(url)

    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert event.actor_id == cast.alice.pk
    assert event.actor_username == "alice"
    assert event.actor_role == "professional"
    assert event.actor_team == "Buurtteam A"
    assert event.municipality_id == cast.north.pk
    assert event.outcome == SecurityOutcome.NOT_FOUND
    assert event.stage == SecurityStage.OBJECT
    assert event.object_type == "household"
    assert event.object_id == str(household_b.public_id)
    assert event.view_name == "households:detail"
    assert event.method == "GET"
    assert event.request_id == response["X-Request-ID"]
    # Nothing of the household itself: not its name, team or coordinator.
    texts = _texts(event)
    assert household_b.name not in texts
    assert "Buurtteam B" not in texts
    assert "bob" not in texts
    # Nobody's data was processed: no processing-log record.
    assert ProcessingLog.objects.count() == logged


def test_another_municipality_s_household_through_the_api(
    as_user: Any, cast: Cast, household_z: Household
) -> None:
    url = reverse("api:household-detail", args=[household_z.public_id])

    response = as_user(cast.alice).get(url)

    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert (event.outcome, event.stage, event.object_type, event.object_id) == (
        404,
        "object",
        "household",
        str(household_z.public_id),
    )
    assert event.view_name == "api:household-detail"


def test_the_event_names_the_role_of_who_asked(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    url = reverse("households:detail", args=[household_a.public_id])

    response = as_user(cast.heidi).get(url)

    assert response.status_code == 404
    event = SecurityEvent.objects.get()
    assert (event.actor_username, event.actor_role, event.actor_team) == (
        "heidi",
        "privacy_officer",
        "",
    )
    assert (event.outcome, event.stage) == (404, "object")
    assert event.object_type == "household"
    assert event.object_id == str(household_a.public_id)


def test_an_api_role_refusal_without_an_object(as_user: Any, cast: Cast) -> None:
    response = as_user(cast.heidi).get(reverse("api:household-list"))

    assert response.status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.outcome, event.stage, event.object_type, event.object_id) == (
        403,
        "role",
        "",
        "",
    )
    assert event.view_name == "api:household-list"


def test_own_household_leaves_no_security_event(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    response = as_user(cast.alice).get(reverse("households:detail", args=[household_a.public_id]))

    assert response.status_code == 200
    assert not SecurityEvent.objects.exists()


def test_a_url_that_matches_no_route_is_not_an_object_refusal(as_user: Any, cast: Cast) -> None:
    """An unknown URL names no object: it is not recorded (docs/architecture.md)."""
    response = as_user(cast.alice).get("/huishoudens/geen-id/")

    assert response.status_code == 404
    assert not SecurityEvent.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in_without_an_event(
    client: Client, household_b: Household
) -> None:
    response = client.get(reverse("households:detail", args=[household_b.public_id]))

    assert response.status_code == 302
    assert not SecurityEvent.objects.exists()


def test_the_event_outlives_a_rolled_back_request_transaction(
    as_user: Any, cast: Cast, household_b: Household
) -> None:
    """With ``ATOMIC_REQUESTS`` the view's transaction is rolled back on the 404; the event is
    written after it, so it stays."""
    client = as_user(cast.alice)
    database = connections["default"].settings_dict
    database["ATOMIC_REQUESTS"] = True
    try:
        response = client.get(reverse("households:detail", args=[household_b.public_id]))
    finally:
        database["ATOMIC_REQUESTS"] = False

    assert response.status_code == 404
    assert SecurityEvent.objects.filter(object_id=str(household_b.public_id)).count() == 1


def test_a_failing_write_never_changes_the_answer(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("the security log is unavailable")

    monkeypatch.setattr(SecurityEvent.objects, "bulk_create", broken, raising=False)
    client = as_user(cast.alice)

    assert client.get(reverse("households:detail", args=[household_b.public_id])).status_code == (
        404
    )
    # The connection is still usable (no transaction left broken on PostgreSQL).
    own = client.get(reverse("households:detail", args=[household_a.public_id]))
    assert own.status_code == 200


def test_a_write_that_fails_in_the_database_leaves_the_transaction_usable(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household, monkeypatch: Any
) -> None:
    """The INSERT itself fails (a value the column refuses): only its savepoint rolls back."""
    monkeypatch.setattr(
        "doorbraak.audit.security.SecurityEvent",
        type("Broken", (), {"objects": _FailingManager()}),
    )
    client = as_user(cast.alice)

    assert client.get(reverse("households:detail", args=[household_b.public_id])).status_code == (
        404
    )
    assert client.get(reverse("households:detail", args=[household_a.public_id])).status_code == (
        200
    )


class _FailingManager:
    """A manager whose INSERT the database refuses (a NOT NULL column left empty)."""

    def using(self, alias: str) -> _FailingManager:
        self.alias = alias
        return self

    def bulk_create(self, events: list[SecurityEvent]) -> None:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_securityevent (occurred_at, actor_username, outcome, stage, "
                "object_type, object_id, view_name, method, request_id, actor_role, actor_team) "
                "VALUES (NULL, '', 404, 'object', '', '', '', 'GET', '', '', '')"
            )


def test_the_security_log_is_append_only(as_user: Any, cast: Cast, household_b: Household) -> None:
    as_user(cast.alice).get(reverse("households:detail", args=[household_b.public_id]))
    event = SecurityEvent.objects.get()

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(object_id="")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()


def test_a_refused_request_costs_one_insert_more(
    as_user: Any, cast: Cast, household_b: Household, django_assert_num_queries: Any
) -> None:
    """The security log adds its INSERT (in a savepoint here, inside the test's transaction)
    and no reads: the user's memberships are already known from the role check."""
    client = as_user(cast.alice)
    url = reverse("households:detail", args=[household_b.public_id])
    client.get(url)  # warm the session

    with django_assert_num_queries(8) as captured:
        client.get(url)

    inserts = [q["sql"] for q in captured.captured_queries if "audit_securityevent" in q["sql"]]
    assert len(inserts) == 1
    assert inserts[0].startswith("INSERT")
