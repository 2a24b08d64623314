"""Tamper evidence of the processing log: record MACs, seals and their verification.

Two kinds of proof, see docs/adr/0001-processing-log-sealing.md:

* every record carries ``record_hash``, a keyed MAC (HMAC-SHA256) of its own content,
  written with the record in the request's single INSERT: no lock, no read of other rows;
* the sealer chains the committed records, in id order, into ``ProcessingLogSeal``
  checkpoints (``doorbraak.audit.sealing``): a seal covers the ids after the previous
  seal up to its own ``last_record_id`` and holds a digest of their (id, MAC) pairs and
  the HMAC of the previous seal.

Records written before sealing existed carry the older per-row chain: their MAC covers
``previous_hash`` too, and ``previous_hash`` must equal the previous such record's MAC.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from doorbraak.audit.models import ProcessingLog, ProcessingLogSeal

GENESIS_HASH = "0" * 64
_MAC_VERSION = "v2"

#: The fields a record's MAC covers, in a fixed order. Adding a field here breaks the
#: verification of older rows, so a new field needs a versioned MAC, not an edit.
CHAINED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_organisation",
    "municipality_id",
    "action",
    "object_type",
    "object_id",
    "subject_pseudonym",
    "activity",
    "purpose",
    "legal_basis",
    "request_id",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def _mac(message: str) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _content(record: ProcessingLog) -> str:
    content = {name: _canonical(getattr(record, name)) for name in CHAINED_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_mac(record: ProcessingLog) -> str:
    """The MAC of a record's own content (records written since sealing exists)."""
    return _mac(_MAC_VERSION + _content(record))


def legacy_record_hash(record: ProcessingLog, previous_hash: str) -> str:
    """The MAC of the older per-row chain: the previous record's MAC and this content."""
    return _mac(previous_hash + _content(record))


def records_digest(pairs: Iterator[tuple[int, str]] | list[tuple[int, str]]) -> tuple[str, int]:
    """SHA-256 over the ``id:mac`` lines of the records in a seal, and their number."""
    digest = hashlib.sha256()
    count = 0
    for record_id, mac in pairs:
        digest.update(f"{record_id}:{mac}\n".encode())
        count += 1
    return digest.hexdigest(), count


