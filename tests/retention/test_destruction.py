"""A destruction run on a planted data set (the demo): nothing of the persons is left in
any text column of any table, the ledger and the reports' figures are unchanged, and the
processing log still verifies, also after the log's own purge."""

from __future__ import annotations

import dataclasses
import datetime
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from doorbraak.accounts.models import Municipality, User
from doorbraak.audit.chain import verify_chain
from doorbraak.audit.models import ProcessingLog, ProcessingLogPurge
from doorbraak.audit.sealing import seal_processing_log
from doorbraak.funds.ledger import balances
from doorbraak.funds.models import Fund
from doorbraak.households.models import Household, HouseholdEvent, HouseholdStatus, Member
from doorbraak.insights.patterns import Period, build_spiegel
from doorbraak.insights.report import build_value_report
from doorbraak.lib.crypto import decrypt
from doorbraak.retention import erasure
from doorbraak.retention.models import DestructionRecord, RecordKind, RetentionRule
from doorbraak.retention.services import (
    destruction_list_approve,
    destruction_run,
    rule_change,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 1)
PERIOD = Period(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))


def planted_values(municipality: Municipality, bsns: set[str]) -> set[str]:
    """The persons' names, BSNs, addresses and every free text of their households."""
    values: set[str] = set()
    households = Household.objects.filter(municipality=municipality)
    # Names and addresses made unique, so no employee or service of the same name counts.
    for household in households:
        Household.objects.filter(pk=household.pk).update(
            name=f"Planthuishouden{household.pk}x", street=f"Plantstraat{household.pk}x"
        )
        values |= {f"Planthuishouden{household.pk}x", f"Plantstraat{household.pk}x"}
    for member in Member.objects.filter(household__municipality=municipality):
        Member.objects.filter(pk=member.pk).update(
            first_name=f"Plantvoornaam{member.pk}x", last_name=f"Plantachternaam{member.pk}x"
        )
        values |= {f"Plantvoornaam{member.pk}x", f"Plantachternaam{member.pk}x"}
        if member.bsn_encrypted:
            values |= {member.bsn_encrypted, member.bsn_index}
            bsns.add(decrypt(member.bsn_encrypted))
    # Every free text of every row of the households gets a unique marker ("~17~"): base64
    # has no tilde, so no hash, key or encrypted token in the database matches one by chance.
    erasure_setting(True)
    number = 0
    for target in erasure.household_targets():
        fields = [
            name
            for name in target.text_fields
            if (target.label, name) not in erasure.EMPTY_FIELDS
            and (getattr(target.model._meta.get_field(name), "max_length", None) or 99) >= 7
        ]
        manager = target.model._base_manager
        rows = manager.filter(**{f"{target.path}__in": households}).values("pk", *fields)
        for row in rows:
            changes = {}
            for name in fields:
                if row[name] and not row[name].startswith("Plant"):
                    number += 1
                    changes[name] = f"~{number}~"
            if changes:
                manager.filter(pk=row["pk"]).update(**changes)
                values |= set(changes.values())
        # The JSON columns (a timeline line's parameters: names, typed notes): every text
        # value in them gets a marker too.
        for name in target.json_fields:
            for row in manager.filter(**{f"{target.path}__in": households}).values("pk", name):
                document = row[name]
                if not isinstance(document, dict):
                    continue
                planted = {}
                for key, value in document.items():
                    if isinstance(value, str) and value.strip():
                        number += 1
                        planted[key] = f"~{number}~"
                if planted:
                    manager.filter(pk=row["pk"]).update(**{name: document | planted})
                    values |= set(planted.values())
    erasure_setting(False)
    return {value for value in values if value and value.strip() not in ("", erasure.REDACTED)}


def erasure_setting(on: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            value = "on" if on else "off"
            cursor.execute("SELECT set_config(%s, %s, true)", [erasure.ERASURE_SETTING, value])


def database_text() -> str:
    """Every value of every text column of every table, found by introspection."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = []
            for column in description:
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    kind = "TextField"  # an unknown type: search it too
                if kind in ("CharField", "TextField", "JSONField", "SlugField", "EmailField"):
                    columns.append(column.name)
            if not columns:
                continue
            quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks)


def figures(municipality: Municipality) -> dict[str, Any]:
    report = build_value_report(municipality_ids=[municipality.pk], period=PERIOD, k=1)
    spiegel = build_spiegel([municipality.pk], PERIOD, min_count=1)
    return {
        "report": report,
        "spiegel": dataclasses.asdict(spiegel),
        "ledger": {fund.pk: balances(fund) for fund in Fund.objects.all()},
    }


def test_a_destruction_run_leaves_nothing_of_the_persons() -> None:
    call_command("seed_demo", "--households", "40", "--quiet-logins", stdout=StringIO())
    municipality = Municipality.objects.get(code="0999")
    officer = User.objects.get(username="privacy")
    # Every household closed long ago, so the run proposes all of them.
    for household in Household.objects.filter(municipality=municipality):
        if household.status != HouseholdStatus.CLOSED:
            Household.objects.filter(pk=household.pk).update(
                status=HouseholdStatus.CLOSED,
                closed_on=datetime.date(2020, 1, 1),
                close_reason="doelen_bereikt",
            )
    Household.objects.filter(municipality=municipality).update(closed_on=datetime.date(2020, 1, 1))
    bsns: set[str] = set()
    planted = planted_values(municipality, bsns)
    assert len(planted) > 100
    assert HouseholdEvent.objects.filter(params__icontains="~").exists(), "JSON planted too"
    text = database_text()
    assert all(value in text for value in planted), "the search must see the planted values"
    before = figures(municipality)

    destruction_run(today=TODAY)  # makes the default rules
    for rule in RetentionRule.objects.filter(municipality=municipality):
        rule_change(
            actor=officer,
            rule=rule,
            period_months=24,
            source="Testbron",
            version="1",
            reason="Test van de vernietiging",
        )
    outcome = destruction_run(today=TODAY)
    [proposed] = outcome.lists
    assert proposed.items.count() == Household.objects.filter(municipality=municipality).count()
    records = destruction_list_approve(actor=officer, destruction_list=proposed)
    assert len(records) == proposed.items.count()

    text = database_text()
    left = sorted(value for value in planted | bsns if value in text)
    assert left == []
    after = figures(municipality)
    assert after == before
    assert not Household.objects.filter(municipality=municipality, destroyed_on__isnull=True)
    record = DestructionRecord.objects.filter(destruction_list=proposed).first()
    assert record is not None
    assert record.counts["households.member"] >= 1
    assert verify_chain().intact

    # The processing log's own rule: seal, then purge what is older than the period.
    seal_processing_log()
    count = ProcessingLog.objects.count()
    RetentionRule.objects.filter(kind=RecordKind.PROCESSING_LOG).update(period_months=1)
    later = destruction_run(today=datetime.date.today() + datetime.timedelta(days=400))
    assert later.log_purge is not None
    assert later.log_purge.records == count
    assert ProcessingLog.objects.count() == 0
    assert ProcessingLogPurge.objects.count() == 1
    assert verify_chain().intact
    assert apps.is_installed("doorbraak.retention")
