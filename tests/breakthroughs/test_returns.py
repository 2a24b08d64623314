"""The return side of the value triangle against hand-worked examples."""

from __future__ import annotations

from decimal import Decimal

from doorbraak.breakthroughs.returns import Line, calculate_return


def line(scenario: str, euros: int, payer: str, quantity: str = "1", pct: int = 100) -> Line:
    return Line(scenario, euros * 100, payer, Decimal(quantity), pct)


def test_the_father_who_had_to_sell_his_car() -> None:
    """Seeds (Enschede): in a debt arrangement a father had to sell his car; he could no
    longer take his children to special education, so the municipality paid school
    transport from another budget. Higher costs for the municipality, the family worse off.

    Status quo for a year: school transport € 7.500 (municipality); the family's own
    travel by bus and taxi € 3.600 (household).
    Breakthrough: the creditors accept the car's costs in the arrangement: € 2.400 a year
    (household), and an hour of the debt counsellor to arrange it, € 90 (municipality).
    """
    calculation = calculate_return(
        [
            line("status_quo", 7_500, "gemeente"),
            line("status_quo", 3_600, "huishouden"),
            line("doorbraak", 2_400, "huishouden"),
        ],
        direct_cost_cents=9_000,
        direct_cost_payer="gemeente",
    )
    assert calculation.status_quo_cents == 1_110_000
    assert calculation.breakthrough_cents == 249_000
    assert calculation.net_return_cents == 861_000
    split = {s.payer: s for s in calculation.per_payer}
    # The status quo costs the municipality more: 7.500 against 90.
    assert split["gemeente"].gain_cents == 741_000
    # And leaves the household worse off: 3.600 against 2.400.
    assert split["huishouden"].gain_cents == 120_000
    assert calculation.paying_more == []


def test_probabilities_and_quantities_and_the_wrong_pocket() -> None:
    """An eviction avoided (50% likely, housing corporation € 8.000) and six months of
    shelter (40% likely, € 3.000 a month, municipality) against paying the rent arrears
    (€ 2.450, municipality) and a budget course for the household (€ 150, household)."""
    calculation = calculate_return(
        [
            line("status_quo", 8_000, "woningcorporatie", "1", 50),
            line("status_quo", 3_000, "gemeente", "6", 40),
            line("doorbraak", 150, "huishouden"),
        ],
        direct_cost_cents=245_000,
        direct_cost_payer="gemeente",
    )
    assert calculation.status_quo_cents == 400_000 + 720_000
    assert calculation.breakthrough_cents == 15_000 + 245_000
    assert calculation.net_return_cents == 860_000
    split = {s.payer: s for s in calculation.per_payer}
    assert split["woningcorporatie"].gain_cents == 400_000  # gains without paying
    assert split["gemeente"].gain_cents == 720_000 - 245_000
    # The household pays € 150 more: the one payer in the wrong pocket here.
    assert [s.payer for s in calculation.paying_more] == ["huishouden"]
    payers = [s.payer for s in calculation.per_payer]
    assert payers == ["gemeente", "woningcorporatie", "huishouden"]


def test_a_breakthrough_that_costs_more_than_it_saves_has_a_negative_return() -> None:
    calculation = calculate_return(
        [line("status_quo", 100, "rijk")], direct_cost_cents=50_000, direct_cost_payer="gemeente"
    )
    assert calculation.net_return_cents == 10_000 - 50_000
    assert calculation.paying_more[0].payer == "gemeente"


def test_cents_are_rounded_half_up_per_line() -> None:
    calculation = calculate_return(
        [Line("status_quo", 333, "gemeente", Decimal("1.5"), 33)],
        direct_cost_cents=0,
        direct_cost_payer="gemeente",
    )
    assert calculation.status_quo_cents == 165  # 333 × 1,5 × 0,33 = 164,835
