"""Helpers shared by the fund services: validation, locking, log and timeline."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from doorbraak.accounts.models import User
from doorbraak.funds import ledger
from doorbraak.funds.models import (
    FundPurpose,
    FundRequest,
    PayeeKind,
)
from doorbraak.households.models import EventKind, Household, HouseholdStatus
from doorbraak.households.services import record_event
from doorbraak.lib.messages import Euros, Message, Param
from doorbraak.lib.templatetags.money import format_euros

#: One million euros: anything above is a typing error, not a request.
MAX_AMOUNT_CENTS = 100_000_000


# --- helpers ----------------------------------------------------------------------------------
def record_timeline(*, actor: User, fund_request: FundRequest, summary: Message) -> None:
    if fund_request.household is not None:
        record_event(
            household=fund_request.household, kind=EventKind.FUND, summary=summary, actor=actor
        )


def request_label(fund_request: FundRequest) -> dict[str, Param]:
    """The parameters of a fund request's timeline line: amount, purpose and fund."""
    return {
        "amount": Euros(fund_request.amount_cents),
        "purpose": FundPurpose(fund_request.purpose),
        "fund": fund_request.fund.name,
    }


def check_amount(errors: dict[str, str], name: str, amount_cents: int | None) -> None:
    if amount_cents is None or isinstance(amount_cents, bool) or amount_cents <= 0:
        errors[name] = _("Enter an amount greater than zero.")
    elif amount_cents > MAX_AMOUNT_CENTS:
        errors[name] = _("This amount is too large; check the number.")


def check_optional_cap(errors: dict[str, str], name: str, cents: int | None) -> None:
    if cents is not None and (isinstance(cents, bool) or cents <= 0):
        errors[name] = _("Leave the maximum empty or enter an amount greater than zero.")


def normalise_iban(value: str) -> str:
    """The compact IBAN (``NL91ABNA0417164300``), or ``ValidationError``."""
    try:
        return str(stdnum_iban.validate(value))
    except StdnumError as error:
        raise ValidationError(
            {"iban": _("This IBAN is not valid; check the account number.")}
        ) from error


def check_payee(
    errors: dict[str, str], *, payee_kind: str, payee_name: str, iban: str
) -> tuple[str, str]:
    payee_name = (payee_name or "").strip()
    iban = (iban or "").strip()
    if payee_kind not in PayeeKind.values:
        errors["payee_kind"] = _("Choose how the money is paid.")
        return payee_name, iban
    if payee_kind == PayeeKind.IBAN:
        if iban:
            try:
                iban = normalise_iban(iban)
            except ValidationError:
                errors["iban"] = _("This IBAN is not valid; check the account number.")
    elif iban:
        errors["iban"] = _("Leave the IBAN empty for payment in kind or a voucher.")
    return payee_name, iban


def lock_request(fund_request: FundRequest) -> FundRequest:
    """Lock the fund, then the request (always in this order, so no deadlocks).

    Both ``FOR NO KEY UPDATE`` (docs/locking.md). The household of the request is not
    locked: fund services only insert timeline events for it (``FOR KEY SHARE``).
    """
    fund = ledger.lock_fund(fund_request.fund_id)
    locked = (
        FundRequest.objects.select_for_update(no_key=True, of=("self",))
        .select_related("household__municipality", "team")
        .get(pk=fund_request.pk)
    )
    locked.fund = fund
    return locked


def require_status(fund_request: FundRequest, *statuses: str, message: str) -> None:
    if fund_request.status not in statuses:
        raise ValidationError(message)


def household_total(fund_request: FundRequest, *, statuses: Sequence[str]) -> int:
    if fund_request.household_id is None:
        return 0
    total = (
        FundRequest.objects.filter(
            fund_id=fund_request.fund_id,
            household_id=fund_request.household_id,
            status__in=list(statuses),
        )
        .exclude(pk=fund_request.pk)
        .aggregate(total=Sum("amount_cents"))["total"]
    )
    return int(total or 0)


def check_household_cap(fund_request: FundRequest, *, statuses: Sequence[str]) -> None:
    cap = fund_request.fund.cap_per_household_year_cents
    if cap is None or fund_request.household_id is None:
        return
    earlier = household_total(fund_request, statuses=statuses)
    if earlier + fund_request.amount_cents > cap:
        raise ValidationError(
            {
                "amount_cents": _(
                    "This household may receive at most %(cap)s from this fund this year; "
                    "%(earlier)s has already been requested or paid."
                )
                % {"cap": format_euros(cap), "earlier": format_euros(earlier)}
            }
        )


def require_open_household(household: Household) -> None:
    status = Household.objects.filter(pk=household.pk).values_list("status", flat=True).first()
    if status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; reopen it before asking for money."))
