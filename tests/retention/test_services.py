"""Retention rules, proposing, four-eyes approval and erasure of one person."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from doorbraak.accounts.models import Role, User
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.households import services as household_services
from doorbraak.households.models import (
    Household,
    HouseholdEvent,
    HouseholdStatus,
    Member,
    MemberRole,
)
from doorbraak.lib.access import Refused
from doorbraak.retention.models import (
    DestructionItem,
    DestructionRecord,
    DestructionStatus,
    RecordKind,
    RetentionRule,
    RetentionRuleChange,
)
from doorbraak.retention.services import (
    destruction_item_remove,
    destruction_list_approve,
    destruction_propose,
    erase_household,
    erase_member,
    rule_change,
    rules_ensure_defaults,
)
from doorbraak.retention.tasks import destruction_run_task
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def closed(cast: Cast, *, on: datetime.date, reason: str = "doelen_bereikt") -> Household:
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    Household.objects.filter(pk=household.pk).update(
        status=HouseholdStatus.CLOSED, closed_on=on, close_reason=reason
    )
    household.refresh_from_db()
    return household


def rule(cast: Cast, reason: str = "doelen_bereikt") -> RetentionRule:
    rules_ensure_defaults(municipality=cast.north)
    return RetentionRule.objects.get(
        municipality=cast.north, kind=RecordKind.HOUSEHOLD_CLOSED, close_reason=reason
    )


def second_officer(cast: Cast) -> User:
    user = UserFactory(username="peggy")
    MembershipFactory(
        user=user, role=Role.PRIVACY_OFFICER, organisation=cast.wi_north, municipality=cast.north
    )
    return user


def test_the_defaults_have_no_period_and_destroy_nothing(cast: Cast) -> None:
    closed(cast, on=datetime.date(2000, 1, 1))
    assert destruction_propose(municipality=cast.north, today=TODAY) is None
    assert not RetentionRule.objects.filter(period_months__isnull=False).exists()


def test_setting_a_period_needs_a_reason_and_a_source(cast: Cast) -> None:
    target = rule(cast)
    with pytest.raises(ValidationError) as error:
        rule_change(actor=cast.heidi, rule=target, period_months=60, source="Bron", version="1")
    assert "reden" in str(error.value).lower() or "reason" in str(error.value).lower()
    with pytest.raises(ValidationError):
        rule_change(
            actor=cast.heidi, rule=target, period_months=60, source="", version="", reason="x"
        )
    assert RetentionRuleChange.objects.count() == 0
    target.refresh_from_db()
    assert target.period_months is None


def test_shortening_needs_a_reason_lengthening_does_not(cast: Cast) -> None:
    target = rule(cast)
    rule_change(
        actor=cast.heidi, rule=target, period_months=60, source="Bron", version="1", reason="Start"
    )
    rule_change(actor=cast.heidi, rule=target, period_months=120, source="Bron", version="2")
    with pytest.raises(ValidationError):
        rule_change(actor=cast.heidi, rule=target, period_months=36, source="Bron", version="2")
    target.refresh_from_db()
    assert target.period_months == 120
    rule_change(
        actor=cast.heidi,
        rule=target,
        period_months=36,
        source="Bron",
        version="3",
        reason="Besluit van het college",
    )
    change = RetentionRuleChange.objects.filter(rule=target).first()
    assert change is not None
    assert (change.old_period_months, change.new_period_months) == (120, 36)
    assert change.reason == "Besluit van het college"
    assert change.changed_by == cast.heidi


def test_below_the_legal_minimum_needs_a_reason_even_when_longer(cast: Cast) -> None:
    target = rule(cast)
    RetentionRule.objects.filter(pk=target.pk).update(period_months=12, minimum_months=60)
    target.refresh_from_db()
    with pytest.raises(ValidationError):
        rule_change(actor=cast.heidi, rule=target, period_months=24, source="Bron", version="1")


@pytest.mark.parametrize("persona", ["ivan", "alice", "oscar"])
def test_only_the_privacy_officer_of_the_municipality_changes_rules(
    cast: Cast, persona: str
) -> None:
    target = rule(cast)
    with pytest.raises(Refused):
        rule_change(
            actor=getattr(cast, persona),
            rule=target,
            period_months=60,
            source="Bron",
            version="1",
            reason="x",
        )


def with_period(cast: Cast, months: int = 60) -> RetentionRule:
    target = rule(cast)
    rule_change(
        actor=cast.heidi,
        rule=target,
        period_months=months,
        source="Bron",
        version="1",
        reason="Test",
    )
    return target


def test_the_run_proposes_only_households_whose_period_passed_and_never_twice(cast: Cast) -> None:
    with_period(cast, 60)
    old = closed(cast, on=datetime.date(2021, 5, 31))
    closed(cast, on=datetime.date(2021, 6, 2))  # one day short
    closed(cast, on=datetime.date(2000, 1, 1), reason="verhuisd")  # its rule has no period
    HouseholdFactory(team=cast.team_a, coordinator=cast.alice)  # active
    first = destruction_propose(municipality=cast.north, today=TODAY)
    assert first is not None
    assert [item.household_id for item in first.items.all()] == [old.pk]
    assert destruction_propose(municipality=cast.north, today=TODAY) is None
    assert destruction_propose(municipality=cast.south, today=TODAY) is None


def test_four_eyes_the_preparer_may_not_approve(cast: Cast) -> None:
    with_period(cast)
    household = closed(cast, on=datetime.date(2001, 1, 1))
    proposed = destruction_propose(municipality=cast.north, actor=cast.heidi, today=TODAY)
    assert proposed is not None
    with pytest.raises(ValidationError):
        destruction_list_approve(actor=cast.heidi, destruction_list=proposed)
    household.refresh_from_db()
    assert household.destroyed_on is None
    with pytest.raises(Refused):
        destruction_list_approve(actor=cast.oscar, destruction_list=proposed)
    records = destruction_list_approve(actor=second_officer(cast), destruction_list=proposed)
    proposed.refresh_from_db()
    assert proposed.status == DestructionStatus.APPROVED
    assert len(records) == 1
    household.refresh_from_db()
    assert household.destroyed_on is not None
    assert household.name == "—"
    with pytest.raises(ValidationError):
        destruction_list_approve(
            actor=User.objects.get(username="peggy"), destruction_list=proposed
        )


def test_a_removed_household_is_kept_with_its_reason(cast: Cast) -> None:
    with_period(cast)
    kept, gone = (closed(cast, on=datetime.date(2001, 1, d)) for d in (1, 2))
    proposed = destruction_propose(municipality=cast.north, today=TODAY)
    assert proposed is not None
    item = DestructionItem.objects.get(household=kept)
    with pytest.raises(ValidationError):
        destruction_item_remove(actor=cast.heidi, item=item, reason=" ")
    destruction_item_remove(actor=cast.heidi, item=item, reason="Lopend bezwaar")
    destruction_list_approve(actor=cast.heidi, destruction_list=proposed)
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.destroyed_on is None
    assert gone.destroyed_on is not None
    item.refresh_from_db()
    assert item.removal_reason == "Lopend bezwaar"
    assert item.destroyed_at is None


def test_the_destruction_record_names_no_person_and_the_log_has_the_delete(cast: Cast) -> None:
    household = closed(cast, on=datetime.date(2001, 1, 1))
    member = MemberFactory(household=household, first_name="Ottoline", last_name="Zwaanswijk")
    pseudonym = member.pseudonym
    record = erase_household(
        household=household, actor=cast.heidi, reason="Bewaartermijn verstreken", reference="VL-1"
    )
    text = str(DestructionRecord.objects.filter(pk=record.pk).values().first())
    assert "Zwaanswijk" not in text
    assert "Ottoline" not in text
    assert pseudonym not in text
    assert ProcessingLog.objects.filter(
        action=ProcessingAction.DELETE, subject_pseudonym=pseudonym
    ).exists()
    cleared = Member.objects.get(pk=member.pk)
    assert (cleared.first_name, cleared.last_name, cleared.bsn_encrypted) == ("—", "—", "")
    assert cleared.pseudonym != pseudonym
    with pytest.raises(ValidationError):
        erase_household(household=household, actor=cast.heidi, reason="x", reference="y")


def test_erasing_one_member_keeps_the_others(cast: Cast) -> None:
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    gone = MemberFactory(household=household, first_name="Ottoline", last_name="Zwaanswijk")
    stays = MemberFactory(household=household, first_name="Bartholomeus", last_name="Kip")
    HouseholdEvent.objects.create(household=household, kind="lid_erbij", summary="Ottoline erbij")
    HouseholdEvent.objects.create(
        household=household, kind="lid_erbij", summary="Bartholomeus erbij"
    )
    with pytest.raises(Refused):
        erase_member(member=gone, actor=cast.alice, reason="AVG art. 17", reference="V-1")
    erase_member(member=gone, actor=cast.heidi, reason="AVG art. 17", reference="V-1")
    assert Member.objects.get(pk=gone.pk).last_name == "—"
    assert Member.objects.get(pk=stays.pk).last_name == "Kip"
    summaries = set(
        HouseholdEvent.objects.filter(household=household).values_list("summary", flat=True)
    )
    assert "Ottoline erbij" not in summaries
    assert "Bartholomeus erbij" in summaries
    assert Member.objects.filter(household=household).count() >= 2


def test_erasing_a_member_blanks_the_stored_message_of_the_lines_that_name_them(
    cast: Cast,
) -> None:
    household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
    stays = MemberFactory(household=household, first_name="Bartholomeus", last_name="Kip")
    gone = household_services.member_add(
        actor=cast.alice,
        household=household,
        data=household_services.MemberData(
            first_name="Ottoline",
            last_name="Zwaanswijk",
            birth_date=datetime.date(1990, 5, 6),
            role=MemberRole.OTHER_ADULT,
        ),
        joined_on=datetime.date(2026, 2, 1),
    )
    household_services.coordinator_handover(
        actor=cast.alice, household=household, to=cast.carol, note="Bartholomeus weet ervan"
    )
    erase_member(member=gone, actor=cast.heidi, reason="AVG art. 17", reference="V-1")
    lines = {
        (event.kind, event.summary, event.message, str(event.params), event.line.text)
        for event in HouseholdEvent.objects.filter(household=household)
    }
    assert "Zwaanswijk" not in str(lines)
    assert "Ottoline" not in str(lines)
    assert ("lid_erbij", "—", "—", "{}", "—") in lines
    assert any("Bartholomeus weet ervan" in line[3] for line in lines), "the others stay"
    assert Member.objects.get(pk=stays.pk).first_name == "Bartholomeus"


def test_the_monthly_command_runs_here_or_hands_it_to_the_worker(cast: Cast) -> None:
    with_period(cast)
    closed(cast, on=datetime.date(2001, 1, 1))
    out = StringIO()
    call_command("propose_destruction", "--enqueue", stdout=out)
    assert "Enqueued" in out.getvalue()
    assert not DestructionItem.objects.exists()
    call_command("propose_destruction", stdout=out)
    assert "Destruction lists proposed: 1" in out.getvalue()
    assert destruction_run_task.call() == {"lists": 0, "log_records_purged": 0}
