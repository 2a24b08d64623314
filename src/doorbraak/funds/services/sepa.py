"""A SEPA credit-transfer file (ISO 20022 ``pain.001.001.03``), written transfer by transfer.

The file is what the bank imports to pay the approved requests of a fund. It is written
from an iterator of :class:`Transfer` in constant memory: each transfer's
``<CdtTrfTxInf>`` goes to a scratch file as it comes, and only when the last one is in
are the group header and the payment information (which carry the number of transfers
and their sum *before* the transfers) written, followed by the scratch file copied in
blocks. Nothing ever holds more than one transfer.

The bytes are the same as ``sepaxml``'s ``SepaTransfer(…, clean=True)`` in batch mode
with one execution date, for the same input and the same message id, payment
information id and creation time (``tests/funds/test_sepa.py`` compares them): names and
descriptions transliterated to ASCII (``text_unidecode``) and cut to 70 and 140
characters, ``&``, ``<`` and ``>`` escaped, amounts with a decimal point.

The file is checked against the ``pain.001.001.03`` schema (the XSD that ``sepaxml``
ships) in chunks of :data:`CHUNK` transfers, each as a document of its own with the
file's header: checking the whole file at once would hold its tree in memory, and
``xmlschema``'s lazy mode both grows and takes ten times as long (measured).

Model-free: the fund's rules (who may export, which requests, the processing log) are in
``funds.services.batches``.
"""

from __future__ import annotations

import datetime
import gc
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import IO, Any
from xml.sax.saxutils import escape

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CURRENCY = "EUR"

#: The lengths the schema allows (Max70Text, Max140Text) that a name and a description
#: are cut to, after transliteration.
NAME_LENGTH = 70
DESCRIPTION_LENGTH = 140

#: Transfers checked against the schema at a time: xmlschema takes about as long per
#: transfer for a chunk of 1,000 as for one of 100 (0.6 ms), a chunk's document and tree
#: are a few MB, and each check ends with a full garbage collection (see check_document).
CHUNK = 1000
#: Bytes copied at a time from the scratch file into the file.
COPY_BLOCK = 64 * 1024


@dataclass(frozen=True)
class Debtor:
    """The paying account: the municipality's (already checked: ``sepa_debtor_check``)."""

    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    """One payment to one creditor; ``amount_cents`` is positive."""

    end_to_end_id: str
    name: str
    iban: str
    amount_cents: int
    description: str


@dataclass(frozen=True)
class Totals:
    """What the file holds: the number of transfers and their sum."""

    count: int
    total_cents: int


class EmptyBatch(ValueError):
    """No transfer came: a pain.001 file needs at least one."""


class InvalidFile(ValueError):
    """The written file does not match the pain.001.001.03 schema."""


def clean(text: str, length: int) -> str:
    """``text`` in ASCII (the SEPA character set is a Latin subset), cut to ``length``."""
    from text_unidecode import unidecode

    return str(unidecode(text))[:length]


def amount(cents: int) -> str:
    """Cents as the schema's decimal: ``1005`` → ``10.05``, ``5`` → ``0.05``."""
    return f"{cents // 100}.{cents % 100:02d}"


def new_message_id(now: datetime.datetime) -> str:
    """A new message id (at most 35 characters): the time and 12 random hex digits."""
    return f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(6)}"


def new_payment_information_id(debtor_name: str) -> str:
    """A new payment information id: the debtor's letters and digits and a random part."""
    return f"{re.sub(r'[^a-zA-Z0-9]', '', debtor_name)[:22]}-{secrets.token_hex(6)}"


def _text(value: str) -> str:
    return escape(value)


def transfer_xml(transfer: Transfer) -> bytes:
    """One ``<CdtTrfTxInf>`` element (no creditor agent: an IBAN-only transfer)."""
    return (
        "<CdtTrfTxInf>"
        f"<PmtId><EndToEndId>{_text(transfer.end_to_end_id)}</EndToEndId></PmtId>"
        f'<Amt><InstdAmt Ccy="{CURRENCY}">{amount(transfer.amount_cents)}</InstdAmt></Amt>'
        f"<Cdtr><Nm>{_text(clean(transfer.name, NAME_LENGTH))}</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{_text(transfer.iban)}</IBAN></Id></CdtrAcct>"
        f"<RmtInf><Ustrd>{_text(clean(transfer.description, DESCRIPTION_LENGTH))}</Ustrd>"
        "</RmtInf></CdtTrfTxInf>"
    ).encode()


