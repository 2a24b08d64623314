"""Application logs: JSON lines with the request id, and no personal data in any of them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from doorbraak.accounts.models import User
from doorbraak.households.models import Household, HouseholdEvent, Member
from doorbraak.lib.crypto import decrypt
from doorbraak.lib.logging import JsonFormatter, RequestIdFilter
from tests.conftest import load_reference_data, login_verified


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log record of the test, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_a_log_line_is_json_with_the_request_id_of_the_response(
    db: None, json_log: io.StringIO
) -> None:
    response = Client().get("/bestaat-niet/")
    assert response.status_code == 404
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["level"] == "WARNING"
    assert not_found["request_id"] == response["X-Request-ID"]
    assert {"time", "message"} <= set(not_found)


def _personal_data() -> set[str]:
    """Every name, BSN, address and typed text of the demo households (5+ characters)."""
    values: set[str] = set()
    for household in Household.objects.all():
        values |= {household.name, household.street, household.close_note}
    for member in Member.objects.all():
        values |= {member.first_name, member.last_name, member.representative}
        if member.bsn_encrypted:
            values.add(decrypt(member.bsn_encrypted))
    for event in HouseholdEvent.objects.all():
        values.add(event.summary)
    return {value for value in values if value and len(value) >= 5}


@pytest.mark.django_db(transaction=True)
def test_the_main_flows_log_no_personal_data(json_log: io.StringIO) -> None:
    # An earlier transactional test may have flushed the life domains the demo scores.
    load_reference_data()
    # seed_demo runs the whole method through the real services: intake, assessments,
    # plans, bottlenecks, breakthroughs with escalation, tables, fund requests and
    # payments, outcomes, signals; then a professional works through the pages.
    call_command("seed_demo", "--quiet-logins", "--households", "12")
    client = login_verified(Client(), User.objects.get(username="professional"))
    assert client.get(reverse("households:list")).status_code == 200
    assert client.get(reverse("households:list") + "?q=straat").status_code == 200
    for household in Household.objects.filter(team__memberships__user__username="professional")[:3]:
        assert client.get(reverse("households:detail", args=[household.public_id])).status_code in (
            200,
            404,
        )
    log = json_log.getvalue()
    assert log  # the flows did log
    personal = _personal_data()
    assert len(personal) > 50
    leaked = sorted(value for value in personal if value in log)
    assert leaked == []
