"""The processing log: written with the change, rolled back with it, append-only, sealed."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from doorbraak.accounts import services as account_services
from doorbraak.accounts.models import Membership, Role
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.chain import record_mac, verify_chain
from doorbraak.audit.models import AppendOnlyError, ProcessingAction, ProcessingLog
from doorbraak.audit.sealing import seal_processing_log
from doorbraak.audit.services import processing_log_read, processing_log_record
from doorbraak.lib.request_context import reset_request_id, set_request_id
from tests.conftest import Cast


def record(cast: Cast, **overrides: object) -> list[ProcessingLog]:
    arguments: dict[str, object] = {
        "actor": cast.alice,
        "action": ProcessingAction.READ,
        "activity": ProcessingActivity.CASE_SUPPORT,
        "object_type": "households.household",
        "object_id": 42,
        "subjects": ["p-aaa", "p-bbb"],
    }
    arguments.update(overrides)
    return processing_log_record(**arguments)  # type: ignore[arg-type]


def test_it_writes_one_record_per_person_with_who_what_why(cast: Cast) -> None:
    token = set_request_id("req-1234567890")
    try:
        record(cast, subjects=["p-aaa", "p-bbb", "p-aaa"])
    finally:
        reset_request_id(token)
    rows = list(ProcessingLog.objects.order_by("id"))
    assert [r.subject_pseudonym for r in rows] == ["p-aaa", "p-bbb"]
    first = rows[0]
    assert first.actor == cast.alice
    assert first.actor_role == Role.PROFESSIONAL
    assert first.actor_organisation == cast.team_a.organisation.name
    assert first.municipality == cast.north
    assert first.action == ProcessingAction.READ
    assert (first.object_type, first.object_id) == ("households.household", "42")
    assert first.activity == ProcessingActivity.CASE_SUPPORT
    assert "Wmo 2015" in first.legal_basis
    assert first.purpose.startswith("Ondersteuning")
    assert first.request_id == "req-1234567890"
    # No chain link at write time: each record carries the MAC of its own content.
    assert first.previous_hash == rows[1].previous_hash == ""
    assert first.record_hash == record_mac(first)
    assert first.occurred_at == rows[1].occurred_at


def test_a_processing_without_persons_still_leaves_one_record(cast: Cast) -> None:
    rows = processing_log_read(
        actor=cast.heidi,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        action=ProcessingAction.SEARCH,
        object_type="audit.processinglog",
    )
    assert len(rows) == 1
    assert rows[0].subject_pseudonym == ""


def test_a_bsn_is_never_accepted_as_person(cast: Cast) -> None:
    with pytest.raises(ValueError, match="BSN"):
        record(cast, subjects=["111222333"])
    assert ProcessingLog.objects.count() == 0


def test_the_system_can_be_the_actor(cast: Cast) -> None:
    [row] = record(cast, actor=None, municipality=cast.north, subjects=["p-aaa"])
    assert (row.actor, row.actor_name, row.actor_role) == (None, "Systeem", "system")


def test_the_business_change_rolls_back_when_the_log_insert_fails_in_the_database(
    cast: Cast,
) -> None:
    """A real failing INSERT (a trigger refuses it), not a mock: the grant rolls back."""
    refuse = {
        "postgresql": (
            "CREATE FUNCTION test_refuse_log() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'log full'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER test_refuse_log BEFORE INSERT ON audit_processinglog "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_log()",
        ),
        "sqlite": (
            "CREATE TRIGGER test_refuse_log BEFORE INSERT ON audit_processinglog "
            "BEGIN SELECT RAISE(ABORT, 'log full'); END",
        ),
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in refuse:
            cursor.execute(statement)
    before = Membership.objects.count()
    with pytest.raises(DatabaseError, match="log full"):
        account_services.membership_grant(
            actor=cast.ivan,
            user=cast.grace,
            role=Role.FUND_MANAGER,
            organisation=cast.wi_north,
            municipality=cast.north,
        )
    assert Membership.objects.count() == before
    assert ProcessingLog.objects.count() == 0


def test_the_business_change_rolls_back_when_the_log_cannot_be_written(cast: Cast) -> None:
    before = Membership.objects.count()
    with (
        mock.patch("doorbraak.audit.services._insert", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        account_services.membership_grant(
            actor=cast.ivan,
            user=cast.grace,
            role=Role.FUND_MANAGER,
            organisation=cast.wi_north,
            municipality=cast.north,
        )
    assert Membership.objects.count() == before
    assert ProcessingLog.objects.count() == 0


def test_the_log_rolls_back_with_the_business_change(cast: Cast) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        account_services.membership_grant(
            actor=cast.ivan,
            user=cast.grace,
            role=Role.FUND_MANAGER,
            organisation=cast.wi_north,
            municipality=cast.north,
        )
        raise RuntimeError("the rest of the use case failed")
    assert ProcessingLog.objects.count() == 0


def test_the_model_layer_refuses_changes_and_removal(cast: Cast) -> None:
    [row] = record(cast, subjects=["p-aaa"])
    row.object_id = "43"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ProcessingLog.objects.filter(pk=row.pk).update(object_id="43")
    with pytest.raises(AppendOnlyError):
        ProcessingLog.objects.all().delete()
    row.refresh_from_db()
    assert row.object_id == "42"


def test_an_intact_chain_verifies(cast: Cast) -> None:
    record(cast)
    record(cast, actor=cast.bob, subjects=["p-ccc"])
    result = verify_chain()
    assert result.intact
    assert result.checked == 3
    out = StringIO()
    call_command("verify_processing_log", stdout=out)
    assert "3 records verified" in out.getvalue()


def tamper(sql: str, params: list[object]) -> None:
    """Change the table behind the application's back, as an intruder with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Flush the deferred foreign-key checks first: ALTER TABLE refuses to run
            # while the test's transaction still has them pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_processinglog DISABLE TRIGGER audit_processinglog_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_processinglog ENABLE TRIGGER audit_processinglog_append_only"
            )


