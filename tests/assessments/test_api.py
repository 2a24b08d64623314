"""The assessments API: catalogue, recording and reading assessments, history, follow-ups."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.assessments import services
from doorbraak.assessments.models import Assessment, AssessmentKind, LifeDomain
from doorbraak.assessments.services import household_close
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import CloseReason, Household
from tests.conftest import Cast
from tests.factories import MemberFactory

JSON = "application/json"
AsUser = Callable[[User], Client]


def score_items(household: Household, problems: int) -> list[dict[str, Any]]:
    """``problems`` domains at 2 (a problem by default), the rest at 4."""
    return [
        {"domain": d.pk, "score": 2 if i < problems else 4, "selfScore": 3, "note": ""}
        for i, d in enumerate(services.domains_for(household.municipality))
    ]


def record(cast: Cast, household: Household, problems: int = 0, **kwargs: Any) -> Assessment:
    return services.assessment_record(
        actor=cast.alice,
        household=household,
        scores=[
            services.ScoreData(item["domain"], item["score"], item["selfScore"])
            for item in score_items(household, problems)
        ],
        **kwargs,
    )


def list_url(household: Household) -> str:
    return reverse("api:assessment-list", args=[household.public_id])


def logs(object_type: str, action: str = ProcessingAction.READ) -> int:
    return ProcessingLog.objects.filter(object_type=object_type, action=action).count()


# --- the catalogue -------------------------------------------------------------------------------


def test_lifedomains_lists_the_catalogue_with_level_descriptions(
    as_user: AsUser, cast: Cast
) -> None:
    response = as_user(cast.alice).get(reverse("api:lifedomain-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 11
    first = body["results"][0]
    assert first["name"] == "Financiën"
    assert [level["score"] for level in first["levels"]] == [1, 2, 3, 4, 5]
    assert all(level["description"] for level in first["levels"])


def test_lifedomains_follows_the_municipality_s_own_catalogue(as_user: AsUser, cast: Cast) -> None:
    LifeDomain.objects.create(
        municipality=cast.south,
        code="geld",
        name="Geld",
        level_1="a",
        level_2="b",
        level_3="c",
        level_4="d",
        level_5="e",
    )
    body = as_user(cast.mallory).get(reverse("api:lifedomain-list")).json()
    assert [d["name"] for d in body["results"]] == ["Geld"]
    body = as_user(cast.alice).get(reverse("api:lifedomain-list")).json()
    assert body["count"] == 11


def test_lifedomains_needs_a_login(client: Client, cast: Cast) -> None:
    assert client.get(reverse("api:lifedomain-list")).status_code == 401


# --- recording -----------------------------------------------------------------------------------


def test_post_records_an_assessment_and_returns_the_classification(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    payload = {"date": "2026-11-20", "kind": "intake", "scores": score_items(household_a, 5)}
    response = as_user(cast.alice).post(list_url(household_a), payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["classification"] == "oranje"
    assert body["problemDomains"] == 5
    assert body["member"] is None
    assert body["household"] == str(household_a.public_id)
    assert body["date"] == "2026-11-20"
    assert body["assessedBy"]["id"] == cast.alice.pk
    assert len(body["scores"]) == 11
    assert body["scores"][0]["selfScore"] == 3
    assessment = Assessment.objects.get()
    assert assessment.assessed_by == cast.alice
    assert logs("assessments.assessment", ProcessingAction.CREATE) >= 1


def test_post_for_one_member(as_user: AsUser, cast: Cast, household_a: Household) -> None:
    child = household_a.members.get(role="kind")
    payload = {"member": str(child.public_id), "scores": score_items(household_a, 0)}
    response = as_user(cast.alice).post(list_url(household_a), payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    assert response.json()["member"] == str(child.public_id)
    assert response.json()["classification"] == "groen"
    assert response.json()["date"] == timezone.localdate().isoformat()
    assert Assessment.objects.get().member == child


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.update(scores=p["scores"][1:]), "scores"),
        (lambda p: p["scores"][0].update(score=7), "scores.0.score"),
        (lambda p: p["scores"][0].update(selfScore=0), "scores.0.selfScore"),
        (lambda p: p["scores"].append(dict(p["scores"][0])), "scores"),
        (lambda p: p.update(scores=[]), "scores"),
        (lambda p: p.update(date="2099-01-01"), "date"),
        (lambda p: p.update(date="gisteren"), "date"),
        (lambda p: p.update(kind="nazorg"), "kind"),
        (lambda p: p.update(kind="anders"), "kind"),
        (lambda p: p.update(member="5b1e8a44-0000-4000-8000-000000000000"), "member"),
        (lambda p: p["scores"][0].update(domain=999999), "scores"),
    ],
)
def test_post_with_bad_input_is_400_problem_and_records_nothing(
    as_user: AsUser, cast: Cast, household_a: Household, change: Any, field: str
) -> None:
    payload: dict[str, Any] = {"scores": score_items(household_a, 2)}
    change(payload)
    response = as_user(cast.alice).post(list_url(household_a), payload, content_type=JSON)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert field in names, response.json()
    assert all(p["reason"] for p in response.json()["invalidParams"])
    assert Assessment.objects.count() == 0
    assert logs("assessments.assessment", ProcessingAction.CREATE) == 0


def test_post_for_a_member_of_another_household_is_400(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    stranger = MemberFactory(household__team=cast.team_a)
    payload = {"member": str(stranger.public_id), "scores": score_items(household_a, 0)}
    response = as_user(cast.alice).post(list_url(household_a), payload, content_type=JSON)
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["member"]
    assert Assessment.objects.count() == 0


# --- reading -------------------------------------------------------------------------------------


def test_list_shows_assessments_newest_first_and_logs_the_read(
    as_user: AsUser, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    child = household_a.members.get(role="kind")
    record(cast, household_a, 1, assessed_on=datetime.date(2026, 2, 1))
    record(cast, household_a, 4, assessed_on=datetime.date(2026, 3, 1), member=child)
    for day in range(1, 6):
        record(cast, household_a, 5, assessed_on=datetime.date(2026, 4, day))
    client = as_user(cast.alice)
    before = logs("households.household")
    with django_assert_max_num_queries(22):
        response = client.get(list_url(household_a))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    assert body["results"][0]["date"] == "2026-04-05"
    assert body["results"][-1]["date"] == "2026-02-01"
    assert len(body["results"][0]["scores"]) == 11
    assert logs("households.household") > before

    only_child = client.get(list_url(household_a), {"member": str(child.public_id)}).json()
    assert [a["member"] for a in only_child["results"]] == [str(child.public_id)]
    bad = client.get(list_url(household_a), {"member": "not-a-member"})
    assert bad.status_code == 400
    empty = client.get(list_url(household_a), {"member": ""})  # names nobody, not "all"
    assert empty.status_code == 400
    assert [p["name"] for p in empty.json()["invalidParams"]] == ["member"]


def test_detail_returns_the_scores_and_logs_the_read(
    as_user: AsUser, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    assessment = record(cast, household_a, 8)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("api:assessment-detail", args=[assessment.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == assessment.pk
    assert body["classification"] == "rood"
    assert body["scores"][0]["domain"]["name"] == "Financiën"
    rows = ProcessingLog.objects.filter(
        object_type="assessments.assessment", action=ProcessingAction.READ
    )
    assert rows.exists()
    assert {r.object_id for r in rows} == {str(assessment.pk)}
    assert all(r.actor == cast.alice for r in rows)


def test_domain_history_gives_points_per_domain_oldest_first(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    record(cast, household_a, 11, assessed_on=datetime.date(2026, 2, 1))
    record(cast, household_a, 0, assessed_on=datetime.date(2026, 5, 1))
    client = as_user(cast.alice)
    before = logs("households.household")
    response = client.get(reverse("api:assessment-domain-history", args=[household_a.public_id]))
    assert response.status_code == 200
    history = response.json()
    assert len(history) == 11
    assert history[0]["domain"]["name"] == "Financiën"
    assert history[0]["points"] == [
        {"date": "2026-02-01", "score": 2, "selfScore": 3},
        {"date": "2026-05-01", "score": 4, "selfScore": 3},
    ]
    assert logs("households.household") > before
    url = reverse("api:assessment-domain-history", args=[household_a.public_id])
    assert client.get(url, {"member": ""}).status_code == 400


def test_follow_ups_are_listed_after_closing(
    as_user: AsUser, cast: Cast, household_a: Household
) -> None:
    household_close(actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED)
    client = as_user(cast.alice)
    response = client.get(reverse("api:assessment-follow-up-list", args=[household_a.public_id]))
    assert response.status_code == 200
    body = response.json()
    assert [f["monthsAfterClosing"] for f in body["results"]] == [3, 6, 12]
    assert body["results"][0]["status"] == "gepland"
    assert body["results"][0]["assessment"] is None

    # a follow-up assessment on the closed household fills in the first one
    payload = {"kind": AssessmentKind.FOLLOW_UP.value, "scores": score_items(household_a, 0)}
    assert client.post(list_url(household_a), payload, content_type=JSON).status_code == 201
    body = client.get(reverse("api:assessment-follow-up-list", args=[household_a.public_id])).json()
    assert body["results"][0]["status"] == "gedaan"
    assert body["results"][0]["assessment"] == Assessment.objects.get().pk


# --- access --------------------------------------------------------------------------------------


def _urls(household: Household, assessment: Assessment) -> list[str]:
    return [
        list_url(household),
        reverse("api:assessment-detail", args=[assessment.pk]),
        reverse("api:assessment-domain-history", args=[household.public_id]),
        reverse("api:assessment-follow-up-list", args=[household.public_id]),
    ]


@pytest.mark.parametrize("persona", ["bob", "mallory", "dave", "heidi"])
def test_other_teams_and_other_roles_get_404_and_nothing_is_logged(
    as_user: AsUser, cast: Cast, household_a: Household, persona: str
) -> None:
    assessment = record(cast, household_a, 3)
    user: User = getattr(cast, persona)
    client = as_user(user)
    for url in _urls(household_a, assessment):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert response["Content-Type"] == "application/problem+json"
    payload = {"scores": score_items(household_a, 0)}
    assert client.post(list_url(household_a), payload, content_type=JSON).status_code in (403, 404)
    assert Assessment.objects.count() == 1
    assert not ProcessingLog.objects.filter(actor=user).exists()


def test_team_b_gets_404_for_team_a(as_user: AsUser, cast: Cast, household_a: Household) -> None:
    assessment = record(cast, household_a, 3)
    for persona in (cast.bob, cast.mallory):
        client = as_user(persona)
        for url in _urls(household_a, assessment):
            assert client.get(url).status_code == 404, url


def test_an_unknown_household_is_404(as_user: AsUser, cast: Cast) -> None:
    url = reverse("api:assessment-list", args=["5b1e8a44-0000-4000-8000-000000000000"])
    assert as_user(cast.alice).get(url).status_code == 404
    assert as_user(cast.alice).get("/api/v1/assessments/999999").status_code == 404


def test_anonymous_gets_401(client: Client, cast: Cast, household_a: Household) -> None:
    assessment = record(cast, household_a, 3)
    for url in _urls(household_a, assessment):
        assert client.get(url).status_code == 401
