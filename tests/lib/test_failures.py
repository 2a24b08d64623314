"""Clear failures: problem+json under /api/ for every kind of error, and a Dutch 503 when
the database is down or read-only (real databases, not mocks)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from doorbraak.households.models import Household
from tests.conftest import Cast, login_verified

PROBLEM = "application/problem+json"


def is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    return body


# --- the API speaks problem+json, whatever goes wrong ------------------------------------------
def test_a_request_too_big_is_a_problem_413(cast: Cast, settings: Any) -> None:
    client = login_verified(Client(), cast.alice)
    body = '{"name": "' + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
    response = client.post("/api/v1/households", body, content_type="application/json")
    problem = is_problem(response, 413)
    assert problem["title"] == "Het verzoek is te groot."
    assert not Household.objects.exists()


def test_an_unknown_api_address_is_a_problem_404(cast: Cast, settings: Any) -> None:
    settings.DEBUG = False
    is_problem(Client().get("/api/v1/bestaat-niet"), 404)


def test_a_refused_csrf_check_is_a_problem_403(cast: Cast) -> None:
    client = login_verified(Client(enforce_csrf_checks=True), cast.alice)
    response = client.post("/api/v1/households", {}, content_type="application/json")
    is_problem(response, 403)


def test_a_crash_is_a_problem_500(cast: Cast) -> None:
    from doorbraak.lib import failures

    request = Client().get("/").wsgi_request
    request.path = "/api/v1/households"
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = failures.server_error(request)
    is_problem(response, 500)


# --- a database that is down or read-only -----------------------------------------------------
@contextlib.contextmanager
def read_only_database() -> Iterator[None]:
    """The real database refuses writes on this connection, as a replica or a read-only
    file during maintenance does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        else:
            cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
            else:
                cursor.execute("PRAGMA query_only = OFF")


@pytest.fixture
def unreachable_database() -> Iterator[None]:
    """The database server cannot be reached: the next connection goes to a closed port."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="9")  # discard: nobody listens
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_to_a_read_only_database_says_it_was_not_saved(cast: Cast) -> None:
    client = login_verified(Client(raise_request_exception=False), cast.alice)
    with read_only_database():
        response = client.post(
            reverse("households:register"), {"name": "Huishouden Nieuw", "postcode": "3511AB"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in body
    assert "Wat u net verstuurde is niet opgeslagen." in body


@pytest.mark.django_db(transaction=True)
def test_the_api_on_a_read_only_database_is_a_problem_503(cast: Cast) -> None:
    client = login_verified(Client(raise_request_exception=False), cast.alice)
    with read_only_database():
        response = client.post(
            "/api/v1/households", {"name": "Huishouden Nieuw"}, content_type="application/json"
        )
    is_problem(response, 503)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_with_the_database_unreachable_is_a_dutch_503(cast: Cast, request: Any) -> None:
    client = login_verified(Client(raise_request_exception=False), cast.alice)
    request.getfixturevalue("unreachable_database")
    response = client.get(reverse("home"))
    assert response.status_code == 503
    body = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in body
    assert "niet opgeslagen" not in body  # nothing was being sent


@pytest.mark.django_db(transaction=True)
def test_the_home_page_on_a_read_only_database_is_a_503_not_a_lost_session(cast: Cast) -> None:
    import datetime

    import time_machine

    client = login_verified(Client(raise_request_exception=False), cast.alice)
    # Two minutes later the session is due to be renewed, which needs a write.
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False), read_only_database():
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()
