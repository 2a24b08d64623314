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

The chain key rotates by starting a new *segment*: every seal names the key that signed
it (``key_id``, a fingerprint), and the first seal under a new key links to the last seal
under the old one like any other seal. Verification checks each seal with the key it
names, which must be the current key or one of ``AUDIT_CHAIN_OLD_KEYS``; a seal may never
return to the key of an earlier segment.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection

from doorbraak.audit.models import ProcessingLog, ProcessingLogPurge, ProcessingLogSeal
from doorbraak.lib.crypto import key_id

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


def current_key_id() -> str:
    return key_id(settings.AUDIT_CHAIN_KEY)


def chain_keys() -> dict[str, str]:
    """Every configured chain key by its id: the current key first, then the old ones."""
    keys = (settings.AUDIT_CHAIN_KEY, *settings.AUDIT_CHAIN_OLD_KEYS)
    return {key_id(key): key for key in keys}


def _mac(message: str, key: str | None = None) -> str:
    secret = (key if key is not None else settings.AUDIT_CHAIN_KEY).encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _content(record: ProcessingLog) -> str:
    content = {name: _canonical(getattr(record, name)) for name in CHAINED_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_mac(record: ProcessingLog, *, key: str | None = None) -> str:
    """The MAC of a record's own content (records written since sealing exists)."""
    return _mac(_MAC_VERSION + _content(record), key)


def legacy_record_hash(record: ProcessingLog, previous_hash: str, *, key: str | None = None) -> str:
    """The MAC of the older per-row chain: the previous record's MAC and this content."""
    return _mac(previous_hash + _content(record), key)


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
    key_id: str = "",
    key: str | None = None,
) -> str:
    """The HMAC that links a seal to its predecessor and to the records it covers.

    ``key_id`` is signed too (seals made before segments existed have none), so a seal
    cannot be moved to another segment; ``key`` defaults to the current chain key."""
    fields: dict[str, Any] = {
        "first": first_record_id,
        "last": last_record_id,
        "count": record_count,
        "digest": records_digest,
        "sealed_at": _canonical(sealed_at),
    }
    if key_id:
        fields["key"] = key_id
    content = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return _mac("seal:" + previous_seal_hash + content, key)


def purge_hash(
    *,
    previous_purge_hash: str,
    first_record_id: int,
    last_record_id: int,
    record_count: int,
    boundary_seal_hash: str,
    last_record_hash: str,
    older_than: datetime.datetime,
    purged_at: datetime.datetime,
    key_id: str,
    key: str | None = None,
) -> str:
    """The HMAC that signs a purge of the oldest records (``audit/purge.py``) and links it
    to the previous purge and to the seal at its boundary."""
    fields: dict[str, Any] = {
        "first": first_record_id,
        "last": last_record_id,
        "count": record_count,
        "boundary": boundary_seal_hash,
        "last_record": last_record_hash,
        "older_than": _canonical(older_than),
        "purged_at": _canonical(purged_at),
        "key": key_id,
    }
    content = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return _mac("purge:" + previous_purge_hash + content, key)


def purge_signed(purge: ProcessingLogPurge) -> bool:
    """Whether a configured chain key signed the purge as it is stored."""
    key = chain_keys().get(purge.key_id)
    if key is None:
        return False
    expected = purge_hash(
        previous_purge_hash=purge.previous_purge_hash,
        first_record_id=purge.first_record_id,
        last_record_id=purge.last_record_id,
        record_count=purge.record_count,
        boundary_seal_hash=purge.boundary_seal_hash,
        last_record_hash=purge.last_record_hash,
        older_than=purge.older_than,
        purged_at=purge.purged_at,
        key_id=purge.key_id,
        key=key,
    )
    return hmac.compare_digest(expected, purge.purge_hash)


def _seal_hash_of(seal: ProcessingLogSeal, key: str) -> str:
    return seal_hash(
        previous_seal_hash=seal.previous_seal_hash,
        first_record_id=seal.first_record_id,
        last_record_id=seal.last_record_id,
        record_count=seal.record_count,
        records_digest=seal.records_digest,
        sealed_at=seal.sealed_at,
        key_id=seal.key_id,
        key=key,
    )


def signing_key_id(seal: ProcessingLogSeal) -> str | None:
    """The id of the configured key that signed the seal, or None if none did.

    A seal names its key; on a seal made before segments existed each configured key is
    tried."""
    keys = chain_keys()
    candidates = [seal.key_id] if seal.key_id else list(keys)
    for candidate in candidates:
        key = keys.get(candidate)
        if key is not None and hmac.compare_digest(_seal_hash_of(seal, key), seal.seal_hash):
            return candidate
    return None


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    reason: str
    seal_id: int | None = None


@dataclass
class Segment:
    """The consecutive seals signed with one chain key."""

    key_id: str
    first_record_id: int
    last_record_id: int
    seals: int = 1


@dataclass(frozen=True)
class VerificationResult:
    checked: int
    breaks: tuple[ChainBreak, ...]
    sealed: int = 0
    seals: int = 0
    unsealed: int = 0
    oldest_unsealed_at: datetime.datetime | None = None
    last_seal_hash: str = GENESIS_HASH
    segments: tuple[Segment, ...] = ()

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


