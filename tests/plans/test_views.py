"""Plan pages: start, commitment, goals and actions, progress, agreeing, the PDF and access."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.assessments import services as assessment_services
from doorbraak.assessments.models import LifeDomain
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import EventKind, Household
from doorbraak.plans import services
from doorbraak.plans.models import Action, ActionOwner, ActionStatus, Goal, Plan, PlanStatus
from tests.conftest import Cast
from tests.plans.builders import draft, started

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_user(as_user: Any, settings: Any) -> Any:
    """As the shared ``as_user``, with English pages: the assertions use the msgids."""

    def _as(user: Any) -> Client:
        client: Client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _as


def _domain(code: str = "huisvesting") -> LifeDomain:
    return LifeDomain.objects.get(code=code, municipality__isnull=True)


def _due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def goal_of(plan: Plan) -> Goal:
    goal = plan.goals.first()
    assert goal is not None
    return goal


def action_of(plan: Plan) -> Action:
    action = plan.actions.first()
    assert action is not None
    return action


# --- household page and start -------------------------------------------------------------------
def _start_data(**extra: Any) -> dict[str, Any]:
    """The first plan's form filled in: commitment, a goal on housing and its action."""
    data = {
        "commitment": "Wij bellen zelf de verhuurder.",
        "goal_domain": str(_domain().pk),
        "goal_description": "De woning behouden",
        "action_description": "Elke maand de huur betalen",
        "action_owner": ActionOwner.HOUSEHOLD.value,
        "action_owner_name": "",
        "action_owner_organisation": "",
        "action_due_on": _due(),
    }
    data.update(extra)
    return data


