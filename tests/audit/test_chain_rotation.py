"""Rotating the chain key: a new, linked segment of seals per key; every segment verified
with its own key; tampering in old and new segments and a cut between them detected.
See docs/adr/0001-processing-log-sealing.md, "Key rotation: segments"."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from doorbraak.audit.chain import (
    GENESIS_HASH,
    record_mac,
    records_digest,
    seal_hash,
    verify_chain,
)
from doorbraak.audit.models import ProcessingLog, ProcessingLogSeal
from doorbraak.audit.sealing import ChainKeyError, seal_processing_log
from doorbraak.lib.crypto import key_id
from tests.audit.test_processing_log import record, tamper
from tests.audit.test_sealing import tamper_seal
from tests.conftest import Cast

OLD = "the-chain-key-of-the-first-segment-0123456789"
NEW = "the-chain-key-of-the-second-segment-987654321"


@pytest.fixture
def chain(settings: Any) -> Any:
    settings.AUDIT_CHAIN_KEY = OLD
    settings.AUDIT_CHAIN_OLD_KEYS = []
    return settings


def rotate(settings: Any) -> None:
    settings.AUDIT_CHAIN_KEY = NEW
    settings.AUDIT_CHAIN_OLD_KEYS = [OLD]


def two_segments(cast: Cast, settings: Any) -> tuple[list[ProcessingLog], list[ProcessingLog]]:
    """Two seals under the old key, then two under the new one."""
    before = record(cast, subjects=["p-1", "p-2", "p-3", "p-4"])
    seal_processing_log(batch_size=2)
    rotate(settings)
    after = record(cast, subjects=["p-5", "p-6", "p-7", "p-8"])
    seal_processing_log(batch_size=2)
    return before, after


def seals() -> list[ProcessingLogSeal]:
    return list(ProcessingLogSeal.objects.order_by("last_record_id"))


def test_a_new_chain_key_starts_a_segment_linked_to_the_last_seal_of_the_old_one(
    cast: Cast, chain: Any
) -> None:
    record(cast, subjects=["p-1", "p-2"])
    seal_processing_log()
    # Records written after the switch by a process not yet restarted carry the old key.
    late = record(cast, subjects=["p-3"])
    rotate(chain)
    record(cast, subjects=["p-4"])
    outcome = seal_processing_log()
    assert outcome.new_segment
    first, second = seals()
    assert (first.key_id, second.key_id) == (key_id(OLD), key_id(NEW))
    assert second.previous_seal_hash == first.seal_hash
    assert late[0].record_hash == record_mac(late[0], key=OLD)
    result = verify_chain()
    assert result.intact, result.breaks
    assert [(s.key_id, s.seals, s.first_record_id) for s in result.segments] == [
        (key_id(OLD), 1, first.first_record_id),
        (key_id(NEW), 1, second.first_record_id),
    ]
    assert len(first.key_id) == 16  # a fingerprint, never the key
    out = StringIO()
    call_command("verify_processing_log", stdout=out, stderr=StringIO())
    assert "2 chain segments, each under its own key:" in out.getvalue()
    assert f"2. chain key {key_id(NEW)}: 1 seal(s)" in out.getvalue()


def test_the_seal_command_says_it_started_a_segment(cast: Cast, chain: Any) -> None:
    record(cast)
    seal_processing_log()
    rotate(chain)
    record(cast)
    out = StringIO()
    call_command("seal_processing_log", stdout=out)
    assert f"Started a new chain segment with chain key {key_id(NEW)}" in out.getvalue()
    record(cast)
    out = StringIO()
    call_command("seal_processing_log", stdout=out)
    assert "Started a new chain segment" not in out.getvalue()


def test_without_the_old_key_the_old_segment_cannot_be_verified(cast: Cast, chain: Any) -> None:
    two_segments(cast, chain)
    chain.AUDIT_CHAIN_OLD_KEYS = []
    breaks = verify_chain().breaks
    assert any(
        f"chain key {key_id(OLD)}, which is not configured" in b.reason
        and "DOORBRAAK_AUDIT_CHAIN_OLD_KEYS" in b.reason
        for b in breaks
    )


def test_a_changed_record_is_detected_in_the_old_and_in_the_new_segment(
    cast: Cast, chain: Any
) -> None:
    before, after = two_segments(cast, chain)
    for row in (before[1], after[2]):
        tamper(
            "UPDATE audit_processinglog SET subject_pseudonym = %s WHERE id = %s", ["p-x", row.pk]
        )
    breaks = verify_chain().breaks
    assert [b.record_id for b in breaks if "changed" in b.reason] == [before[1].pk, after[2].pk]


def test_the_retired_key_cannot_rewrite_the_old_segment(cast: Cast, chain: Any) -> None:
    """Whoever holds the old key (say it leaked) rewrites a record, its MAC and every old
    seal: the first seal of the new segment, signed with the new key, still points at the
    old last seal."""
    before, _after = two_segments(cast, chain)
    forged = before[3]
    forged.subject_pseudonym = "p-forged"
    tamper(
        "UPDATE audit_processinglog SET subject_pseudonym = %s, record_hash = %s WHERE id = %s",
        ["p-forged", record_mac(forged, key=OLD), forged.pk],
    )
    first, second, third, _fourth = seals()
    rows = ProcessingLog.objects.filter(id__gt=first.last_record_id, id__lte=second.last_record_id)
    digest, count = records_digest([(r.pk, r.record_hash) for r in rows.order_by("id")])
    resigned = seal_hash(
        previous_seal_hash=second.previous_seal_hash,
        first_record_id=second.first_record_id,
        last_record_id=second.last_record_id,
        record_count=count,
        records_digest=digest,
        sealed_at=second.sealed_at,
        key_id=second.key_id,
        key=OLD,
    )
    tamper_seal(
        "UPDATE audit_processinglogseal SET records_digest = %s, seal_hash = %s WHERE id = %s",
        [digest, resigned, second.pk],
    )
    breaks = verify_chain().breaks
    assert [(b.seal_id, b.reason) for b in breaks] == [
        (third.pk, "seal does not follow the previous seal: a seal was removed or inserted")
    ]


def test_a_changed_seal_is_detected_in_either_segment(cast: Cast, chain: Any) -> None:
    two_segments(cast, chain)
    first, _second, third, _fourth = seals()
    for seal in (first, third):
        tamper_seal("UPDATE audit_processinglogseal SET record_count = 9 WHERE id = %s", [seal.pk])
    signature_breaks = [b.seal_id for b in verify_chain().breaks if "signature" in b.reason]
    assert signature_breaks == [first.pk, third.pk]


@pytest.mark.parametrize("removed", ["last of the old segment", "first of the new segment"])
def test_a_cut_between_the_segments_is_detected(cast: Cast, chain: Any, removed: str) -> None:
    two_segments(cast, chain)
    _first, second, third, fourth = seals()
    gone, follower = (second, third) if removed == "last of the old segment" else (third, fourth)
    tamper(
        "DELETE FROM audit_processinglog WHERE id > %s AND id <= %s",
        [
            gone.first_record_id - 1,
            gone.last_record_id,
        ],
    )
    tamper_seal("DELETE FROM audit_processinglogseal WHERE id = %s", [gone.pk])
    breaks = verify_chain().breaks
    assert any(
        b.seal_id == follower.pk and "seal was removed or inserted" in b.reason for b in breaks
    )


def test_a_segment_cannot_go_back_to_a_retired_key(cast: Cast, chain: Any) -> None:
    two_segments(cast, chain)
    # A sealer still running with the old key, not knowing the new one, refuses to go on.
    chain.AUDIT_CHAIN_KEY, chain.AUDIT_CHAIN_OLD_KEYS = OLD, []
    record(cast)
    with pytest.raises(ChainKeyError, match="outdated DOORBRAAK_AUDIT_CHAIN_KEY"):
        seal_processing_log()
    with pytest.raises(CommandError, match="which this process does not know"):
        call_command("seal_processing_log", stdout=StringIO())
    # Someone holding the old key appends a seal under it after the new segment.
    rotate(chain)
    last = seals()[-1]
    rows = list(ProcessingLog.objects.filter(id__gt=last.last_record_id).order_by("id"))
    digest, count = records_digest([(r.pk, r.record_hash) for r in rows])
    forged = ProcessingLogSeal(
        sealed_at=timezone.now(),
        first_record_id=rows[0].pk,
        last_record_id=rows[-1].pk,
        record_count=count,
        records_digest=digest,
        previous_seal_hash=last.seal_hash,
        key_id=key_id(OLD),
    )
    forged.seal_hash = seal_hash(
        previous_seal_hash=last.seal_hash,
        first_record_id=forged.first_record_id,
        last_record_id=forged.last_record_id,
        record_count=count,
        records_digest=digest,
        sealed_at=forged.sealed_at,
        key_id=forged.key_id,
        key=OLD,
    )
    forged.save()
    assert [b.reason for b in verify_chain().breaks] == [
        "seal returns to the chain key of an earlier segment: a retired key was used"
    ]


def test_seals_made_before_segments_existed_verify_and_form_the_first_segment(
    cast: Cast, chain: Any
) -> None:
    rows = record(cast, subjects=["p-1", "p-2"])
    digest, count = records_digest([(r.pk, r.record_hash) for r in rows])
    legacy = ProcessingLogSeal(
        sealed_at=timezone.now(),
        first_record_id=rows[0].pk,
        last_record_id=rows[-1].pk,
        record_count=count,
        records_digest=digest,
        previous_seal_hash=GENESIS_HASH,
    )
    legacy.seal_hash = seal_hash(
        previous_seal_hash=GENESIS_HASH,
        first_record_id=legacy.first_record_id,
        last_record_id=legacy.last_record_id,
        record_count=count,
        records_digest=digest,
        sealed_at=legacy.sealed_at,
    )
    legacy.save()
    record(cast)
    assert not seal_processing_log().new_segment  # the same key goes on
    result = verify_chain()
    assert result.intact
    assert [(s.key_id, s.seals) for s in result.segments] == [(key_id(OLD), 2)]
    rotate(chain)
    record(cast)
    assert seal_processing_log().new_segment
    result = verify_chain()
    assert result.intact
    assert [(s.key_id, s.seals) for s in result.segments] == [(key_id(OLD), 2), (key_id(NEW), 1)]
    # A seal without a key id can no longer be slipped in after the segments began.
    last = seals()[-1]
    record(cast)
    rows = list(ProcessingLog.objects.filter(id__gt=last.last_record_id))
    digest, count = records_digest([(r.pk, r.record_hash) for r in rows])
    slipped = ProcessingLogSeal(
        sealed_at=timezone.now(),
        first_record_id=rows[0].pk,
        last_record_id=rows[-1].pk,
        record_count=count,
        records_digest=digest,
        previous_seal_hash=last.seal_hash,
    )
    slipped.seal_hash = seal_hash(
        previous_seal_hash=last.seal_hash,
        first_record_id=slipped.first_record_id,
        last_record_id=slipped.last_record_id,
        record_count=count,
        records_digest=digest,
        sealed_at=slipped.sealed_at,
        key=NEW,
    )
    slipped.save()
    assert [b.seal_id for b in verify_chain().breaks if "names no chain key" in b.reason] == [
        slipped.pk
    ]
