"""The team's breakthrough pages and the breakthrough table: flow, access, log, input, queries."""

from __future__ import annotations

import datetime
import typing
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    Disclosure,
    EscalationLevel,
    PartnerRequest,
    RequestStatus,
    Scenario,
    ScenarioLine,
    Theme,
)
from doorbraak.catalogue.models import Payer
from doorbraak.households.models import Household
from doorbraak.library.models import Regulation
from tests.breakthroughs.builders import (
    TITLE,
    at_table,
    complete,
    draft,
    give_consent,
    send,
    submitted,
)
from tests.conftest import Cast
from tests.factories import CostItemFactory, RegulationFactory


@pytest.fixture(autouse=True)
def _money_filter(settings: Any) -> None:
    """Until ``doorbraak.lib`` is an installed app, register its template library here."""
    from django.template import engines

    if "money" in engines["django"].engine.template_libraries:
        return
    templates = [dict(t) for t in settings.TEMPLATES]
    options = dict(templates[0].get("OPTIONS", {}))
    options["libraries"] = {
        **options.get("libraries", {}),
        "money": "doorbraak.lib.templatetags.money",
    }
    templates[0]["OPTIONS"] = options
    settings.TEMPLATES = templates


# --- helpers ----------------------------------------------------------------------------------
def errors_of(response: Any) -> str:
    body: str = response.content.decode()
    assert "utrecht-form-field-error-message" in body or "utrecht-alert--error" in body
    return body