def seal_hash(
    *,
    previous_seal_hash: str,
    first_record_id: int,
    last_record_id: int,
    record_count: int,
    records_digest: str,
    sealed_at: datetime.datetime,
) -> str:
    """The HMAC that links a seal to its predecessor and to the records it covers."""
    content = json.dumps(
        {
            "first": first_record_id,
            "last": last_record_id,
            "count": record_count,
            "digest": records_digest,
            "sealed_at": _canonical(sealed_at),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return _mac("seal:" + previous_seal_hash + content)


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    reason: str
    seal_id: int | None = None


@dataclass(frozen=True)
class VerificationResult:
    checked: int
    breaks: tuple[ChainBreak, ...]
    sealed: int = 0
    seals: int = 0
    unsealed: int = 0
    oldest_unsealed_at: datetime.datetime | None = None
    last_seal_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass
class _OpenSeal:
    seal: ProcessingLogSeal
    lower: int  # exclusive
    digest: Any = field(default_factory=hashlib.sha256)
    count: int = 0
    first_id: int | None = None


def _records() -> Iterator[ProcessingLog]:
    return ProcessingLog.objects.order_by("id").iterator(chunk_size=2000)


class _Verifier:
    def __init__(self, max_breaks: int) -> None:
        self.max_breaks = max_breaks
        self.breaks: list[ChainBreak] = []
        self.seals = list(ProcessingLogSeal.objects.order_by("last_record_id"))
        self.seal_index = 0
        self.previous_seal_hash = GENESIS_HASH
        self.open: _OpenSeal | None = None
        self.sealed = 0
        self.unsealed = 0
        self.oldest_unsealed_at: datetime.datetime | None = None
        self._open_next_seal(lower=0)

    @property
    def full(self) -> bool:
        return len(self.breaks) >= self.max_breaks

    def _break(self, record_id: int, reason: str, seal_id: int | None = None) -> None:
        if not self.full:
            self.breaks.append(ChainBreak(record_id, reason, seal_id))

    def _open_next_seal(self, *, lower: int) -> None:
        if self.seal_index >= len(self.seals):
            self.open = None
            return
        seal = self.seals[self.seal_index]
        self.seal_index += 1
        expected = seal_hash(
            previous_seal_hash=seal.previous_seal_hash,
            first_record_id=seal.first_record_id,
            last_record_id=seal.last_record_id,
            record_count=seal.record_count,
            records_digest=seal.records_digest,
            sealed_at=seal.sealed_at,
        )
        if seal.previous_seal_hash != self.previous_seal_hash:
            self._break(
                seal.first_record_id,
                "seal does not follow the previous seal: a seal was removed or inserted",
                seal.pk,
            )
        elif not hmac.compare_digest(expected, seal.seal_hash):
            self._break(
                seal.first_record_id, "seal does not match its signature: it was changed", seal.pk
            )
        self.previous_seal_hash = seal.seal_hash
        self.open = _OpenSeal(seal=seal, lower=lower)

    def _close_open_seal(self) -> None:
        assert self.open is not None
        current = self.open
        seal = current.seal
        if current.count != seal.record_count or current.digest.hexdigest() != seal.records_digest:
            self._break(
                current.first_id or seal.first_record_id,
                f"records {current.lower + 1}–{seal.last_record_id} do not match their seal "
                f"({current.count} found, {seal.record_count} sealed): "
                "a sealed record was removed, inserted or changed",
                seal.pk,
            )
        self.sealed += current.count
        self._open_next_seal(lower=seal.last_record_id)

    def feed(self, record: ProcessingLog) -> None:
        while self.open is not None and record.pk > self.open.seal.last_record_id:
            self._close_open_seal()
        if self.open is None:
            self.unsealed += 1
            if self.oldest_unsealed_at is None or record.occurred_at < self.oldest_unsealed_at:
                self.oldest_unsealed_at = record.occurred_at
            return
        self.open.digest.update(f"{record.pk}:{record.record_hash}\n".encode())
        self.open.count += 1
        if self.open.first_id is None:
            self.open.first_id = record.pk

    def finish(self) -> None:
        while self.open is not None:
            self._close_open_seal()


def verify_chain(*, max_breaks: int = 20) -> VerificationResult:
    """Check every record's MAC, the older per-row chain and every seal, in id order.

    Reports the unsealed tail (records newer than the last seal) separately: their
    content is checked by their MAC, but a removal among them cannot be seen until they
    are sealed.
    """
    verifier = _Verifier(max_breaks)
    legacy_previous = GENESIS_HASH
    checked = 0
    for record in _records():
        checked += 1
        if record.previous_hash:
            if record.previous_hash != legacy_previous:
                verifier._break(
                    record.pk, "previous hash does not match: a record was removed or inserted"
                )
            elif not hmac.compare_digest(
                legacy_record_hash(record, legacy_previous), record.record_hash
            ):
                verifier._break(
                    record.pk, "content does not match its hash: the record was changed"
                )
            # Continue from the stored hash so one changed row is reported once.
            legacy_previous = record.record_hash
        elif not hmac.compare_digest(record_mac(record), record.record_hash):
            verifier._break(record.pk, "content does not match its hash: the record was changed")
        verifier.feed(record)
        if verifier.full:
            break
    if not verifier.full:
        verifier.finish()
    return VerificationResult(
        checked=checked,
        breaks=tuple(verifier.breaks),
        sealed=verifier.sealed,
        seals=len(verifier.seals),
        unsealed=verifier.unsealed,
        oldest_unsealed_at=verifier.oldest_unsealed_at,
        last_seal_hash=verifier.previous_seal_hash,
    )
