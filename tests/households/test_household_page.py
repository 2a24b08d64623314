"""The household page's own read (``selectors.household_page``): the same household, lists,
joined names and read record as ``household_open``, with each list's SQL compiled once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Model
from django.http import Http404
from django.utils import timezone

from doorbraak.audit.models import ProcessingLog
from doorbraak.households import services
from doorbraak.households.models import (
    ConsentMethod,
    ConsentPurpose,
    Household,
    Member,
    MemberRole,
)
from doorbraak.households.selectors import household_open, household_page
from tests.conftest import Cast
from tests.factories import MemberFactory


def _columns(obj: Model) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.fixture
def busy(cast: Cast, household_a: Household, dora: Any) -> Household:
    """Household A with a former member, two consents (one withdrawn), two professionals
    (one of a known organisation, one typed) and a handover."""
    today = timezone.localdate()
    head = household_a.members.get(role=MemberRole.HEAD)
    lodger = MemberFactory(household=household_a, first_name="Piet", infix="de", last_name="Vries")
    services.member_leave(actor=cast.alice, member=lodger, left_on=today)
    for purpose, recipient in (
        (ConsentPurpose.SHARE_WITH_PARTNER, cast.uwv),
        (ConsentPurpose.FUND, cast.wi_north),
    ):
        services.consent_give(
            actor=cast.alice,
            household=household_a,
            given_by=head,
            purpose=purpose,
            recipient=recipient,
            method=ConsentMethod.WRITTEN,
        )
    services.consent_withdraw(
        actor=cast.alice, consent=household_a.consents.get(purpose=ConsentPurpose.FUND)
    )
    services.professional_add(
        actor=cast.alice,
        household=household_a,
        person_name="Jan Werk",
        role="klantmanager",
        since=today - datetime.timedelta(days=30),
        organisation=cast.uwv,
        yearly_cost_cents=120_000,
    )
    services.professional_add(
        actor=cast.alice,
        household=household_a,
        person_name="Els Zorg",
        role="wijkverpleegkundige",
        since=today - datetime.timedelta(days=3),
        organisation_name="Thuiszorg <Oost>",
    )
    services.coordinator_handover(
        actor=cast.alice, household=household_a, to=dora, note="Jij kent ze beter."
    )
    return household_a


@pytest.mark.django_db
def test_it_reads_the_lists_household_open_reads(cast: Cast, busy: Household) -> None:
    opened = household_open(user=cast.alice, public_id=busy.public_id, log=False)
    page = household_page(user=cast.alice, public_id=busy.public_id, log=False)

    assert _columns(page.household) == _columns(opened)
    assert page.household.team == opened.team
    assert page.household.district == opened.district
    assert [_columns(m) for m in page.members] == [_columns(m) for m in opened.members.all()]
    assert len(page.members) == 3
    assert [_columns(row.object) for row in page.assignments] == [
        _columns(a) for a in opened.coordinator_assignments.all()
    ]
    assert [row.joined for row in page.assignments] == [
        a.coordinator.get_full_name() or a.coordinator.username
        for a in opened.coordinator_assignments.all()
    ]
    assert [_columns(row.object) for row in page.professionals] == [
        _columns(p) for p in opened.involved_professionals.all()
    ]
    assert [row.joined for row in page.professionals] == [
        p.organisation_label for p in opened.involved_professionals.all()
    ]
    assert [row.joined for row in page.professionals] == [cast.uwv.name, "Thuiszorg <Oost>"]
    assert [_columns(row.object) for row in page.consents] == [
        _columns(c) for c in opened.consents.all()
    ]
    assert [row.joined for row in page.consents] == [
        c.recipient.name for c in opened.consents.all()
    ]


@pytest.mark.django_db
def test_it_names_the_givers_of_consent_from_its_members(
    cast: Cast, busy: Household, django_assert_num_queries: Any
) -> None:
    page = household_page(user=cast.alice, public_id=busy.public_id, log=False)
    head = next(m for m in page.members if m.role == MemberRole.HEAD)
    with django_assert_num_queries(0):
        assert all(row.object.given_by is head for row in page.consents)
        assert [row.object.is_active() for row in page.consents] == [False, True]


@pytest.mark.django_db
def test_it_writes_the_read_record_household_open_writes(cast: Cast, busy: Household) -> None:
    def records() -> list[tuple[Any, ...]]:
        return list(
            ProcessingLog.objects.order_by("pk").values_list(
                "action", "object_type", "object_id", "subject_pseudonym", "municipality_id"
            )
        )

    before = ProcessingLog.objects.count()
    household_open(user=cast.alice, public_id=busy.public_id)
    by_open = records()[before:]
    middle = ProcessingLog.objects.count()
    household_page(user=cast.alice, public_id=busy.public_id)
    by_page = records()[middle:]

    current = Member.objects.filter(household=busy, left_on__isnull=True).order_by(
        "joined_on", "birth_date", "pk"
    )
    assert by_page == by_open
    assert [record[3] for record in by_page] == [m.pseudonym for m in current]


@pytest.mark.django_db
def test_it_is_404_outside_the_team(cast: Cast, household_b: Household) -> None:
    with pytest.raises(Http404):
        household_page(user=cast.alice, public_id=household_b.public_id)
    with pytest.raises(Http404):
        household_page(user=cast.alice, public_id="not-a-uuid")


@pytest.mark.django_db
def test_a_second_read_builds_no_sql_for_its_lists(
    cast: Cast, busy: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No query is built again: the household's own read and the four lists run SQL
    compiled by the first read (``lib.prepared``)."""
    from django.db.models.sql.compiler import SQLCompiler

    household_page(user=cast.alice, public_id=busy.public_id, log=False)
    built: list[str] = []
    original = SQLCompiler.as_sql

    def as_sql(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        built.append(self.query.model._meta.db_table if self.query.model else "")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    household_page(user=cast.alice, public_id=busy.public_id, log=False)
    assert built == []
