"""Outcomes dated before the household's registration, with a reason (issue 15.9)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import EventKind, Household, HouseholdEvent
from doorbraak.outcomes.models import Outcome
from tests.conftest import Cast
from tests.outcomes.builders import record

LAST_YEAR = datetime.date(2025, 3, 14)


@pytest.fixture
def registered(household_a: Household) -> Household:
    household_a.opened_on = datetime.date(2026, 1, 5)
    household_a.save(update_fields=["opened_on"])
    return household_a


def test_before_the_registration_needs_a_reason(cast: Cast, registered: Household) -> None:
    with pytest.raises(ValidationError) as caught:
        record(cast, registered, occurred_on=LAST_YEAR)
    assert "backdate_reason" in caught.value.message_dict
    assert not Outcome.objects.exists()


def test_with_a_reason_a_past_year_is_recorded_and_logged(
    cast: Cast, registered: Household
) -> None:
    outcome = record(
        cast, registered, occurred_on=LAST_YEAR, backdate_reason="Resultaten 2025 nagevoerd."
    )
    assert outcome.backdate_reason == "Resultaten 2025 nagevoerd."
    assert ProcessingLog.objects.filter(
        object_type="outcomes.outcome", object_id=outcome.pk, action=ProcessingAction.CREATE
    ).exists()
    event = HouseholdEvent.objects.filter(household=registered, kind=EventKind.OUTCOME).get()
    assert "Resultaten 2025 nagevoerd." in event.summary


def test_a_reason_is_dropped_where_it_explains_nothing(cast: Cast, registered: Household) -> None:
    outcome = record(
        cast, registered, occurred_on=datetime.date(2026, 6, 1), backdate_reason="Onnodig."
    )
    assert outcome.backdate_reason == ""


def test_a_date_before_2000_is_a_typing_error(cast: Cast, registered: Household) -> None:
    with pytest.raises(ValidationError) as caught:
        record(cast, registered, occurred_on=datetime.date(1999, 12, 31), backdate_reason="Oud.")
    assert "occurred_on" in caught.value.message_dict


def test_the_form_asks_for_the_reason_in_dutch_and_records_it(
    as_user: Any, cast: Cast, registered: Household
) -> None:
    client = as_user(cast.alice)
    url = reverse("outcomes:create", args=[registered.public_id])
    form = {
        "outcome_type": "huisuitzetting_voorkomen",
        "occurred_on": LAST_YEAR.isoformat(),
        "evidence": "Brief van de corporatie.",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "vóór de registratie van het huishouden" in refused.content.decode()
    assert not Outcome.objects.exists()
    done = client.post(url, {**form, "backdate_reason": "Jaar 2025 achteraf ingevoerd."})
    assert done.status_code == 302
    outcome = Outcome.objects.get()
    page = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert "Jaar 2025 achteraf ingevoerd." in page


def test_the_api_takes_the_reason(as_user: Any, cast: Cast, registered: Household) -> None:
    client = as_user(cast.alice)
    path = reverse("api:outcome-list", args=[registered.public_id])
    body = {
        "outcomeType": "huisuitzetting_voorkomen",
        "occurredOn": LAST_YEAR.isoformat(),
        "evidence": "Brief van de corporatie.",
    }
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 400
    assert "backdateReason" in refused.content.decode()
    done = client.post(
        path, {**body, "backdateReason": "Nagevoerd."}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert done.json()["backdateReason"] == "Nagevoerd."


def test_another_team_cannot_backdate(as_user: Any, cast: Cast, registered: Household) -> None:
    response = as_user(cast.bob).post(
        reverse("outcomes:create", args=[registered.public_id]),
        {
            "outcome_type": "huisuitzetting_voorkomen",
            "occurred_on": LAST_YEAR.isoformat(),
            "evidence": "x",
            "backdate_reason": "y",
        },
    )
    assert response.status_code == 404
    assert not Outcome.objects.exists()
