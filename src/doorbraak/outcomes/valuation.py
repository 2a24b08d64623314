"""How an outcome is valued: the costs it (probably) avoided, conservatively weighted.

Each outcome type lists the catalogue figures it avoids, how many units, and a probability
weight: the share of cases in which that cost would really have followed. The weights are
deliberately low — the seeds count "at least" what was prevented — and every line keeps
the catalogue source it came from. ``low``/``high`` weights give the range a report shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from doorbraak.accounts.models import Municipality
from doorbraak.catalogue.models import CostItem, Payer
from doorbraak.catalogue.selectors import cost_item_for
from doorbraak.outcomes.models import OutcomeType


@dataclass(frozen=True)
class Rule:
    code: str
    quantity: Decimal
    weight_pct: int  # the conservative weight that counts
    low_pct: int
    high_pct: int


RULES: dict[str, tuple[Rule, ...]] = {
    OutcomeType.EVICTION_PREVENTED: (
        Rule("huisuitzetting-corporatie", Decimal(1), 50, 30, 80),
        Rule("huisuitzetting-maatschappij", Decimal(1), 10, 5, 25),
    ),
    OutcomeType.HOMELESSNESS_PREVENTED: (
        Rule("maatschappelijke-opvang", Decimal("0.5"), 50, 30, 80),
    ),
    OutcomeType.WORK_FOUND: (Rule("bijstand-alleenstaande", Decimal(1), 50, 30, 70),),
    OutcomeType.BENEFIT_ENDED: (Rule("bijstand-alleenstaande", Decimal("0.5"), 50, 30, 70),),
    OutcomeType.CARE_AVOIDED: (Rule("jeugdhulp-client", Decimal(1), 40, 20, 60),),
    OutcomeType.PLACEMENT_AVOIDED: (Rule("uithuisplaatsing-kind", Decimal(1), 30, 15, 50),),
    OutcomeType.DEBT_PREVENTED: (Rule("schuldhulpverlening-traject", Decimal(1), 25, 10, 50),),
}

#: The debt amount itself, as the professional recorded it, counts at this weight.
DEBT_WEIGHT = (50, 30, 80)
OTHER_WEIGHT = (50, 30, 80)


@dataclass(frozen=True)
class Line:
    description: str
    cost_item: CostItem | None
    payer: str
    unit_amount_cents: int
    quantity: Decimal
    weight_pct: int
    low_pct: int
    high_pct: int
    source: str

    def _value(self, pct: int) -> int:
        value = Decimal(self.unit_amount_cents) * self.quantity * Decimal(pct) / 100
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def value_cents(self) -> int:
        return self._value(self.weight_pct)

    @property
    def low_cents(self) -> int:
        return self._value(self.low_pct)

    @property
    def high_cents(self) -> int:
        return self._value(self.high_pct)


@dataclass(frozen=True)
class Valuation:
    lines: list[Line]
    missing: list[str]  # catalogue codes without a figure: said, not guessed

    @property
    def value_cents(self) -> int:
        return sum(line.value_cents for line in self.lines)


def value_outcome(
    *,
    outcome_type: str,
    municipality: Municipality,
    on: datetime.date,
    debt_amount_cents: int | None = None,
    cost_item: CostItem | None = None,
    quantity: Decimal | None = None,
) -> Valuation:
    """The valuation lines for an outcome, with the figures valid on ``on``."""

    lines: list[Line] = []
    missing: list[str] = []
    if outcome_type == OutcomeType.DEBT_PREVENTED and debt_amount_cents:
        weight, low, high = DEBT_WEIGHT
        lines.append(
            Line(
                "Voorkomen schuld (bedrag volgens de regiehouder)",
                None,
                Payer.HOUSEHOLD,
                debt_amount_cents,
                Decimal(1),
                weight,
                low,
                high,
                "Dossier van het huishouden",
            )
        )
    if outcome_type == OutcomeType.OTHER and cost_item is not None and quantity:
        weight, low, high = OTHER_WEIGHT
        lines.append(
            Line(
                cost_item.name,
                cost_item,
                cost_item.payer,
                cost_item.amount_cents,
                quantity,
                weight,
                low,
                high,
                cost_item.source,
            )
        )
    for rule in RULES.get(outcome_type, ()):
        item = cost_item_for(code=rule.code, municipality=municipality, on=on)
        if item is None:
            missing.append(rule.code)
            continue
        lines.append(
            Line(
                f"{item.name} ({item.valid_year})",
                item,
                item.payer,
                item.amount_cents,
                rule.quantity,
                rule.weight_pct,
                rule.low_pct,
                rule.high_pct,
                item.source,
            )
        )
    return Valuation(lines=lines, missing=missing)
