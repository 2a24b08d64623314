"""Assessment pages: recording scores, the overview with charts, one assessment, the admin."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorbraak.assessments import services
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    LifeDomain,
)
from doorbraak.assessments.services import household_close
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import Classification, CloseReason, Household
from tests.conftest import Cast


@pytest.fixture
def as_user(as_user: Any) -> Any:
    """The pages in English (the language switch's cookie): the Dutch catalogue may lag."""

    def _as(user: Any) -> Client:
        client: Client = as_user(user)
        client.cookies["doorbraak_language"] = "en"
        return client

    return _as


def overview_url(household: Household) -> str:
    return reverse("assessments:overview", args=[household.public_id])


def create_url(household: Household) -> str:
    return reverse("assessments:create", args=[household.public_id])


def form_data(household: Household, problems: int, **extra: Any) -> dict[str, Any]:
    """Every domain scored: ``problems`` at 2 (a problem by default), the rest at 4."""
    data: dict[str, Any] = {
        "assessed_on": timezone.localdate().isoformat(),
        "kind": AssessmentKind.INTAKE.value,
        "member": "",
        "note": "",
    }
    for i, domain in enumerate(services.domains_for(household.municipality)):
        data[f"domain_{domain.pk}"] = "2" if i < problems else "4"
        data[f"self_{domain.pk}"] = ""
        data[f"note_{domain.pk}"] = ""
    data.update(extra)
    return data


def record(
    household: Household, cast: Cast, problems: int, days_ago: int, own: int | None = None
) -> Assessment:
    domains = services.domains_for(household.municipality)
    return services.assessment_record(
        actor=cast.alice,
        household=household,
        assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        scores=[
            services.ScoreData(d.pk, 2 if i < problems else 4, own) for i, d in enumerate(domains)
        ],
    )


def close(household: Household, cast: Cast) -> None:
    household_close(actor=cast.alice, household=household, reason=CloseReason.GOALS_REACHED)


# --- recording --------------------------------------------------------------------------------
def test_the_form_offers_every_domain_with_its_level_texts(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    response = as_user(cast.alice).get(create_url(household_a))
    assert response.status_code == 200
    html = response.content.decode()
    # The matrix: a fieldset per domain; the own score is a labelled select beside it.
    assert html.count('<fieldset class="za-row') == 11
    assert html.count("<legend") >= 11
    assert html.count('class="utrecht-select za-self-select"') == 11
    assert html.count('class="za-levels"') == 11  # every level text one click away
    assert "Financiën" in html
    assert "1: Dakloos, of uitzetting staat voor de deur." in html
    assert 'style="' not in html


def test_after_a_review_the_household_page_offers_the_next_step(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    record(household_a, cast, 1, 30)
    data = form_data(household_a, 2, kind=AssessmentKind.REVIEW.value)
    response = as_user(cast.alice).post(create_url(household_a), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household_a.public_id])
    assert Assessment.objects.filter(kind=AssessmentKind.REVIEW).count() == 1


def test_a_valid_assessment_is_classified_and_shown(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    client: Client = as_user(cast.alice)
    domain = services.domains_for(household_a.municipality)[0]
    data = form_data(household_a, 4, **{f"self_{domain.pk}": "3", f"note_{domain.pk}": "Schuld"})
    response = client.post(create_url(household_a), data, follow=True)
    assessment = Assessment.objects.get()
    # After the intake the method's next step: the plan's form, the classification said.
    assert response.redirect_chain[-1][0] == reverse("plans:start", args=[household_a.public_id])
    assert "Classification: Orange" in response.content.decode()
    assert assessment.classification == Classification.ORANGE
    assert assessment.problem_domains == 4
    assert assessment.member is None
    assert assessment.scores.count() == 11
    first = assessment.scores.get(domain=domain)
    assert (first.score, first.self_score, first.note) == (2, 3, "Schuld")
    assert assessment.scores.filter(self_score__isnull=True).count() == 10
    html = response.content.decode()
    assert "Classification: Orange" in html
    assert "4 problem domain" in html


def test_a_member_can_be_assessed(as_user: Any, cast: Cast, household_a: Household) -> None:
    member = household_a.members.first()
    assert member is not None
    response = as_user(cast.alice).post(
        create_url(household_a), form_data(household_a, 0, member=str(member.public_id))
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.member == member
    assert assessment.classification == Classification.GREEN


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing", "Score Financiën."),
        ("seven", "A score is a whole number from 1 to 5."),
        ("self_seven", "A score is a whole number from 1 to 5."),
        ("future", "An assessment cannot be dated in the future."),
        ("member", "Select a valid choice."),
        ("kind", "Select a valid choice."),
        ("date", "Enter a valid date."),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(
    as_user: Any, cast: Cast, household_a: Household, change: str, message: str
) -> None:
    first = services.domains_for(household_a.municipality)[0]
    data = form_data(household_a, 2)
    if change == "missing":
        del data[f"domain_{first.pk}"]
    elif change == "seven":
        data[f"domain_{first.pk}"] = "7"
    elif change == "self_seven":
        data[f"self_{first.pk}"] = "7"
    elif change == "future":
        data["assessed_on"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    elif change == "member":
        data["member"] = "00000000-0000-0000-0000-000000000000"
    elif change == "kind":
        data["kind"] = AssessmentKind.FOLLOW_UP.value  # only for a closed household
    elif change == "date":
        data["assessed_on"] = "gisteren"
    response = as_user(cast.alice).post(create_url(household_a), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The assessment is not saved yet." in html
    assert message in html
    assert Assessment.objects.count() == 0
    # What was entered stays filled in.
    second = services.domains_for(household_a.municipality)[1]
    assert re.search(rf'name="domain_{second.pk}" value="2"[^>]*checked', html)


def test_a_member_of_another_household_is_refused(
    as_user: Any, cast: Cast, household_a: Household, household_b: Household
) -> None:
    from tests.factories import MemberFactory

    stranger = MemberFactory(household=household_b)
    response = as_user(cast.alice).post(
        create_url(household_a), form_data(household_a, 0, member=str(stranger.public_id))
    )
    assert response.status_code == 200
    assert Assessment.objects.count() == 0


def test_a_closed_household_gets_only_a_follow_up(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    close(household_a, cast)
    client: Client = as_user(cast.alice)
    html = client.get(create_url(household_a)).content.decode()
    assert 'value="nazorg"' in html
    assert 'value="intake"' not in html
    refused = client.post(create_url(household_a), form_data(household_a, 1))
    assert refused.status_code == 200
    assert Assessment.objects.count() == 0
    done = client.post(
        create_url(household_a), form_data(household_a, 1, kind=AssessmentKind.FOLLOW_UP.value)
    )
    assert done.status_code == 302
    assert Assessment.objects.get().kind == AssessmentKind.FOLLOW_UP


# --- access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["bob", "mallory", "dave", "heidi", "ivan"])
def test_outsiders_cannot_open_any_page(
    as_user: Any, cast: Cast, household_a: Household, who: str
) -> None:
    assessment = record(household_a, cast, 1, 3)
    client: Client = as_user(getattr(cast, who))
    urls = [
        overview_url(household_a),
        create_url(household_a),
        reverse("assessments:detail", args=[assessment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
    assert client.post(create_url(household_a), form_data(household_a, 0)).status_code in (
        403,
        404,
    )
    assert Assessment.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, household_a: Household) -> None:
    response = client.get(overview_url(household_a))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_a_team_colleague_sees_the_pages(as_user: Any, cast: Cast, household_a: Household) -> None:
    assessment = record(household_a, cast, 1, 3)
    client: Client = as_user(cast.carol)
    assert client.get(overview_url(household_a)).status_code == 200
    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 200


# --- overview and detail ----------------------------------------------------------------------
def test_the_overview_lists_assessments_newest_first_with_charts(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    record(household_a, cast, 1, 60, own=3)
    record(household_a, cast, 5, 30)
    record(household_a, cast, 8, 1)
    response = as_user(cast.alice).get(overview_url(household_a))
    html = response.content.decode()
    assert response.status_code == 200
    badges = re.findall(r'db-badge (db-badge--\w+)">(\w+)<', html)
    assert [label for _, label in badges] == ["Red", "Orange", "Green"]
    assert "New assessment" in html
    assert html.count("<svg") == 11
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    for svg in svgs:
        assert "style=" not in svg
        assert 'role="img"' in svg
        assert "aria-label=" in svg
        assert "<title" in svg
        assert "<polyline" in svg
        # Numbers with a decimal point, never the Dutch decimal comma.
        for points in re.findall(r'points="([^"]*)"', svg):
            assert all(re.fullmatch(r"[\d.]+,[\d.]+", pair) for pair in points.split())
    assert "za-chart__point--self" in html  # the household's own score where given
    assert "<details" in html  # the table for screen readers
    assert "<caption" in html
    assert 'style="' not in html


def test_the_history_of_a_member_can_be_chosen(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    member = household_a.members.first()
    assert member is not None
    domains = services.domains_for(household_a.municipality)
    services.assessment_record(
        actor=cast.alice,
        household=household_a,
        member=member,
        scores=[services.ScoreData(d.pk, 1) for d in domains],
    )
    client: Client = as_user(cast.alice)
    household_only = client.get(overview_url(household_a)).content.decode()
    assert "No scores to show yet." in household_only
    chosen = client.get(overview_url(household_a), {"voor": str(member.public_id)})
    assert chosen.content.decode().count("<svg") == 11


def test_a_closed_household_shows_no_new_assessment_for_others_but_follow_ups(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    close(household_a, cast)
    html = as_user(cast.alice).get(overview_url(household_a)).content.decode()
    assert "Follow-up assessments after closing" in html
    assert html.count("months, due on") == 3


def test_the_overview_and_detail_write_the_processing_log(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    assessment = record(household_a, cast, 1, 3)
    client: Client = as_user(cast.alice)
    last = ProcessingLog.objects.latest("pk").pk
    client.get(overview_url(household_a))
    reads = ProcessingLog.objects.filter(pk__gt=last)
    assert reads.exists()
    assert all(r.actor == cast.alice and r.action == ProcessingAction.READ for r in reads)
    assert {r.object_id for r in reads} == {str(household_a.pk)}
    client.get(reverse("assessments:detail", args=[assessment.pk]))
    row = ProcessingLog.objects.filter(object_type="assessments.assessment").latest("pk")
    assert row.action == ProcessingAction.READ
    assert row.actor == cast.alice
    assert row.object_id == str(assessment.pk)


def test_recording_writes_the_processing_log(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    as_user(cast.alice).post(create_url(household_a), form_data(household_a, 0))
    assert ProcessingLog.objects.filter(
        object_type="assessments.assessment", action=ProcessingAction.CREATE
    ).exists()


def test_the_detail_shows_every_domain_with_its_level_text(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    assessment = record(household_a, cast, 2, 3, own=5)
    html = (
        as_user(cast.alice)
        .get(reverse("assessments:detail", args=[assessment.pk]))
        .content.decode()
    )
    for domain in services.domains_for(household_a.municipality):
        assert domain.name in html or domain.name.replace("(", "&#x28;") in html
    huisvesting = LifeDomain.objects.get(code="huisvesting", municipality=None)
    assert huisvesting.level(4) in html
    assert huisvesting.level(5) in html  # the household's own score
    assert "Classification: Green" in html
    assert html.count(">problem<") == 2


def test_query_counts_stay_bounded(
    as_user: Any, cast: Cast, household_a: Household, django_assert_max_num_queries: Any
) -> None:
    for days in range(5):
        record(household_a, cast, days * 2, 10 - days, own=3)
    client: Client = as_user(cast.alice)
    with django_assert_max_num_queries(22):
        assert client.get(overview_url(household_a)).status_code == 200
    detail = reverse("assessments:detail", args=[Assessment.objects.first().pk])  # type: ignore[union-attr]
    with django_assert_max_num_queries(19):
        assert client.get(detail).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(create_url(household_a)).status_code == 200


# --- admin ------------------------------------------------------------------------------------
def test_an_administrator_configures_the_municipalitys_catalogue(as_user: Any, cast: Cast) -> None:
    client: Client = as_user(cast.ivan)
    listing = client.get(reverse("admin:assessments_lifedomain_changelist"))
    assert listing.status_code == 200
    assert "Financiën" in listing.content.decode()  # the default catalogue, as an example
    default = LifeDomain.objects.get(code="financien", municipality=None)
    page = client.get(reverse("admin:assessments_lifedomain_change", args=[default.pk]))
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # read-only for administrators
    response = client.post(
        reverse("admin:assessments_lifedomain_add"),
        {
            "municipality": cast.north.pk,
            "code": "geld",
            "name": "Geld",
            "position": 1,
            "active": "on",
            **{f"level_{i}": f"niveau {i}" for i in range(1, 6)},
        },
    )
    assert response.status_code == 302
    assert [d.name for d in services.domains_for(cast.north)] == ["Geld"]
    rules = client.post(
        reverse("admin:assessments_classificationrule_add"),
        {"municipality": cast.north.pk, "problem_threshold": 2, "green_max": 5, "orange_max": 3},
    )
    assert rules.status_code == 200  # orange must be above green: refused with a message
    assert not cast.north.__class__.objects.filter(classification_rule__isnull=False).exists()


def test_an_administrator_cannot_add_to_the_default_catalogue(as_user: Any, cast: Cast) -> None:
    response = as_user(cast.ivan).post(
        reverse("admin:assessments_lifedomain_add"),
        {
            "municipality": "",
            "code": "extra",
            "name": "Extra",
            "position": 1,
            **{f"level_{i}": "x" for i in range(1, 6)},
        },
    )
    assert response.status_code == 200
    assert not LifeDomain.objects.filter(code="extra").exists()


def test_the_chart_numbers_survive_the_dutch_locale(
    as_user: Any, cast: Cast, household_a: Household
) -> None:
    record(household_a, cast, 1, 20, own=2)
    record(household_a, cast, 3, 10, own=3)
    record(household_a, cast, 2, 1)
    client: Client = as_user(cast.alice)
    del client.cookies["doorbraak_language"]  # Dutch, the default
    html = client.get(overview_url(household_a)).content.decode()
    assert '<html lang="nl"' in html
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
        for number in re.findall(r' (?:x|y|cx|cy|width|height)="([^"]*)"', svg):
            assert re.fullmatch(r"\d+(\.\d+)?", number), number
        for points in re.findall(r'points="([^"]*)"', svg):
            assert all(re.fullmatch(r"[\d.]+,[\d.]+", pair) for pair in points.split())
