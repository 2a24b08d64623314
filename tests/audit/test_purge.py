"""The processing log's purge at the end of its retention period: whole seals only, signed,
accepted by the verifier, and the one DELETE the append-only trigger lets through."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from doorbraak.audit.chain import verify_chain
from doorbraak.audit.models import AppendOnlyError, ProcessingLog, ProcessingLogPurge
from doorbraak.audit.purge import processing_log_purge
from doorbraak.audit.sealing import seal_processing_log
from tests.audit.test_processing_log import record
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

OLD = datetime.datetime(2020, 1, 10, 10, tzinfo=datetime.UTC)
NEW = datetime.datetime(2026, 1, 10, 10, tzinfo=datetime.UTC)
LIMIT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def old_and_new(cast: Cast) -> tuple[list[ProcessingLog], list[ProcessingLog]]:
    with time_machine.travel(OLD, tick=False):
        old = record(cast, subjects=["p-1", "p-2"])
        seal_processing_log()
        old += record(cast, subjects=["p-3"])
        seal_processing_log()
    with time_machine.travel(NEW, tick=False):
        new = record(cast, subjects=["p-4", "p-5"])
    seal_processing_log()
    return old, new


def test_the_purge_removes_old_sealed_records_and_the_log_still_verifies(cast: Cast) -> None:
    old, new = old_and_new(cast)
    outcome = processing_log_purge(older_than=LIMIT)
    assert outcome.records == len(old)
    assert list(ProcessingLog.objects.order_by("id")) == new
    [purge] = ProcessingLogPurge.objects.all()
    assert (purge.first_record_id, purge.last_record_id) == (old[0].pk, old[-1].pk)
    assert verify_chain().intact
    # Nothing more to purge: a second run changes nothing.
    assert processing_log_purge(older_than=LIMIT).records == 0
    assert ProcessingLogPurge.objects.count() == 1


def test_unsealed_and_young_records_stay(cast: Cast) -> None:
    with time_machine.travel(OLD, tick=False):
        record(cast, subjects=["p-1"])
    assert processing_log_purge(older_than=LIMIT).records == 0  # not sealed yet
    seal_processing_log()
    with time_machine.travel(NEW, tick=False):
        record(cast, subjects=["p-2"])
    seal_processing_log()
    assert processing_log_purge(older_than=LIMIT).records == 1
    assert ProcessingLog.objects.count() == 1


def test_a_changed_purge_or_a_removal_without_one_breaks_the_chain(cast: Cast) -> None:
    old_and_new(cast)
    processing_log_purge(older_than=LIMIT)
    purge = ProcessingLogPurge.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_processinglogpurge SET record_count = 1 WHERE id = %s", [purge.pk]
        )
    assert any("purge" in b.reason for b in verify_chain().breaks)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_processinglogpurge WHERE id = %s", [purge.pk])
    # Without the purge, the removed records are missing from their seals.
    assert any("do not match their seal" in b.reason for b in verify_chain().breaks)


def test_the_model_layer_refuses_changes_of_a_purge(cast: Cast) -> None:
    old_and_new(cast)
    processing_log_purge(older_than=LIMIT)
    purge = ProcessingLogPurge.objects.get()
    with pytest.raises(AppendOnlyError):
        purge.save()
    with pytest.raises(AppendOnlyError):
        ProcessingLogPurge.objects.all().delete()


@pytest.mark.postgresql
def test_postgresql_lets_only_the_purge_delete(cast: Cast) -> None:
    [row] = record(cast, subjects=["p-aaa"])
    for statement in (
        "UPDATE audit_processinglog SET object_id = '1' WHERE id = %s",
        "DELETE FROM audit_processinglog WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [row.pk])
    # The purge's setting lets a DELETE through, never an UPDATE.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('doorbraak.processing_log_purge', 'on', true)")
        cursor.execute("UPDATE audit_processinglog SET object_id = '1' WHERE id = %s", [row.pk])
    assert ProcessingLog.objects.filter(pk=row.pk).exists()
