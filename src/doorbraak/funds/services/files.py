"""Asking for the fund's files: the page records a download and the task worker builds it.

The rights are checked here, in the request (403 or a form error, nothing queued), and
again by the builder in ``funds.exports`` when the worker runs it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import User
from doorbraak.downloads.models import Download, DownloadKind
from doorbraak.downloads.services import download_queue
from doorbraak.funds import (
    policies,
    tasks,  # the module: its builders import these services
)
from doorbraak.funds.models import Fund, FundRequestStatus
from doorbraak.funds.services.batches import sepa_debtor_check, sepa_transfers_exist
from doorbraak.lib.access import Refused


def fund_figures_queue(*, actor: User, fund: Fund) -> Download:
    """The fund's figures as CSV (aggregates), for anyone who works with the fund."""
    if not policies.can_use_funds(actor):
        raise Refused
    return download_queue(
        requester=actor,
        kind=DownloadKind.FUND_FIGURES,
        title=_("Figures of %(fund)s") % {"fund": fund.name},
        filename=f"potje-{fund.pk}-{fund.year}.csv",
        content_type="text/csv; charset=utf-8",
        parameters={"fund": fund.pk},
        task=tasks.fund_figures_task,
    )


def payment_batch_queue(*, actor: User, fund: Fund, status: str) -> Download:
    """The payment batch (approved: to pay; paid: paid) as CSV, for the fund manager."""
    if not policies.is_fund_manager(actor, fund):
        raise Refused
    if status not in (FundRequestStatus.APPROVED, FundRequestStatus.PAID):
        raise ValidationError({"status": _("Choose approved or paid requests.")})
    label = FundRequestStatus(status).label
    return download_queue(
        requester=actor,
        kind=DownloadKind.PAYMENT_BATCH,
        title=_("Payment batch of %(fund)s: %(status)s")
        % {"fund": fund.name, "status": str(label).lower()},
        filename=f"betaalbatch-{fund.pk}-{status}.csv",
        content_type="text/csv; charset=utf-8",
        parameters={"fund": fund.pk, "status": status},
        task=tasks.payment_batch_csv_task,
    )


def payment_batch_sepa_queue(
    *,
    actor: User,
    fund: Fund,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str = "",
    execution_date: datetime.date | None = None,
) -> Download:
    """The approved bank transfers as a SEPA file, for the fund manager.

    The paying account and whether there is anything to pay are checked now (a form
    error, nothing queued); the file holds the transfers approved when the worker builds
    it, and the summary in "Mijn downloads" says how many.
    """
    if not policies.is_fund_manager(actor, fund):
        raise Refused
    debtor = sepa_debtor_check(
        debtor_name=debtor_name, debtor_iban=debtor_iban, debtor_bic=debtor_bic
    )
    if not sepa_transfers_exist(fund=fund):
        raise ValidationError(_("There are no approved bank transfers to pay."))
    today = timezone.localdate()
    return download_queue(
        requester=actor,
        kind=DownloadKind.SEPA_TRANSFER,
        title=_("SEPA file of %(fund)s") % {"fund": fund.name},
        filename=f"sepa-{fund.pk}-{today.isoformat()}.xml",
        content_type="application/xml",
        parameters={
            "fund": fund.pk,
            "debtor_name": debtor.name,
            "debtor_iban": debtor.iban,
            "debtor_bic": debtor.bic,
            "execution_date": execution_date.isoformat() if execution_date else None,
        },
        task=tasks.payment_batch_sepa_task,
    )
