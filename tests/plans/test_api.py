"""The plans API: start a draft, goals and actions, commitment, agree, progress, versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorbraak.accounts.models import User
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Household
from doorbraak.plans import services
from doorbraak.plans.models import Action, ActionStatus, Goal, Plan, PlanStatus
from tests.conftest import Cast
from tests.plans.builders import agreed, draft, housing

JSON = "application/json"
AsUser = Callable[[User], Client]


def problem_names(response: Any) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [p["name"] for p in response.json()["invalidParams"]]


# --- starting and reading ------------------------------------------------------------------------


def test_post_starts_a_draft_and_a_second_draft_is_refused(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    url = reverse("api:plan-list", args=[household_a.public_id])
    response = client.post(url)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["status"], body["goals"], body["actions"]) == (
        1,
        "concept",
        [],
        [],
    )
    assert body["household"] == str(household_a.public_id)
    assert body["createdBy"]["id"] == cast.alice.pk
    assert ProcessingLog.objects.filter(
        object_type="plans.plan", action=ProcessingAction.CREATE
    ).exists()

    again = client.post(url)
    assert problem_names(again) == ["nonFieldErrors"]
    assert again.json()["invalidParams"][0]["reason"]
    assert Plan.objects.count() == 1


def test_a_new_version_copies_the_agreed_plan(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    first = agreed(cast, household_a)
    response = as_user(cast.alice).post(reverse("api:plan-list", args=[household_a.public_id]))
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["previous"]) == (2, first.pk)
    assert [g["description"] for g in body["goals"]] == ["De woning behouden"]
    assert body["commitment"] == "Wij betalen elke maand de huur."


def test_list_shows_every_version_and_logs_the_read(
    as_user: AsUser, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    agreed(cast, household_a)
    services.plan_start(actor=cast.alice, household=household_a)
    client = as_user(cast.alice)
    before = ProcessingLog.objects.filter(object_type="households.household").count()
    with django_assert_max_num_queries(22):
        response = client.get(reverse("api:plan-list", args=[household_a.public_id]))
    assert response.status_code == 200
    body = response.json()
    assert [(p["version"], p["status"]) for p in body["results"]] == [
        (2, "concept"),
        (1, "afgesproken"),
    ]
    assert body["results"][1]["actions"][0]["owner"] == "huishouden"
    assert ProcessingLog.objects.filter(object_type="households.household").count() > before


def test_detail_returns_goals_and_actions_and_logs_the_read(
    as_user: AsUser, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    plan = draft(cast, household_a)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("api:plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["goals"][0]["domain"]["code"] == "huisvesting"
    action = body["actions"][0]
    assert action["goal"] == body["goals"][0]["id"]
    assert (action["status"], action["dueOn"], action["ownerOrganisation"]) == (
        "open",
        plan.actions.get().due_on.isoformat(),
        None,
    )
    rows = ProcessingLog.objects.filter(object_type="plans.plan", action=ProcessingAction.READ)
    assert rows.exists()
    assert {r.object_id for r in rows} == {str(plan.pk)}


# --- changing a draft ----------------------------------------------------------------------------


def test_goals_and_actions_are_added_and_removed(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    client = as_user(cast.alice)
    response = client.post(
        reverse("api:plan-goal-list", args=[plan.pk]),
        {"domain": housing().pk, "description": "Schulden onder controle"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    goal_id = response.json()["id"]
    assert response.json()["domain"]["code"] == "huisvesting"

    response = client.post(
        reverse("api:plan-action-list", args=[plan.pk, goal_id]),
        {
            "description": "Betalingsregeling met W&I",
            "owner": "partner",
            "ownerOrganisation": cast.wi_north.pk,
            "dueOn": "2027-01-15",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    action = response.json()
    assert action["ownerOrganisation"] == {"id": cast.wi_north.pk, "name": "W&I Noord"}
    assert action["goal"] == goal_id

    response = client.delete(reverse("api:plan-action-detail", args=[plan.pk, action["id"]]))
    assert response.status_code == 204
    assert not Action.objects.exists()
    response = client.delete(reverse("api:plan-goal-detail", args=[plan.pk, goal_id]))
    assert response.status_code == 204
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"domain": 999999, "description": "Iets"}, "domain"),
        ({"description": "Iets"}, "domain"),
        ({"domain": "huisvesting", "description": "Iets"}, "domain"),
        ({"domain": None, "description": "   "}, "domain"),
    ],
)
def test_a_bad_goal_is_400_and_nothing_is_added(
    as_user: AsUser, cast: Cast, household_a: Household, payload: dict[str, Any], field: str
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    response = as_user(cast.alice).post(
        reverse("api:plan-goal-list", args=[plan.pk]), payload, content_type=JSON
    )
    assert field in problem_names(response)
    assert not Goal.objects.exists()


def test_an_empty_goal_description_is_refused_by_the_service(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    response = as_user(cast.alice).post(
        reverse("api:plan-goal-list", args=[plan.pk]),
        {"domain": housing().pk, "description": "  "},
        content_type=JSON,
    )
    assert problem_names(response) == ["description"]
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": "partner"}, "ownerOrganisation"),
        ({"owner": "partner", "ownerOrganisation": 999999}, "ownerOrganisation"),
        ({"owner": "iemand"}, "owner"),
        ({"dueOn": "morgen"}, "dueOn"),
        ({"description": " "}, "description"),
    ],
)
def test_a_bad_action_is_400_and_nothing_is_added(
    as_user: AsUser, cast: Cast, household_a: Household, change: dict[str, Any], field: str
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    goal = services.goal_add(actor=cast.alice, plan=plan, domain=housing(), description="Wonen")
    payload = {"description": "Bellen", "owner": "huishouden", "dueOn": "2027-01-15"} | change
    response = as_user(cast.alice).post(
        reverse("api:plan-action-list", args=[plan.pk, goal.pk]), payload, content_type=JSON
    )
    assert field in problem_names(response)
    assert not Action.objects.exists()


def test_a_partner_of_another_municipality_is_refused(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = services.plan_start(actor=cast.alice, household=household_a)
    goal = services.goal_add(actor=cast.alice, plan=plan, domain=housing(), description="Wonen")
    payload = {
        "description": "Bellen",
        "owner": "partner",
        "ownerOrganisation": cast.wi_south.pk,
        "dueOn": "2027-01-15",
    }
    response = as_user(cast.alice).post(
        reverse("api:plan-action-list", args=[plan.pk, goal.pk]), payload, content_type=JSON
    )
    assert problem_names(response) == ["ownerOrganisation"]
    assert not Action.objects.exists()


def test_a_goal_or_action_of_another_plan_is_404(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    mine = draft(cast, household_a)
    other = draft(cast, Household.objects.create(**_copy_of(household_a)))
    client = as_user(cast.alice)
    foreign_goal = other.goals.get()
    foreign_action = other.actions.get()
    assert (
        client.delete(reverse("api:plan-goal-detail", args=[mine.pk, foreign_goal.pk])).status_code
        == 404
    )
    assert (
        client.delete(
            reverse("api:plan-action-detail", args=[mine.pk, foreign_action.pk])
        ).status_code
        == 404
    )
    assert (
        client.patch(
            reverse("api:plan-action-detail", args=[mine.pk, foreign_action.pk]),
            {"status": "klaar"},
            content_type=JSON,
        ).status_code
        == 404
    )
    assert Goal.objects.count() == 2
    assert Action.objects.count() == 2


def _copy_of(household: Household) -> dict[str, Any]:
    return {
        "municipality": household.municipality,
        "team": household.team,
        "name": "Huishouden Jansen",
        "house_number": 12,
        "postcode": "3552 AB",
        "city": "Demostad",
        "opened_on": household.opened_on,
    }


# --- commitment, agreeing, progress --------------------------------------------------------------


def test_agreeing_needs_the_commitment_then_succeeds(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a)
    client = as_user(cast.alice)
    agree_url = reverse("api:plan-agree", args=[plan.pk])

    response = client.post(agree_url, {}, content_type=JSON)
    assert problem_names(response) == ["commitment"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    response = client.put(
        reverse("api:plan-commitment", args=[plan.pk]),
        {"commitment": "  Wij betalen elke maand de huur.  "},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["commitment"] == "Wij betalen elke maand de huur."

    response = client.post(agree_url, {"agreedOn": "2099-01-01"}, content_type=JSON)
    assert problem_names(response) == ["agreedOn"]

    response = client.post(agree_url, {"agreedOn": "2026-11-01"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["agreedOn"]) == ("afgesproken", "2026-11-01")


def test_an_agreed_plan_cannot_be_changed(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = agreed(cast, household_a)
    goal = plan.goals.get()
    action = plan.actions.get()
    client = as_user(cast.alice)
    responses = [
        client.put(
            reverse("api:plan-commitment", args=[plan.pk]),
            {"commitment": "Anders"},
            content_type=JSON,
        ),
        client.post(
            reverse("api:plan-goal-list", args=[plan.pk]),
            {"domain": housing().pk, "description": "Nieuw"},
            content_type=JSON,
        ),
        client.delete(reverse("api:plan-goal-detail", args=[plan.pk, goal.pk])),
        client.delete(reverse("api:plan-action-detail", args=[plan.pk, action.pk])),
        client.post(reverse("api:plan-agree", args=[plan.pk]), {}, content_type=JSON),
    ]
    for response in responses:
        assert problem_names(response) == ["nonFieldErrors"]
    plan.refresh_from_db()
    assert plan.commitment == "Wij betalen elke maand de huur."
    assert (Goal.objects.count(), Action.objects.count()) == (1, 1)


def test_progress_on_an_action_of_the_agreed_plan(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = agreed(cast, household_a)
    action = plan.actions.get()
    client = as_user(cast.alice)
    url = reverse("api:plan-action-detail", args=[plan.pk, action.pk])
    response = client.patch(url, {"status": "klaar"}, content_type=JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "klaar"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE

    response = client.patch(url, {"status": "misschien"}, content_type=JSON)
    assert problem_names(response) == ["status"]
    response = client.patch(url, {}, content_type=JSON)
    assert problem_names(response) == ["status"]
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_invalid_commitment_input_is_400(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a)
    response = as_user(cast.alice).put(
        reverse("api:plan-commitment", args=[plan.pk]), {"commitment": None}, content_type=JSON
    )
    assert problem_names(response) == ["commitment"]
    response = as_user(cast.alice).put(
        reverse("api:plan-commitment", args=[plan.pk]), "not json", content_type=JSON
    )
    assert response.status_code == 400


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bob", "mallory", "dave", "heidi"])
def test_others_get_404_and_nothing_changes_or_is_logged(
    as_user: AsUser, cast: Cast, household_a: Household, persona: str
) -> None:
    plan = draft(cast, household_a, commitment="Wij doen mee.")
    goal = plan.goals.get()
    action = plan.actions.get()
    user: User = getattr(cast, persona)
    client = as_user(user)
    requests = [
        ("get", reverse("api:plan-list", args=[household_a.public_id]), None),
        ("post", reverse("api:plan-list", args=[household_a.public_id]), None),
        ("get", reverse("api:plan-detail", args=[plan.pk]), None),
        ("put", reverse("api:plan-commitment", args=[plan.pk]), {"commitment": "x"}),
        ("post", reverse("api:plan-goal-list", args=[plan.pk]), {"domain": 1, "description": "x"}),
        ("delete", reverse("api:plan-goal-detail", args=[plan.pk, goal.pk]), None),
        (
            "post",
            reverse("api:plan-action-list", args=[plan.pk, goal.pk]),
            {"description": "x", "owner": "huishouden", "dueOn": "2027-01-01"},
        ),
        (
            "patch",
            reverse("api:plan-action-detail", args=[plan.pk, action.pk]),
            {"status": "klaar"},
        ),
        ("delete", reverse("api:plan-action-detail", args=[plan.pk, action.pk]), None),
        ("post", reverse("api:plan-agree", args=[plan.pk]), {}),
    ]
    for method, url, data in requests:
        kwargs: dict[str, Any] = {"content_type": JSON} if data is not None else {}
        response = (
            getattr(client, method)(url, data, **kwargs)
            if data is not None
            else getattr(client, method)(url)
        )
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
    plan.refresh_from_db()
    assert (plan.status, plan.commitment) == (PlanStatus.DRAFT, "Wij doen mee.")
    assert (Plan.objects.count(), Goal.objects.count(), Action.objects.count()) == (1, 1, 1)
    assert Action.objects.get().status == ActionStatus.OPEN
    assert not ProcessingLog.objects.filter(actor=user).exists()


def test_bob_and_mallory_get_404(as_user: AsUser, cast: Cast, household_a: Household) -> None:
    plan = draft(cast, household_a)
    for persona in (cast.bob, cast.mallory):
        client = as_user(persona)
        assert client.get(reverse("api:plan-detail", args=[plan.pk])).status_code == 404
        assert client.get(reverse("api:plan-list", args=[household_a.public_id])).status_code == 404


def test_anonymous_gets_401(client: Client, cast: Cast, household_a: Household) -> None:
    plan = draft(cast, household_a)
    assert client.get(reverse("api:plan-detail", args=[plan.pk])).status_code == 401
    assert client.post(reverse("api:plan-agree", args=[plan.pk])).status_code == 401
