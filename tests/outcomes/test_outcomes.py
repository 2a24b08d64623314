"""Outcomes valued with the cost catalogue of their date, against hand-worked examples."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households.models import EventKind, Household, HouseholdEvent
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome, OutcomeType
from doorbraak.outcomes.valuation import value_outcome
from tests.conftest import Cast
from tests.factories import CostItemFactory
from tests.outcomes.builders import JUNE, record


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_an_eviction_prevented_is_worth_the_weighted_catalogue_costs(
    cast: Cast, household_a: Household
) -> None:
    """Corporation € 1.746 × 50% = € 873; society € 100.000 × 10% = € 10.000."""
    outcome = record(cast, household_a)
    assert outcome.value_cents == 87_300 + 1_000_000
    lines = {line.payer: line for line in outcome.values.all()}
    assert lines["woningcorporatie"].value_cents == 87_300
    assert lines["woningcorporatie"].low_cents == 52_380  # 30%
    assert lines["woningcorporatie"].high_cents == 139_680  # 80%
    assert lines["gemeente"].value_cents == 1_000_000
    assert all(line.source for line in outcome.values.all())
    assert HouseholdEvent.objects.filter(kind=EventKind.OUTCOME).exists()
    assert ProcessingLog.objects.filter(
        object_type="outcomes.outcome", action=ProcessingAction.CREATE
    ).exists()


def test_a_prevented_debt_counts_half_its_amount_and_a_quarter_of_a_debt_trajectory(
    cast: Cast, household_a: Household
) -> None:
    outcome = record(
        cast, household_a, outcome_type=OutcomeType.DEBT_PREVENTED, debt_amount_cents=300_000
    )
    # € 3.000 × 50% (household) + € 1.500 × 25% (municipality, debt-relief trajectory).
    assert outcome.value_cents == 150_000 + 37_500
    assert {line.payer for line in outcome.values.all()} == {"huishouden", "gemeente"}


def test_the_figure_of_the_outcomes_date_counts(db: None) -> None:
    """Shelter: Cebeon 2011 (€ 23.236) for 2012, the 2025 figure (€ 15.000) for 2026."""
    from doorbraak.accounts.models import Municipality

    municipality = Municipality.objects.create(name="Gemeente Test", code="9999")
    early = value_outcome(
        outcome_type=OutcomeType.HOMELESSNESS_PREVENTED,
        municipality=municipality,
        on=datetime.date(2012, 3, 1),
    )
    late = value_outcome(
        outcome_type=OutcomeType.HOMELESSNESS_PREVENTED, municipality=municipality, on=JUNE
    )
    assert early.value_cents == 580_900  # 2.323.600 × 0,5 × 50%
    assert late.value_cents == 375_000  # 1.500.000 × 0,5 × 50%


def test_other_is_valued_with_a_chosen_cost_item(cast: Cast, household_a: Household) -> None:
    item = CostItemFactory(amount_cents=40_000, payer="rijk")
    outcome = record(
        cast,
        household_a,
        outcome_type=OutcomeType.OTHER,
        cost_item=item,
        quantity="2,5",
    )
    assert outcome.value_cents == 50_000  # € 400 × 2,5 × 50%


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"evidence": " "}, "evidence"),
        ({"occurred_on": datetime.date(2099, 1, 1)}, "occurred_on"),
        # Before the registration: allowed with a reason (issue 15.9), so the reason is asked.
        ({"occurred_on": datetime.date(2020, 1, 1)}, "backdate_reason"),
        ({"outcome_type": "wonder"}, "outcome_type"),
        ({"outcome_type": OutcomeType.DEBT_PREVENTED}, "debt_amount_cents"),
        ({"debt_amount_cents": 5_000}, "debt_amount_cents"),
        ({"outcome_type": OutcomeType.OTHER, "quantity": "0"}, "quantity"),
    ],
)
def test_bad_outcomes_change_nothing(
    cast: Cast, household_a: Household, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("outcome_type") == OutcomeType.OTHER:
        overrides["cost_item"] = CostItemFactory()
    with pytest.raises(ValidationError) as caught:
        record(cast, household_a, **overrides)
    assert field in caught.value.message_dict
    assert not Outcome.objects.exists()


def test_only_the_team_records_and_withdraws(cast: Cast, household_a: Household) -> None:
    for outsider in (cast.bob, cast.mallory, cast.grace, cast.dave):
        with pytest.raises(PermissionDenied):
            record(cast, household_a, actor=outsider)
    outcome = record(cast, household_a)
    with pytest.raises(ValidationError):
        services.outcome_withdraw(actor=cast.alice, outcome=outcome, reason=" ")
    services.outcome_withdraw(actor=cast.alice, outcome=outcome, reason="Dubbel ingevoerd.")
    assert not Outcome.objects.in_force().exists()
    with pytest.raises(ValidationError):
        services.outcome_withdraw(actor=cast.alice, outcome=outcome, reason="Nog eens.")
    assert Decimal(0) == Decimal(Outcome.objects.in_force().count())


def test_sustainably_helped_compares_each_follow_up_with_the_closing_assessment(
    cast: Cast, household_a: Household
) -> None:
    import time_machine

    from doorbraak.assessments import services as assessment_services
    from doorbraak.assessments.models import AssessmentKind
    from doorbraak.households.models import CloseReason
    from doorbraak.outcomes.selectors import sustainability

    domains = assessment_services.domains_for(cast.north)

    def assess(score: int, kind: str, day: datetime.date) -> None:
        assessment_services.assessment_record(
            actor=cast.alice,
            household=household_a,
            kind=AssessmentKind(kind),
            assessed_on=day,
            scores=[
                assessment_services.ScoreData(domain_id=d.pk, score=score if i < 6 else 4)
                for i, d in enumerate(domains)
            ],
        )

    start = datetime.datetime(2026, 2, 2, 10, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assess(1, "intake", datetime.date(2026, 2, 2))  # 6 problem domains
        assess(3, "tussentijds", datetime.date(2026, 2, 2))  # 0 at closing
        assessment_services.household_close(
            actor=cast.alice, household=household_a, reason=CloseReason.GOALS_REACHED, note=""
        )
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC), tick=False):
        assess(3, "nazorg", datetime.date(2026, 5, 4))  # held at 3 months
    with time_machine.travel(datetime.datetime(2026, 8, 3, 10, tzinfo=datetime.UTC), tick=False):
        assess(2, "nazorg", datetime.date(2026, 8, 3))  # worse at 6 months
    three, six, twelve = sustainability(
        municipality_ids=[cast.north.pk],
        closed_from=datetime.date(2026, 1, 1),
        closed_to=datetime.date(2026, 12, 31),
    )
    assert (three.households, three.held, three.share_held) == (1, 1, 1.0)
    assert (six.households, six.held, six.worse) == (1, 0, 1)
    assert set(six.domain_change.values()) == {-1.0, 0.0}
    assert twelve.households == 0
    assert twelve.share_held is None
    assert household_a.name not in repr((three, six, twelve))
