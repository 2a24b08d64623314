"""Sealing the processing log: checkpoints over committed records, and what they prove.

Tampering is tested on sealed and on unsealed records, on the seals themselves, and on
records of the older per-row chain. See docs/adr/0001-processing-log-sealing.md.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.chain import GENESIS_HASH, legacy_record_hash, verify_chain
from doorbraak.audit.models import (
    AppendOnlyError,
    ProcessingAction,
    ProcessingLog,
    ProcessingLogSeal,
)
from doorbraak.audit.sealing import follow, seal_processing_log
from doorbraak.audit.services import processing_log_record
from tests.audit.test_processing_log import record, tamper
from tests.conftest import Cast


def tamper_seal(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_processinglogseal "
                "DISABLE TRIGGER audit_processinglogseal_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_processinglogseal "
                "ENABLE TRIGGER audit_processinglogseal_append_only"
            )


def test_sealing_covers_every_committed_record_and_verifies(cast: Cast) -> None:
    rows = record(cast, subjects=["p-aaa", "p-bbb", "p-ccc"])
    outcome = seal_processing_log()
    assert (outcome.seals, outcome.records, outcome.last_record_id) == (1, 3, rows[-1].pk)
    [seal] = ProcessingLogSeal.objects.all()
    assert (seal.first_record_id, seal.last_record_id, seal.record_count) == (
        rows[0].pk,
        rows[-1].pk,
        3,
    )
    assert seal.previous_seal_hash == GENESIS_HASH
    result = verify_chain()
    assert result.intact
    assert (result.checked, result.sealed, result.unsealed, result.seals) == (3, 3, 0, 1)
    assert result.last_seal_hash == seal.seal_hash


def test_a_second_pass_without_new_records_makes_no_seal(cast: Cast) -> None:
    record(cast)
    seal_processing_log()
    assert seal_processing_log().seals == 0
    assert ProcessingLogSeal.objects.count() == 1


def test_seals_chain_to_each_other_and_respect_the_batch_size(cast: Cast) -> None:
    record(cast, subjects=["p-1", "p-2", "p-3", "p-4", "p-5"])
    assert seal_processing_log(batch_size=2).seals == 3
    record(cast, subjects=["p-6"])
    seal_processing_log(batch_size=2)
    seals = list(ProcessingLogSeal.objects.order_by("last_record_id"))
    assert [s.record_count for s in seals] == [2, 2, 1, 1]
    for previous, seal in itertools.pairwise(seals):
        assert seal.previous_seal_hash == previous.seal_hash
    assert verify_chain().intact


def test_the_unsealed_tail_is_reported_and_its_content_still_checked(cast: Cast) -> None:
    record(cast, subjects=["p-aaa"])
    seal_processing_log()
    tail = record(cast, subjects=["p-bbb", "p-ccc"])
    result = verify_chain()
    assert result.intact
    assert (result.sealed, result.unsealed) == (1, 2)
    assert result.oldest_unsealed_at == tail[0].occurred_at
    out = StringIO()
    call_command("verify_processing_log", stdout=out)
    assert "2 record(s) not yet sealed" in out.getvalue()
    assert "cannot be detected until they are sealed" in out.getvalue()

    tamper("UPDATE audit_processinglog SET object_id = %s WHERE id = %s", ["99", tail[1].pk])
    result = verify_chain()
    assert [(b.record_id, "changed" in b.reason) for b in result.breaks] == [(tail[1].pk, True)]


def test_a_removal_in_the_unsealed_tail_is_not_provable_which_the_adr_states(cast: Cast) -> None:
    """The limit of the design, pinned: an unsealed record's removal leaves no break."""
    tail = record(cast, subjects=["p-aaa", "p-bbb"])
    tamper("DELETE FROM audit_processinglog WHERE id = %s", [tail[1].pk])
    result = verify_chain()
    assert result.intact
    assert result.unsealed == 1


def test_a_stale_unsealed_tail_warns_and_fails_when_sealing_is_required(cast: Cast) -> None:
    record(cast)
    later = timezone.now() + datetime.timedelta(minutes=11)
    with time_machine.travel(later, tick=False):
        err = StringIO()
        call_command("verify_processing_log", stdout=StringIO(), stderr=err)
        assert "seal_processing_log --follow" in err.getvalue()
        with pytest.raises(CommandError, match="11 minutes old"):
            call_command(
                "verify_processing_log", "--require-sealed", stdout=StringIO(), stderr=StringIO()
            )