def test_verification_detects_a_changed_row(cast: Cast) -> None:
    rows = record(cast, subjects=["p-aaa", "p-bbb", "p-ccc"])
    tamper(
        "UPDATE audit_processinglog SET subject_pseudonym = %s WHERE id = %s", ["p-zzz", rows[1].pk]
    )
    result = verify_chain()
    assert not result.intact
    assert [b.record_id for b in result.breaks] == [rows[1].pk]
    assert "changed" in result.breaks[0].reason
    with pytest.raises(CommandError, match="chain broken"):
        call_command("verify_processing_log", stdout=StringIO(), stderr=StringIO())


def test_verification_detects_a_removed_sealed_row(cast: Cast) -> None:
    rows = record(cast, subjects=["p-aaa", "p-bbb", "p-ccc"])
    seal_processing_log()
    tamper("DELETE FROM audit_processinglog WHERE id = %s", [rows[1].pk])
    result = verify_chain()
    assert [b.record_id for b in result.breaks] == [rows[0].pk]
    assert "removed" in result.breaks[0].reason


def test_verification_detects_a_recomputed_hash_without_the_key(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    """Someone who rewrites a row and its hash, but lacks the key, is still caught."""
    rows = record(cast, subjects=["p-aaa", "p-bbb"])
    forged = rows[0]
    forged.subject_pseudonym = "p-zzz"
    settings.AUDIT_CHAIN_KEY = "a-guessed-key"
    forged_hash = record_mac(forged)
    settings.AUDIT_CHAIN_KEY = "development-only-audit-chain-key"
    tamper(
        "UPDATE audit_processinglog SET subject_pseudonym = %s, record_hash = %s WHERE id = %s",
        ["p-zzz", forged_hash, forged.pk],
    )
    assert verify_chain().breaks[0].record_id == forged.pk


@pytest.mark.postgresql
def test_postgresql_refuses_update_and_delete(cast: Cast) -> None:
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
    row.refresh_from_db()
    assert row.object_id == "42"