# --- the whole flow ---------------------------------------------------------------------------
def test_the_team_takes_a_breakthrough_from_bottleneck_to_decision(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client: Client = as_user(cast.alice)
    regulation = typing.cast(Regulation, RegulationFactory(citation="Proefwet art. 7a"))
    household_page = client.get(reverse("households:detail", args=[household_a.public_id]))
    assert reverse("breakthroughs:bottleneck-create", args=[household_a.public_id]) in (
        household_page.content.decode()
    )

    # 1. The bottleneck.
    response = client.post(
        reverse("breakthroughs:bottleneck-create", args=[household_a.public_id]),
        {
            "title": "Geen uitkering zonder adres",
            "description": "Zonder adres geen bijstand.",
            "theme": Theme.INCOME,
            "kind": BottleneckKind.RULES_CLASH,
            "blocked_solution": "Een briefadres.",
            "regulations": [regulation.pk],
            "organisations": [cast.uwv.pk],
        },
    )
    found = Bottleneck.objects.get(household=household_a)
    assert response.status_code == 302
    assert response.url == reverse("breakthroughs:bottleneck-detail", args=[found.pk])
    assert list(found.organisations.all()) == [cast.uwv]
    bottleneck_page = client.get(response.url).content.decode()
    assert reverse("breakthroughs:create", args=[found.pk]) in bottleneck_page
    assert (
        "Geen uitkering zonder adres"
        in client.get(reverse("households:detail", args=[household_a.public_id])).content.decode()
    )

    # 2. The breakthrough, as a draft.
    response = client.post(
        reverse("breakthroughs:create", args=[found.pk]),
        {"title": "Briefadres vóór de huurwoning", "proposal": "Verstrek een briefadres."},
    )
    breakthrough = Breakthrough.objects.get(bottleneck=found)
    assert response.url == reverse("breakthroughs:detail", args=[breakthrough.pk])
    detail = client.get(response.url).content.decode()
    assert "Briefadres vóór de huurwoning" in detail

    # 3. The value triangle.
    response = client.post(
        reverse("breakthroughs:edit", args=[breakthrough.pk]),
        {
            "title": "Briefadres vóór de huurwoning",
            "proposal": "Verstrek een briefadres.",
            "regulation": regulation.pk,
            "legal_reasoning": "Zeer dringende redenen.",
            "horizon_months": "12",
            "direct_cost": "1.250,50",
            "direct_cost_payer": Payer.MUNICIPALITY,
            "engagement": "Zij regelt de inschrijving zelf.",
            "household_commitment": "Ik ga elke week.",
        },
    )
    assert response.status_code == 302
    breakthrough.refresh_from_db()
    assert breakthrough.direct_cost_cents == 125_050
    assert breakthrough.regulation == regulation

    # 4. Submitting without the status quo shows what is missing.
    response = client.post(reverse("breakthroughs:submit", args=[breakthrough.pk]))
    assert response.status_code == 200
    errors_of(response)
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.DRAFT

    # 5. Lines: without JS (redirect) and with htmx (the return section only).
    shelter = CostItemFactory(name="Opvang", amount_cents=3_000_000, payer=Payer.HEALTH_INSURER)
    response = client.post(
        reverse("breakthroughs:line-add", args=[breakthrough.pk]),
        {
            "scenario": Scenario.STATUS_QUO,
            "cost_item": shelter.pk,
            "quantity": "1,5",
            "probability_pct": "100",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("breakthroughs:line-add", args=[breakthrough.pk]),
        {
            "scenario": Scenario.BREAKTHROUGH,
            "cost_item": CostItemFactory(name="Briefadres").pk,
            "quantity": "1",
            "probability_pct": "100",
        },
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert 'id="bt-return"' in fragment
    assert "€ 45.000,00" in fragment  # 1,5 × € 30.000
    assert breakthrough.scenario_lines.count() == 2
    extra = client.post(
        reverse("breakthroughs:line-add", args=[breakthrough.pk]),
        {"scenario": Scenario.BREAKTHROUGH, "cost_item": shelter.pk, "quantity": "1"},
    )
    assert extra.status_code == 200  # probability missing: the form says so
    line = breakthrough.scenario_lines.get(cost_item__name="Briefadres")
    response = client.post(
        reverse("breakthroughs:line-remove", args=[breakthrough.pk, line.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert not ScenarioLine.objects.filter(pk=line.pk).exists()
    page = client.get(reverse("breakthroughs:detail", args=[breakthrough.pk])).content.decode()
    assert "Proefwet art. 7a" in page
    assert "€ 45.000,00" in page
    assert "€ 1.250,50" in page

    # 6. Submit.
    response = client.post(reverse("breakthroughs:submit", args=[breakthrough.pk]))
    assert response.status_code == 302
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.SUBMITTED

    # 7. A request without consent shows the message and changes nothing.
    request_url = reverse("breakthroughs:request-create", args=[breakthrough.pk])
    assert client.get(request_url).status_code == 200
    data = {
        "organisation": cast.uwv.pk,
        "question": "Kunt u de terugvordering stopzetten?",
        "legal_basis": "AVG art. 6 lid 1 sub a: toestemming van het huishouden",
    }
    response = client.post(request_url, data)
    body = errors_of(response)
    assert response.status_code == 200
    assert "UWV" in body
    assert "override_reason" not in body  # Alice is no team lead
    assert not PartnerRequest.objects.exists()
    assert not Disclosure.objects.exists()
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.OWN_MANDATE

    # 8. With consent it is sent, and on record as a disclosure.
    give_consent(cast, household_a, cast.uwv)
    response = client.post(request_url, data)
    assert response.status_code == 302
    assert PartnerRequest.objects.get().organisation == cast.uwv
    assert Disclosure.objects.get().consent is not None
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.PARTNER

    # 9. The partner asks for more; the team gives it on the page.
    services.partner_request_answer(
        actor=cast.dave,
        request=PartnerRequest.objects.get(),
        status=RequestStatus.MORE_INFORMATION,
        answer="Welke schuld?",
    )
    page = client.get(reverse("breakthroughs:detail", args=[breakthrough.pk])).content.decode()
    assert "Welke schuld?" in page
    clarify_url = reverse("breakthroughs:request-clarify", args=[PartnerRequest.objects.get().pk])
    assert clarify_url in page
    assert client.post(clarify_url, {"information": " "}).status_code == 200
    assert PartnerRequest.objects.get().status == RequestStatus.MORE_INFORMATION
    assert client.post(clarify_url, {"information": "De huurschuld."}).status_code == 302
    assert PartnerRequest.objects.get().status == RequestStatus.OPEN

    # 10. Back to the own mandate is not possible; escalate to the table, the chair decides.
    response = client.post(
        reverse("breakthroughs:escalate", args=[breakthrough.pk]), {"reason": "Geen reactie"}
    )
    assert response.status_code == 302
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE
    erin = as_user(cast.erin)
    item_url = reverse("breakthroughs:table-item", args=[breakthrough.pk])
    assert erin.get(item_url).status_code == 200
    response = erin.post(
        item_url, {"outcome": "goedgekeurd", "mandate": "Doorbraaktafel Noord", "reason": "Past"}
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.level == EscalationLevel.TABLE
    assert decision.decided_by == cast.erin

    # 11. The team carries it out and evaluates.
    client = as_user(cast.alice)
    page = client.get(reverse("breakthroughs:detail", args=[breakthrough.pk])).content.decode()
    assert "Doorbraaktafel Noord" in page
    today = timezone.localdate().isoformat()
    assert (
        client.post(
            reverse("breakthroughs:carry-out", args=[breakthrough.pk]),
            {"carried_out_on": today, "note": "Briefadres verstrekt."},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("breakthroughs:evaluate", args=[breakthrough.pk]),
            {"evaluated_on": today, "evaluation": "Zij woont nu zelfstandig."},
        ).status_code
        == 302
    )
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.EVALUATED


def test_the_team_decides_within_its_own_mandate(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    page = client.get(reverse("breakthroughs:detail", args=[breakthrough.pk])).content.decode()
    decide_url = reverse("breakthroughs:decide", args=[breakthrough.pk])
    assert decide_url in page
    response = client.post(decide_url, {"outcome": "goedgekeurd", "mandate": "", "reason": ""})
    assert response.status_code == 200
    errors_of(response)
    assert not Decision.objects.exists()
    response = client.post(
        decide_url,
        {"outcome": "afgewezen", "mandate": "Doe wat nodig is", "reason": "Niet nodig"},
    )
    assert response.status_code == 302
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.REJECTED
    # Decided: deciding again is refused (403), nothing changes.
    assert client.post(decide_url, {"outcome": "goedgekeurd"}).status_code == 403
    assert Decision.objects.count() == 1


def test_a_team_lead_may_share_without_consent_with_a_reason(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.carol)
    url = reverse("breakthroughs:request-create", args=[breakthrough.pk])
    assert "override_reason" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "organisation": cast.uwv.pk,
            "question": "Stopzetten?",
            "legal_basis": "AVG art. 6 lid 1 sub e",
            "override_reason": "Dreigende uithuiszetting, huishouden onbereikbaar.",
        },
    )
    assert response.status_code == 302
    assert Disclosure.objects.get().override_reason.startswith("Dreigende")


def test_a_time_out_without_consent_is_refused_clearly(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    url = reverse("breakthroughs:timeout-create", args=[breakthrough.pk])
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    data = {
        "organisation": cast.uwv.pk,
        "what": "De incasso",
        "until": until,
        "legal_basis": "AVG art. 6 lid 1 sub a: toestemming van het huishouden",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "UWV" in errors_of(response)
    assert not breakthrough.time_outs.exists()
    give_consent(cast, household_a, cast.uwv)
    assert client.post(url, data).status_code == 302
    assert breakthrough.time_outs.count() == 1


# --- access -----------------------------------------------------------------------------------
def _team_urls(breakthrough: Breakthrough, household: Household) -> list[tuple[str, str]]:
    pk = breakthrough.pk
    bottleneck_pk = breakthrough.bottleneck_id
    line = breakthrough.scenario_lines.first()
    assert line is not None
    request = breakthrough.partner_requests.first()
    assert request is not None
    return [
        ("get", reverse("breakthroughs:bottleneck-create", args=[household.public_id])),
        ("post", reverse("breakthroughs:bottleneck-create", args=[household.public_id])),
        ("get", reverse("breakthroughs:bottleneck-detail", args=[bottleneck_pk])),
        ("get", reverse("breakthroughs:bottleneck-edit", args=[bottleneck_pk])),
        ("post", reverse("breakthroughs:bottleneck-edit", args=[bottleneck_pk])),
        ("get", reverse("breakthroughs:create", args=[bottleneck_pk])),
        ("post", reverse("breakthroughs:create", args=[bottleneck_pk])),
        ("get", reverse("breakthroughs:detail", args=[pk])),
        ("get", reverse("breakthroughs:edit", args=[pk])),
        ("post", reverse("breakthroughs:edit", args=[pk])),
        ("get", reverse("breakthroughs:line-add", args=[pk])),
        ("post", reverse("breakthroughs:line-add", args=[pk])),
        ("post", reverse("breakthroughs:line-remove", args=[pk, line.pk])),
        ("post", reverse("breakthroughs:submit", args=[pk])),
        ("post", reverse("breakthroughs:decide", args=[pk])),
        ("post", reverse("breakthroughs:escalate", args=[pk])),
        ("get", reverse("breakthroughs:request-create", args=[pk])),
        ("post", reverse("breakthroughs:request-create", args=[pk])),
        ("post", reverse("breakthroughs:request-clarify", args=[request.pk])),
        ("get", reverse("breakthroughs:timeout-create", args=[pk])),
        ("post", reverse("breakthroughs:timeout-create", args=[pk])),
        ("get", reverse("breakthroughs:carry-out", args=[pk])),
        ("post", reverse("breakthroughs:carry-out", args=[pk])),
        ("get", reverse("breakthroughs:evaluate", args=[pk])),
        ("post", reverse("breakthroughs:evaluate", args=[pk])),
    ]


@pytest.fixture
def sent(cast: Cast, household_a: Household) -> Breakthrough:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    services.partner_request_send(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        question="Stopzetten?",
        legal_basis="AVG art. 6 lid 1 sub a",
    )
    breakthrough.refresh_from_db()
    return breakthrough


@pytest.mark.parametrize("persona", ["bob", "mallory"])
def test_other_teams_get_404_on_every_page(
    as_user: Any, cast: Cast, household_a: Household, sent: Breakthrough, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    before = ProcessingLog.objects.count()
    for method, url in _team_urls(sent, household_a):
        response = getattr(client, method)(url, {"reason": "x", "outcome": "goedgekeurd"})
        assert response.status_code == 404, (method, url)
    assert client.get(reverse("breakthroughs:list")).status_code == 200
    assert ProcessingLog.objects.count() == before
    sent.refresh_from_db()
    assert sent.status == BreakthroughStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["dave", "heidi", "erin"])
def test_partners_privacy_officers_and_chairs_cannot_open_the_team_pages(
    as_user: Any, cast: Cast, household_a: Household, sent: Breakthrough, persona: str
) -> None:
    client = as_user(getattr(cast, persona))
    for method, url in [("get", reverse("breakthroughs:list")), *_team_urls(sent, household_a)]:
        response = getattr(client, method)(url, {"reason": "x"})
        assert response.status_code in (403, 404), (method, url)


def test_anonymous_users_are_sent_to_log_in(client: Client, cast: Cast) -> None:
    response = client.get(reverse("breakthroughs:list"))
    assert response.status_code == 302


def test_the_table_queue_is_for_chairs_and_shows_no_name_or_address(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    for _n in range(3):
        at_table(cast, household_a)
    household_a.refresh_from_db()
    # Faker may give a member the first name of the chair, whom the page's header names:
    # first names of their own, so the check below finds the household's and no one else's.
    for n, member in enumerate(household_a.members.all()):
        member.first_name = f"Lidwientje{n}"
        member.save(update_fields=["first_name"])
    assert as_user(cast.alice).get(reverse("breakthroughs:table-queue")).status_code == 403
    assert as_user(cast.dave).get(reverse("breakthroughs:table-queue")).status_code == 403
    client = as_user(cast.erin)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("breakthroughs:table-queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Geen uitkering zonder adres" in body
    assert household_a.name not in body
    assert household_a.street not in body
    assert household_a.postcode not in body
    for member in household_a.members.all():
        assert member.first_name not in body
        assert member.last_name not in body
    assert ProcessingLog.objects.filter(
        actor=cast.erin, object_type="breakthroughs.breakthrough"
    ).exists()


def test_the_table_item_is_404_unless_in_the_chairs_queue(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    own_mandate = submitted(cast, household_a)
    client = as_user(cast.erin)
    assert client.get(reverse("breakthroughs:table-item", args=[own_mandate.pk])).status_code == 404
    assert client.get(reverse("breakthroughs:table-item", args=[999_999])).status_code == 404
    at = at_table(cast, household_a)
    url = reverse("breakthroughs:table-item", args=[at.pk])
    assert as_user(cast.alice).get(url).status_code == 403
    client = as_user(cast.erin)
    body = client.get(url).content.decode()
    assert household_a.name not in body
    response = client.post(url, {"outcome": "misschien", "mandate": "", "reason": ""})
    assert response.status_code == 200
    errors_of(response)
    assert not Decision.objects.exists()


# --- processing log ---------------------------------------------------------------------------
def test_reading_a_breakthrough_or_bottleneck_is_in_the_processing_log(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(cast.alice)
    client.get(reverse("breakthroughs:detail", args=[breakthrough.pk]))
    assert ProcessingLog.objects.filter(
        actor=cast.alice,
        action=ProcessingAction.READ,
        object_type="breakthroughs.breakthrough",
        object_id=str(breakthrough.pk),
    ).exists()
    client.get(reverse("breakthroughs:bottleneck-detail", args=[breakthrough.bottleneck_id]))
    assert ProcessingLog.objects.filter(
        actor=cast.alice,
        action=ProcessingAction.READ,
        object_type="breakthroughs.bottleneck",
    ).exists()


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "abc"},
        {"quantity": "0"},
        {"quantity": "1,234"},
        {"probability_pct": "150"},
        {"probability_pct": "veel"},
        {"cost_item": "999999"},
        {"cost_item": "abc"},
        {"scenario": "later"},
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_line_is_refused_with_a_clear_error(
    as_user: Any, cast: Cast, household_a: Household, changes: dict[str, str], htmx: bool
) -> None:
    breakthrough = draft(cast, household_a)
    data = {
        "scenario": Scenario.STATUS_QUO,
        "cost_item": str(CostItemFactory().pk),
        "quantity": "1",
        "probability_pct": "100",
        **changes,
    }
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = as_user(cast.alice).post(
        reverse("breakthroughs:line-add", args=[breakthrough.pk]), data, **extra
    )
    assert response.status_code == 200
    errors_of(response)
    assert not ScenarioLine.objects.exists()


def test_a_cost_item_of_another_municipality_cannot_be_chosen(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    elsewhere = CostItemFactory(municipality=cast.south)
    response = as_user(cast.alice).post(
        reverse("breakthroughs:line-add", args=[breakthrough.pk]),
        {
            "scenario": "status_quo",
            "cost_item": elsewhere.pk,
            "quantity": "1",
            "probability_pct": 1,
        },
    )
    assert response.status_code == 200
    assert not ScenarioLine.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"direct_cost": "-5"},
        {"direct_cost": "veel"},
        {"direct_cost": "2000000"},
        {"horizon_months": "0"},
        {"horizon_months": "abc"},
        {"regulation": "999999"},
        {"title": " "},
        {"direct_cost_payer": "niemand"},
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, changes: dict[str, str]
) -> None:
    breakthrough = draft(cast, household_a)
    data = {
        "title": "Nieuwe titel",
        "proposal": "Nieuw voorstel",
        "regulation": "",
        "legal_reasoning": "",
        "horizon_months": "12",
        "direct_cost": "100",
        "direct_cost_payer": Payer.MUNICIPALITY,
        "engagement": "",
        "household_commitment": "",
        **changes,
    }
    response = as_user(cast.alice).post(reverse("breakthroughs:edit", args=[breakthrough.pk]), data)
    assert response.status_code == 200
    errors_of(response)
    breakthrough.refresh_from_db()
    assert breakthrough.title == TITLE
    assert breakthrough.direct_cost_cents == 0


def test_a_bad_bottleneck_is_refused_and_nothing_is_registered(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    response = as_user(cast.alice).post(
        reverse("breakthroughs:bottleneck-create", args=[household_a.public_id]),
        {
            "title": "Iets",
            "description": "",
            "theme": "onzin",
            "kind": BottleneckKind.OTHER,
            "blocked_solution": "x",
            "regulations": ["abc"],
            "organisations": [cast.wi_south.pk],
        },
    )
    assert response.status_code == 200
    errors_of(response)
    assert not Bottleneck.objects.exists()


def test_unknown_ids_are_404(as_user: Any, cast: Cast, household_a: Household) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(cast.alice)
    assert client.get(reverse("breakthroughs:detail", args=[999_999])).status_code == 404
    assert client.get(reverse("breakthroughs:bottleneck-detail", args=[999_999])).status_code == 404
    assert (
        client.post(
            reverse("breakthroughs:line-remove", args=[breakthrough.pk, 999_999])
        ).status_code
        == 404
    )
    assert client.post(reverse("breakthroughs:request-clarify", args=[999_999])).status_code == 404
    assert client.get("/doorbraken/abc/").status_code == 404


def test_steps_that_do_not_fit_the_status_are_refused_without_a_500(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        reverse("breakthroughs:escalate", args=[breakthrough.pk]), {"reason": "Snel"}
    )
    assert response.status_code == 200
    errors_of(response)
    response = client.post(
        reverse("breakthroughs:request-create", args=[breakthrough.pk]),
        {"organisation": cast.uwv.pk, "question": "?", "legal_basis": "AVG"},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("breakthroughs:carry-out", args=[breakthrough.pk]),
        {"carried_out_on": "morgen", "note": ""},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("breakthroughs:carry-out", args=[breakthrough.pk]),
        {"carried_out_on": timezone.localdate().isoformat(), "note": "Gedaan"},
    )
    assert response.status_code == 200
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.DRAFT
    assert not PartnerRequest.objects.exists()


# --- list and query counts --------------------------------------------------------------------
def test_the_list_shows_passed_deadlines_first_and_filters(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    late = submitted(cast, household_a)
    Breakthrough.objects.filter(pk=late.pk).update(
        title="Te laat", level_deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    for _n in range(5):
        submitted(cast, household_a)
    draft(cast, household_a)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("breakthroughs:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Te laat") < body.index(TITLE)
    assert "bt-overdue" in body
    filtered = client.get(reverse("breakthroughs:list"), {"status": "concept"})
    assert "Te laat" not in filtered.content.decode()
    assert client.get(reverse("breakthroughs:list"), {"level": "abc"}).status_code == 200
    assert "Te laat" not in as_user(cast.bob).get(reverse("breakthroughs:list")).content.decode()


def test_the_detail_page_runs_a_fixed_number_of_queries(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    breakthrough = complete(cast, draft(cast, household_a), lines=12)
    client = as_user(cast.alice)
    url = reverse("breakthroughs:detail", args=[breakthrough.pk])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    services.breakthrough_submit(actor=cast.alice, breakthrough=breakthrough)
    give_consent(cast, household_a, cast.uwv)
    services.partner_request_send(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        question="Stopzetten?",
        legal_basis="AVG art. 6 lid 1 sub a",
    )
    services.time_out_request(
        actor=cast.alice,
        breakthrough=breakthrough,
        organisation=cast.uwv,
        what="Incasso",
        until=timezone.localdate() + datetime.timedelta(days=10),
        legal_basis="AVG art. 6 lid 1 sub a",
    )
    services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason="Stil")
    services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason="Stiller")
    with django_assert_max_num_queries(40) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert "Stiller" in response.content.decode()
    assert len(large.captured_queries) <= len(small.captured_queries) + 5


def test_the_list_shows_household_names_so_it_records_which_were_shown(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    submitted(cast, household_a)
    client = as_user(cast.alice)
    before = ProcessingLog.objects.filter(object_type="households.household").count()
    for url in (reverse("breakthroughs:list"), reverse("api:breakthrough-list")):
        response = client.get(url)
        assert response.status_code == 200
        assert household_a.name in response.content.decode()
        after = ProcessingLog.objects.filter(object_type="households.household").count()
        assert after > before
        before = after


def _queue_queries(client: Client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(address)  # the session's first request looks up more
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries.captured_queries)


def test_a_queue_card_names_the_partners_asked_without_more_queries(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    """The requests of the cards are read with their organisations, in one query."""
    url = reverse("breakthroughs:table-queue")
    at_table(cast, household_a)
    client = as_user(cast.erin)
    without_requests = _queue_queries(client, url)
    asked = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    request = send(cast, asked)
    for reason in ("Eigen mandaat schiet tekort.", "Geen antwoord van de partner."):
        services.breakthrough_escalate(actor=cast.alice, breakthrough=asked, reason=reason)
    assert _queue_queries(client, url) == without_requests
    body = client.get(url).content.decode()
    assert body.count("db-card bt-queue__card") == 2
    state = PartnerRequest.objects.select_related("breakthrough").get(pk=request.pk).state_label
    assert f"<dd>{cast.uwv.name} ({state.lower()})</dd>" in body


def test_the_table_queue_is_paged_and_costs_the_same_queries_at_two_sizes(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    """Page and API: 2 cards or 23 (two pages), the same number of queries, one log INSERT."""
    from tests.factories import HouseholdFactory

    page_url = reverse("breakthroughs:table-queue")
    api_url = reverse("api:breakthrough-table-queue")
    client = as_user(cast.erin)
    for _n in range(2):
        at_table(cast, household_a)
    small = (_queue_queries(client, page_url), _queue_queries(client, api_url))
    for _n in range(21):
        household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
        at_table(cast, household)
    before = ProcessingLog.objects.filter(object_type="breakthroughs.breakthrough").count()
    assert (_queue_queries(client, page_url), _queue_queries(client, api_url)) == small
    # Two views of the page and two of the API: 20 cards each (the page size of both).
    logged = ProcessingLog.objects.filter(object_type="breakthroughs.breakthrough").count()
    assert logged - before == 2 * 20 + 2 * 23
    body = client.get(page_url).content.decode()
    assert "23 doorbraken wachten op de tafel." in body
    assert body.count("db-card bt-queue__card") == 20
    second = client.get(page_url, {"page": 2}).content.decode()
    assert second.count("db-card bt-queue__card") == 3
    api = client.get(api_url, {"pageSize": 20}).json()
    assert (api["count"], len(api["results"])) == (23, 20)


def test_the_breakthrough_page_records_its_read_for_each_current_member(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    from tests.factories import MemberFactory

    breakthrough = draft(cast, household_a)
    MemberFactory(household=household_a, left_on=datetime.date(2026, 2, 1))
    current = sorted(m.pseudonym for m in household_a.members.current())
    assert len(current) == 2  # the head and the child; not the member who left
    client: Client = as_user(cast.alice)
    url = reverse("breakthroughs:detail", args=[breakthrough.pk])
    for _ in range(2):  # the second time from the prepared SQL
        before = ProcessingLog.objects.count()
        assert client.get(url).status_code == 200
        reads = ProcessingLog.objects.filter(
            actor=cast.alice,
            action=ProcessingAction.READ,
            object_type="breakthroughs.breakthrough",
            object_id=str(breakthrough.pk),
        ).order_by("-pk")[: ProcessingLog.objects.count() - before]
        assert sorted(read.subject_pseudonym for read in reads) == current