def test_it_offers_to_start_a_plan_with_its_form(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    page = client.get(reverse("plans:household", args=[household_a.public_id]))
    assert page.status_code == 200
    assert "This household has no plan yet." in page.content.decode()
    start = reverse("plans:start", args=[household_a.public_id])
    assert f'href="{start}"' in page.content.decode()

    before = ProcessingLog.objects.filter(action=ProcessingAction.READ).count()
    form = client.get(start)
    html = form.content.decode()
    assert form.status_code == 200
    for field in ("commitment", "goal_domain", "goal_description", "action_due_on"):
        assert f'name="{field}"' in html
    assert 'name="agree"' in html
    # Opening the household's page to write its plan is a read of its members' data.
    assert ProcessingLog.objects.filter(action=ProcessingAction.READ).count() > before
    assert not Plan.objects.exists()


def test_the_first_goal_is_offered_on_the_weakest_domain(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    domains = assessment_services.domains_for(household_a.municipality)
    weakest = domains[3]
    assessment_services.assessment_record(
        actor=cast.alice,
        household=household_a,
        assessed_on=timezone.localdate(),
        scores=[
            assessment_services.ScoreData(d.pk, 1 if d == weakest else 3 if i < 3 else 4)
            for i, d in enumerate(domains)
        ],
    )
    html = as_user(cast.alice).get(reverse("plans:start", args=[household_a.public_id]))
    assert f'<option value="{weakest.pk}" selected>' in html.content.decode()


def test_the_first_plan_is_agreed_in_one_submit(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:start", args=[household_a.public_id]), {**_start_data(), "agree": "1"}
    )
    plan = Plan.objects.get(household=household_a)
    assert response.status_code == 302
    # The household page's next-step panel offers what comes after an agreed plan.
    assert response["Location"] == reverse("households:detail", args=[household_a.public_id])
    assert (plan.version, plan.status, plan.agreed_on) == (
        1,
        PlanStatus.AGREED,
        timezone.localdate(),
    )
    assert plan.commitment == "Wij bellen zelf de verhuurder."
    goal = goal_of(plan)
    action = action_of(plan)
    assert (goal.domain, goal.description) == (_domain(), "De woning behouden")
    assert (action.goal, action.owner, action.description) == (
        goal,
        ActionOwner.HOUSEHOLD,
        "Elke maand de huur betalen",
    )
    # On the timeline: started, and agreed.
    assert household_a.events.filter(kind=EventKind.PLAN).count() == 2
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.CREATE, object_type="plans.plan", object_id=plan.pk
    ).exists()


def test_the_first_plan_can_be_saved_as_a_draft(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:start", args=[household_a.public_id]), _start_data(commitment="")
    )
    plan = Plan.objects.get(household=household_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert (plan.version, plan.status, plan.commitment) == (1, PlanStatus.DRAFT, "")
    assert plan.goals.count() == 1
    assert plan.actions.count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"goal_description": ""}, "Describe the goal."),
        ({"goal_domain": ""}, "Choose a life domain."),
        ({"goal_domain": "99999"}, "Choose a life domain of the list."),
        ({"action_description": " "}, "Describe the action."),
        ({"action_due_on": "morgen"}, "Enter a valid date."),
        ({"action_owner": "partner"}, "Choose the partner organisation that does this."),
        ({"commitment": "", "agree": "1"}, "Write down the household&#x27;s own commitment"),
    ],
)
def test_a_bad_first_plan_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household, extra: dict[str, str], message: str
) -> None:
    events = household_a.events.count()
    response = as_user(cast.alice).post(
        reverse("plans:start", args=[household_a.public_id]), _start_data(**extra)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "data-error-summary" in html
    # One transaction: no plan, goal or action half-written, nothing on the timeline.
    assert not Plan.objects.exists()
    assert not Goal.objects.exists()
    assert not Action.objects.exists()
    assert household_a.events.count() == events


def test_a_bad_first_plan_is_refused_in_dutch(
    as_user: Any, cast: Cast, household_a: Household, settings: Any
) -> None:
    client = as_user(cast.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.post(
        reverse("plans:start", args=[household_a.public_id]),
        _start_data(commitment="", goal_description="", agree="1"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beschrijf het doel." in html
    assert not Plan.objects.exists()


def test_with_a_draft_the_start_page_leads_to_it(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = started(cast, household_a)
    response = as_user(cast.alice).get(reverse("plans:start", args=[household_a.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])


def test_with_an_agreed_plan_a_post_makes_a_new_version(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    first = draft(cast, household_a, commitment="Ik betaal op tijd.")
    services.plan_agree(actor=cast.alice, plan=first)
    client = as_user(cast.alice)
    page = client.get(reverse("plans:start", args=[household_a.public_id]))
    assert page["Location"] == reverse("plans:household", args=[household_a.public_id])
    response = client.post(reverse("plans:start", args=[household_a.public_id]))
    second = Plan.objects.get(household=household_a, version=2)
    assert response["Location"] == reverse("plans:detail", args=[second.pk])
    assert second.goals.count() == 1  # copied from the agreed plan


def test_starting_twice_is_refused_with_a_message(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(reverse("plans:start", args=[household_a.public_id]), follow=True)
    assert "There is already a draft version of this plan." in response.content.decode()
    assert Plan.objects.filter(household=household_a).count() == 1


def test_the_household_page_lists_current_and_earlier_versions(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    first = draft(cast, household_a, commitment="Ik betaal op tijd.")
    services.plan_agree(actor=cast.alice, plan=first)
    second = services.plan_start(actor=cast.alice, household=household_a)
    services.plan_agree(actor=cast.alice, plan=second)
    third = services.plan_start(actor=cast.alice, household=household_a)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("plans:household", args=[household_a.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    for plan in (first, second, third):
        assert reverse("plans:detail", args=[plan.pk]) in body
    assert response.context["current"] == third
    assert response.context["agreed"] == second
    assert response.context["earlier"] == [first]
    assert response.context["can_start"] is False


# --- detail -------------------------------------------------------------------------------------
def test_the_detail_shows_the_plan_and_logs_the_read(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    for n in range(5):
        goal = services.goal_add(
            actor=cast.alice, plan=plan, domain=_domain("financien"), description=f"Doel {n}"
        )
        services.action_add(
            actor=cast.alice,
            plan=plan,
            goal=goal,
            description=f"Actie {n}",
            owner=ActionOwner.PARTNER,
            owner_organisation=cast.wi_north,
            due_on=timezone.localdate(),
        )
    client = as_user(cast.alice)
    before = ProcessingLog.objects.filter(
        action=ProcessingAction.READ, object_type="plans.plan", object_id=str(plan.pk)
    ).count()
    with django_assert_max_num_queries(22):
        response = client.get(reverse("plans:detail", args=[plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "De woning behouden" in body
    assert "Elke maand de huur betalen" in body
    assert "Ik betaal op tijd." in body
    assert "Actie 4" in body
    assert "W&amp;I Noord" in body
    after = ProcessingLog.objects.filter(
        action=ProcessingAction.READ, object_type="plans.plan", object_id=str(plan.pk)
    )
    assert after.count() > before
    assert after.filter(actor=cast.alice).exists()


# --- changes ------------------------------------------------------------------------------------
def test_it_saves_the_commitment(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:commitment", args=[plan.pk]), {"commitment": "  Ik zoek werk.  "}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.commitment == "Ik zoek werk."
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.UPDATE, object_type="plans.plan", object_id=str(plan.pk)
    ).exists()


def test_it_adds_and_removes_a_goal(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:goal-add", args=[plan.pk]),
        {"domain": _domain().pk, "description": "Een eigen huis houden"},
    )
    assert response.status_code == 302
    goal = goal_of(plan)
    assert (goal.domain.code, goal.description) == ("huisvesting", "Een eigen huis houden")

    response = client.post(reverse("plans:goal-remove", args=[plan.pk, goal.pk]))
    assert response.status_code == 302
    assert not plan.goals.exists()


def test_it_adds_and_removes_an_action(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = started(cast, household_a)
    goal = services.goal_add(actor=cast.alice, plan=plan, domain=_domain(), description="Wonen")
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:action-add", args=[plan.pk, goal.pk]),
        {
            "description": "Betalingsregeling treffen",
            "owner": ActionOwner.PARTNER,
            "owner_organisation": cast.wi_north.pk,
            "owner_name": "Sanne",
            "due_on": _due(),
        },
    )
    assert response.status_code == 302
    action = action_of(plan)
    assert (action.goal, action.owner_organisation, action.owner_name) == (
        goal,
        cast.wi_north,
        "Sanne",
    )

    response = client.post(reverse("plans:action-remove", args=[plan.pk, action.pk]))
    assert response.status_code == 302
    assert not plan.actions.exists()


def test_the_status_of_an_action_changes_also_on_an_agreed_plan(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    services.plan_agree(actor=cast.alice, plan=plan)
    action = action_of(plan)
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:action-status", args=[plan.pk, action.pk]), {"status": "klaar"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_agreed_plan_shows_no_edit_forms_and_refuses_changes(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    services.plan_agree(actor=cast.alice, plan=plan)
    client = as_user(cast.alice)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:goal-add", args=[plan.pk]) not in page
    assert reverse("plans:action-status", args=[plan.pk, action_of(plan).pk]) in page
    response = client.post(
        reverse("plans:goal-remove", args=[plan.pk, goal_of(plan).pk]),
    )
    assert response.status_code == 200
    assert "An agreed plan cannot be changed" in response.content.decode()
    assert plan.goals.count() == 1


def test_it_agrees_a_complete_plan(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    client = as_user(cast.alice)
    response = client.post(reverse("plans:agree", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_on) == (PlanStatus.AGREED, timezone.localdate())
    assert "The plan is agreed with the household." in response.content.decode()
    # Back on the household page, whose next-step panel offers what comes next.
    assert response.redirect_chain[-1][0] == reverse(
        "households:detail", args=[household_a.public_id]
    )


def test_agreeing_an_incomplete_plan_is_refused_and_changes_nothing(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(reverse("plans:agree", args=[plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The plan cannot be agreed yet:" in body
    assert "A plan needs at least one goal." in body
    assert "own commitment" in body
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_on) == (PlanStatus.DRAFT, None)


# --- htmx ---------------------------------------------------------------------------------------
def test_htmx_gets_the_plan_body_back(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:goal-add", args=[plan.pk]),
        {"domain": _domain().pk, "description": "Schulden regelen"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="plan-body"')
    assert "<html" not in body
    assert "Schulden regelen" in body
    assert "The goal is added." in body


def test_htmx_gets_the_errors_in_the_plan_body(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = started(cast, household_a)
    client = as_user(cast.alice)
    response = client.post(reverse("plans:agree", args=[plan.pk]), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "A plan needs at least one action." in body


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "domain": "__domain__"}, "Describe the goal."),
        ({"description": "Iets", "domain": "999999"}, "Choose a life domain of the list."),
        ({"description": "Iets", "domain": "abc"}, "Choose a life domain of the list."),
        ({"description": "Iets"}, "Choose a life domain."),
    ],
)
def test_a_bad_goal_is_refused_with_a_clear_error(
    as_user: Any, cast: Cast, household_a: Household, data: dict[str, str], message: str
) -> None:
    plan = started(cast, household_a)
    if data.get("domain") == "__domain__":
        data["domain"] = str(_domain().pk)
    client = as_user(cast.alice)
    response = client.post(reverse("plans:goal-add", args=[plan.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not plan.goals.exists()


def test_a_bad_action_is_refused_with_a_clear_error(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = started(cast, household_a)
    goal = services.goal_add(actor=cast.alice, plan=plan, domain=_domain(), description="Wonen")
    client = as_user(cast.alice)
    url = reverse("plans:action-add", args=[plan.pk, goal.pk])
    empty = client.post(url, {"description": "", "owner": "huishouden", "due_on": _due()})
    assert "Describe the action." in empty.content.decode()
    partner = client.post(url, {"description": "Iets", "owner": "partner", "due_on": _due()})
    assert "Choose the partner organisation that does this." in partner.content.decode()
    other = client.post(
        url,
        {
            "description": "Iets",
            "owner": "partner",
            "owner_organisation": cast.wi_south.pk,
            "due_on": _due(),
        },
    )
    assert other.status_code == 200
    assert "Choose an organisation of the list." in other.content.decode()
    bad_status = client.post(url, {"description": "Iets", "owner": "baas", "due_on": "gisteren"})
    assert bad_status.status_code == 200
    assert not plan.actions.exists()


def test_a_bad_status_is_refused(as_user: Any, cast: Cast, household_a: Household) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    action = action_of(plan)
    client = as_user(cast.alice)
    response = client.post(
        reverse("plans:action-status", args=[plan.pk, action.pk]), {"status": "kwijt"}
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_goals_and_actions_of_another_plan_are_not_found(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    plan = started(cast, household_a)
    other = services.plan_start(actor=cast.bob, household=household_b)
    goal = services.goal_add(actor=cast.bob, plan=other, domain=_domain(), description="Wonen")
    action = services.action_add(
        actor=cast.bob,
        plan=other,
        goal=goal,
        description="Iets",
        owner=ActionOwner.HOUSEHOLD,
        due_on=timezone.localdate(),
    )
    client = as_user(cast.alice)
    urls = [
        reverse("plans:goal-remove", args=[plan.pk, goal.pk]),
        reverse("plans:action-add", args=[plan.pk, goal.pk]),
        reverse("plans:action-remove", args=[plan.pk, action.pk]),
        reverse("plans:action-status", args=[plan.pk, action.pk]),
    ]
    for url in urls:
        response = client.post(
            url, {"description": "x", "owner": "huishouden", "due_on": _due(), "status": "klaar"}
        )
        assert response.status_code == 404, url
    assert other.goals.count() == 1
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


# --- pdf ----------------------------------------------------------------------------------------
def test_the_pdf_is_a_download_and_the_export_is_logged(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    client = as_user(cast.alice)
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan-1.pdf"'
    assert response.content.startswith(b"%PDF")
    assert ProcessingLog.objects.filter(
        actor=cast.alice,
        action=ProcessingAction.EXPORT,
        object_type="plans.plan",
        object_id=str(plan.pk),
    ).exists()


def test_the_pdf_document_speaks_to_the_household(cast: Cast, household_a: Household) -> None:
    from django.template.loader import render_to_string

    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    html = render_to_string(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "household": household_a,
            "rows": [{"goal": goal_of(plan), "actions": list(plan.actions.all())}],
            "coordinator": cast.alice,
            "today": timezone.localdate(),
        },
    )
    assert "Huishouden Zwart" in html
    assert "Ik betaal op tijd." in html
    assert "De woning behouden" in html
    assert "<script" not in html


# --- access -------------------------------------------------------------------------------------
def _all_urls(plan: Plan, household: Household) -> list[tuple[str, str]]:
    goal = goal_of(plan)
    action = action_of(plan)
    return [
        ("get", reverse("plans:household", args=[household.public_id])),
        ("get", reverse("plans:start", args=[household.public_id])),
        ("post", reverse("plans:start", args=[household.public_id])),
        ("get", reverse("plans:detail", args=[plan.pk])),
        ("post", reverse("plans:commitment", args=[plan.pk])),
        ("post", reverse("plans:goal-add", args=[plan.pk])),
        ("post", reverse("plans:goal-remove", args=[plan.pk, goal.pk])),
        ("post", reverse("plans:action-add", args=[plan.pk, goal.pk])),
        ("post", reverse("plans:action-remove", args=[plan.pk, action.pk])),
        ("post", reverse("plans:action-status", args=[plan.pk, action.pk])),
        ("post", reverse("plans:agree", args=[plan.pk])),
        ("get", reverse("plans:pdf", args=[plan.pk])),
    ]


def _request(client: Client, method: str, url: str) -> int:
    data = {"commitment": "x", "description": "x", "status": "klaar", "owner": "huishouden"}
    response = client.get(url) if method == "get" else client.post(url, data)
    return response.status_code


@pytest.mark.parametrize(("persona", "expected"), [("bob", {404}), ("mallory", {404})])
def test_other_teams_get_404_everywhere(
    as_user: Any, cast: Cast, household_a: Household, persona: str, expected: set[int]
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    client = as_user(getattr(cast, persona))
    before = ProcessingLog.objects.count()
    for method, url in _all_urls(plan, household_a):
        assert _request(client, method, url) in expected, url
    plan.refresh_from_db()
    assert plan.commitment == "Ik betaal op tijd."
    assert plan.goals.count() == 1
    assert Plan.objects.filter(household=household_a).count() == 1
    assert ProcessingLog.objects.count() == before


@pytest.mark.parametrize("persona", ["dave", "heidi"])
def test_people_outside_the_teams_are_refused_everywhere(
    as_user: Any, cast: Cast, household_a: Household, persona: str
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    client = as_user(getattr(cast, persona))
    for method, url in _all_urls(plan, household_a):
        assert _request(client, method, url) in {403, 404}, url
    assert plan.goals.count() == 1


def test_anonymous_users_are_sent_to_log_in(
    client: Client, cast: Cast, household_a: Household
) -> None:
    plan = draft(cast, household_a, commitment="Ik betaal op tijd.")
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 302
