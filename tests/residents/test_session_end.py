"""A resident's session ends at a fixed time after the sign-in, however active the resident
is: the next request logs them out and sends them to the DigiD sign-in with a message."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from doorbraak.households.models import Household, MemberRole
from doorbraak.residents.services import SESSION_ENDS_KEY, SESSION_KEY
from tests.conftest import login_resident

pytestmark = pytest.mark.django_db

SIGNED_IN = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=datetime.UTC)
HOME = "/mijn/"
SIGN_IN = "/mijn/inloggen/"


def _at(seconds: int) -> Any:
    return time_machine.travel(SIGNED_IN + datetime.timedelta(seconds=seconds), tick=False)


def test_an_active_resident_is_logged_out_at_the_fixed_end(
    settings: Any, household_a: Household
) -> None:
    settings.DOORBRAAK_RESIDENT_SESSION_SECONDS = 900
    client = Client()
    with _at(0):
        login_resident(client, household_a.members.get(role=MemberRole.HEAD))
    # Active every few minutes: the idle time-out is renewed each time…
    for seconds in (300, 600, 840, 899):
        with _at(seconds):
            assert client.get(HOME).status_code == 200, seconds
            assert SESSION_KEY in client.session

    # …but 900 seconds after the sign-in the session is over.
    with _at(900):
        response = client.get(HOME, follow=True)

    assert response.redirect_chain == [(SIGN_IN, 302)]
    assert "_auth_user_id" not in client.session
    assert SESSION_KEY not in client.session
    assert "Uw sessie is verlopen. Log opnieuw in met DigiD." in response.content.decode()
    with _at(901):
        # Signed out for good: the own page sends an anonymous visitor to the sign-in.
        assert client.get(HOME)["Location"].startswith(SIGN_IN)
        assert client.get("/mijn/wie-zag-mijn-gegevens/")["Location"].startswith(SIGN_IN)


def test_the_end_is_kept_at_sign_in(settings: Any, household_a: Household) -> None:
    settings.DOORBRAAK_RESIDENT_SESSION_SECONDS = 600
    client = Client()
    with _at(0):
        login_resident(client, household_a.members.get(role=MemberRole.HEAD))
        assert client.session[SESSION_ENDS_KEY] == int(SIGNED_IN.timestamp()) + 600

    with _at(599):
        assert client.get(HOME).status_code == 200
    with _at(600):
        assert client.get(HOME)["Location"] == SIGN_IN


def test_a_resident_session_without_an_end_is_over(household_a: Household) -> None:
    client = Client()
    login_resident(client, household_a.members.get(role=MemberRole.HEAD))
    session = client.session
    del session[SESSION_ENDS_KEY]
    session.save()

    response = client.get(HOME)

    assert response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_a_staff_session_has_no_fixed_end(settings: Any, as_user: Any, cast: Any) -> None:
    settings.DOORBRAAK_RESIDENT_SESSION_SECONDS = 60
    with _at(0):
        client = as_user(cast.alice)
    with _at(1200):  # past the resident limit, within the staff idle time-out
        client.get("/")
        response = client.get("/huishoudens/")

    assert response.status_code == 200
