"""Scenario builders for breakthroughs: a bottleneck, a draft, a complete triangle, a submitted
breakthrough, one at the table, consent and a partner request, all through the real services.

One story throughout: a woman without an address gets no benefit, and without a benefit no
house; the breakthrough is a postal address and benefit before the rented home. Tests of
other apps (tables, funds, outcomes) build on these too.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from doorbraak.accounts.models import Organisation, User
from doorbraak.breakthroughs import services
from doorbraak.breakthroughs.models import (
    Bottleneck,
    BottleneckKind,
    Breakthrough,
    EscalationLevel,
    PartnerRequest,
    Scenario,
    Theme,
)
from doorbraak.catalogue.models import Payer
from doorbraak.households import services as household_services
from doorbraak.households.models import Consent, ConsentMethod, ConsentPurpose, Household
from tests.conftest import Cast
from tests.factories import CostItemFactory, RegulationFactory

BOTTLENECK_TITLE = "Geen uitkering zonder adres, geen huis zonder inkomen"
TITLE = "Briefadres en bijstand vóór de huurwoning"


def bottleneck(cast: Cast, household: Household, **overrides: Any) -> Bottleneck:
    """Alice registers the address-and-income clash (UWV and one regulation involved)."""
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "household": household,
        "title": BOTTLENECK_TITLE,
        "description": "Mevrouw slaapt bij vrienden; zonder adres geen bijstand.",
        "theme": Theme.INCOME,
        "kind": BottleneckKind.RULES_CLASH,
        "blocked_solution": "Een briefadres en bijstand, zodat zij kan huren.",
        "regulations": [RegulationFactory()],
        "organisations": [cast.uwv],
    }
    arguments.update(overrides)
    return services.bottleneck_register(**arguments)


def draft(cast: Cast, household: Household) -> Breakthrough:
    """A draft breakthrough on a new bottleneck: title and proposal only."""
    return services.breakthrough_start(
        actor=cast.alice,
        bottleneck=bottleneck(cast, household),
        title=TITLE,
        proposal="De gemeente verstrekt een briefadres en start de bijstand direct.",
    )


def complete(cast: Cast, breakthrough: Breakthrough, *, lines: int = 1) -> Breakthrough:
    """The whole value triangle filled in, with ``lines`` scenario lines.

    The first line is the status quo: shelter, € 30.000 a year × 0,5 × 60 % = € 9.000, paid
    by the health insurer (the wrong pocket); more lines alternate between the scenarios.
    """
    services.breakthrough_update(
        actor=cast.alice,
        breakthrough=breakthrough,
        title=breakthrough.title,
        proposal=breakthrough.proposal,
        regulation=RegulationFactory(),
        legal_reasoning="Zeer dringende redenen: zonder adres raakt zij dakloos.",
        horizon_months=12,
        direct_cost_cents=25_000,
        direct_cost_payer=Payer.MUNICIPALITY,
        engagement="Mevrouw regelt zelf de inschrijving en houdt haar afspraken bij.",
        household_commitment="Ik ga elke week naar het inloopspreekuur.",
    )
    for n in range(lines):
        services.scenario_line_add(
            actor=cast.alice,
            breakthrough=breakthrough,
            scenario=Scenario.STATUS_QUO if n % 2 == 0 else Scenario.BREAKTHROUGH,
            cost_item=CostItemFactory(
                amount_cents=3_000_000,
                unit="jaar",
                name="Opvang per jaar",
                payer=Payer.HEALTH_INSURER,
            )
            if n % 3 == 0
            else CostItemFactory(),
            quantity="0,5",
            probability_pct=60,
        )
    breakthrough.refresh_from_db()
    return breakthrough


def submitted(cast: Cast, household: Household, **complete_kw: Any) -> Breakthrough:
    """A complete breakthrough, submitted by Alice: at level 1, the team's own mandate."""
    breakthrough = complete(cast, draft(cast, household), **complete_kw)
    return services.breakthrough_submit(actor=cast.alice, breakthrough=breakthrough)


def at_table(cast: Cast, household: Household) -> Breakthrough:
    """A submitted breakthrough that the team escalated to the breakthrough table (level 3)."""
    breakthrough = submitted(cast, household)
    for reason in ("Eigen mandaat schiet tekort.", "Geen antwoord van de partner."):
        services.breakthrough_escalate(actor=cast.alice, breakthrough=breakthrough, reason=reason)
    breakthrough.refresh_from_db()
    assert breakthrough.level == EscalationLevel.TABLE
    return breakthrough


def give_consent(
    cast: Cast, household: Household, organisation: Organisation, **overrides: Any
) -> Consent:
    """The household's first member agrees in writing to share with ``organisation``."""
    arguments: dict[str, Any] = {
        "actor": cast.alice,
        "household": household,
        "given_by": household.members.first(),
        "purpose": ConsentPurpose.SHARE_WITH_PARTNER,
        "recipient": organisation,
        "method": ConsentMethod.WRITTEN,
        "given_on": timezone.localdate(),
        "valid_until": None,
    }
    arguments.update(overrides)
    return household_services.consent_give(**arguments)


def send(
    cast: Cast, breakthrough: Breakthrough, actor: User | None = None, **overrides: Any
) -> PartnerRequest:
    """A question to UWV's fixed contact person about ``breakthrough``."""
    arguments: dict[str, Any] = {
        "actor": actor or cast.alice,
        "breakthrough": breakthrough,
        "organisation": cast.uwv,
        "question": "Kan de WW-uitkering doorlopen op een briefadres?",
        "legal_basis": "AVG art. 6 lid 1 sub a (toestemming)",
    }
    arguments.update(overrides)
    return services.partner_request_send(**arguments)
