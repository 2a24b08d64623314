"""Assessments: every domain scored 1–5, classification by problem domains, follow-ups."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from doorbraak.assessments import services
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    ClassificationRule,
    FollowUpStatus,
    LifeDomain,
)
from doorbraak.assessments.selectors import domain_history
from doorbraak.assessments.services import household_close
from doorbraak.assessments.tasks import follow_up_remind
from doorbraak.audit.models import ProcessingLog
from doorbraak.households.models import Classification, CloseReason, EventKind, Household
from tests.conftest import Cast


def scores(
    household: Household, problems: int, *, self_score: int | None = None
) -> list[services.ScoreData]:
    """``problems`` domains at 2 (a problem by default), the rest at 4."""
    domains = services.domains_for(household.municipality)
    return [
        services.ScoreData(d.pk, 2 if i < problems else 4, self_score)
        for i, d in enumerate(domains)
    ]


def test_the_default_catalogue_has_the_eleven_domains(cast: Cast) -> None:
    names = [d.name for d in services.domains_for(cast.north)]
    assert len(names) == 11
    assert names[0] == "Financiën"
    assert "Justitie" in names
    domain = LifeDomain.objects.get(code="huisvesting", municipality=None)
    assert "Dakloos" in domain.level(1)


def test_a_municipality_can_use_its_own_catalogue(cast: Cast) -> None:
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
    assert [d.name for d in services.domains_for(cast.south)] == ["Geld"]
    assert len(services.domains_for(cast.north)) == 11


@pytest.mark.parametrize(
    ("problems", "classification"),
    [
        (0, Classification.GREEN),
        (3, Classification.GREEN),
        (4, Classification.ORANGE),
        (6, Classification.ORANGE),
        (7, Classification.RED),
        (11, Classification.RED),
    ],
)
def test_classification_follows_the_number_of_problem_domains(
    cast: Cast, household_a: Household, problems: int, classification: Classification
) -> None:
    assessment = services.assessment_record(
        actor=cast.alice, household=household_a, scores=scores(household_a, problems)
    )
    assert (assessment.problem_domains, assessment.classification) == (problems, classification)
    assert assessment.scores.count() == 11
    assert household_a.events.filter(kind=EventKind.ASSESSMENT).exists()
    assert ProcessingLog.objects.filter(object_type="assessments.assessment").exists()


def test_the_thresholds_are_configurable_per_municipality(
    cast: Cast, household_a: Household
) -> None:
    ClassificationRule.objects.create(
        municipality=cast.north, problem_threshold=3, green_max=1, orange_max=2
    )
    data = scores(household_a, 0)
    data[0].score = 3  # a problem now that 3 counts
    data[1].score = 3
    assessment = services.assessment_record(actor=cast.alice, household=household_a, scores=data)
    assert (assessment.problem_domains, assessment.classification) == (2, Classification.ORANGE)


def test_the_household_keeps_the_classification_of_its_latest_assessment(
    cast: Cast, household_a: Household
) -> None:
    today = timezone.localdate()
    record = services.assessment_record
    record(actor=cast.alice, household=household_a, scores=scores(household_a, 8))
    household_a.refresh_from_db()
    assert household_a.latest_classification == Classification.RED
    # Recorded later for an earlier date: not the latest assessment, so nothing changes.
    record(
        actor=cast.alice,
        household=household_a,
        scores=scores(household_a, 0),
        assessed_on=today - datetime.timedelta(days=30),
    )
    household_a.refresh_from_db()
    assert household_a.latest_classification == Classification.RED
    # A member's own assessment is not the household's.
    child = household_a.members.get(role="kind")
    record(actor=cast.alice, household=household_a, member=child, scores=scores(household_a, 0))
    household_a.refresh_from_db()
    assert household_a.latest_classification == Classification.RED
    # The same day, recorded later: the latest.
    record(actor=cast.alice, household=household_a, scores=scores(household_a, 4))
    household_a.refresh_from_db()
    assert household_a.latest_classification == Classification.ORANGE


@pytest.mark.parametrize("mutate", ["drop_one", "score_six", "self_score_zero", "future"])
def test_an_incomplete_or_invalid_assessment_is_refused(
    cast: Cast, household_a: Household, mutate: str
) -> None:
    data = scores(household_a, 2)
    kwargs: dict[str, object] = {}
    if mutate == "drop_one":
        data.pop()
    elif mutate == "score_six":
        data[0].score = 6
    elif mutate == "self_score_zero":
        data[0].self_score = 0
    else:
        kwargs["assessed_on"] = datetime.date(2999, 1, 1)
    with pytest.raises(ValidationError):
        services.assessment_record(actor=cast.alice, household=household_a, scores=data, **kwargs)  # type: ignore[arg-type]
    assert Assessment.objects.count() == 0


def test_a_member_can_be_assessed_with_the_household_s_own_view(
    cast: Cast, household_a: Household
) -> None:
    child = household_a.members.get(role="kind")
    assessment = services.assessment_record(
        actor=cast.alice,
        household=household_a,
        member=child,
        scores=scores(household_a, 1, self_score=3),
    )
    assert assessment.member == child
    assert set(assessment.scores.values_list("self_score", flat=True)) == {3}
    assert ProcessingLog.objects.filter(subject_pseudonym=child.pseudonym).exists()


def test_the_history_per_domain_is_in_date_order(cast: Cast, household_a: Household) -> None:
    for day, problems in [(datetime.date(2026, 1, 10), 8), (datetime.date(2026, 4, 10), 3)]:
        services.assessment_record(
            actor=cast.alice,
            household=household_a,
            scores=scores(household_a, problems),
            assessed_on=day,
        )
    history = domain_history(household=household_a)
    assert len(history) == 11
    finance = history[0]
    assert finance.domain.name == "Financiën"
    assert [p[0] for p in finance.points] == ["2026-01-10", "2026-04-10"]
    assert [p[1] for p in finance.points] == [2, 2]
    assert [p[1] for p in history[7].points] == [2, 4]  # the 8th domain improved


def test_the_follow_up_reminder_goes_to_the_coordinator_once_it_is_due(
    cast: Cast, household_a: Household
) -> None:
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        household_close(actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED)
    first = household_a.follow_ups.get(months_after_closing=3)
    with time_machine.travel(datetime.datetime(2026, 7, 31, 10, tzinfo=datetime.UTC), tick=False):
        assert follow_up_remind.call(first.pk) == "not-due"
        assert mail.outbox == []
    with time_machine.travel(datetime.datetime(2026, 8, 1, 7, tzinfo=datetime.UTC), tick=False):
        assert follow_up_remind.call(first.pk) == "reminded"
        assert follow_up_remind.call(first.pk) == "skipped"  # idempotent
    first.refresh_from_db()
    assert first.status == FollowUpStatus.REMINDED
    [message] = mail.outbox
    assert message.to == [cast.alice.email]
    assert "Zwart" not in message.body  # no names leave the application
    assert str(household_a.public_id) in message.body


def test_a_follow_up_assessment_completes_the_follow_up(cast: Cast, household_a: Household) -> None:
    with time_machine.travel(datetime.datetime(2026, 5, 1, 10, tzinfo=datetime.UTC), tick=False):
        household_close(actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED)
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=cast.alice, household=household_a, scores=scores(household_a, 1)
        )
    assessment = services.assessment_record(
        actor=cast.alice,
        household=household_a,
        scores=scores(household_a, 1),
        kind=AssessmentKind.FOLLOW_UP,
    )
    done = household_a.follow_ups.get(months_after_closing=3)
    assert (done.status, done.assessment) == (FollowUpStatus.DONE, assessment)


def test_an_assessment_without_any_life_domain_is_refused(
    cast: Cast, household_a: Household
) -> None:
    from doorbraak.assessments.models import LifeDomain

    LifeDomain.objects.all().update(active=False)
    with pytest.raises(ValidationError) as caught:
        services.assessment_record(actor=cast.alice, household=household_a, scores=[])
    assert "scores" in caught.value.message_dict
