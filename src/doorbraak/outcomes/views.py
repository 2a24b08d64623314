"""The team's pages for outcomes (/resultaten/): what the work prevented or achieved.

Objects are fetched through the selectors: 404 outside the household's team (and the read
is in the processing log). Changes go through ``outcomes.services``; their
``ValidationError`` is shown on the form with status 200 and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.breakthroughs.policies import can_work_on_breakthroughs, works_on
from doorbraak.catalogue.models import Payer
from doorbraak.households.models import Household
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.views import submit
from doorbraak.outcomes import services
from doorbraak.outcomes.forms import OutcomeForm, WithdrawForm, add_service_errors
from doorbraak.outcomes.models import Outcome
from doorbraak.outcomes.policies import works_on_household_of
from doorbraak.outcomes.selectors import (
    breakthrough_choices,
    cost_item_choices,
    outcome_get,
    outcomes_of,
)

#: The household or outcome of the URL, 404 outside the household's own team; a read
#: record except on a POST (the service logs the change).
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads", hide_unless=works_on)
OUTCOME = Lookup("outcome", outcome_get, log="reads", hide_unless=works_on_household_of)


@dataclass
class Totals:
    """The sum of the outcomes in force: value, range and per payer."""

    count: int = 0
    value_cents: int = 0
    low_cents: int = 0
    high_cents: int = 0
    per_payer: dict[str, int] = field(default_factory=dict)

    @property
    def payers(self) -> list[tuple[str, int]]:
        labels = dict(Payer.choices)
        return [
            (str(labels.get(payer, payer)), cents)
            for payer, cents in sorted(self.per_payer.items(), key=lambda item: -item[1])
        ]


def outcome_range(outcome: Outcome) -> tuple[int, int]:
    """The low and high estimate of one outcome (uses the prefetched valuation lines)."""
    lines = list(outcome.values.all())
    return sum(line.low_cents for line in lines), sum(line.high_cents for line in lines)


def outcome_totals(outcomes: Iterable[Outcome]) -> Totals:
    totals = Totals()
    for outcome in outcomes:
        if outcome.withdrawn_at is not None:
            continue
        totals.count += 1
        totals.value_cents += outcome.value_cents
        for line in outcome.values.all():
            totals.low_cents += line.low_cents
            totals.high_cents += line.high_cents
            totals.per_payer[line.payer] = totals.per_payer.get(line.payer, 0) + line.value_cents
    return totals


def _rows(outcomes: Iterable[Outcome]) -> list[dict[str, Any]]:
    rows = []
    for outcome in outcomes:
        low, high = outcome_range(outcome)
        rows.append({"outcome": outcome, "low_cents": low, "high_cents": high})
    return rows


@require_http_methods(["GET"])
@page(can_work_on_breakthroughs, obj=HOUSEHOLD)
def household_outcomes(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    """The household's outcomes with their value, range, lines and sources; and the total."""
    outcomes = list(outcomes_of(household=household))
    for outcome in outcomes:
        outcome.household = household  # already loaded: no query per outcome
    return render(
        request,
        "outcomes/household_outcomes.html",
        {"household": household, "rows": _rows(outcomes), "totals": outcome_totals(outcomes)},
    )


@require_http_methods(["GET", "POST"])
@page(can_work_on_breakthroughs, obj=HOUSEHOLD)
def outcome_create(request: AuthenticatedHttpRequest, household: Household) -> HttpResponse:
    choices: dict[str, Any] = {
        "breakthroughs": breakthrough_choices(household=household),
        "cost_items": cost_item_choices(household=household),
    }
    form = OutcomeForm(request.POST if request.method == "POST" else None, **choices)
    return submit(
        request,
        form,
        action=lambda data: services.outcome_record(
            actor=request.user,
            household=household,
            outcome_type=data["outcome_type"],
            occurred_on=data["occurred_on"],
            evidence=data["evidence"],
            breakthrough=data.get("breakthrough"),
            debt_amount_cents=form.debt_amount_cents(),
            cost_item=data.get("cost_item"),
            quantity=data.get("quantity") or None,
            backdate_reason=data.get("backdate_reason") or "",
        ),
        put_errors=add_service_errors,
        success=_("The outcome has been recorded."),
        redirect_to=lambda outcome: reverse("outcomes:detail", args=[outcome.pk]),
        page=lambda: render(
            request,
            "outcomes/form_page.html",
            {
                "household": household,
                "form": form,
                "title": _("Record an outcome"),
                "intro": [
                    _(
                        "What did the work prevent or achieve? The outcome is valued with the "
                        "cost catalogue of its date, with a conservative probability weight."
                    )
                ],
                "submit": _("Record the outcome"),
                "back_url": reverse("outcomes:household", args=[household.public_id]),
                "back_label": _("Back to the outcomes"),
            },
        ),
    )


@require_http_methods(["GET"])
@page(can_work_on_breakthroughs, obj=OUTCOME)
def outcome_detail(request: AuthenticatedHttpRequest, outcome: Outcome) -> HttpResponse:
    low, high = outcome_range(outcome)
    return render(
        request,
        "outcomes/outcome_detail.html",
        {"outcome": outcome, "household": outcome.household, "low_cents": low, "high_cents": high},
    )


@require_http_methods(["GET", "POST"])
@page(can_work_on_breakthroughs, obj=OUTCOME)
def outcome_withdraw(request: AuthenticatedHttpRequest, outcome: Outcome) -> HttpResponse:
    if outcome.withdrawn_at is not None:
        messages.info(request, _("This outcome was withdrawn already."))
        return redirect("outcomes:detail", pk=outcome.pk)
    form = WithdrawForm(request.POST or None)
    back_url = reverse("outcomes:detail", args=[outcome.pk])
    return submit(
        request,
        form,
        action=lambda data: services.outcome_withdraw(
            actor=request.user, outcome=outcome, reason=data["reason"]
        ),
        put_errors=add_service_errors,
        success=_("The outcome has been withdrawn."),
        redirect_to=back_url,
        page=lambda: render(
            request,
            "outcomes/form_page.html",
            {
                "household": outcome.household,
                "form": form,
                "title": _("Withdraw the outcome"),
                "intro": [
                    _(
                        "A mistaken outcome is withdrawn, not deleted: it stays on record with "
                        "your reason, and no longer counts in the figures."
                    ),
                    str(outcome),
                ],
                "submit": _("Withdraw the outcome"),
                "back_url": back_url,
                "back_label": _("Back to the outcome"),
            },
        ),
    )