def _head(
    *,
    debtor: Debtor,
    totals: Totals,
    execution_date: datetime.date,
    created_at: datetime.datetime,
    message_id: str,
    payment_id: str,
) -> bytes:
    name = _text(clean(debtor.name, NAME_LENGTH))
    count = str(totals.count)
    total = amount(totals.total_cents)
    agent = (
        f"<FinInstnId><BIC>{_text(debtor.bic)}</BIC></FinInstnId>"
        if debtor.bic
        else ("<FinInstnId />")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="{NAMESPACE}" xmlns:xsi="{XSI}"><CstmrCdtTrfInitn>'
        f"<GrpHdr><MsgId>{_text(message_id)}</MsgId>"
        f"<CreDtTm>{created_at:%Y-%m-%dT%H:%M:%S}</CreDtTm>"
        f"<NbOfTxs>{count}</NbOfTxs><CtrlSum>{total}</CtrlSum>"
        f"<InitgPty><Nm>{name}</Nm></InitgPty></GrpHdr>"
        f"<PmtInf><PmtInfId>{_text(payment_id)}</PmtInfId><PmtMtd>TRF</PmtMtd>"
        f"<BtchBookg>true</BtchBookg><NbOfTxs>{count}</NbOfTxs><CtrlSum>{total}</CtrlSum>"
        "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>"
        f"<ReqdExctnDt>{execution_date.isoformat()}</ReqdExctnDt>"
        f"<Dbtr><Nm>{name}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{_text(debtor.iban)}</IBAN></Id></DbtrAcct>"
        f"<DbtrAgt>{agent}</DbtrAgt><ChrgBr>SLEV</ChrgBr>"
    ).encode()


_TAIL = b"</PmtInf></CstmrCdtTrfInitn></Document>"


def write(
    out: IO[bytes],
    transfers: Iterable[Transfer],
    *,
    debtor: Debtor,
    execution_date: datetime.date,
    created_at: datetime.datetime,
    message_id: str | None = None,
    payment_id: str | None = None,
    scratch_dir: str | None = None,
    validate: bool = True,
) -> Totals:
    """Write the credit-transfer file of ``transfers`` into ``out``; what it holds.

    One payment information block (batch booking) with one execution date. The
    transfers are read once and written to a scratch file in ``scratch_dir``
    :data:`CHUNK` at a time; with ``validate`` each chunk is first checked against the
    schema as a document of its own (the group header and payment information as the
    file will have them, with the chunk's count and sum): ``InvalidFile`` on the first
    error. ``EmptyBatch`` when no transfer came. Nothing is written to ``out`` until
    every transfer has been read and checked. ``message_id`` and ``payment_id`` are new
    random ids unless given (the comparison with ``sepaxml`` gives them).
    """
    message_id = message_id or new_message_id(created_at)
    payment_id = payment_id or new_payment_information_id(clean(debtor.name, NAME_LENGTH))

    def head(totals: Totals) -> bytes:
        return _head(
            debtor=debtor,
            totals=totals,
            execution_date=execution_date,
            created_at=created_at,
            message_id=message_id,
            payment_id=payment_id,
        )

    count = 0
    total = 0
    chunk: list[bytes] = []
    chunk_total = 0
    with tempfile.TemporaryFile(dir=scratch_dir) as body:

        def flush() -> None:
            nonlocal chunk_total
            if validate:
                check_document(
                    head(Totals(count=len(chunk), total_cents=chunk_total))
                    + b"".join(chunk)
                    + _TAIL
                )
            body.writelines(chunk)
            chunk.clear()
            chunk_total = 0

        for transfer in transfers:
            if transfer.amount_cents <= 0:
                raise ValueError("A transfer's amount is positive.")
            chunk.append(transfer_xml(transfer))
            chunk_total += transfer.amount_cents
            count += 1
            total += transfer.amount_cents
            if len(chunk) >= CHUNK:
                flush()
        if not count:
            raise EmptyBatch
        if chunk:
            flush()
        out.write(head(Totals(count=count, total_cents=total)))
        body.seek(0)
        shutil.copyfileobj(body, out, COPY_BLOCK)
    out.write(_TAIL)
    return Totals(count=count, total_cents=total)


def schema_path() -> str:
    """The pain.001.001.03 XSD as ``sepaxml`` ships it."""
    import sepaxml

    return os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{SCHEMA}.xsd")


@cache
def schema() -> Any:
    """The schema, loaded once a process (xmlschema takes a moment to build it)."""
    import xmlschema

    return xmlschema.XMLSchema(schema_path())


def check_document(document: bytes) -> None:
    """Check a whole (small) document against the schema; ``InvalidFile`` with the first
    error otherwise."""
    import xmlschema

    try:
        resource = xmlschema.XMLResource(document)  # xmlschema's parser: defused
    except xmlschema.XMLResourceError as error:
        raise InvalidFile(str(error)[:500]) from error
    first = next(schema().iter_errors(resource), None)
    # xmlschema's validation leaves reference cycles (its model visitors) behind, a few
    # hundred bytes a transfer, that only a full collection frees; in a process with
    # Django loaded that runs rarely, and the garbage would grow with the file (measured:
    # 150 bytes a transfer). One full collection a chunk (about 80 ms) keeps it flat.
    gc.collect()
    if first is not None:
        raise InvalidFile(str(first.reason or first.message)[:500])
