"""The value triangle at a glance: geometry for the server-rendered SVGs of the breakthrough.

Plain functions of what the page already holds (no queries): the three sides of the
triangle, each complete or still missing something, and the return per payer as paired
bars (the status quo against the breakthrough). The templates draw them as SVG and always
show the same figures as a table beside them, for screen readers and for print.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.breakthroughs.returns import ReturnCalculation
from doorbraak.lib.templatetags.money import format_euros
from doorbraak.library.models import Regulation

#: Which gaps of ``services.triangle_gaps`` belong to which side.
SIDE_GAPS = {
    "legitimacy": ("regulation", "legal_reasoning"),
    "return": ("status_quo", "breakthrough_scenario"),
    "engagement": ("engagement", "household_commitment"),
}


#: Where each side's label stands: x, y and the text anchor (left, below, right).
_LABELS = {
    "legitimacy": (128, 118, "end"),
    "return": (200, 244, "middle"),
    "engagement": (272, 118, "start"),
}


@dataclass(frozen=True)
class Side:
    key: str
    label: str
    complete: bool
    summary: str
    # The side's line in the SVG and where its label stands.
    x1: int
    y1: int
    x2: int
    y2: int
    label_x: int
    label_y: int
    anchor: str

    @property
    def state(self) -> str:
        return _("complete") if self.complete else _("incomplete")


@dataclass(frozen=True)
class Triangle:
    sides: list[Side]
    complete: int
    width: int = 400
    height: int = 270

    @property
    def title(self) -> str:
        return _("Value triangle: %(done)s of 3 sides complete.") % {"done": self.complete}

    @property
    def points(self) -> str:
        return "200,30 80,220 320,220"


def triangle_summary(
    *,
    breakthrough: Breakthrough,
    regulation: Regulation | None,
    calculation: ReturnCalculation,
    gaps: dict[str, str],
) -> Triangle:
    """The three sides: legitimacy (left), return (bottom), engagement (right).

    ``regulation`` is the breakthrough's legal basis as the caller already read it (no query
    here); ``gaps`` are ``services.triangle_gaps`` (empty once submitted).
    """

    def complete(key: str) -> bool:
        return not any(gap in gaps for gap in SIDE_GAPS[key])

    legitimacy = regulation.citation if regulation is not None else _("no legal basis yet")
    net = calculation.net_return_cents
    if net >= 0:
        returned = _("saves society %(amount)s") % {"amount": format_euros(net)}
    else:
        returned = _("costs society %(amount)s more") % {"amount": format_euros(-net)}
    engaged = (
        _("the household's commitment is written down")
        if breakthrough.household_commitment.strip()
        else _("no commitment of the household yet")
    )

    def side(key: str, label: str, summary: str, line: tuple[int, int, int, int]) -> Side:
        label_x, label_y, anchor = _LABELS[key]
        x1, y1, x2, y2 = line
        return Side(key, label, complete(key), summary, x1, y1, x2, y2, label_x, label_y, anchor)

    sides = [
        side("legitimacy", _("Legitimacy"), legitimacy, (200, 30, 80, 220)),
        side("return", _("Return"), returned, (80, 220, 320, 220)),
        side("engagement", _("Engagement"), engaged, (200, 30, 320, 220)),
    ]
    return Triangle(sides=sides, complete=sum(1 for side in sides if side.complete))


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    value_x: int
    text: str


@dataclass(frozen=True)
class PayerRow:
    label: str
    y: int
    status_quo: Bar
    breakthrough: Bar
    pays_more: bool


@dataclass(frozen=True)
class PayerChart:
    rows: list[PayerRow]
    width: int
    height: int
    bar_x: int

    @property
    def title(self) -> str:
        return _("Cost per payer, without and with the breakthrough.")


#: Layout of the payer chart (SVG user units; the SVG scales to the column).
_LABEL_WIDTH = 170
_BAR_SPACE = 300
_ROW = 48
_BAR = 16


def payer_chart(calculation: ReturnCalculation) -> PayerChart | None:
    """Paired horizontal bars per payer, scaled to the largest amount; None without payers."""
    splits = calculation.per_payer
    if not splits:
        return None
    largest = max(max(s.status_quo_cents, s.breakthrough_cents) for s in splits) or 1
    bar_x = _LABEL_WIDTH + 10

    def bar(y: int, cents: int) -> Bar:
        width = max(round(_BAR_SPACE * cents / largest), 1 if cents else 0)
        return Bar(y=y, width=width, value_x=bar_x + width + 6, text=format_euros(cents))

    rows = []
    for index, split in enumerate(splits):
        top = 10 + index * _ROW
        rows.append(
            PayerRow(
                label=split.label,
                y=top + _BAR + 2,
                status_quo=bar(top, split.status_quo_cents),
                breakthrough=bar(top + _BAR + 4, split.breakthrough_cents),
                pays_more=split.gain_cents < 0,
            )
        )
    return PayerChart(
        rows=rows, width=bar_x + _BAR_SPACE + 120, height=20 + len(splits) * _ROW, bar_x=bar_x
    )
