"""Closed breakthroughs and examples for the casebook tests, through the real services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from doorbraak.accounts.models import Municipality, Team
from doorbraak.breakthroughs import services as breakthrough_services
from doorbraak.breakthroughs.models import Breakthrough, DecisionOutcome
from doorbraak.casebook import services
from doorbraak.casebook.models import Example, ExampleResult, ExampleScope, ExampleStatus
from doorbraak.households.models import Household
from tests.breakthroughs.builders import submitted
from tests.conftest import Cast

CLEAN = {
    "title": "Briefadres zodat de uitkering doorloopt",
    "theme": "inkomen",
    "bottleneck": "Zonder woonadres stopt de uitkering, en zonder inkomen geen woning.",
    "solution": "Het buurtteam werd briefadresgever; de uitkering liep door.",
    "result": ExampleResult.SOLVED,
    "outcome": "Dakloosheid voorkomen; na drie maanden een eigen kamer.",
    "commitment": "Haalt de post twee keer per week op.",
}


def closed(cast: Cast, household: Household) -> Breakthrough:
    """Alice's breakthrough, decided at the team's mandate, carried out and evaluated."""
    breakthrough = submitted(cast, household)
    breakthrough_services.breakthrough_decide(
        actor=cast.alice,
        breakthrough=breakthrough,
        outcome=DecisionOutcome.APPROVED,
        mandate="Eigen mandaat",
        reason="Past binnen het mandaat.",
    )
    today = timezone.localdate()
    breakthrough_services.breakthrough_carry_out(
        actor=cast.alice, breakthrough=breakthrough, carried_out_on=today, note="Gedaan."
    )
    return breakthrough_services.breakthrough_evaluate(
        actor=cast.alice, breakthrough=breakthrough, evaluated_on=today, evaluation="Het werkte."
    )


def propose(cast: Cast, breakthrough: Breakthrough, **overrides: Any) -> Example:
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "breakthrough": breakthrough,
        **CLEAN,
        "regulations": list(breakthrough.bottleneck.regulations.all()),
        "organisations": list(breakthrough.bottleneck.organisations.all()),
        "amounts": {"zorgverzekeraar": (900_000, 0), "gemeente": (0, 25_000)},
        "scope": ExampleScope.MUNICIPALITY,
    }
    arguments.update(overrides)
    return services.example_propose(**arguments)


def published(cast: Cast, household: Household, **overrides: Any) -> Example:
    example = propose(cast, closed(cast, household), **overrides)
    return services.example_approve(actor=cast.carol, example=example)


def make_example(
    *,
    municipality: Municipality,
    title: str,
    solution: str = "Een oplossing.",
    bottleneck: str = "Een knelpunt.",
    scope: str = ExampleScope.INSTALLATION,
    regulations: list[Any] | None = None,
    organisations: list[Any] | None = None,
    team: Team | None = None,
    theme: str = "inkomen",
) -> Example:
    """A published example written directly (search and scope tests need many)."""
    regulations = regulations or []
    example = Example.objects.create(
        municipality=municipality,
        source_municipality=municipality.name,
        team=team,
        title=title,
        theme=theme,
        bottleneck=bottleneck,
        solution=solution,
        result=ExampleResult.SOLVED,
        outcome="Opgelost.",
        regulation_text=services.regulation_text(regulations),
        status=ExampleStatus.PUBLISHED,
        scope=scope,
        published_at=timezone.now(),
    )
    example.regulations.set(regulations)
    example.organisations.set(organisations or [])
    return example
