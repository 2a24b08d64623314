"""Household-specific scenario lines and the value triangle read at a glance (issue 15.6).

An own line has its own description, price per unit, payer, unit and a note on the source
(the father's travel costs to his work): the catalogue does not hold it. The page shows the
triangle and the return per payer as SVG with a table beside it, and its "ready to submit?"
checklist follows each added line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import Breakthrough, Scenario, ScenarioLine
from doorbraak.breakthroughs.selectors import breakthrough_return
from doorbraak.catalogue.models import CostUnit, Payer
from doorbraak.households.models import Household
from doorbraak.lib.access import Refused
from tests.breakthroughs.builders import complete, draft, give_consent, send, submitted
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

TRAVEL = {
    "scenario": Scenario.BREAKTHROUGH,
    "description": "Busabonnement vader naar werk",
    "amount_cents": 9_850,
    "payer": Payer.HOUSEHOLD,
    "unit": CostUnit.MONTH,
    "quantity": "12",
    "probability_pct": 100,
    "source": "Tarief van de vervoerder, 2026",
}


def _own(cast: Cast, breakthrough: Breakthrough, **changes: Any) -> ScenarioLine:
    return services.scenario_own_line_add(
        actor=cast.alice, breakthrough=breakthrough, **{**TRAVEL, **changes}
    )


def _form(**changes: str) -> dict[str, str]:
    data = {
        "scenario": Scenario.BREAKTHROUGH,
        "description": "Busabonnement vader naar werk",
        "amount": "98,50",
        "payer": Payer.HOUSEHOLD,
        "unit": CostUnit.MONTH,
        "quantity": "12",
        "probability_pct": "100",
        "source": "Tarief van de vervoerder, 2026",
        "note": "",
    }
    data.update(changes)
    return data


# --- the service ------------------------------------------------------------------------------
def test_an_own_line_counts_in_the_return_for_its_payer(cast: Cast, household_a: Household) -> None:
    breakthrough = draft(cast, household_a)
    line = _own(cast, breakthrough)
    assert line.is_own
    assert line.cost_item is None
    assert line.item_name == "Busabonnement vader naar werk"
    assert line.item_amount_cents == 9_850
    assert line.item_payer_label
    assert line.quantity == Decimal("12")
    fresh = Breakthrough.objects.prefetch_related("scenario_lines__cost_item").get(
        pk=breakthrough.pk
    )
    calculation = breakthrough_return(fresh)
    assert calculation.breakthrough_cents == 9_850 * 12
    [split] = calculation.per_payer
    assert split.payer == Payer.HOUSEHOLD
    assert split.gain_cents == -9_850 * 12
    assert ProcessingLog.objects.filter(
        actor=cast.alice,
        action=ProcessingAction.UPDATE,
        object_type="breakthroughs.breakthrough",
        object_id=str(breakthrough.pk),
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "x" * 151}, "description"),
        ({"amount_cents": None}, "amount_cents"),
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": 10_000_001}, "amount_cents"),
        ({"payer": "buurman"}, "payer"),
        ({"unit": "week"}, "unit"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "veel"}, "quantity"),
        ({"probability_pct": 0}, "probability_pct"),
        ({"scenario": "later"}, "scenario"),
        ({"source": "x" * 401}, "source"),
    ],
)
def test_a_bad_own_line_is_refused_in_dutch_and_changes_nothing(
    cast: Cast, household_a: Household, changes: dict[str, Any], field: str
) -> None:
    breakthrough = draft(cast, household_a)
    logged = ProcessingLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        _own(cast, breakthrough, **changes)
    assert field in refused.value.message_dict
    assert not ScenarioLine.objects.exists()
    assert ProcessingLog.objects.count() == logged


def test_only_the_team_may_add_an_own_line_and_only_to_a_draft(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    with pytest.raises(Refused):
        services.scenario_own_line_add(actor=cast.bob, breakthrough=breakthrough, **TRAVEL)
    done = submitted(cast, household_a)
    with pytest.raises(ValidationError):
        _own(cast, done)
    assert not ScenarioLine.objects.filter(own_description=TRAVEL["description"]).exists()


def test_an_own_line_can_be_removed_like_any_other(cast: Cast, household_a: Household) -> None:
    breakthrough = draft(cast, household_a)
    line = _own(cast, breakthrough)
    services.scenario_line_remove(actor=cast.alice, line=line)
    assert not ScenarioLine.objects.exists()


# --- the pages --------------------------------------------------------------------------------
@pytest.mark.parametrize("htmx", [False, True])
def test_the_page_adds_an_own_line(
    as_user: Any, cast: Cast, household_a: Household, htmx: bool
) -> None:
    breakthrough = draft(cast, household_a)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = as_user(cast.alice).post(
        reverse("breakthroughs:own-line-add", args=[breakthrough.pk]), _form(), **extra
    )
    line = ScenarioLine.objects.get()
    assert line.own_amount_cents == 9_850
    assert line.own_source == "Tarief van de vervoerder, 2026"
    if htmx:
        body = response.content.decode()
        assert response.status_code == 200
        assert "Busabonnement vader naar werk" in body
        # The checklist and the summary come along out of band: never stale.
        assert 'id="bt-checklist"' in body
        assert 'hx-swap-oob="outerHTML"' in body
        assert 'id="bt-summary"' in body
    else:
        assert response.status_code == 302


@pytest.mark.parametrize(
    "changes",
    [
        {"description": ""},
        {"amount": "gratis"},
        {"amount": "0"},
        {"amount": "-5"},
        {"payer": "buurman"},
        {"unit": "week"},
        {"quantity": "1,234"},
        {"probability_pct": "150"},
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_own_line_on_the_page_shows_the_error(
    as_user: Any, cast: Cast, household_a: Household, changes: dict[str, str], htmx: bool
) -> None:
    breakthrough = draft(cast, household_a)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = as_user(cast.alice).post(
        reverse("breakthroughs:own-line-add", args=[breakthrough.pk]), _form(**changes), **extra
    )
    assert response.status_code == 200
    assert "utrecht-form-field-error-message" in response.content.decode()
    assert not ScenarioLine.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "mallory"])
def test_another_team_gets_404_on_the_own_line_page(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(getattr(cast, persona))
    url = reverse("breakthroughs:own-line-add", args=[breakthrough.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert not ScenarioLine.objects.exists()


@pytest.mark.parametrize("persona", ["dave", "erin", "heidi", "grace"])
def test_other_roles_get_403_on_the_own_line_page(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(getattr(cast, persona))
    url = reverse("breakthroughs:own-line-add", args=[breakthrough.pk])
    assert client.post(url, _form()).status_code == 403
    assert not ScenarioLine.objects.exists()


def test_the_form_page_of_an_own_line_is_logged_as_a_read(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    response = as_user(cast.alice).get(
        reverse("breakthroughs:own-line-add", args=[breakthrough.pk])
    )
    assert response.status_code == 200
    assert ProcessingLog.objects.filter(
        actor=cast.alice,
        action=ProcessingAction.READ,
        object_type="breakthroughs.breakthrough",
        object_id=str(breakthrough.pk),
    ).exists()


def _checklist(body: str) -> list[str]:
    section = body[body.index('id="bt-checklist"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'<li class="utrecht-unordered-list__item">([^<]*)</li>', section)


def test_the_checklist_follows_the_lines_added(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    """The status quo gap goes away in the htmx answer of the add itself, not after a reload."""
    breakthrough = draft(cast, household_a)
    client = as_user(cast.alice)
    page = client.get(reverse("breakthroughs:detail", args=[breakthrough.pk])).content.decode()
    before = _checklist(page)
    assert len(before) == 6  # nothing filled in yet
    response = client.post(
        reverse("breakthroughs:own-line-add", args=[breakthrough.pk]),
        _form(scenario=Scenario.STATUS_QUO),
        HTTP_HX_REQUEST="true",
    )
    after = _checklist(response.content.decode())
    assert len(after) == 5
    assert set(after) < set(before)
    gaps_now = services.triangle_gaps(Breakthrough.objects.get(pk=breakthrough.pk))
    assert "status_quo" not in gaps_now


def test_the_page_shows_the_triangle_and_the_payers_as_svg_with_tables(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = complete(cast, draft(cast, household_a), lines=3)
    _own(cast, breakthrough)
    body = (
        as_user(cast.alice)
        .get(reverse("breakthroughs:detail", args=[breakthrough.pk]))
        .content.decode()
    )
    assert body.count("<svg") >= 2
    assert 'class="bt-triangle-svg"' in body
    assert 'role="img"' in body
    assert "bt-summary__table" in body  # the triangle's table alternative
    assert 'class="bt-payer-svg"' in body
    assert "bt-payer-table" in body
    assert "eigen bedrag" in body.lower() or "own amount" in body.lower()
    assert "per per" not in body


def test_labels_and_negative_amounts_on_the_page(
    as_user: Any, cast: Cast, household_a: Household, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "nl"
    breakthrough = draft(cast, household_a)
    _own(cast, breakthrough)  # only the breakthrough costs: the net return is negative
    body = (
        as_user(cast.alice)
        .get(reverse("breakthroughs:detail", args=[breakthrough.pk]), HTTP_ACCEPT_LANGUAGE="nl")
        .content.decode()
    )
    assert "Prijs per eenheid" in body
    assert "Aantal" in body
    assert "per per" not in body
    assert "€ -" not in body
    assert "\u2212 € 1.182,00" in body


def test_the_partner_and_the_chair_see_the_triangle_and_the_payers(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    body = (
        as_user(cast.dave)
        .get(reverse("partners:request-detail", args=[request.pk]))
        .content.decode()
    )
    assert 'class="bt-triangle-svg"' in body
    assert "bt-summary__table" in body
    assert 'class="bt-payer-svg"' in body
    assert "bt-payer-table" in body
    assert "pt-triangle__side--return" in body


def _detail_queries(client: Any, url: str, django_assert_max_num_queries: Any) -> int:
    with django_assert_max_num_queries(45) as counted:
        response = client.get(url)
    assert response.status_code == 200
    assert re.search(r"<svg[^>]*bt-triangle-svg", response.content.decode())
    return len(counted.captured_queries)


def test_the_value_triangle_page_costs_the_same_queries_at_two_sizes(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    breakthrough = complete(cast, draft(cast, household_a), lines=2)
    client = as_user(cast.alice)
    url = reverse("breakthroughs:detail", args=[breakthrough.pk])
    client.get(url)  # the first request of a session also reads what later ones cache
    small = _detail_queries(client, url, django_assert_max_num_queries)
    for n in range(12):
        _own(cast, breakthrough, description=f"Reiskosten {n}", payer=list(Payer.values)[n % 6])
    large = _detail_queries(client, url, django_assert_max_num_queries)
    assert large == small


def test_the_api_shows_an_own_line_with_its_figures(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    _own(cast, breakthrough)
    body = (
        as_user(cast.alice).get(reverse("api:breakthrough-detail", args=[breakthrough.pk])).json()
    )
    [line] = body["lines"]
    assert line["own"] is True
    assert line["costItem"] is None
    assert line["description"] == "Busabonnement vader naar werk"
    assert line["amountCents"] == 9_850
    assert line["payer"] == Payer.HOUSEHOLD
    assert line["unit"] == CostUnit.MONTH
    assert line["amountSource"] == "Tarief van de vervoerder, 2026"
    assert line["costCents"] == 9_850 * 12
