"""The breakthrough's start form takes its value triangle at once (issue 15: no edit page
afterwards), and offers what was written before: the bottleneck's blocked solution as the
one line, the agreed plan's goals and the household's commitment on the engagement side."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.assessments.models import LifeDomain
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs.models import Bottleneck, Breakthrough
from doorbraak.catalogue.models import Payer
from doorbraak.households.models import EventKind, Household
from doorbraak.plans import services as plan_services
from doorbraak.plans.models import ActionOwner
from tests.breakthroughs.builders import bottleneck
from tests.conftest import Cast
from tests.factories import RegulationFactory

GOAL = "De huurachterstand is binnen zes maanden afgelost."
PROMISE = "Ik bel zelf de corporatie voor een betalingsregeling."


@pytest.fixture
def as_user(as_user: Any, settings: Any) -> Any:
    """As the shared ``as_user``, with English pages: the assertions use the msgids."""

    def _as(user: Any) -> Client:
        client: Client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def _agreed_plan(cast: Cast, household: Household) -> None:
    plan_services.plan_start_first(
        actor=cast.alice,
        household=household,
        commitment=PROMISE,
        goal_domain=LifeDomain.objects.get(code="financien", municipality__isnull=True),
        goal_description=GOAL,
        action=plan_services.FirstAction(
            description="Betalingsregeling afspreken",
            owner=ActionOwner.HOUSEHOLD,
            due_on=timezone.localdate() + datetime.timedelta(days=14),
        ),
        agree=True,
    )


def _data(**changes: Any) -> dict[str, Any]:
    return {
        "title": "WW doorlopend op een briefadres",
        "proposal": "UWV laat de WW doorlopen op het briefadres tot de huurwoning.",
        "regulation": "",
        "legal_reasoning": "Zeer dringende redenen: zonder adres raakt zij dakloos.",
        "direct_cost": "1.250,50",
        "direct_cost_payer": Payer.MUNICIPALITY,
        "engagement": "Zij regelt de inschrijving zelf.",
        "household_commitment": PROMISE,
        **changes,
    }


def test_the_bottleneck_page_offers_what_was_written_before(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    _agreed_plan(cast, household_a)
    found = bottleneck(cast, household_a)
    response = as_user(cast.alice).get(reverse("breakthroughs:bottleneck-detail", args=[found.pk]))
    form = response.context["start_form"]
    assert form.initial["title"] == found.blocked_solution
    assert form.initial["engagement"] == GOAL
    assert form.initial["household_commitment"] == PROMISE
    html = response.content.decode()
    for name in ("regulation", "legal_reasoning", "direct_cost", "engagement"):
        assert f'name="{name}"' in html


def test_without_an_agreed_plan_the_engagement_side_starts_empty(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    response = as_user(cast.alice).get(reverse("breakthroughs:create", args=[found.pk]))
    form = response.context["form"]
    assert (form.initial["engagement"], form.initial["household_commitment"]) == ("", "")


def test_the_value_triangle_is_given_at_once(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    regulation = RegulationFactory(municipality=cast.north)
    events = household_a.events.filter(kind=EventKind.BREAKTHROUGH).count()
    response = as_user(cast.alice).post(
        reverse("breakthroughs:create", args=[found.pk]),
        _data(regulation=regulation.pk, direct_cost_payer=Payer.NATIONAL),
    )
    breakthrough = Breakthrough.objects.get(bottleneck=found)
    assert response.status_code == 302
    assert response["Location"] == reverse("breakthroughs:detail", args=[breakthrough.pk])
    assert breakthrough.regulation_id == regulation.pk
    assert breakthrough.legal_reasoning.startswith("Zeer dringende redenen")
    assert (breakthrough.direct_cost_cents, breakthrough.direct_cost_payer) == (
        125_050,
        Payer.NATIONAL,
    )
    assert breakthrough.engagement == "Zij regelt de inschrijving zelf."
    assert breakthrough.household_commitment == PROMISE
    assert household_a.events.filter(kind=EventKind.BREAKTHROUGH).count() == events + 1
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.CREATE,
        object_type="breakthroughs.breakthrough",
        object_id=breakthrough.pk,
    ).exists()


def test_title_and_proposal_are_enough_to_start(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    as_user(cast.alice).post(
        reverse("breakthroughs:create", args=[found.pk]),
        {"title": "Briefadres", "proposal": "Verstrek een briefadres."},
    )
    breakthrough = Breakthrough.objects.get(bottleneck=found)
    assert (breakthrough.regulation, breakthrough.direct_cost_cents) == (None, 0)
    assert breakthrough.direct_cost_payer == Payer.MUNICIPALITY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"direct_cost": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"direct_cost": "veel"}, "Enter a number."),
        ({"direct_cost": "2000000"}, "Ensure this value is less than or equal to 1000000."),
        ({"regulation": "999999"}, "Select a valid choice."),
        ({"title": " "}, "This field is required."),
        ({"direct_cost_payer": "niemand"}, "Select a valid choice."),
        ({"legal_reasoning": "x" * 20_001}, "characters"),
    ],
)
def test_bad_input_is_refused_and_starts_nothing(
    as_user: Any, cast: Cast, household_a: Household, changes: dict[str, str], message: str
) -> None:
    found = bottleneck(cast, household_a)
    events = household_a.events.count()
    response = as_user(cast.alice).post(
        reverse("breakthroughs:create", args=[found.pk]), _data(**changes)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" in html
    assert message in html
    assert not Breakthrough.objects.exists()
    assert household_a.events.count() == events


def test_a_regulation_of_another_municipality_is_refused(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    foreign = RegulationFactory(municipality=cast.south)
    response = as_user(cast.alice).post(
        reverse("breakthroughs:create", args=[found.pk]), _data(regulation=foreign.pk)
    )
    assert response.status_code == 200
    assert "data-error-summary" in response.content.decode()
    assert not Breakthrough.objects.exists()


def test_bad_input_is_refused_in_dutch(
    as_user: Any, cast: Cast, household_a: Household, settings: Any
) -> None:
    found = bottleneck(cast, household_a)
    client = as_user(cast.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.post(
        reverse("breakthroughs:create", args=[found.pk]), _data(direct_cost="-5")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verbeter het volgende" in html
    assert "Zorg ervoor dat deze waarde minstens 0 is." in html
    assert not Breakthrough.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "mallory"])
def test_another_team_gets_404_and_starts_nothing(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    found = bottleneck(cast, household_a)
    client = as_user(getattr(cast, persona))
    before = ProcessingLog.objects.count()
    assert client.get(reverse("breakthroughs:create", args=[found.pk])).status_code == 404
    assert client.post(reverse("breakthroughs:create", args=[found.pk]), _data()).status_code == (
        404
    )
    assert not Breakthrough.objects.exists()
    assert Bottleneck.objects.count() == 1
    assert ProcessingLog.objects.count() == before
