"""The *return* side of the value triangle: what each scenario costs society, and who pays.

Each scenario line costs ``amount × quantity × probability``. The status quo is what
happens if nothing changes; the breakthrough scenario is what still happens with the
exception, plus its direct cost. The net return is what society saves. The split per
payer shows the "wrong pocket": who pays for the breakthrough and who gains from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from doorbraak.catalogue.models import Payer


@dataclass(frozen=True)
class Line:
    scenario: str  # "status_quo" or "doorbraak"
    amount_cents: int
    payer: str
    quantity: Decimal
    probability_pct: int

    @property
    def cost_cents(self) -> int:
        value = Decimal(self.amount_cents) * self.quantity * Decimal(self.probability_pct) / 100
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PayerSplit:
    payer: str
    status_quo_cents: int
    breakthrough_cents: int

    @property
    def gain_cents(self) -> int:
        """Positive: this payer is better off with the breakthrough."""
        return self.status_quo_cents - self.breakthrough_cents

    @property
    def label(self) -> str:
        return str(Payer(self.payer).label)


@dataclass(frozen=True)
class ReturnCalculation:
    status_quo_cents: int
    breakthrough_cents: int  # the lines of the breakthrough scenario plus the direct cost
    direct_cost_cents: int
    per_payer: list[PayerSplit] = field(default_factory=list)

    @property
    def net_return_cents(self) -> int:
        """What society saves with the breakthrough (negative: it costs more)."""
        return self.status_quo_cents - self.breakthrough_cents

    @property
    def paying_more(self) -> list[PayerSplit]:
        """Payers that pay more with the breakthrough although others gain: the wrong pocket."""
        return [split for split in self.per_payer if split.gain_cents < 0]

    @property
    def gaining(self) -> list[PayerSplit]:
        return [split for split in self.per_payer if split.gain_cents > 0]


def calculate_return(
    lines: Iterable[Line], *, direct_cost_cents: int, direct_cost_payer: str
) -> ReturnCalculation:
    status_quo: dict[str, int] = {}
    breakthrough: dict[str, int] = {}
    for line in lines:
        target = status_quo if line.scenario == "status_quo" else breakthrough
        target[line.payer] = target.get(line.payer, 0) + line.cost_cents
    if direct_cost_cents:
        breakthrough[direct_cost_payer] = breakthrough.get(direct_cost_payer, 0) + direct_cost_cents
    payers = [p for p in Payer.values if p in status_quo or p in breakthrough]
    return ReturnCalculation(
        status_quo_cents=sum(status_quo.values()),
        breakthrough_cents=sum(breakthrough.values()),
        direct_cost_cents=direct_cost_cents,
        per_payer=[PayerSplit(p, status_quo.get(p, 0), breakthrough.get(p, 0)) for p in payers],
    )
