"""``manage.py seed_scale``: bulk synthetic data that looks like the real shape, and a guard.

The full run (a million persons) is for ``make bench SCALE=…``; here a few thousand
persons show that what it writes is consistent: valid and unique BSNs that decrypt, no
orphan rows behind any foreign key, households within their team's districts, the demo
team's caseload, the biggest case, and a processing log that verifies. And that it never
writes to a database it did not make.
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.models import F
from stdnum.nl import bsn as stdnum_bsn

from doorbraak.accounts.models import User
from doorbraak.audit.chain import verify_chain
from doorbraak.breakthroughs.models import Breakthrough, BreakthroughStatus, EscalationLevel
from doorbraak.households.models import Household, HouseholdEvent, Member
from doorbraak.lib.crypto import blind_index, decrypt
from doorbraak.operations import scale
from tests.factories import UserFactory


def orphans() -> dict[str, int]:
    """Rows whose foreign key points at nothing, per ``table.column``, over every model."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey) or not field.db_constraint:
                    continue
                table, column = model._meta.db_table, field.column
                target = field.related_model._meta  # type: ignore[union-attr]
                target_column = target.get_field(field.target_field.name).column
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} t"
                    f" LEFT JOIN {quote(target.db_table)} p"
                    f" ON p.{quote(target_column)} = t.{quote(column)}"
                    f" WHERE t.{quote(column)} IS NOT NULL AND p.{quote(target_column)} IS NULL"
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


def test_a_valid_bsn_follows_the_elfproef() -> None:
    made = [scale.valid_bsn(prefix) for prefix in range(60_000_000, 60_000_200)]
    valid = [bsn for bsn in made if bsn is not None]
    assert len(valid) > 150  # a check digit of 10 skips about one prefix in eleven
    assert all(stdnum_bsn.is_valid(bsn) for bsn in valid)
    counter = scale.BsnCounter(60_000_000)
    assert len({counter.take() for _ in range(500)}) == 500


@pytest.mark.django_db
def test_it_builds_on_postgresql_only() -> None:
    if connection.vendor == "postgresql":
        assert scale.check_database() is False  # an empty database
    else:
        with pytest.raises(scale.RefusedDatabase, match="PostgreSQL"):
            scale.check_database()
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("seed_scale", "--persons", "100", stdout=StringIO())


@pytest.mark.postgresql
@pytest.mark.django_db
def test_it_refuses_a_database_it_did_not_make() -> None:
    UserFactory(username="echte-gebruiker")
    with pytest.raises(CommandError, match="did not make"):
        call_command("seed_scale", "--persons", "100", stdout=StringIO())
    assert User.objects.count() == 1
    assert not Household.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_small_national_set_is_consistent_and_its_log_verifies() -> None:
    out = StringIO()
    call_command("seed_scale", "--persons", "3000", "--demo-households", "12", stdout=out)
    assert "processing-log records (sealed)" in out.getvalue()
    assert scale.database_comment().startswith(scale.MARKER)
    assert orphans() == {}

    members = list(Member.objects.filter(bsn_index__gt="").only("bsn_encrypted", "bsn_index"))
    assert len(members) >= 3000 * 0.9
    bsns = [decrypt(m.bsn_encrypted) for m in members]
    assert all(stdnum_bsn.is_valid(b) for b in bsns)
    assert len(set(bsns)) == len(bsns)
    assert all(blind_index(b) == m.bsn_index for b, m in zip(bsns[:200], members, strict=False))

    households = Household.objects.select_related("team", "district")
    for household in households.exclude(district=None)[:500]:
        assert household.team.districts.filter(pk=household.district_id).exists()
        assert household.municipality_id == household.team.municipality_id
    demo_team = Counter(households.values_list("team__name", flat=True))[scale.DEMO_TEAM]
    assert demo_team >= 1
    biggest = max(Household.objects.all(), key=lambda h: h.members.count())
    assert biggest.members.count() == 12
    assert HouseholdEvent.objects.filter(household=biggest).count() >= 1_500

    levels = set(
        Breakthrough.objects.filter(status=BreakthroughStatus.SUBMITTED).values_list(
            "level", flat=True
        )
    )
    assert EscalationLevel.TABLE in levels or not levels
    # Each breakthrough carries its household's team and municipality (the lists filter
    # on the copies).
    assert Breakthrough.objects.exists()
    assert not Breakthrough.objects.exclude(
        team=F("household__team"), municipality=F("household__municipality")
    ).exists()

    report = verify_chain()
    assert report.intact, report.breaks
    assert report.unsealed == 0

    # A second run adds to the database it made; the guard lets it.
    before = Household.objects.count()
    call_command("seed_scale", "--persons", "200", stdout=StringIO())
    assert Household.objects.count() > before
    assert orphans() == {}
