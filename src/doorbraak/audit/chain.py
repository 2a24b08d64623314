"""The HMAC chain over the processing log: how a record's hash is computed and checked."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from doorbraak.audit.models import ProcessingLog

GENESIS_HASH = "0" * 64

#: The fields a record's hash covers, in a fixed order. Adding a field here breaks the
#: verification of older rows, so a new field needs a versioned hash, not an edit.
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


def record_hash(record: ProcessingLog, previous_hash: str) -> str:
    """HMAC-SHA256 over the previous hash and the record's canonical content."""
    content = {name: _canonical(getattr(record, name)) for name in CHAINED_FIELDS}
    message = previous_hash + json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    reason: str


@dataclass(frozen=True)
class VerificationResult:
    checked: int
    breaks: tuple[ChainBreak, ...]

    @property
    def intact(self) -> bool:
        return not self.breaks


def _records() -> Iterator[ProcessingLog]:
    return ProcessingLog.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain(*, max_breaks: int = 20) -> VerificationResult:
    """Recompute every hash in order; report where the chain does not hold."""
    previous = GENESIS_HASH
    checked = 0
    breaks: list[ChainBreak] = []
    for record in _records():
        checked += 1
        if record.previous_hash != previous:
            breaks.append(
                ChainBreak(
                    record.pk, "previous hash does not match: a record was removed or inserted"
                )
            )
        elif not hmac.compare_digest(record_hash(record, previous), record.record_hash):
            breaks.append(
                ChainBreak(record.pk, "content does not match its hash: the record was changed")
            )
        if len(breaks) >= max_breaks:
            break
        # Continue from the stored hash so one changed row is reported once, not forever.
        previous = record.record_hash
    return VerificationResult(checked=checked, breaks=tuple(breaks))
