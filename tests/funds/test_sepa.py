"""The streaming SEPA writer (``funds.services.sepa``): the same bytes as ``sepaxml`` for
the same input, checked against the pain.001.001.03 schema in chunks, and memory that
does not grow with the transfers."""

from __future__ import annotations

import datetime
import gc
import io
import re
import tracemalloc
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from sepaxml import SepaTransfer

from doorbraak.funds.services import batches, sepa

DAY = datetime.date(2026, 12, 8)
DEBTOR = sepa.Debtor(name="Gemeente Noörd & Zonen", iban="NL02ABNA0123456789")


def transfers(count: int, *, start: int = 0) -> Iterator[sepa.Transfer]:
    for number in range(start, start + count):
        yield sepa.Transfer(
            end_to_end_id=f"VEP-7-{number}",
            name=f"Woonstichting Noord <{number}> & Zoon — Müller" + "x" * (number % 3) * 30,
            iban="NL91ABNA0417164300",
            amount_cents=(number * 37) % 5000 + 1,
            description=f"Potje Noord {number}: huurachterstand ’s-Hertogenbosch"
            + "é" * (number % 4) * 40,
        )


def with_sepaxml(debtor: sepa.Debtor, items: list[sepa.Transfer]) -> bytes:
    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": debtor.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    reference = SepaTransfer(config, clean=True)
    for t in items:
        reference.add_payment(
            {
                "name": t.name,
                "IBAN": t.iban,
                "amount": t.amount_cents,
                "execution_date": DAY,
                "description": t.description,
                "endtoend_id": t.end_to_end_id,
            }
        )
    return bytes(reference.export(validate=True))


def _field(xml: bytes, tag: str) -> str:
    found = re.search(rf"<{tag}>(.*?)</{tag}>".encode(), xml)
    assert found is not None
    return found.group(1).decode()


@pytest.mark.parametrize("bic", ["", "ABNANL2A"])
def test_it_writes_the_same_bytes_as_sepaxml(bic: str) -> None:
    """Transliterated names and descriptions cut to 70 and 140 characters, escaped
    ``&`` and ``<``, amounts below a euro, with and without the debtor's BIC: byte for
    byte what ``sepaxml`` writes, given its message id, payment id and creation time."""
    debtor = sepa.Debtor(name=DEBTOR.name, iban=DEBTOR.iban, bic=bic)
    items = list(transfers(12))
    reference = with_sepaxml(debtor, items)
    out = io.BytesIO()
    totals = sepa.write(
        out,
        iter(items),
        debtor=debtor,
        execution_date=DAY,
        created_at=datetime.datetime.fromisoformat(_field(reference, "CreDtTm")),
        message_id=_field(reference, "MsgId"),
        payment_id=_field(reference, "PmtInfId"),
    )
    assert out.getvalue() == reference
    assert totals == sepa.Totals(count=12, total_cents=sum(t.amount_cents for t in items))


def test_the_file_matches_the_schema_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sepa, "CHUNK", 5)
    out = io.BytesIO()
    sepa.write(
        out, transfers(23), debtor=DEBTOR, execution_date=DAY, created_at=datetime.datetime.now()
    )
    sepa.check_document(out.getvalue())  # the whole file, at once
    assert out.getvalue().count(b"<CdtTrfTxInf>") == 23
    assert _field(out.getvalue(), "NbOfTxs") == "23"


def test_a_transfer_outside_the_schema_fails_the_file_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sepa, "CHUNK", 5)
    too_long = sepa.Transfer(
        end_to_end_id="VEP-" + "9" * 40,  # the schema allows 35 characters
        name="Woonstichting",
        iban="NL91ABNA0417164300",
        amount_cents=100,
        description="huur",
    )
    out = io.BytesIO()
    with pytest.raises(sepa.InvalidFile):
        sepa.write(
            out,
            [*transfers(7), too_long],
            debtor=DEBTOR,
            execution_date=DAY,
            created_at=datetime.datetime.now(),
        )
    assert out.getvalue() == b""


def test_an_empty_batch_is_refused() -> None:
    out = io.BytesIO()
    with pytest.raises(sepa.EmptyBatch):
        sepa.write(out, [], debtor=DEBTOR, execution_date=DAY, created_at=datetime.datetime.now())
    assert out.getvalue() == b""


def test_the_debtor_account_is_checked_with_stdnum() -> None:
    debtor = batches.sepa_debtor_check(
        debtor_name=" Gemeente Noord ", debtor_iban="nl02 abna 0123 4567 89", debtor_bic="abnanl2a"
    )
    assert debtor == sepa.Debtor("Gemeente Noord", "NL02ABNA0123456789", "ABNANL2A")
    with pytest.raises(ValidationError) as refused:
        batches.sepa_debtor_check(
            debtor_name="", debtor_iban="NL02ABNA0123456788", debtor_bic="ABNANL"
        )
    assert set(refused.value.message_dict) == {"debtor_name", "debtor_iban", "debtor_bic"}


def _peak(count: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        with open("/dev/null", "wb") as out:
            sepa.write(
                out,
                transfers(count),
                debtor=DEBTOR,
                execution_date=DAY,
                created_at=datetime.datetime.now(),
                validate=False,
            )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writer_memory_does_not_grow_with_the_transfers() -> None:
    """tracemalloc's peak at 5,000 and 20,000 transfers: the transfers go to a scratch
    file as they come, so the peak is that of one chunk (a few hundred KB), not the file."""
    at_5k = _peak(5_000)
    at_20k = _peak(20_000)
    assert at_20k < at_5k * 1.1 + 64 * 1024, (at_5k, at_20k)
    assert at_20k < 2 * 1024 * 1024, at_20k


def test_the_schema_check_holds_one_chunk_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the check on, the peak is that of one chunk's document and tree: the same at
    4 chunks as at 16 (the schema itself is loaded before measuring)."""
    monkeypatch.setattr(sepa, "CHUNK", 50)
    sepa.schema()

    def peak(count: int) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            with open("/dev/null", "wb") as out:
                sepa.write(
                    out,
                    transfers(count),
                    debtor=DEBTOR,
                    execution_date=DAY,
                    created_at=datetime.datetime.now(),
                )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(50)  # the first check compiles the schema's patterns: not measured
    at_4 = peak(200)
    at_16 = peak(800)
    assert at_16 < at_4 * 1.2, (at_4, at_16)