def _purges() -> list[ProcessingLogPurge]:
    """The purges in id order; none in a database migrated only up to before they existed
    (``audit/0010``), where dropping the table cannot hide a removal: the seals show it."""
    table = ProcessingLogPurge._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return []
    return list(ProcessingLogPurge.objects.order_by("last_record_id"))


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
        self.keys = chain_keys()
        self.current_key_id = current_key_id()
        self.segments: list[Segment] = []
        self.named_key_seen = False
        #: Records up to here were purged at the end of their retention period by a signed
        #: purge: their seals are still checked as a chain, their records no longer.
        self.purged_up_to = 0
        self.legacy_start = GENESIS_HASH
        self._check_purges()
        self._open_next_seal(lower=0)

    def _check_purges(self) -> None:
        seal_hashes = {seal.last_record_id: seal.seal_hash for seal in self.seals}
        previous = GENESIS_HASH
        for purge in _purges():
            if purge.previous_purge_hash != previous:
                self._break(
                    purge.first_record_id,
                    "purge does not follow the previous purge: a purge was removed or inserted",
                )
            elif not purge_signed(purge):
                self._break(
                    purge.first_record_id, "purge does not match its signature: it was changed"
                )
            elif seal_hashes.get(purge.last_record_id) != purge.boundary_seal_hash:
                self._break(
                    purge.first_record_id,
                    "purge does not end at the seal it names: a seal was changed or removed",
                )
            else:
                self.purged_up_to = purge.last_record_id
                self.legacy_start = purge.last_record_hash or GENESIS_HASH
            previous = purge.purge_hash

    @property
    def record_key_id(self) -> str:
        """The key a record is expected under: its seal's segment's, else the current key."""
        if self.open is not None and self.segments:
            return self.segments[-1].key_id
        return self.current_key_id

    def record_matches(self, compute: Callable[..., str], stored: str) -> bool:
        """Whether a record's MAC is right under its segment's key or another configured key.

        Processes that still run with the old key write records after a rotation; what
        binds a record to its segment is the seal that covers it."""
        preferred = self.record_key_id
        ordered = [preferred, *(k for k in self.keys if k != preferred)]
        keys = [self.keys[k] for k in ordered if k in self.keys]
        return any(hmac.compare_digest(compute(key=key), stored) for key in keys)

    def _enter_segment(self, seal: ProcessingLogSeal, signer: str) -> None:
        current = self.segments[-1] if self.segments else None
        if current is not None and current.key_id == signer:
            current.seals += 1
            current.last_record_id = seal.last_record_id
            return
        if any(segment.key_id == signer for segment in self.segments):
            self._break(
                seal.first_record_id,
                "seal returns to the chain key of an earlier segment: a retired key was used",
                seal.pk,
            )
        self.segments.append(Segment(signer, seal.first_record_id, seal.last_record_id))

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
        signer = signing_key_id(seal)
        if seal.previous_seal_hash != self.previous_seal_hash:
            self._break(
                seal.first_record_id,
                "seal does not follow the previous seal: a seal was removed or inserted",
                seal.pk,
            )
        elif seal.key_id and seal.key_id not in self.keys:
            self._break(
                seal.first_record_id,
                f"seal is signed with chain key {seal.key_id}, which is not configured: add it "
                "to DOORBRAAK_AUDIT_CHAIN_OLD_KEYS to verify its segment",
                seal.pk,
            )
        elif signer is None:
            reason = "seal does not match its signature: it was changed"
            if not seal.key_id:
                reason += " (or its chain key is missing from DOORBRAAK_AUDIT_CHAIN_OLD_KEYS)"
            self._break(seal.first_record_id, reason, seal.pk)
        elif not seal.key_id and self.named_key_seen:
            self._break(
                seal.first_record_id,
                "seal names no chain key, yet follows seals that do: it was inserted",
                seal.pk,
            )
        self.named_key_seen = self.named_key_seen or bool(seal.key_id)
        # A seal that cannot be checked still counts under the key it names, so its
        # successors are checked against their own segment.
        self._enter_segment(seal, signer or seal.key_id or self.current_key_id)
        self.previous_seal_hash = seal.seal_hash
        self.open = _OpenSeal(seal=seal, lower=lower)

    def _close_open_seal(self) -> None:
        assert self.open is not None
        current = self.open
        seal = current.seal
        purged = seal.last_record_id <= self.purged_up_to and current.count == 0
        if not purged and (
            current.count != seal.record_count or current.digest.hexdigest() != seal.records_digest
        ):
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
    legacy_previous = verifier.legacy_start
    checked = 0
    for record in _records():
        checked += 1
        # Feed first: it moves to the seal covering this record, whose key is expected.
        verifier.feed(record)
        if record.previous_hash:
            previous = legacy_previous
            if record.previous_hash != previous:
                verifier._break(
                    record.pk, "previous hash does not match: a record was removed or inserted"
                )
            elif not verifier.record_matches(
                partial(legacy_record_hash, record, previous), record.record_hash
            ):
                verifier._break(
                    record.pk, "content does not match its hash: the record was changed"
                )
            # Continue from the stored hash so one changed row is reported once.
            legacy_previous = record.record_hash
        elif not verifier.record_matches(partial(record_mac, record), record.record_hash):
            verifier._break(record.pk, "content does not match its hash: the record was changed")
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
        segments=tuple(verifier.segments),
    )


def content_mac(values: dict[str, Any], *, key: str | None = None) -> str:
    """``record_mac`` from the field values themselves (every name of ``CHAINED_FIELDS``).

    For bulk writers that build rows without model instances (``seed_scale``): the same
    canonical content, so ``verify_processing_log`` checks these rows like any other.
    """
    content = {name: _canonical(values[name]) for name in CHAINED_FIELDS}
    message = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _mac(_MAC_VERSION + message, key)
