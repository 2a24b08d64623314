"""The fund's files, built by the task worker: its figures, the payment batch, the SEPA file.

The fund page queues a download (``doorbraak.downloads``) and the worker runs one of the
builders here; each checks the requester's rights again when it runs (they may have been
taken away since), writes the file and returns the summary "Mijn downloads" shows. The
payment batch is read in chunks and each chunk's households are recorded in one INSERT,
for the requester, before its rows are written (``batches.payment_batch_stream``).
Nothing here changes a request: a batch can be exported again, and paying stays
``fund_request_pay``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import IO, Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorbraak.accounts.models import User
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress, scratch_dir
from doorbraak.funds import policies, selectors
from doorbraak.funds.models import Fund, FundRequest, FundRequestStatus
from doorbraak.funds.services import batches
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_write


def _fund(download: Download, allowed: Callable[[User, Fund], bool] | None = None) -> Fund:
    """The job's fund, if the requester still works with it (else ``Refused``)."""
    user = download.requested_by
    fund = (
        selectors.fund_list(user=user)
        .select_related("municipality")
        .filter(pk=download.parameters.get("fund"))
        .first()
    )
    if fund is None or not policies.can_use_funds(user) or (allowed and not allowed(user, fund)):
        raise Refused
    return fund


def _euro(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def fund_figures_rows(*, user: User, fund: Fund) -> list[list[object]]:
    """The fund's balances and spending as rows (aggregates: a few dozen, no personal data)."""
    balances = selectors.fund_balances(fund=fund)
    rows: list[list[object]] = []
    for label, cents in (
        (_("budget"), balances.budget),
        (_("committed"), balances.committed),
        (_("paid"), balances.paid),
        (_("repaid"), balances.repaid),
        (_("available"), balances.available),
    ):
        rows.append([_("balance"), label, _euro(cents), ""])
    for section, lines in (
        (_("by purpose"), selectors.spend_by_purpose(user=user, fund=fund)),
        (_("by district"), selectors.spend_by_district(user=user, fund=fund)),
        (_("by month"), selectors.spend_by_month(user=user, fund=fund)),
    ):
        for line in lines:
            rows.append([section, line.label, _euro(line.total_cents), line.count])
    average = selectors.average_per_household(user=user, fund=fund)
    rows.append([_("average per household"), "", _euro(average.average_cents), average.households])
    prevented = selectors.prevented(user=user, fund=fund)
    rows.append(
        [_("expected to prevent"), "", _euro(prevented.prevented_cents), prevented.requests]
    )
    return rows


def _text_file(file: IO[bytes]) -> io.TextIOWrapper:
    """``file`` as text: UTF-8 with a byte-order mark (Excel reads the accents right)."""
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="", write_through=True)


def build_fund_figures(download: Download, file: IO[bytes], progress: Progress) -> str:
    fund = _fund(download)
    progress(10, _("Adding up the payments"))
    rows = fund_figures_rows(user=download.requested_by, fund=fund)
    header = [_("section"), _("item"), _("amount (EUR)"), _("number")]
    out = _text_file(file)
    csv_write(out, header, rows)
    out.detach()
    return ngettext("%(count)s row", "%(count)s rows", len(rows)) % {"count": len(rows)}


def _batch_total(fund: Fund, status: str) -> int:
    return FundRequest.objects.filter(fund=fund, status=status).aggregate(n=Count("pk"))["n"]


def _counting(progress: Progress, total: int, step: str) -> Callable[[int], None]:
    def done(count: int) -> None:
        progress(min(99, 5 + 90 * count // max(total, 1)), step)

    return done


def build_payment_batch_csv(download: Download, file: IO[bytes], progress: Progress) -> str:
    """The approved (to pay) or paid requests as CSV for the finance department."""
    fund = _fund(download, policies.is_fund_manager)
    status = str(download.parameters.get("status", ""))
    total = _batch_total(fund, status)
    progress(5, _("Reading the requests"))
    rows = batches.payment_batch_stream(
        actor=download.requested_by,
        fund=fund,
        status=status,
        done=_counting(progress, total, _("Writing the payments")),
    )
    count = 0

    def counted() -> Any:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    out = _text_file(file)
    batches.payment_batch_write(out, counted())
    out.detach()
    return ngettext("%(count)s payment", "%(count)s payments", count) % {"count": count}


def build_payment_batch_sepa(download: Download, file: IO[bytes], progress: Progress) -> str:
    """The approved bank transfers as a SEPA credit-transfer file (pain.001.001.03),
    written transfer by transfer (``batches.payment_batch_sepa_write``)."""
    fund = _fund(download, policies.is_fund_manager)
    parameters = download.parameters
    execution = parameters.get("execution_date")
    total = _batch_total(fund, FundRequestStatus.APPROVED)
    progress(5, _("Reading the approved transfers"))
    totals = batches.payment_batch_sepa_write(
        file,
        actor=download.requested_by,
        fund=fund,
        debtor_name=str(parameters.get("debtor_name", "")),
        debtor_iban=str(parameters.get("debtor_iban", "")),
        debtor_bic=str(parameters.get("debtor_bic", "")),
        execution_date=datetime.date.fromisoformat(execution) if execution else None,
        done=_counting(progress, total, _("Adding the transfers")),
        scratch_dir=scratch_dir(),
    )
    return ngettext("%(count)s transfer", "%(count)s transfers", totals.count) % {
        "count": totals.count
    }
