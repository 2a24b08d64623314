"""Payment batches for the finance department: CSV and SEPA credit transfer."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TextIO

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import bic as stdnum_bic
from stdnum.exceptions import ValidationError as StdnumError

from doorbraak.accounts.models import User
from doorbraak.funds import policies
from doorbraak.funds.models import (
    Fund,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.funds.processing import log_payment_export
from doorbraak.funds.services import sepa
from doorbraak.funds.services.common import (
    normalise_iban,
)
from doorbraak.households.models import Member
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_write


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


#: Requests read (and logged) per round trip while a batch is written.
CHUNK_SIZE = 500


def _check_batch(actor: User, fund: Fund, status: str) -> None:
    if not policies.is_fund_manager(actor, fund):
        raise Refused
    if status not in (FundRequestStatus.APPROVED, FundRequestStatus.PAID):
        raise ValidationError({"status": _("Choose approved or paid requests.")})


def _batch_requests(fund: Fund, status: str) -> QuerySet[FundRequest]:
    return (
        FundRequest.objects.filter(fund=fund, status=status)
        .select_related("household")
        .order_by("pk")
    )


def _subjects(requests: list[FundRequest]) -> list[str]:
    """The persons the payments concern: the current members of each request's household
    (the household itself when it has none), as ``household_subjects`` says; one query a
    chunk. The members are read without a link back to their household: objects that
    point at each other would outlive their chunk until the garbage collector's next full
    pass, and the memory would grow with the batch."""
    households = {r.household_id: r.household for r in requests if r.household is not None}
    members: dict[int, list[str]] = {}
    for member in (
        Member.objects.current()
        .filter(household_id__in=households)
        .only("pk", "public_id", "household_id")
        .order_by("household_id", "pk")
    ):
        members.setdefault(member.household_id, []).append(member.pseudonym)
    subjects: list[str] = []
    for r in requests:
        if r.household is not None:
            subjects.extend(members.get(r.household.pk) or [r.household.pseudonym])
    return subjects


def _row(fund: Fund, r: FundRequest) -> PaymentRow:
    return PaymentRow(
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


def payment_batch_stream(
    *,
    actor: User,
    fund: Fund,
    status: str = FundRequestStatus.APPROVED,
    chunk_size: int = CHUNK_SIZE,
    done: Callable[[int], None] | None = None,
) -> Iterator[PaymentRow]:
    """Requests of ``fund`` in ``status`` (approved: to pay; paid: paid) for finance, one
    by one, read ``chunk_size`` at a time: a batch of any size in constant memory.

    Reading IBANs is processing of personal data: each chunk's households are recorded in
    one INSERT (``EXPORT``, fund activity) before its rows are handed out, so no row leaves
    without its record. ``done(count)`` is told after each chunk. Checks the rights first
    (``Refused`` unless the fund's manager; ``ValidationError`` for another status).
    Reading only: the requests' status does not change (paying is ``fund_request_pay``),
    so the same batch can be exported again.
    """
    _check_batch(actor, fund, status)
    chunk: list[FundRequest] = []
    count = 0

    def flush() -> Iterator[PaymentRow]:
        nonlocal count
        log_payment_export(actor=actor, fund=fund, subjects=_subjects(chunk))
        for r in chunk:
            yield _row(fund, r)
        count += len(chunk)
        chunk.clear()
        if done is not None:
            done(count)

    for r in _batch_requests(fund, status).iterator(chunk_size=chunk_size):
        chunk.append(r)
        if len(chunk) >= chunk_size:
            yield from flush()
    if chunk or not count:  # an empty batch is recorded too: the manager looked
        yield from flush()


def payment_batch_rows(
    *, actor: User, fund: Fund, status: str = FundRequestStatus.APPROVED
) -> list[PaymentRow]:
    """The whole batch as a list (small batches: the API's answer, tests)."""
    return list(payment_batch_stream(actor=actor, fund=fund, status=status))


def _euro_amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def payment_batch_header() -> list[str]:
    return [
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
    ]


def payment_batch_write(out: TextIO, rows: Iterable[PaymentRow]) -> None:
    """The batch as CSV into ``out``, row by row (semicolons, as Dutch spreadsheets expect)."""
    csv_write(
        out,
        payment_batch_header(),
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


def payment_batch_csv(*, actor: User, fund: Fund, status: str = FundRequestStatus.APPROVED) -> str:
    """The batch as CSV text (the API's answer; the page's file is built by the worker)."""
    out = io.StringIO()
    payment_batch_write(out, payment_batch_stream(actor=actor, fund=fund, status=status))
    return out.getvalue()


def sepa_debtor_check(*, debtor_name: str, debtor_iban: str, debtor_bic: str = "") -> sepa.Debtor:
    """The paying account, cleaned (the IBAN and the BIC checked and compacted with
    python-stdnum); ``ValidationError`` on the form's fields otherwise."""
    errors: dict[str, str] = {}
    debtor_name = (debtor_name or "").strip()
    if not debtor_name:
        errors["debtor_name"] = _("Enter the name of the paying account.")
    try:
        debtor_iban = normalise_iban(debtor_iban)
    except ValidationError:
        errors["debtor_iban"] = _("This IBAN is not valid; check the account number.")
    debtor_bic = (debtor_bic or "").strip()
    if debtor_bic:
        try:
            debtor_bic = str(stdnum_bic.validate(debtor_bic))
        except StdnumError:
            errors["debtor_bic"] = _("This BIC is not valid; check the bank's code.")
    if errors:
        raise ValidationError(errors)
    return sepa.Debtor(name=debtor_name, iban=debtor_iban, bic=debtor_bic)


def sepa_transfers_exist(*, fund: Fund) -> bool:
    """Whether the fund has approved bank transfers to pay (one cheap query)."""
    return FundRequest.objects.filter(
        fund=fund, status=FundRequestStatus.APPROVED, payee_kind=PayeeKind.IBAN
    ).exists()


def _transfers(rows: Iterable[PaymentRow]) -> Iterator[sepa.Transfer]:
    for row in rows:
        if row.payee_kind == PayeeKind.IBAN:
            yield sepa.Transfer(
                end_to_end_id=row.end_to_end_id,
                name=row.payee_name,
                iban=row.iban,
                amount_cents=row.amount_cents,
                description=row.description,
            )


def payment_batch_sepa_write(
    out: IO[bytes],
    *,
    actor: User,
    fund: Fund,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str = "",
    execution_date: datetime.date | None = None,
    done: Callable[[int], None] | None = None,
    scratch_dir: str | None = None,
) -> sepa.Totals:
    """Write the SEPA credit-transfer file (pain.001.001.03) of the fund's approved bank
    transfers into ``out``; how many and how much.

    Reads the requests as :func:`payment_batch_stream` does (``CHUNK_SIZE`` at a time,
    each chunk recorded in the processing log before its rows are used; ``done`` told
    after each chunk) and writes them with :func:`sepa.write`, transfer by transfer, in
    constant memory; the transfers are checked against the schema in chunks. Reading
    only: marking the requests paid is ``fund_request_pay``, after the bank has paid;
    the end-to-end id ``VEP-<fund>-<request>`` lets the bank refuse a transfer that a
    second file holds again.
    """
    debtor = sepa_debtor_check(
        debtor_name=debtor_name, debtor_iban=debtor_iban, debtor_bic=debtor_bic
    )
    _check_batch(actor, fund, FundRequestStatus.APPROVED)
    if not sepa_transfers_exist(fund=fund):
        raise ValidationError(_("There are no approved bank transfers to pay."))
    rows = payment_batch_stream(
        actor=actor, fund=fund, status=FundRequestStatus.APPROVED, done=done
    )
    try:
        return sepa.write(
            out,
            _transfers(rows),
            debtor=debtor,
            execution_date=execution_date or timezone.localdate(),
            created_at=timezone.localtime(),
            scratch_dir=scratch_dir,
        )
    except sepa.EmptyBatch:  # paid or cancelled since the check above
        raise ValidationError(_("There are no approved bank transfers to pay.")) from None
    except sepa.InvalidFile as error:
        raise ValidationError(
            _("A transfer does not fit the SEPA format; check the payees' names and IBANs.")
        ) from error


def payment_batch_sepa(
    *,
    actor: User,
    fund: Fund,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str = "",
    execution_date: datetime.date | None = None,
) -> bytes:
    """The SEPA file as bytes (small batches: tests; the worker writes into a file with
    :func:`payment_batch_sepa_write`)."""
    out = io.BytesIO()
    payment_batch_sepa_write(
        out,
        actor=actor,
        fund=fund,
        debtor_name=debtor_name,
        debtor_iban=debtor_iban,
        debtor_bic=debtor_bic,
        execution_date=execution_date,
    )
    return out.getvalue()