def test_a_changed_sealed_record_is_detected(cast: Cast) -> None:
    rows = record(cast, subjects=["p-aaa", "p-bbb", "p-ccc"])
    seal_processing_log()
    tamper(
        "UPDATE audit_processinglog SET subject_pseudonym = %s WHERE id = %s",
        ["p-zzz", rows[1].pk],
    )
    breaks = verify_chain().breaks
    assert [b.record_id for b in breaks] == [rows[1].pk]
    assert "changed" in breaks[0].reason


def test_a_sealed_record_with_a_new_mac_breaks_its_seal(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    """Even with the key, a rewritten sealed record no longer matches its seal's digest."""
    from doorbraak.audit.chain import record_mac

    rows = record(cast, subjects=["p-aaa", "p-bbb"])
    seal_processing_log()
    forged = rows[0]
    forged.subject_pseudonym = "p-zzz"
    tamper(
        "UPDATE audit_processinglog SET subject_pseudonym = %s, record_hash = %s WHERE id = %s",
        ["p-zzz", record_mac(forged), forged.pk],
    )
    [only] = verify_chain().breaks
    assert only.seal_id is not None
    assert "do not match their seal" in only.reason


def test_a_record_inserted_into_a_sealed_range_is_detected(cast: Cast) -> None:
    rows = record(cast, subjects=["p-aaa", "p-bbb", "p-ccc"])
    seal_processing_log()
    row = rows[1]
    tamper("DELETE FROM audit_processinglog WHERE id = %s", [row.pk])
    # Put a copy back under the same id: count and digest match again only if the copy
    # is exact; an intruder's own record (other content, other MAC) is caught.
    tamper(
        "INSERT INTO audit_processinglog (id, occurred_at, actor_name, actor_role, "
        "actor_organisation, action, object_type, object_id, subject_pseudonym, activity, "
        "purpose, legal_basis, request_id, previous_hash, record_hash) "
        "VALUES (%s, %s, 'x', 'professional', '', 'read', 't', '1', 'p-x', 'case_support', "
        "'p', 'l', '', '', %s)",
        [row.pk, row.occurred_at, "f" * 64],
    )
    reasons = [b.reason for b in verify_chain().breaks]
    assert any("changed" in reason for reason in reasons)
    assert any("do not match their seal" in reason for reason in reasons)


def test_a_changed_or_removed_seal_is_detected(cast: Cast) -> None:
    record(cast, subjects=["p-1", "p-2", "p-3", "p-4"])
    seal_processing_log(batch_size=1)
    first, second, third, _fourth = ProcessingLogSeal.objects.order_by("last_record_id")
    tamper_seal("UPDATE audit_processinglogseal SET record_count = 7 WHERE id = %s", [first.pk])
    assert any("signature" in b.reason and b.seal_id == first.pk for b in verify_chain().breaks)
    tamper_seal("UPDATE audit_processinglogseal SET record_count = 1 WHERE id = %s", [first.pk])
    assert verify_chain().intact
    tamper_seal("DELETE FROM audit_processinglogseal WHERE id = %s", [second.pk])
    breaks = verify_chain().breaks
    assert any(b.seal_id == third.pk and "seal was removed" in b.reason for b in breaks)


def test_the_older_per_row_chain_still_verifies_and_can_be_sealed(cast: Cast) -> None:
    """Records written before sealing existed keep their chain; sealing covers them too."""
    previous = GENESIS_HASH
    legacy: list[ProcessingLog] = []
    for subject in ("p-old-1", "p-old-2"):
        row = ProcessingLog(
            actor=cast.alice,
            actor_name="Alice",
            actor_role="professional",
            action=ProcessingAction.READ,
            object_type="households.household",
            object_id="1",
            subject_pseudonym=subject,
            activity=ProcessingActivity.CASE_SUPPORT,
            purpose="p",
            legal_basis="l",
        )
        row.previous_hash = previous
        row.record_hash = legacy_record_hash(row, previous)
        previous = row.record_hash
        row.save()
        legacy.append(row)
    record(cast, subjects=["p-new"])
    assert verify_chain().intact
    seal_processing_log()
    assert verify_chain().sealed == 3
    tamper("UPDATE audit_processinglog SET object_id = '2' WHERE id = %s", [legacy[0].pk])
    assert [b.record_id for b in verify_chain().breaks] == [legacy[0].pk]


def test_seals_cannot_be_changed_through_the_model_layer(cast: Cast) -> None:
    record(cast)
    seal_processing_log()
    seal = ProcessingLogSeal.objects.get()
    with pytest.raises(AppendOnlyError):
        seal.save()
    with pytest.raises(AppendOnlyError):
        seal.delete()
    with pytest.raises(AppendOnlyError):
        ProcessingLogSeal.objects.all().delete()


def test_the_command_seals_and_follow_stops_by_itself(cast: Cast) -> None:
    record(cast, subjects=["p-aaa"])
    out = StringIO()
    call_command("seal_processing_log", stdout=out)
    assert "Sealed 1 record(s) in 1 seal(s)" in out.getvalue()
    record(cast, subjects=["p-bbb"])
    assert follow(interval=0.01, stop_after=0.001) == 1
    assert verify_chain().unsealed == 0
    with pytest.raises(CommandError, match="positive"):
        call_command("seal_processing_log", "--batch-size", "0", stdout=StringIO())


@pytest.mark.postgresql
def test_postgresql_refuses_update_and_delete_of_seals(cast: Cast) -> None:
    record(cast)
    seal_processing_log()
    seal = ProcessingLogSeal.objects.get()
    for statement in (
        "UPDATE audit_processinglogseal SET record_count = 9 WHERE id = %s",
        "DELETE FROM audit_processinglogseal WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [seal.pk])


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_seals_nothing_past_a_transaction_that_is_still_open(cast: Cast) -> None:
    """A lower id still uncommitted holds the horizon back; once it commits, all is sealed.

    Thread A writes its record (the lower id) and waits inside its transaction; the main
    thread writes and commits a higher id. The sealer must not seal past A: A's record
    would appear inside a sealed range later and break verification.
    """
    written = threading.Event()
    release = threading.Event()
    errors: list[str] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                record(cast, subjects=["p-slow"])
                written.set()
                release.wait(timeout=60)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(timeout=60)
    [fast] = record(cast, subjects=["p-fast"])
    waiting = seal_processing_log(wait_timeout=0.2)
    assert waiting.waiting
    assert waiting.seals == 0
    assert ProcessingLogSeal.objects.count() == 0
    release.set()
    thread.join(timeout=60)
    assert errors == []
    done = seal_processing_log(wait_timeout=30)
    assert (done.seals, done.records, done.last_record_id) == (1, 2, fast.pk)
    result = verify_chain()
    assert result.intact
    assert result.unsealed == 0
    assert result.sealed == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_writers_never_wait_for_each_other_and_the_sealer_keeps_up(
    cast: Cast,
) -> None:
    """Eight writers, each holding its transaction open while the others write: without a
    database-wide lock they all get through; the sealer runs beside them; all verifies."""
    writers = 8
    rounds = 20
    barrier = threading.Barrier(writers)
    errors: list[str] = []
    stop = threading.Event()

    def writer(index: int) -> None:
        try:
            for round_ in range(rounds):
                with transaction.atomic():
                    processing_log_record(
                        actor=cast.alice,
                        action=ProcessingAction.READ,
                        activity=ProcessingActivity.CASE_SUPPORT,
                        object_type="households.household",
                        object_id=index,
                        subjects=[f"p-{index}-{round_}-{n}" for n in range(3)],
                    )
                    # Every writer is inside its transaction, having written, at once:
                    # with a database-wide lock this barrier could never be passed.
                    barrier.wait(timeout=30)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def sealer() -> None:
        try:
            while not stop.is_set():
                seal_processing_log(batch_size=50, wait_timeout=0.05)
        except Exception as error:
            errors.append(f"sealer {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    sealing = threading.Thread(target=sealer)
    sealing.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    sealing.join(timeout=120)
    assert errors == []
    seal_processing_log()
    result = verify_chain()
    assert result.intact
    assert result.checked == result.sealed == writers * rounds * 3
