"""Payment batches for the finance department: CSV and SEPA credit transfer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import User
from doorbraak.funds import policies
from doorbraak.funds.models import (
    Fund,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.funds.processing import log_payment_export
from doorbraak.funds.services.common import (
    normalise_iban,
)
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_text


# --- payment batches --------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentRow:
    """The minimum the finance department needs to pay one request."""

    request_id: int
    end_to_end_id: str
    payee_kind: str
    payee_name: str
    iban: str
    amount_cents: int
    description: str
    status: str
    payment_reference: str
    paid_on: datetime.date | None


def payment_batch_rows(
    *, actor: User, fund: Fund, status: str = FundRequestStatus.APPROVED
) -> list[PaymentRow]:
    """Requests of ``fund`` in ``status`` (approved: to pay; paid: paid) for finance.

    Reading IBANs is processing of personal data: one processing-log record per household.
    """
    if not policies.is_fund_manager(actor, fund):
        raise Refused
    if status not in (FundRequestStatus.APPROVED, FundRequestStatus.PAID):
        raise ValidationError({"status": _("Choose approved or paid requests.")})
    requests = list(
        FundRequest.objects.filter(fund=fund, status=status)
        .select_related("household")
        .order_by("pk")
    )
    rows = [
        PaymentRow(
            request_id=r.pk,
            end_to_end_id=f"VEP-{fund.pk}-{r.pk}",
            payee_kind=r.payee_kind,
            payee_name=r.payee_name,
            iban=r.iban,
            amount_cents=r.amount_cents,
            description=f"{fund.name} {r.pk}: {r.get_purpose_display()}"[:140],
            status=r.status,
            payment_reference=r.payment_reference,
            paid_on=r.paid_on,
        )
        for r in requests
    ]
    log_payment_export(actor=actor, fund=fund, requests=requests)
    return rows


def _euro_amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def payment_batch_csv(*, actor: User, fund: Fund, status: str = FundRequestStatus.APPROVED) -> str:
    """The batch as CSV (semicolon-separated, as Dutch spreadsheets expect)."""
    rows = payment_batch_rows(actor=actor, fund=fund, status=status)
    return csv_text(
        [
            _("request"),
            _("end-to-end id"),
            _("payment by"),
            _("payee"),
            _("IBAN"),
            _("amount (EUR)"),
            _("description"),
            _("status"),
            _("payment reference"),
            _("paid on"),
        ],
        (
            [
                row.request_id,
                row.end_to_end_id,
                row.payee_kind,
                row.payee_name,
                row.iban,
                _euro_amount(row.amount_cents),
                row.description,
                row.status,
                row.payment_reference,
                row.paid_on.isoformat() if row.paid_on else "",
            ]
            for row in rows
        ),
    )


def payment_batch_sepa(
    *,
    actor: User,
    fund: Fund,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str = "",
    execution_date: datetime.date | None = None,
) -> bytes:
    """A SEPA credit-transfer file (pain.001.001.03) of the approved bank transfers."""
    from sepaxml import SepaTransfer

    errors: dict[str, str] = {}
    debtor_name = (debtor_name or "").strip()
    if not debtor_name:
        errors["debtor_name"] = _("Enter the name of the paying account.")
    try:
        debtor_iban = normalise_iban(debtor_iban)
    except ValidationError:
        errors["debtor_iban"] = _("This IBAN is not valid; check the account number.")
    if errors:
        raise ValidationError(errors)
    rows = [
        row
        for row in payment_batch_rows(actor=actor, fund=fund, status=FundRequestStatus.APPROVED)
        if row.payee_kind == PayeeKind.IBAN
    ]
    if not rows:
        raise ValidationError(_("There are no approved bank transfers to pay."))
    config: dict[str, object] = {
        "name": debtor_name,
        "IBAN": debtor_iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor_bic:
        config["BIC"] = debtor_bic.strip()
    sepa = SepaTransfer(config, clean=True)
    day = execution_date or timezone.localdate()
    for row in rows:
        sepa.add_payment(
            {
                "name": row.payee_name,
                "IBAN": row.iban,
                "amount": row.amount_cents,
                "execution_date": day,
                "description": row.description,
                "endtoend_id": row.end_to_end_id,
            }
        )
    return bytes(sepa.export(validate=True))
