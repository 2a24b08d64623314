"""Changes to outcomes: recording what the work prevented or achieved, and withdrawing it."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.policies import works_on
from doorbraak.catalogue.models import CostItem
from doorbraak.households.models import EventKind
from doorbraak.households.services import record_event
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Message
from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue
from doorbraak.outcomes.processing import log_outcome
from doorbraak.outcomes.valuation import value_outcome

#: No outcome is dated before this day (a typing error, not an earlier year).
EARLIEST_OUTCOME = datetime.date(2000, 1, 1)
#: ``Outcome.backdate_reason``'s length.
BACKDATE_REASON_LENGTH = 300


@transaction.atomic
def outcome_record(
    *,
    actor: Any,
    household: Any,
    outcome_type: str,
    occurred_on: Any,
    evidence: str,
    breakthrough: Any = None,
    debt_amount_cents: int | None = None,
    cost_item: CostItem | None = None,
    quantity: Decimal | str | None = None,
    backdate_reason: str = "",
) -> Any:
    """Record what the work prevented or achieved, valued with the catalogue of that date.

    An outcome may be dated before the household was registered (a past year entered
    afterwards) with ``backdate_reason``; the reason is kept and shown on the timeline.
    """

    if not works_on(actor, household):
        raise Refused
    errors: dict[str, str] = {}
    if outcome_type not in OutcomeType.values:
        errors["outcome_type"] = _("Choose what was prevented or achieved.")
    evidence = (evidence or "").strip()
    backdate_reason = (backdate_reason or "").strip()
    if len(backdate_reason) > BACKDATE_REASON_LENGTH:
        errors["backdate_reason"] = _("The reason has at most %(n)d characters.") % {
            "n": BACKDATE_REASON_LENGTH
        }
    if not evidence:
        errors["evidence"] = _("Write down how you know: the evidence for this outcome.")
    if not isinstance(occurred_on, datetime.date):
        errors["occurred_on"] = _("Give the date.")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("An outcome cannot be dated in the future.")
    elif occurred_on < EARLIEST_OUTCOME:
        errors["occurred_on"] = _("Check the date: it is before %(year)d.") % {
            "year": EARLIEST_OUTCOME.year
        }
    elif occurred_on < household.opened_on and not backdate_reason:
        errors["backdate_reason"] = _(
            "The date is before the household was registered on %(date)s. Say why, for "
            "example that you are entering an earlier year."
        ) % {"date": household.opened_on.strftime("%d-%m-%Y")}
    if isinstance(occurred_on, datetime.date) and occurred_on >= household.opened_on:
        backdate_reason = ""  # only kept where it explains something
    if breakthrough is not None and breakthrough.household_id != household.pk:
        errors["breakthrough"] = _("Choose a breakthrough of this household.")
    if outcome_type == OutcomeType.DEBT_PREVENTED:
        if not debt_amount_cents or debt_amount_cents <= 0:
            errors["debt_amount_cents"] = _("Give the amount of debt that was prevented.")
        elif debt_amount_cents > 100_000_000:
            errors["debt_amount_cents"] = _("The amount is at most € 1,000,000.")
    elif debt_amount_cents:
        errors["debt_amount_cents"] = _("An amount of debt belongs to 'higher debt prevented'.")
    amount = None
    if outcome_type == OutcomeType.OTHER and cost_item is not None:
        if cost_item.municipality_id not in (None, household.municipality_id):
            errors["cost_item"] = _("Choose a cost item of your municipality's catalogue.")
        try:
            amount = (
                Decimal(str(quantity).replace(",", ".")) if quantity not in (None, "") else None
            )
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not Decimal(0) < amount < 1000:
            errors["quantity"] = _("Give a quantity above 0 and below 1000.")
    elif cost_item is not None:
        errors["cost_item"] = _("A cost item is only chosen for 'other'.")
    if errors:
        raise ValidationError(errors)
    valuation = value_outcome(
        outcome_type=outcome_type,
        municipality=household.municipality,
        on=occurred_on,
        debt_amount_cents=debt_amount_cents,
        cost_item=cost_item,
        quantity=amount,
    )
    outcome = Outcome.objects.create(
        household=household,
        breakthrough=breakthrough,
        outcome_type=outcome_type,
        occurred_on=occurred_on,
        backdate_reason=backdate_reason,
        evidence=evidence,
        debt_amount_cents=debt_amount_cents,
        cost_item=cost_item,
        quantity=amount,
        value_cents=valuation.value_cents,
        value_note=(
            _("No catalogue figure for: %(codes)s.") % {"codes": ", ".join(valuation.missing)}
            if valuation.missing
            else ""
        )[:300],
        recorded_by=actor,
    )
    OutcomeValue.objects.bulk_create(
        OutcomeValue(
            outcome=outcome,
            description=line.description[:200],
            cost_item=line.cost_item,
            payer=line.payer,
            unit_amount_cents=line.unit_amount_cents,
            quantity=line.quantity,
            weight_pct=line.weight_pct,
            value_cents=line.value_cents,
            low_cents=line.low_cents,
            high_cents=line.high_cents,
            source=line.source[:400],
        )
        for line in valuation.lines
    )
    record_event(
        household=household,
        kind=EventKind.OUTCOME,
        actor=actor,
        summary=(
            Message(gettext_lazy("Outcome: %(outcome)s"), outcome=OutcomeType(outcome.outcome_type))
            if not backdate_reason
            else Message(
                gettext_lazy(
                    "Outcome: %(outcome)s, dated %(date)s, before the registration: %(reason)s"
                ),
                outcome=OutcomeType(outcome.outcome_type),
                date=occurred_on,
                reason=backdate_reason[:150],
            )
        ),
    )
    log_outcome(actor=actor, outcome=outcome, action=ProcessingAction.CREATE)
    return outcome


@transaction.atomic
def outcome_withdraw(*, actor: Any, outcome: Any, reason: str) -> Any:
    """A mistaken outcome is withdrawn with a reason; it stays on record, out of the figures."""

    if not works_on(actor, outcome.household):
        raise Refused
    if outcome.withdrawn_at is not None:
        raise ValidationError(_("This outcome was withdrawn already."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the outcome is withdrawn.")})
    outcome.withdrawn_at = timezone.now()
    outcome.withdrawn_reason = reason[:300]
    outcome.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    log_outcome(actor=actor, outcome=outcome, action=ProcessingAction.UPDATE)
    return outcome
