"""The team's outcome pages: list with value and sources, record, detail, withdraw."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.households.models import Household
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome, OutcomeType
from tests.conftest import Cast
from tests.factories import CostItemFactory
from tests.outcomes.builders import breakthrough_for, record


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def reads(object_type: str) -> int:
    return ProcessingLog.objects.filter(
        object_type=object_type, action=ProcessingAction.READ
    ).count()


# --- the household's outcomes -----------------------------------------------------------------
def test_the_household_page_shows_value_range_payers_sources_and_total(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    record(cast, household_a)
    withdrawn = record(cast, household_a, outcome_type=OutcomeType.WORK_FOUND)
    services.outcome_withdraw(actor=cast.alice, outcome=withdrawn, reason="Dubbel geregistreerd")
    response = as_user(cast.alice).get(reverse("outcomes:household", args=[household_a.public_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Huisuitzetting voorkomen" in body
    assert "€ 10.873,00" in body  # 873 + 10.000, the only outcome in force
    assert "€ 5.523,80 – € 26.396,80" in body  # the range: 523,80+5.000 / 1.396,80+25.000
    assert "corporati" in body.lower()  # the payer: housing corporation
    assert "Dubbel geregistreerd" in body  # withdrawn, with its reason
    assert "oc-withdrawn" in body
    assert reverse("outcomes:create", args=[household_a.public_id]) in body


def test_the_household_page_runs_a_fixed_number_of_queries(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(cast.alice)
    url = reverse("outcomes:household", args=[household_a.public_id])
    record(cast, household_a)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    breakthrough = breakthrough_for(cast, household_a)
    for _ in range(8):
        record(cast, household_a, breakthrough=breakthrough)
        record(cast, household_a, outcome_type=OutcomeType.DEBT_PREVENTED, debt_amount_cents=9_000)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)
    with django_assert_max_num_queries(30):
        client.get(url)


def test_the_household_detail_page_lists_the_outcomes_in_constant_queries(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(cast.alice)
    url = reverse("households:detail", args=[household_a.public_id])
    breakthrough = breakthrough_for(cast, household_a)
    record(cast, household_a, breakthrough=breakthrough)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        body = client.get(url).content.decode()
    assert reverse("outcomes:household", args=[household_a.public_id]) in body
    for _ in range(6):
        record(cast, household_a, breakthrough=breakthrough)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small)


def test_reading_the_outcomes_is_logged(as_user: Any, cast: Cast, household_a: Household) -> None:
    outcome = record(cast, household_a)
    before = reads("households.household")
    as_user(cast.alice).get(reverse("outcomes:household", args=[household_a.public_id]))
    assert reads("households.household") > before
    as_user(cast.alice).get(reverse("outcomes:detail", args=[outcome.pk]))
    log = ProcessingLog.objects.filter(
        object_type="outcomes.outcome", action=ProcessingAction.READ, object_id=str(outcome.pk)
    )
    assert log.exists()
    assert log.first().actor == cast.alice  # type: ignore[union-attr]


@pytest.mark.parametrize(("who", "codes"), [("bob", {404}), ("mallory", {404})])
def test_other_teams_get_404_everywhere(
    as_user: Any, cast: Cast, household_a: Household, who: str, codes: set[int]
) -> None:
    outcome = record(cast, household_a)
    client: Client = as_user(getattr(cast, who))
    urls = [
        reverse("outcomes:household", args=[household_a.public_id]),
        reverse("outcomes:create", args=[household_a.public_id]),
        reverse("outcomes:detail", args=[outcome.pk]),
        reverse("outcomes:withdraw", args=[outcome.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in codes, url
    response = client.post(reverse("outcomes:withdraw", args=[outcome.pk]), {"reason": "Weg"})
    assert response.status_code in codes
    response = client.post(
        reverse("outcomes:create", args=[household_a.public_id]),
        {"outcome_type": OutcomeType.WORK_FOUND, "occurred_on": "2026-06-01", "evidence": "x"},
    )
    assert response.status_code in codes
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is None
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("who", ["dave", "grace", "heidi"])
def test_other_roles_are_refused(
    as_user: Any, cast: Cast, household_a: Household, who: str
) -> None:
    outcome = record(cast, household_a)
    client: Client = as_user(getattr(cast, who))
    for url in (
        reverse("outcomes:household", args=[household_a.public_id]),
        reverse("outcomes:create", args=[household_a.public_id]),
        reverse("outcomes:detail", args=[outcome.pk]),
        reverse("outcomes:withdraw", args=[outcome.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(
        reverse("outcomes:withdraw", args=[outcome.pk]), {"reason": "x"}
    ).status_code in (403, 404)
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is None


def test_anonymous_users_are_sent_to_the_login(client: Client, household_a: Household) -> None:
    response = client.get(reverse("outcomes:household", args=[household_a.public_id]))
    assert response.status_code == 302


# --- recording -------------------------------------------------------------------------------
def test_the_form_offers_only_this_households_breakthroughs(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    own = breakthrough_for(cast, household_a, title="Eigen doorbraak")
    assert Breakthrough.objects.filter(pk=own.pk).exists()
    response = as_user(cast.alice).get(reverse("outcomes:create", args=[household_a.public_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Eigen doorbraak" in body
    assert 'type="date"' in body
    assert 'type="radio"' in body


def test_a_debt_prevented_is_recorded_in_cents(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = breakthrough_for(cast, household_a)
    response = as_user(cast.alice).post(
        reverse("outcomes:create", args=[household_a.public_id]),
        {
            "outcome_type": OutcomeType.DEBT_PREVENTED,
            "occurred_on": "2026-06-01",
            "evidence": "Incassobureau zag af van verhoging.",
            "breakthrough": breakthrough.pk,
            "debt_amount": "3.000,00",
        },
    )
    outcome = Outcome.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:detail", args=[outcome.pk])
    assert outcome.debt_amount_cents == 300_000
    assert outcome.breakthrough == breakthrough
    assert outcome.value_cents == 150_000 + 37_500
    assert ProcessingLog.objects.filter(
        object_type="outcomes.outcome", action=ProcessingAction.CREATE
    ).exists()


def test_other_is_recorded_with_a_cost_item_and_quantity(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    item = CostItemFactory(amount_cents=40_000, payer="rijk")
    response = as_user(cast.alice).post(
        reverse("outcomes:create", args=[household_a.public_id]),
        {
            "outcome_type": OutcomeType.OTHER,
            "occurred_on": "2026-06-01",
            "evidence": "Geen boete.",
            "cost_item": item.pk,
            "quantity": "2,5",
        },
    )
    assert response.status_code == 302
    assert Outcome.objects.get().value_cents == 50_000


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"evidence": "  "}, "evidence"),
        ({"occurred_on": "2099-01-01"}, "occurred_on"),
        ({"occurred_on": "gisteren"}, "occurred_on"),
        ({"outcome_type": "wonder"}, "outcome_type"),
        ({"outcome_type": OutcomeType.DEBT_PREVENTED}, "debt_amount"),
        ({"debt_amount": "50"}, "debt_amount"),
        ({"debt_amount": "veel"}, "debt_amount"),
        ({"outcome_type": OutcomeType.OTHER, "cost_item": "999999"}, "cost_item"),
        ({"outcome_type": OutcomeType.OTHER, "cost_item": "ITEM", "quantity": "0"}, "quantity"),
        ({"breakthrough": "999999"}, "breakthrough"),
    ],
)
def test_bad_input_shows_errors_and_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, data: dict[str, str], field: str
) -> None:
    if data.get("cost_item") == "ITEM":
        data = {**data, "cost_item": str(CostItemFactory().pk)}
    form = {
        "outcome_type": OutcomeType.EVICTION_PREVENTED,
        "occurred_on": "2026-06-01",
        "evidence": "Brief van de corporatie.",
        **data,
    }
    response = as_user(cast.alice).post(
        reverse("outcomes:create", args=[household_a.public_id]), form
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_breakthrough_of_another_household_cannot_be_linked(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    from tests.factories import HouseholdFactory

    other = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    foreign = breakthrough_for(cast, other)
    response = as_user(cast.alice).post(
        reverse("outcomes:create", args=[household_a.public_id]),
        {
            "outcome_type": OutcomeType.WORK_FOUND,
            "occurred_on": "2026-06-01",
            "evidence": "Contract getekend.",
            "breakthrough": foreign.pk,
        },
    )
    assert response.status_code == 200
    assert "breakthrough" in response.context["form"].errors
    assert not Outcome.objects.exists()


# --- detail and withdrawal -------------------------------------------------------------------
def test_the_detail_page_shows_the_lines_with_their_sources(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    outcome = record(cast, household_a)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("outcomes:detail", args=[outcome.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for line in outcome.values.all():
        assert escape(line.source) in body
    assert "€ 10.873,00" in body
    assert reverse("outcomes:withdraw", args=[outcome.pk]) in body


def test_an_outcome_is_withdrawn_with_a_reason(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    outcome = record(cast, household_a)
    client = as_user(cast.alice)
    assert client.get(reverse("outcomes:withdraw", args=[outcome.pk])).status_code == 200
    response = client.post(
        reverse("outcomes:withdraw", args=[outcome.pk]), {"reason": "Verkeerd huishouden"}
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is not None
    assert outcome.withdrawn_reason == "Verkeerd huishouden"
    body = client.get(reverse("outcomes:detail", args=[outcome.pk])).content.decode()
    assert "Verkeerd huishouden" in body
    assert reverse("outcomes:withdraw", args=[outcome.pk]) not in body
    # A second withdrawal changes nothing.
    again = client.post(reverse("outcomes:withdraw", args=[outcome.pk]), {"reason": "Nogmaals"})
    assert again.status_code == 302
    outcome.refresh_from_db()
    assert outcome.withdrawn_reason == "Verkeerd huishouden"


def test_withdrawing_without_a_reason_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    outcome = record(cast, household_a)
    response = as_user(cast.alice).post(
        reverse("outcomes:withdraw", args=[outcome.pk]), {"reason": "   "}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    outcome.refresh_from_db()
    assert outcome.withdrawn_at is None


def test_unknown_outcomes_are_404(as_user: Any, cast: Cast) -> None:
    assert as_user(cast.alice).get(reverse("outcomes:detail", args=[999999])).status_code == 404


def test_the_household_pages_section_lists_what_the_outcomes_hold(
    cast: Cast, household_a: Household
) -> None:
    """``outcome_summaries`` (rows of SQL compiled once) gives each outcome's type label,
    day, value and withdrawal as the model does, newest first."""
    from doorbraak.outcomes.selectors import outcome_summaries

    record(cast, household_a)
    withdrawn = record(cast, household_a, outcome_type=OutcomeType.WORK_FOUND)
    services.outcome_withdraw(actor=cast.alice, outcome=withdrawn, reason="Dubbel")
    for language in ("nl", "en"):
        with translation.override(language):
            rows = outcome_summaries(household=household_a)
            expected = [
                {
                    "pk": o.pk,
                    "outcome_type": o.outcome_type,
                    "type_label": o.get_outcome_type_display(),
                    "occurred_on": o.occurred_on,
                    "value_cents": o.value_cents,
                    "withdrawn_at": o.withdrawn_at,
                }
                for o in Outcome.objects.filter(household=household_a).order_by(
                    "-occurred_on", "-pk"
                )
            ]
            assert rows == expected
            assert len(rows) == 2
