"""The societal value report: what the work prevented, what it cost, and whether it held.

Like the council letter in the seeds ("in 40 situations higher debts were prevented, at
least once acute homelessness, three people back at work"): counts per outcome type, the
estimated costs avoided with their range and sources, fund money spent against that
value, the most frequent bottleneck themes and the share of households sustainably
helped. Aggregates only; every count below ``k`` is suppressed and the report says so.
The result is plain JSON-able data, so a background task can build it once and the page,
the PDF and the CSV all show the same figures.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from doorbraak.breakthroughs.models import Bottleneck, Theme
from doorbraak.catalogue.models import Payer
from doorbraak.funds.models import FundRequest
from doorbraak.households.models import CloseReason, Household
from doorbraak.insights.aggregates import suppress, suppression_note
from doorbraak.insights.patterns import Period
from doorbraak.lib.spreadsheet import csv_text
from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue
from doorbraak.outcomes.selectors import sustainability

Progress = Callable[[int, str], None]


def _noop(_percent: int, _step: str) -> None:
    return None


def build_value_report(
    *,
    municipality_ids: Iterable[int],
    period: Period,
    k: int,
    district_id: int | None = None,
    progress: Progress = _noop,
) -> dict[str, Any]:
    """Compute the report; ``progress(percent, step)`` is told how far it is."""

    municipalities = list(municipality_ids)
    progress(5, _("Counting outcomes"))
    outcomes = Outcome.objects.in_force().filter(
        household__municipality_id__in=municipalities,
        occurred_on__gte=period.start,
        occurred_on__lte=period.end,
    )
    if district_id is not None:
        outcomes = outcomes.filter(household__district_id=district_id)
    per_type = dict(
        outcomes.values_list("outcome_type")
        .annotate(n=Count("pk"))
        .values_list("outcome_type", "n")
    )
    counts = suppress({t: per_type.get(t, 0) for t in OutcomeType.values}, k=k)
    progress(30, _("Valuing what was prevented"))
    values = OutcomeValue.objects.filter(outcome__in=outcomes)
    totals = values.aggregate(
        value=Sum("value_cents"), low=Sum("low_cents"), high=Sum("high_cents")
    )
    by_payer = dict(
        values.values_list("payer").annotate(v=Sum("value_cents")).values_list("payer", "v")
    )
    sources = sorted(set(values.exclude(source="").values_list("source", flat=True)))
    progress(50, _("Adding up the fund's payments"))
    paid = FundRequest.objects.filter(
        fund__municipality_id__in=municipalities,
        paid_on__gte=period.start,
        paid_on__lte=period.end,
    )
    if district_id is not None:
        paid = paid.filter(household__district_id=district_id)
    fund = paid.aggregate(amount=Sum("amount_cents"), n=Count("pk"))
    progress(65, _("Counting bottleneck themes"))
    start, end = period.bounds()
    bottlenecks = Bottleneck.objects.filter(
        household__municipality_id__in=municipalities, created_at__gte=start, created_at__lt=end
    )
    if district_id is not None:
        bottlenecks = bottlenecks.filter(household__district_id=district_id)
    themes = Counter(dict(bottlenecks.values_list("theme").annotate(n=Count("pk"))))
    theme_table = suppress({t: themes.get(t, 0) for t in Theme.values}, k=k)
    progress(72, _("Counting the households helped"))
    helped = households_helped(
        municipality_ids=municipalities, period=period, k=k, district_id=district_id
    )
    progress(80, _("Checking whether the help held"))
    moments = sustainability(
        municipality_ids=municipalities, closed_from=period.start, closed_to=period.end
    )
    progress(95, _("Putting the report together"))
    value_cents = int(totals["value"] or 0)
    fund_cents = int(fund["amount"] or 0)
    fund_count = suppress({"paid": int(fund["n"] or 0)}, k=k)["paid"]
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "k": k,
        "note": suppression_note(k),
        "households_helped": helped,
        "outcomes": [
            {"type": t, "label": str(OutcomeType(t).label), "count": counts[t]}
            for t in OutcomeType.values
        ],
        "value_cents": value_cents,
        "low_cents": int(totals["low"] or 0),
        "high_cents": int(totals["high"] or 0),
        "by_payer": [
            {"payer": p, "label": str(Payer(p).label), "value_cents": int(by_payer[p])}
            for p in Payer.values
            if by_payer.get(p)
        ],
        "sources": sources,
        "fund_paid_cents": fund_cents,
        "fund_paid_count": fund_count,
        "value_per_fund_euro": round(value_cents / fund_cents, 1) if fund_cents else None,
        "themes": sorted(
            (
                {"theme": t, "label": str(Theme(t).label), "count": theme_table[t]}
                for t in Theme.values
                if themes.get(t)
            ),
            key=lambda row: -int(row["count"] or 0),
        )[:5],
        "sustainability": [
            {
                "months": m.months,
                "households": suppress({"n": m.households}, k=k)["n"],
                "share_held": round(m.share_held * 100)
                if m.share_held is not None and m.households >= k
                else None,
                # Mean change per life domain since closing: only with enough households.
                "domain_change": (
                    {domain: round(change, 1) for domain, change in m.domain_change.items()}
                    if m.households >= k
                    else {}
                ),
            }
            for m in moments
        ],
    }


def helped_labels() -> dict[str, str]:
    """The labels of the households-helped figures, in the active language."""
    return {
        "helped": _("Households helped"),
        "opened": _("Opened in the period"),
        "with_plan": _("With a plan agreed in the period"),
        "goals_reached": _("Closed with the goals reached"),
    }


def households_helped(
    *, municipality_ids: list[int], period: Period, k: int, district_id: int | None = None
) -> dict[str, int | None]:
    """Households helped in the period: opened, with a plan agreed, closed with goals reached.

    ``helped`` counts each household once, whichever of the three happened to it in the
    period (the council letter's "ruim 60 huishoudens"). One query; counts below ``k`` are
    suppressed (None).
    """
    households = Household.objects.filter(municipality_id__in=municipality_ids)
    if district_id is not None:
        households = households.filter(district_id=district_id)
    opened = Q(opened_on__gte=period.start, opened_on__lte=period.end)
    planned = Q(plans__agreed_on__gte=period.start, plans__agreed_on__lte=period.end)
    closed = Q(
        closed_on__gte=period.start,
        closed_on__lte=period.end,
        close_reason=CloseReason.GOALS_REACHED,
    )
    counts = households.aggregate(
        opened=Count("pk", filter=opened, distinct=True),
        with_plan=Count("pk", filter=planned, distinct=True),
        goals_reached=Count("pk", filter=closed, distinct=True),
        helped=Count("pk", filter=opened | planned | closed, distinct=True),
    )
    # The four overlap (not parts of one total): each is suppressed on its own.
    return {key: suppress({"n": int(value or 0)}, k=k)["n"] for key, value in counts.items()}


def report_csv(report: dict[str, Any]) -> str:
    """The same figures as rows: section, item, value (suppressed cells stay empty)."""
    rows: list[list[Any]] = []
    rows.append([_("period"), report["period"]["start"], report["period"]["end"]])
    for row in report["outcomes"]:
        rows.append([_("outcomes"), row["label"], "" if row["count"] is None else row["count"]])
    helped = report.get("households_helped") or {}
    for key, label in helped_labels().items():
        if key in helped:
            rows.append([_("households"), label, "" if helped[key] is None else helped[key]])
    rows.append([_("value"), _("estimated costs avoided (cents)"), report["value_cents"]])
    rows.append([_("value"), _("low estimate (cents)"), report["low_cents"]])
    rows.append([_("value"), _("high estimate (cents)"), report["high_cents"]])
    for row in report["by_payer"]:
        rows.append([_("value per payer (cents)"), row["label"], row["value_cents"]])
    rows.append([_("fund"), _("paid (cents)"), report["fund_paid_cents"]])
    for row in report["themes"]:
        rows.append(
            [_("bottleneck themes"), row["label"], "" if row["count"] is None else row["count"]]
        )
    for row in report["sustainability"]:
        rows.append(
            [
                _("sustainably helped (%)"),
                _("%(months)d months after closing") % {"months": row["months"]},
                "" if row["share_held"] is None else row["share_held"],
            ]
        )
    for source in report["sources"]:
        rows.append([_("source"), source, ""])
    rows.append([_("note"), report["note"], ""])
    return csv_text([_("section"), _("item"), _("value")], rows)


def default_period(today: datetime.date) -> Period:
    """Last calendar year: the council letter's period."""
    return Period(
        start=datetime.date(today.year - 1, 1, 1), end=datetime.date(today.year - 1, 12, 31)
    )
