"""The breakthroughs API: bottlenecks, the value triangle, the escalation route, partner
requests with consent, time-outs, the table queue, the directory and the law library."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doorbraak.accounts.models import Role, User
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    BreakthroughStatus,
    Decision,
    Disclosure,
    EscalationLevel,
    PartnerRequest,
    Scenario,
    ScenarioLine,
    TimeOut,
    TimeOutStatus,
)
from doorbraak.households import services as household_services
from doorbraak.households.models import Household
from doorbraak.library.models import Deviation
from tests.breakthroughs.builders import (
    bottleneck,
    complete,
    draft,
    give_consent,
    send,
    submitted,
)
from tests.conftest import Cast
from tests.factories import (
    CostItemFactory,
    MembershipFactory,
    OrganisationFactory,
    RegulationFactory,
    UserFactory,
)

JSON = "application/json"
AsUser = Callable[[User], Client]
MaxQueries = Any


@pytest.fixture
def piet(cast: Cast) -> User:
    """A fixed contact person of CJIB in Gemeente Noord: another organisation than UWV."""
    user = UserFactory(username="piet")
    MembershipFactory(
        user=user,
        role=Role.PARTNER_CONTACT,
        organisation=OrganisationFactory(name="CJIB", national=True),
        municipality=cast.north,
    )
    return user


def problem_names(response: Any) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [p["name"] for p in response.json()["invalidParams"]]


def reads(object_type: str) -> int:
    return ProcessingLog.objects.filter(
        object_type=object_type, action=ProcessingAction.READ
    ).count()


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def escalate_to_table(cast: Cast, breakthrough: Breakthrough) -> None:
    for reason in ("Buiten ons mandaat", "Geen antwoord van de partner"):
        services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason=reason)


# --- law library ----------------------------------------------------------------------------------
def test_regulations_are_searched_and_filtered(as_user: AsUser, cast: Cast) -> None:
    hardship = RegulationFactory(citation="Apiwet art. 1", deviation=Deviation.HARDSHIP)
    RegulationFactory(citation="Apiwet art. 2", deviation=Deviation.NONE)
    client = as_user(cast.alice)
    body = client.get(url("regulation-list"), {"q": "Apiwet", "deviation": "hardheid"}).json()
    assert [r["citation"] for r in body["results"]] == ["Apiwet art. 1"]
    assert body["results"][0]["allowsDeviation"] is True
    detail = client.get(url("regulation-detail", hardship.pk)).json()
    assert (detail["citation"], detail["deviation"]) == ("Apiwet art. 1", "hardheid")
    assert "deviation" in problem_names(client.get(url("regulation-list"), {"deviation": "x"}))


def test_local_regulations_are_for_their_municipality_only(as_user: AsUser, cast: Cast) -> None:
    south = RegulationFactory(municipality=cast.south)
    assert as_user(cast.alice).get(url("regulation-detail", south.pk)).status_code == 404
    assert as_user(cast.mallory).get(url("regulation-detail", south.pk)).status_code == 200


# --- bottlenecks ----------------------------------------------------------------------------------
def bottleneck_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Geen uitkering zonder adres",
        "description": "Zonder adres geen bijstand, zonder bijstand geen huis.",
        "theme": "inkomen",
        "kind": "regels_botsen",
        "blockedSolution": "Een briefadres en bijstand.",
        "regulations": [],
        "organisations": [],
    }
    body.update(overrides)
    return body


def test_a_bottleneck_is_registered_read_and_changed(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    regulation = RegulationFactory()
    response = client.post(
        url("bottleneck-list", household_a.public_id),
        bottleneck_body(regulations=[regulation.pk], organisations=[cast.uwv.pk]),
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household"] == str(household_a.public_id)
    assert body["regulations"][0]["id"] == regulation.pk
    assert body["organisations"] == [{"id": cast.uwv.pk, "name": "UWV"}]
    assert body["blockedSolution"] == "Een briefadres en bijstand."
    pk = body["id"]

    listed = client.get(url("bottleneck-list", household_a.public_id)).json()
    assert [b["id"] for b in listed["results"]] == [pk]

    before = reads("breakthroughs.bottleneck")
    assert client.get(url("bottleneck-detail", pk)).json()["title"] == body["title"]
    assert reads("breakthroughs.bottleneck") > before

    response = client.put(
        url("bottleneck-detail", pk), bottleneck_body(title="Nieuwe titel"), content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Nieuwe titel"
    assert response.json()["regulations"] == []


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"title": " "}, "title"),
        ({"theme": "onzin"}, "theme"),
        ({"blockedSolution": ""}, "blockedSolution"),
        ({"regulations": [999_999]}, "regulations"),
        ({"organisations": ["abc"]}, "organisations.0"),
        ({"regulations": "abc"}, "regulations"),
    ],
)
def test_a_bad_bottleneck_is_a_400_and_changes_nothing(
    as_user: AsUser, cast: Cast, household_a: Household, overrides: dict[str, Any], name: str
) -> None:
    response = as_user(cast.alice).post(
        url("bottleneck-list", household_a.public_id),
        bottleneck_body(**overrides),
        content_type=JSON,
    )
    assert name in problem_names(response)
    assert not Bottleneck.objects.exists()


def test_bottlenecks_are_for_the_households_team_only(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    found = bottleneck(cast, household_a)
    for outsider in (cast.bob, cast.mallory):
        client = as_user(outsider)
        assert client.get(url("bottleneck-list", household_a.public_id)).status_code == 404
        assert client.get(url("bottleneck-detail", found.pk)).status_code == 404
        response = client.post(
            url("bottleneck-list", household_a.public_id), bottleneck_body(), content_type=JSON
        )
        assert response.status_code == 404
        response = client.post(
            url("bottleneck-breakthrough-list", found.pk),
            {"title": "x", "proposal": "y"},
            content_type=JSON,
        )
        assert response.status_code == 404
    for other_role in (cast.dave, cast.heidi, cast.erin):
        client = as_user(other_role)
        assert client.get(url("bottleneck-detail", found.pk)).status_code == 403
    assert Bottleneck.objects.count() == 1
    assert not Breakthrough.objects.exists()


# --- breakthroughs: the draft and its value triangle ---------------------------------------------
def test_a_draft_is_started_filled_in_and_submitted(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    found = bottleneck(cast, household_a)
    response = client.post(
        url("bottleneck-breakthrough-list", found.pk),
        {"title": "Briefadres", "proposal": "De gemeente geeft een briefadres."},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    assert body["status"] == "concept"
    assert {gap["field"] for gap in body["gaps"]} >= {"regulation", "statusQuo", "engagement"}

    regulation = RegulationFactory()
    response = client.patch(
        url("breakthrough-detail", pk),
        {
            "regulation": regulation.pk,
            "legalReasoning": "Zeer dringende redenen.",
            "directCostCents": 25_000,
            "engagement": "Zij regelt zelf de inschrijving.",
            "householdCommitment": "Ik ga elke week naar het spreekuur.",
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["regulation"]["id"] == regulation.pk
    assert body["title"] == "Briefadres"  # left out, kept
    assert [gap["field"] for gap in body["gaps"]] == ["statusQuo"]

    # Submitting with a gap is refused and names it.
    assert "statusQuo" in problem_names(client.post(url("breakthrough-submit", pk)))

    item = CostItemFactory(amount_cents=3_000_000, unit="jaar")
    response = client.post(
        url("breakthrough-line-list", pk),
        {"scenario": "status_quo", "costItem": item.pk, "quantity": "0,5", "probabilityPct": 60},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    assert response.json()["costCents"] == 900_000
    assert response.json()["quantity"] == "0.50"

    body = client.get(url("breakthrough-detail", pk)).json()
    assert body["returnCalculation"] == {
        "statusQuoCents": 900_000,
        "breakthroughCents": 25_000,
        "directCostCents": 25_000,
        "netReturnCents": 875_000,
        "perPayer": [
            {
                "payer": "gemeente",
                "label": "Gemeente",
                "statusQuoCents": 900_000,
                "breakthroughCents": 25_000,
                "gainCents": 875_000,
            }
        ],
    }
    assert body["gaps"] == []

    response = client.post(url("breakthrough-submit", pk))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["level"]) == ("ingediend", 1)
    assert body["routeSteps"][0]["level"] == 1
    assert body["levelDeadline"]
    # A submitted breakthrough is on record.
    response = client.patch(url("breakthrough-detail", pk), {"title": "Anders"}, content_type=JSON)
    assert response.status_code == 400
    assert Breakthrough.objects.get(pk=pk).title == "Briefadres"


def test_the_detail_read_is_logged_and_holds_no_bsn(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = complete(cast, draft(cast, household_a))
    before = reads("breakthroughs.breakthrough")
    response = as_user(cast.alice).get(url("breakthrough-detail", breakthrough.pk))
    assert response.status_code == 200
    assert reads("breakthroughs.breakthrough") > before
    assert "bsn" not in response.content.decode().lower()


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"probabilityPct": 0}, "probabilityPct"),
        ({"probabilityPct": "veel"}, "probabilityPct"),
        ({"costItem": 999_999}, "costItem"),
        ({"scenario": "ooit"}, "scenario"),
    ],
)
def test_a_bad_line_is_a_400_and_changes_nothing(
    as_user: AsUser, cast: Cast, household_a: Household, overrides: dict[str, Any], name: str
) -> None:
    breakthrough = draft(cast, household_a)
    body = {
        "scenario": "status_quo",
        "costItem": CostItemFactory().pk,
        "quantity": "1",
        "probabilityPct": 50,
    }
    body.update(overrides)
    response = as_user(cast.alice).post(
        url("breakthrough-line-list", breakthrough.pk), body, content_type=JSON
    )
    assert name in problem_names(response)
    assert not ScenarioLine.objects.exists()


def test_a_line_of_another_municipality_is_refused(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = draft(cast, household_a)
    item = CostItemFactory(municipality=cast.south)
    response = as_user(cast.alice).post(
        url("breakthrough-line-list", breakthrough.pk),
        {"scenario": "status_quo", "costItem": item.pk, "quantity": "1", "probabilityPct": 50},
        content_type=JSON,
    )
    assert problem_names(response) == ["costItem"]


def test_a_line_is_removed_from_a_draft(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = complete(cast, draft(cast, household_a))
    line = breakthrough.scenario_lines.get()
    client = as_user(cast.alice)
    assert (
        client.delete(url("breakthrough-line-detail", breakthrough.pk, 999_999)).status_code == 404
    )
    response = client.delete(url("breakthrough-line-detail", breakthrough.pk, line.pk))
    assert response.status_code == 204
    assert not ScenarioLine.objects.exists()


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"horizonMonths": 0}, "horizonMonths"),
        ({"directCostCents": -1}, "directCostCents"),
        ({"directCostCents": "veel"}, "directCostCents"),
        ({"directCostPayer": "niemand"}, "directCostPayer"),
        ({"regulation": 999_999}, "regulation"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_change_to_the_draft_is_a_400(
    as_user: AsUser, cast: Cast, household_a: Household, body: dict[str, Any], name: str
) -> None:
    breakthrough = draft(cast, household_a)
    response = as_user(cast.alice).patch(
        url("breakthrough-detail", breakthrough.pk), body, content_type=JSON
    )
    assert name in problem_names(response)
    breakthrough.refresh_from_db()
    assert (breakthrough.horizon_months, breakthrough.direct_cost_cents) == (12, 0)


def test_breakthroughs_are_for_the_households_team_only(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = complete(cast, draft(cast, household_a))
    line = breakthrough.scenario_lines.get()
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("get", url("breakthrough-detail", breakthrough.pk), {}),
        ("patch", url("breakthrough-detail", breakthrough.pk), {"title": "Gekaapt"}),
        ("post", url("breakthrough-line-list", breakthrough.pk), {}),
        ("delete", url("breakthrough-line-detail", breakthrough.pk, line.pk), {}),
        ("post", url("breakthrough-submit", breakthrough.pk), {}),
        ("post", url("breakthrough-escalate", breakthrough.pk), {"reason": "x"}),
        ("post", url("breakthrough-partner-request-list", breakthrough.pk), {}),
        ("post", url("breakthrough-time-out-list", breakthrough.pk), {}),
        ("post", url("breakthrough-carry-out", breakthrough.pk), {"note": "x"}),
        ("post", url("breakthrough-evaluate", breakthrough.pk), {"evaluation": "x"}),
        ("post", url("breakthrough-decision", breakthrough.pk), {}),
    ]
    for outsider in (cast.bob, cast.mallory):
        client = as_user(outsider)
        for method, address, body in calls:
            response = getattr(client, method)(address, body, content_type=JSON)
            assert response.status_code == 404, (outsider, method, address)
        listed = client.get(url("breakthrough-list")).json()
        assert listed["count"] == 0
    for other_role in (cast.dave, cast.heidi):
        client = as_user(other_role)
        for method, address, body in calls:
            response = getattr(client, method)(address, body, content_type=JSON)
            assert response.status_code == 403, (other_role, method, address)
        assert client.get(url("breakthrough-list")).status_code == 403
    breakthrough.refresh_from_db()
    assert (breakthrough.title, breakthrough.status) == (
        "Briefadres en bijstand vóór de huurwoning",
        BreakthroughStatus.DRAFT,
    )
    assert ScenarioLine.objects.count() == 1


def test_the_team_list_filters_by_status_and_level(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    open_one = submitted(cast, household_a)
    concept = draft(cast, household_a)
    client = as_user(cast.alice)
    body = client.get(url("breakthrough-list")).json()
    assert {b["id"] for b in body["results"]} == {open_one.pk, concept.pk}
    body = client.get(url("breakthrough-list"), {"status": "ingediend", "level": 1}).json()
    assert [b["id"] for b in body["results"]] == [open_one.pk]
    assert body["results"][0]["household"]["publicId"] == str(household_a.public_id)
    assert "level" in problem_names(client.get(url("breakthrough-list"), {"level": 9}))
    assert "status" in problem_names(client.get(url("breakthrough-list"), {"status": "x"}))


# --- deciding and escalating ----------------------------------------------------------------------
def test_the_team_decides_within_its_own_mandate(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        url("breakthrough-decision", breakthrough.pk),
        {"outcome": "goedgekeurd", "mandate": "Doe wat nodig is", "reason": " "},
        content_type=JSON,
    )
    assert problem_names(response) == ["reason"]
    assert not Decision.objects.exists()
    response = client.post(
        url("breakthrough-decision", breakthrough.pk),
        {"outcome": "goedgekeurd", "mandate": "Doe wat nodig is", "reason": "Voorkomt uitzetting"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["outcome"], body["level"], body["mandate"]) == (
        "goedgekeurd",
        1,
        "Doe wat nodig is",
    )
    detail = client.get(url("breakthrough-detail", breakthrough.pk)).json()
    assert detail["status"] == "goedgekeurd"
    assert [d["id"] for d in detail["decisions"]] == [body["id"]]
    # Deciding twice is refused.
    response = client.post(
        url("breakthrough-decision", breakthrough.pk),
        {"outcome": "afgewezen", "mandate": "x", "reason": "y"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert Decision.objects.count() == 1


def test_escalation_needs_a_reason_and_the_table_chair_decides(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    decision = {"outcome": "goedgekeurd", "mandate": "Doorbraaktafel", "reason": "Rendement"}
    chair = as_user(cast.erin)
    # Not at the table yet: the chair does not see it.
    response = chair.post(
        url("breakthrough-decision", breakthrough.pk), decision, content_type=JSON
    )
    assert response.status_code == 404
    client = as_user(cast.alice)
    response = client.post(
        url("breakthrough-escalate", breakthrough.pk), {"reason": " "}, content_type=JSON
    )
    assert problem_names(response) == ["reason"]
    for expected in (2, 3):
        response = client.post(
            url("breakthrough-escalate", breakthrough.pk),
            {"reason": "Buiten ons mandaat"},
            content_type=JSON,
        )
        assert response.status_code == 200, response.json()
        assert response.json()["level"] == expected
    # The team no longer decides at the table.
    response = client.post(
        url("breakthrough-decision", breakthrough.pk), decision, content_type=JSON
    )
    assert response.status_code == 403
    chair = as_user(cast.erin)
    response = chair.post(
        url("breakthrough-decision", breakthrough.pk), decision, content_type=JSON
    )
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == EscalationLevel.TABLE
    assert response.json()["organisation"]["name"] == "W&I Noord"


def test_carrying_out_and_evaluating(as_user: AsUser, cast: Cast, household_a: Household) -> None:
    breakthrough = submitted(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        url("breakthrough-carry-out", breakthrough.pk), {"note": "Gedaan"}, content_type=JSON
    )
    assert response.status_code == 400  # not approved yet
    services.breakthrough_decide(
        actor=cast.alice,
        breakthrough=breakthrough,
        outcome="goedgekeurd",
        mandate="Eigen mandaat",
        reason="Voorkomt uitzetting",
    )
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url("breakthrough-carry-out", breakthrough.pk),
        {"note": "Gedaan", "carriedOutOn": tomorrow},
        content_type=JSON,
    )
    assert problem_names(response) == ["carriedOutOn"]
    response = client.post(
        url("breakthrough-carry-out", breakthrough.pk),
        {"note": "Briefadres gegeven"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "uitgevoerd"
    response = client.post(
        url("breakthrough-evaluate", breakthrough.pk), {"evaluation": ""}, content_type=JSON
    )
    assert problem_names(response) == ["evaluation"]
    response = client.post(
        url("breakthrough-evaluate", breakthrough.pk),
        {"evaluation": "Zij woont nu zelfstandig."},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "geevalueerd"


# --- partner requests and consent -----------------------------------------------------------------
def request_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": cast.uwv.pk,
        "question": "Kan de WW-uitkering doorlopen op een briefadres?",
        "legalBasis": "AVG art. 6 lid 1 sub a (toestemming)",
    }
    body.update(overrides)
    return body


def test_without_consent_nothing_is_sent_and_the_message_says_why(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    logged = ProcessingLog.objects.count()
    response = as_user(cast.alice).post(
        url("breakthrough-partner-request-list", breakthrough.pk),
        request_body(cast),
        content_type=JSON,
    )
    assert problem_names(response) == ["organisation"]
    reason = response.json()["invalidParams"][0]["reason"]
    assert "UWV" in reason
    with translation.override("nl"), pytest.raises(ValidationError) as caught:
        send(cast, breakthrough)  # the service's own (Dutch) message, word for word
    assert reason == caught.value.message_dict["organisation"][0]
    assert not PartnerRequest.objects.exists()
    assert not Disclosure.objects.exists()
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.OWN_MANDATE
    assert not ProcessingLog.objects.filter(pk__gt=0, action=ProcessingAction.EXPORT).exists()
    assert ProcessingLog.objects.count() == logged


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"organisation": 999_999}, "organisation"),
        ({"organisation": "UWV"}, "organisation"),
        ({"question": ""}, "question"),
        # An empty legal basis is the consent's (issue 15.4): see test_consent_flow.py
        ({"legalBasis": "x" * 301}, "legalBasis"),
    ],
)
def test_a_bad_partner_request_is_a_400(
    as_user: AsUser,
    cast: Cast,
    household_a: Household,
    overrides: dict[str, Any],
    name: str,
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    response = as_user(cast.alice).post(
        url("breakthrough-partner-request-list", breakthrough.pk),
        request_body(cast, **overrides),
        content_type=JSON,
    )
    assert name in problem_names(response)
    assert not PartnerRequest.objects.exists()
    assert not Disclosure.objects.exists()


def test_a_team_lead_shares_without_consent_only_with_a_reason(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    address = url("breakthrough-partner-request-list", breakthrough.pk)
    alice = as_user(cast.alice)
    response = alice.post(
        address, request_body(cast, overrideReason="Acute dakloosheid"), content_type=JSON
    )
    assert problem_names(response) == ["overrideReason"]
    carol = as_user(cast.carol)
    response = carol.post(
        address, request_body(cast, overrideReason="Acute dakloosheid"), content_type=JSON
    )
    assert response.status_code == 201, response.json()
    assert Disclosure.objects.get().override_reason == "Acute dakloosheid"


def test_a_request_is_sent_answered_clarified_and_accepted(
    as_user: AsUser, cast: Cast, household_a: Household, piet: User
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    alice = as_user(cast.alice)
    response = alice.post(
        url("breakthrough-partner-request-list", breakthrough.pk),
        request_body(cast),
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "open"
    assert ProcessingLog.objects.filter(
        object_type="breakthroughs.disclosure", action=ProcessingAction.EXPORT
    ).exists()
    detail = alice.get(url("breakthrough-detail", breakthrough.pk)).json()
    assert detail["level"] == EscalationLevel.PARTNER
    assert [r["id"] for r in detail["partnerRequests"]] == [pk]
    assert detail["disclosures"][0]["organisation"]["name"] == "UWV"
    assert detail["disclosures"][0]["consent"] is not None

    # The team cannot use the partner side.
    assert alice.get(url("partner-request-list")).status_code == 403
    assert alice.get(url("partner-request-detail", pk)).status_code == 403

    # Another organisation's contact person finds nothing.
    other = as_user(piet)
    assert other.get(url("partner-request-list")).json()["count"] == 0
    assert other.get(url("partner-request-detail", pk)).status_code == 404
    response = other.post(
        url("partner-request-answer", pk), {"status": "geaccepteerd"}, content_type=JSON
    )
    assert response.status_code == 404

    dave = as_user(cast.dave)
    inbox = dave.get(url("partner-request-list"))
    assert inbox.json()["count"] == 1
    listed = inbox.json()["results"][0]
    assert set(listed) == {"id", "organisation", "status", "askedAt", "deadline"}
    assert household_a.name not in inbox.content.decode()

    before = reads("breakthroughs.partnerrequest")
    response = dave.get(url("partner-request-detail", pk))
    body = response.json()
    assert body["shared"] is True
    assert body["canAnswer"] is True
    assert body["household"]["name"] == household_a.name
    assert body["household"]["members"]
    assert body["breakthrough"]["returnCalculation"]["netReturnCents"] == 875_000
    assert "bsn" not in response.content.decode().lower()
    assert reads("breakthroughs.partnerrequest") > before

    response = dave.post(
        url("partner-request-answer", pk), {"status": "meer_informatie"}, content_type=JSON
    )
    assert problem_names(response) == ["answer"]
    response = dave.post(
        url("partner-request-answer", pk),
        {"status": "meer_informatie", "answer": "Sinds wanneer?"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "meer_informatie"

    alice = as_user(cast.alice)
    response = alice.post(
        url("partner-request-clarify", pk), {"information": " "}, content_type=JSON
    )
    assert problem_names(response) == ["information"]
    response = alice.post(
        url("partner-request-clarify", pk), {"information": "Sinds 1 november."}, content_type=JSON
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "open"
    assert (
        as_user(cast.bob)
        .post(url("partner-request-clarify", pk), {"information": "x"}, content_type=JSON)
        .status_code
        == 404
    )

    dave = as_user(cast.dave)
    response = dave.post(
        url("partner-request-answer", pk),
        {"status": "geaccepteerd", "answer": "Akkoord"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "geaccepteerd"
    assert response.json()["canAnswer"] is False
    breakthrough.refresh_from_db()
    assert breakthrough.status == BreakthroughStatus.APPROVED


def test_after_consent_is_withdrawn_the_partner_sees_no_household(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    consent = give_consent(cast, household_a, cast.uwv)
    request = send(cast, breakthrough)
    household_services.consent_withdraw(actor=cast.alice, consent=consent, note="")
    before = reads("breakthroughs.partnerrequest")
    response = as_user(cast.dave).get(url("partner-request-detail", request.pk))
    body = response.json()
    assert body["shared"] is False
    assert body["household"] is None
    assert body["breakthrough"] is None
    assert household_a.name not in response.content.decode()
    assert reads("breakthroughs.partnerrequest") == before


# --- time-outs ------------------------------------------------------------------------------------
def test_a_time_out_is_requested_and_answered(
    as_user: AsUser, cast: Cast, household_a: Household, piet: User
) -> None:
    breakthrough = submitted(cast, household_a)
    give_consent(cast, household_a, cast.uwv)
    alice = as_user(cast.alice)
    address = url("breakthrough-time-out-list", breakthrough.pk)
    body = {
        "organisation": cast.uwv.pk,
        "what": "De terugvordering",
        "until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "legalBasis": "AVG art. 6 lid 1 sub a",
    }
    response = alice.post(address, {**body, "until": "morgen"}, content_type=JSON)
    assert problem_names(response) == ["until"]
    response = alice.post(
        address, {**body, "until": timezone.localdate().isoformat()}, content_type=JSON
    )
    assert problem_names(response) == ["until"]
    assert not TimeOut.objects.exists()
    response = alice.post(address, body, content_type=JSON)
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "gevraagd"

    assert (
        as_user(piet)
        .post(url("time-out-answer", pk), {"granted": True}, content_type=JSON)
        .status_code
        == 404
    )
    assert (
        as_user(cast.alice)
        .post(url("time-out-answer", pk), {"granted": True}, content_type=JSON)
        .status_code
        == 403
    )
    dave = as_user(cast.dave)
    response = dave.post(url("time-out-answer", pk), {"granted": False}, content_type=JSON)
    assert problem_names(response) == ["answer"]
    response = dave.post(url("time-out-answer", pk), {"granted": "misschien"}, content_type=JSON)
    assert problem_names(response) == ["granted"]
    response = dave.post(url("time-out-answer", pk), {"granted": True}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "toegekend"
    assert TimeOut.objects.get().status == TimeOutStatus.GRANTED
    response = dave.post(url("time-out-answer", pk), {"granted": True}, content_type=JSON)
    assert response.status_code == 400


# --- table queue and directory --------------------------------------------------------------------
def test_the_table_queue_is_minimised_and_logged(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    breakthrough = submitted(cast, household_a)
    escalate_to_table(cast, breakthrough)
    draft(cast, household_a)  # not at the table
    before = ProcessingLog.objects.filter(object_type="breakthroughs.breakthrough").count()
    response = as_user(cast.erin).get(url("breakthrough-table-queue"))
    assert response.status_code == 200
    items = response.json()["results"]
    assert [item["id"] for item in items] == [breakthrough.pk]
    assert set(items[0]) == {
        "id",
        "title",
        "level",
        "levelDeadline",
        "submittedAt",
        "regulation",
        "initials",
        "district",
        "ageBand",
        "returnCalculation",
    }
    assert household_a.name not in response.content.decode()
    assert "bsn" not in response.content.decode().lower()
    after = ProcessingLog.objects.filter(object_type="breakthroughs.breakthrough").count()
    assert after > before
    for other in (cast.alice, cast.dave, cast.mallory):
        assert as_user(other).get(url("breakthrough-table-queue")).status_code == 403


def test_the_partner_directory_lists_contacts_of_the_municipality(
    as_user: AsUser, cast: Cast
) -> None:
    response = as_user(cast.alice).get(url("partner-directory"))
    assert response.status_code == 200
    entries = {e["organisation"]["name"]: e for e in response.json()}
    assert [c["id"] for c in entries["UWV"]["contacts"]] == [cast.dave.pk]
    assert entries["UWV"]["answered"] == 0
    mallory = as_user(cast.mallory).get(url("partner-directory")).json()
    assert all(c["id"] != cast.dave.pk for e in mallory for c in e["contacts"])
    assert as_user(cast.heidi).get(url("partner-directory")).status_code == 403


# --- robustness -----------------------------------------------------------------------------------
JSON_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=3),
)
FIELD_NAMES = st.sampled_from(
    [
        "title",
        "theme",
        "kind",
        "regulations",
        "organisations",
        "scenario",
        "costItem",
        "quantity",
        "probabilityPct",
        "organisation",
        "question",
        "legalBasis",
        "overrideReason",
        "outcome",
        "mandate",
        "reason",
    ]
)
ARBITRARY = st.dictionaries(st.one_of(FIELD_NAMES, st.text(max_size=10)), JSON_VALUES, max_size=8)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=ARBITRARY)
def test_arbitrary_json_is_never_a_500(
    as_user: AsUser, cast: Cast, household_a: Household, payload: dict[str, Any]
) -> None:
    breakthrough = Breakthrough.objects.filter(household=household_a).first()
    if breakthrough is None:
        breakthrough = submitted(cast, household_a)
    concept = Breakthrough.objects.filter(household=household_a, status="concept").first()
    if concept is None:
        concept = draft(cast, household_a)
    client = as_user(cast.alice)
    data = json.dumps(payload)
    for address in (
        url("breakthrough-line-list", concept.pk),
        url("breakthrough-partner-request-list", breakthrough.pk),
        url("breakthrough-decision", breakthrough.pk),
        url("bottleneck-list", household_a.public_id),
    ):
        response = client.post(address, data, content_type=JSON)
        assert response.status_code < 500, (address, payload, response.content)


# --- query counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 4])
def test_the_team_list_takes_a_fixed_number_of_queries(
    as_user: AsUser,
    cast: Cast,
    household_a: Household,
    count: int,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    for _ in range(count):
        draft(cast, household_a)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(16):  # incl. the processing-log records
        response = client.get(url("breakthrough-list"))
    assert response.json()["count"] == count


@pytest.mark.parametrize("lines", [1, 5])
def test_the_detail_takes_a_fixed_number_of_queries(
    as_user: AsUser,
    cast: Cast,
    household_a: Household,
    lines: int,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    breakthrough = complete(cast, draft(cast, household_a))
    for _ in range(lines - 1):
        services.scenario_line_add(
            actor=cast.alice,
            breakthrough=breakthrough,
            scenario=Scenario.BREAKTHROUGH,
            cost_item=CostItemFactory(),
            quantity="1",
            probability_pct=50,
        )
    client = as_user(cast.alice)
    with django_assert_max_num_queries(24):
        response = client.get(url("breakthrough-detail", breakthrough.pk))
    assert len(response.json()["lines"]) == lines


@pytest.mark.parametrize("count", [1, 3])
def test_the_inbox_and_bottleneck_list_take_a_fixed_number_of_queries(
    as_user: AsUser,
    cast: Cast,
    household_a: Household,
    count: int,
    django_assert_max_num_queries: MaxQueries,
) -> None:
    give_consent(cast, household_a, cast.uwv)
    for _ in range(count):
        send(cast, submitted(cast, household_a))
    dave = as_user(cast.dave)
    with django_assert_max_num_queries(10):
        assert dave.get(url("partner-request-list")).json()["count"] == count
    alice = as_user(cast.alice)
    with django_assert_max_num_queries(22):
        response = alice.get(url("bottleneck-list", household_a.public_id))
    assert response.json()["count"] == count
