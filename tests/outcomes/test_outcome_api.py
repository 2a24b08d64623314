"""``/api/v1/`` outcomes: list and record per household, one outcome, withdraw."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Household
from doorbraak.outcomes.models import Outcome, OutcomeType
from tests.conftest import Cast
from tests.factories import CostItemFactory, HouseholdFactory
from tests.outcomes.builders import breakthrough_for, record

JSON = "application/json"


def list_url(household: Household) -> str:
    return reverse("api:outcome-list", args=[household.public_id])


def problem_names(response: Any) -> list[str]:
    assert response.status_code == 400, response.content
    return [p["name"] for p in response.json()["invalidParams"]]


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcomeType": OutcomeType.EVICTION_PREVENTED,
        "occurredOn": "2026-06-01",
        "evidence": "Brief van de corporatie.",
    }
    data.update(overrides)
    return data


# --- happy paths ------------------------------------------------------------------------------
def test_the_list_shows_value_range_lines_and_sources(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    outcome = record(cast, household_a)
    response = as_user(cast.alice).get(list_url(household_a))
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == outcome.pk
    assert item["household"] == str(household_a.public_id)
    assert item["outcomeType"] == "huisuitzetting_voorkomen"
    assert item["valueCents"] == 1_087_300
    assert item["lowCents"] == 52_380 + 500_000
    assert item["highCents"] == 139_680 + 2_500_000
    assert {line["payer"] for line in item["values"]} == {"woningcorporatie", "gemeente"}
    assert all(line["source"] for line in item["values"])
    assert item["withdrawnAt"] is None


def test_a_debt_prevented_is_recorded_with_a_breakthrough(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = breakthrough_for(cast, household_a)
    response = as_user(cast.alice).post(
        list_url(household_a),
        body(
            outcomeType=OutcomeType.DEBT_PREVENTED,
            debtAmountCents=300_000,
            breakthrough=breakthrough.pk,
        ),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["valueCents"] == 150_000 + 37_500
    assert data["breakthrough"]["id"] == breakthrough.pk
    assert data["debtAmountCents"] == 300_000
    assert Outcome.objects.get().recorded_by == cast.alice
    assert ProcessingLog.objects.filter(
        object_type="outcomes.outcome", action=ProcessingAction.CREATE
    ).exists()


def test_other_is_recorded_with_a_cost_item(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    item = CostItemFactory(amount_cents=40_000, payer="rijk")
    response = as_user(cast.alice).post(
        list_url(household_a),
        body(outcomeType=OutcomeType.OTHER, costItem=item.pk, quantity="2.5"),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["valueCents"] == 50_000
    assert response.json()["costItem"]["id"] == item.pk


def test_one_outcome_is_read_and_logged(as_user: Any, cast: Cast, household_a: Household) -> None:
    outcome = record(cast, household_a)
    response = as_user(cast.alice).get(reverse("api:outcome-detail", args=[outcome.pk]))
    assert response.status_code == 200
    assert response.json()["evidence"] == outcome.evidence
    assert ProcessingLog.objects.filter(
        object_type="outcomes.outcome",
        object_id=str(outcome.pk),
        action=ProcessingAction.READ,
        actor=cast.alice,
    ).exists()


def test_reading_the_list_is_logged(as_user: Any, cast: Cast, household_a: Household) -> None:
    record(cast, household_a)
    as_user(cast.alice).get(list_url(household_a))
    assert ProcessingLog.objects.filter(
        object_type="households.household", action=ProcessingAction.READ, actor=cast.alice
    ).exists()


def test_an_outcome_is_withdrawn(as_user: Any, cast: Cast, household_a: Household) -> None:
    outcome = record(cast, household_a)
    client = as_user(cast.alice)
    url = reverse("api:outcome-withdraw", args=[outcome.pk])
    response = client.post(url, {"reason": "Dubbel"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["withdrawnReason"] == "Dubbel"
    assert response.json()["withdrawnAt"]
    again = client.post(url, {"reason": "Nogmaals"}, content_type=JSON)
    assert again.status_code == 400
    outcome.refresh_from_db()
    assert outcome.withdrawn_reason == "Dubbel"


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"evidence": " "}, "evidence"),
        ({"occurredOn": "2099-01-01"}, "occurredOn"),
        ({"occurredOn": "gisteren"}, "occurredOn"),
        ({"outcomeType": "wonder"}, "outcomeType"),
        ({"outcomeType": OutcomeType.DEBT_PREVENTED}, "debtAmountCents"),
        ({"debtAmountCents": 5_000}, "debtAmountCents"),
        ({"debtAmountCents": -1}, "debtAmountCents"),
        ({"breakthrough": 999_999}, "breakthrough"),
        ({"costItem": 999_999}, "costItem"),
        ({"outcomeType": OutcomeType.OTHER, "costItem": "ITEM", "quantity": "0"}, "quantity"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, overrides: dict[str, Any], name: str
) -> None:
    if overrides.get("costItem") == "ITEM":
        overrides = {**overrides, "costItem": CostItemFactory().pk}
    response = as_user(cast.alice).post(list_url(household_a), body(**overrides), content_type=JSON)
    assert name in problem_names(response)
    assert not Outcome.objects.exists()


def test_a_breakthrough_of_another_household_is_refused(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    other = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    foreign = breakthrough_for(cast, other)
    response = as_user(cast.alice).post(
        list_url(household_a), body(breakthrough=foreign.pk), content_type=JSON
    )
    assert "breakthrough" in problem_names(response)
    assert not Outcome.objects.exists()


def test_withdrawing_without_a_reason_is_a_400(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    outcome = record(cast, household_a)
    response = as_user(cast.alice).post(
        reverse("api:outcome-withdraw", args=[outcome.pk]), {"reason": " "}, content_type=JSON
    )
    assert "reason" in problem_names(response)
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is None


# --- access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["bob", "mallory"])
def test_other_teams_get_404(as_user: Any, cast: Cast, household_a: Household, who: str) -> None:
    outcome = record(cast, household_a)
    client = as_user(getattr(cast, who))
    assert client.get(list_url(household_a)).status_code == 404
    assert client.post(list_url(household_a), body(), content_type=JSON).status_code == 404
    assert client.get(reverse("api:outcome-detail", args=[outcome.pk])).status_code == 404
    response = client.post(
        reverse("api:outcome-withdraw", args=[outcome.pk]), {"reason": "x"}, content_type=JSON
    )
    assert response.status_code == 404
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is None
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("who", ["dave", "grace", "heidi"])
def test_other_roles_are_refused(
    as_user: Any, cast: Cast, household_a: Household, who: str
) -> None:
    outcome = record(cast, household_a)
    client = as_user(getattr(cast, who))
    assert client.get(list_url(household_a)).status_code in (403, 404)
    assert client.post(list_url(household_a), body(), content_type=JSON).status_code in (403, 404)
    assert client.get(reverse("api:outcome-detail", args=[outcome.pk])).status_code in (403, 404)
    response = client.post(
        reverse("api:outcome-withdraw", args=[outcome.pk]), {"reason": "x"}, content_type=JSON
    )
    assert response.status_code in (403, 404)
    assert Outcome.objects.count() == 1


def test_anonymous_users_are_refused(client: Client, household_a: Household) -> None:
    assert client.get(list_url(household_a)).status_code == 401


# --- query counts -----------------------------------------------------------------------------
def test_the_list_takes_a_fixed_number_of_queries(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    breakthrough = breakthrough_for(cast, household_a)
    record(cast, household_a, breakthrough=breakthrough)
    client = as_user(cast.alice)
    client.get(list_url(household_a))
    with CaptureQueriesContext(connection) as small:
        assert client.get(list_url(household_a)).status_code == 200
    for _ in range(10):
        record(cast, household_a, breakthrough=breakthrough)
        record(cast, household_a, outcome_type=OutcomeType.DEBT_PREVENTED, debt_amount_cents=9_000)
    with CaptureQueriesContext(connection) as big:
        response = client.get(list_url(household_a))
    assert response.json()["count"] == 21
    assert len(big) == len(small)
    assert len(big) <= 25
