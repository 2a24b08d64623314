"""Proposing an example: the identifier check, approval, rejection, withdrawal and the log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.casebook import services
from doorbraak.casebook.identifiers import elfproef, find_identifiers
from doorbraak.casebook.models import Example, ExampleStatus
from doorbraak.households.models import Household
from doorbraak.lib.access import Refused
from tests.casebook.builders import closed, propose
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_it_proposes_a_clean_example_with_rounded_amounts_and_logs_it(
    cast: Cast, household_a: Household
) -> None:
    breakthrough = closed(cast, household_a)
    example = propose(
        cast, breakthrough, amounts={"zorgverzekeraar": (912_345, 0), "gemeente": (4_200, 25_000)}
    )
    assert example.status == ExampleStatus.PROPOSED
    assert {a.payer: (a.status_quo_cents, a.breakthrough_cents) for a in example.amounts.all()} == {
        "zorgverzekeraar": (910_000, 0),
        "gemeente": (5_000, 25_000),
    }
    log = ProcessingLog.objects.filter(object_type="casebook.example", object_id=str(example.pk))
    assert log.filter(action=ProcessingAction.CREATE).exists()


def test_it_starts_the_form_with_empty_texts_and_rounded_amounts(
    cast: Cast, household_a: Household
) -> None:
    initial = services.initial_from(closed(cast, household_a))
    assert all(initial[f] == "" for f in services.TEXT_FIELDS)
    amounts = initial["amounts"]
    assert isinstance(amounts, dict)
    assert all(v % 5_000 == 0 for pair in amounts.values() for v in pair)


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("bottleneck", "Mevrouw Zwart kreeg geen uitkering.", "name"),
        ("solution", "Post naar de Kanaalstraat 12, 3552 AB.", "address"),
        ("outcome", "BSN 111222333 is nu ingeschreven.", "BSN"),
        ("commitment", "Geboren op 12-03-1985, belt elke week.", "date"),
    ],
)
def test_it_refuses_planted_identifiers_with_a_dutch_message_per_field(
    cast: Cast, household_a: Household, field: str, text: str, kind: str
) -> None:
    breakthrough = closed(cast, household_a)
    with pytest.raises(ValidationError) as refused:
        propose(cast, breakthrough, **{field: text})
    messages = refused.value.message_dict
    assert list(messages) == [field]
    assert "kan het huishouden herkenbaar maken" in messages[field][0]
    assert not Example.objects.exists()


def test_the_check_knows_the_household_s_own_names_and_common_patterns() -> None:
    kinds = {f.kind for f in find_identifiers("Jan Zwart belde", known_names=["Zwart"])}
    assert kinds == {"name"}
    assert find_identifiers("de familie De Vries")
    assert find_identifiers("mail j@x.nl")
    assert find_identifiers("bel 06-12345678")
    assert find_identifiers("een 42-jarige vader")
    assert find_identifiers("De uitkering liep door; het huishouden betaalt € 25 per maand.") == []
    assert elfproef("111222333")
    assert not elfproef("123456789")


def test_only_the_coordinator_proposes_and_only_a_closed_breakthrough(
    cast: Cast, household_a: Household, dora: object
) -> None:
    breakthrough = closed(cast, household_a)
    with pytest.raises(Refused):
        propose(cast, breakthrough, actor=dora)
    with pytest.raises(Refused):
        propose(cast, breakthrough, actor=cast.carol)


def test_a_team_lead_approves_or_sends_back_and_withdraws(
    cast: Cast, household_a: Household
) -> None:
    example = propose(cast, closed(cast, household_a))
    with pytest.raises(Refused):
        services.example_approve(actor=cast.alice, example=example)  # the proposer
    services.example_reject(actor=cast.carol, example=example, reason="Te specifiek.")
    example.refresh_from_db()
    assert (example.status, example.rejection_reason) == (ExampleStatus.DRAFT, "Te specifiek.")
    example = propose(cast, example.breakthrough)  # rewritten and proposed again
    example = services.example_approve(actor=cast.carol, example=example)
    assert example.status == ExampleStatus.PUBLISHED
    assert example.published_at
    assert ProcessingLog.objects.filter(
        object_type="casebook.example", action=ProcessingAction.UPDATE
    ).exists()
    with pytest.raises(ValidationError):
        services.example_withdraw(actor=cast.carol, example=example, reason=" ")
    with pytest.raises(Refused):
        services.example_withdraw(actor=cast.alice, example=example, reason="Weg.")
    example = services.example_withdraw(actor=cast.carol, example=example, reason="Verouderd.")
    assert example.status == ExampleStatus.WITHDRAWN
