"""The household page guides: the next step follows the household's state."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorbraak.breakthroughs.models import BreakthroughStatus
from doorbraak.home.next_step import Guide, household_guide
from doorbraak.households.models import Classification, Household, HouseholdStatus
from doorbraak.plans.models import Action, ActionOwner, Plan, PlanStatus
from tests.breakthroughs.builders import bottleneck, draft, give_consent
from tests.conftest import Cast


def _guide(household: Household) -> Guide:
    household.refresh_from_db()
    return household_guide(household, today=timezone.localdate())


def _keys(guide: Guide) -> list[str]:
    return [step.key for step in ([guide.next] if guide.next else []) + guide.later]


def _assessed(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(latest_classification=Classification.ORANGE)


def _plan(household: Household, status: str = PlanStatus.AGREED) -> Plan:
    agreed = status == PlanStatus.AGREED
    return Plan.objects.create(
        household=household,
        version=1,
        status=status,
        commitment="Ik open mijn post elke dag." if agreed else "",
        agreed_on=timezone.localdate() if agreed else None,
        created_by=household.coordinator_assignments.get().coordinator,
    )


def test_without_consent_the_next_step_is_to_record_it(cast: Cast, household_a: Household) -> None:
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "consent"
    assert guide.next.url == reverse("households:consent-add", args=[household_a.public_id])
    assert _keys(guide) == ["consent", "assessment", "plan"]
    assert str(guide.assessment) == "Nog geen meting"
    assert str(guide.plan) == "Nog geen plan"


def test_with_consent_the_assessment_then_the_plan(cast: Cast, household_a: Household) -> None:
    give_consent(cast, household_a, cast.uwv)
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "assessment"
    assert guide.next.url == reverse("assessments:create", args=[household_a.public_id])
    _assessed(household_a)
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "plan"
    # Starting the plan is a page with its form (commitment, first goal and action).
    assert guide.next.url == reverse("plans:start", args=[household_a.public_id])
    assert "Oranje" in str(guide.assessment)


def test_a_draft_plan_is_to_be_agreed(cast: Cast, household_a: Household) -> None:
    give_consent(cast, household_a, cast.uwv)
    _assessed(household_a)
    plan = _plan(household_a, PlanStatus.DRAFT)
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "plan"
    assert guide.next.url == reverse("plans:detail", args=[plan.pk])


def test_an_agreed_plan_on_track_keeps_going(cast: Cast, household_a: Household) -> None:
    give_consent(cast, household_a, cast.uwv)
    _assessed(household_a)
    plan = _plan(household_a)
    guide = _guide(household_a)
    assert _keys(guide) == ["review"]
    assert "Afgesproken" in str(guide.plan)
    assert guide.next is not None
    assert guide.next.url == reverse("plans:detail", args=[plan.pk])


def test_a_stuck_plan_asks_for_a_bottleneck_then_a_breakthrough_then_following_it(
    cast: Cast, household_a: Household
) -> None:
    give_consent(cast, household_a, cast.uwv)
    _assessed(household_a)
    plan = _plan(household_a)
    Action.objects.create(
        plan=plan,
        description="Aanvraag bijstand",
        owner=ActionOwner.PROFESSIONAL,
        due_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "bottleneck"
    assert guide.next.url == reverse(
        "breakthroughs:bottleneck-create", args=[household_a.public_id]
    )
    stuck = bottleneck(cast, household_a)
    guide = _guide(household_a)
    assert guide.next is not None
    assert guide.next.key == "breakthrough"
    assert guide.next.url == reverse("breakthroughs:create", args=[stuck.pk])
    proposal = draft(cast, household_a)
    guide = _guide(household_a)
    assert "draft" in _keys(guide)
    proposal.status = BreakthroughStatus.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["status", "submitted_at"])
    guide = _guide(household_a)
    follow = [step for step in [*guide.later, guide.next] if step and step.key == "follow"]
    assert follow
    assert follow[0].url == reverse("breakthroughs:detail", args=[proposal.pk])


def test_a_closed_household_has_no_next_step(cast: Cast, household_a: Household) -> None:
    Household.objects.filter(pk=household_a.pk).update(
        status=HouseholdStatus.CLOSED, closed_on=timezone.localdate(), close_reason="verhuisd"
    )
    guide = _guide(household_a)
    assert guide.closed
    assert guide.next is None


def test_the_household_page_shows_the_panel_and_closing_last(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    response = as_user(cast.alice).get(reverse("households:detail", args=[household_a.public_id]))
    body = response.content.decode()
    assert "Volgende stap" in body
    consent = reverse("households:consent-add", args=[household_a.public_id])
    close = reverse("assessments:household-close", args=[household_a.public_id])
    assert body.index("Volgende stap") < body.index(consent)
    # Closing comes after the timeline, as a plain link, not among the buttons.
    assert body.index('id="hh-timeline"') < body.index(close)
    assert f'button-link--secondary-action" href="{close}"' not in body


def test_after_recording_consent_the_page_offers_the_assessment(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client = as_user(cast.alice)
    give_consent(cast, household_a, cast.uwv)
    body = client.get(reverse("households:detail", args=[household_a.public_id])).content.decode()
    panel = body.split('id="ns-title"', 1)[1].split("</section>", 1)[0]
    assert reverse("assessments:create", args=[household_a.public_id]) in panel


def test_another_team_sees_no_panel_of_the_household(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    response = as_user(cast.bob).get(reverse("households:detail", args=[household_a.public_id]))
    assert response.status_code == 404


def test_the_guide_costs_the_same_queries_at_two_data_sizes(
    cast: Cast, household_a: Household
) -> None:
    give_consent(cast, household_a, cast.uwv)
    _assessed(household_a)
    plan = _plan(household_a)
    counts = []
    for size in (1, 4):
        for number in range(size):
            Action.objects.create(
                plan=plan,
                description=f"Actie {size}-{number}",
                owner=ActionOwner.HOUSEHOLD,
                due_on=timezone.localdate() - datetime.timedelta(days=2),
            )
            draft(cast, household_a)
        household_a.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            household_guide(household_a, today=timezone.localdate())
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[1] <= 4  # the consents, the plans, the bottlenecks and their breakthroughs
