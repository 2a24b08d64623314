"""The retention pages: who may see and use them, their processing-log records, and their
number of queries at two sizes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from doorbraak.audit.models import ProcessingLog
from doorbraak.households.models import Household, HouseholdStatus
from doorbraak.retention.models import DestructionItem, DestructionList, RecordKind, RetentionRule
from doorbraak.retention.services import destruction_propose, rule_change, rules_ensure_defaults
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def proposed_list(cast: Cast, households: int = 2) -> DestructionList:
    rules_ensure_defaults(municipality=cast.north)
    rule = RetentionRule.objects.get(
        municipality=cast.north, kind=RecordKind.HOUSEHOLD_CLOSED, close_reason="doelen_bereikt"
    )
    rule_change(
        actor=cast.heidi, rule=rule, period_months=12, source="Bron", version="1", reason="Test"
    )
    for _ in range(households):
        household = HouseholdFactory(team=cast.team_a, coordinator=cast.alice)
        MemberFactory(household=household)
        Household.objects.filter(pk=household.pk).update(
            status=HouseholdStatus.CLOSED,
            closed_on=datetime.date(2020, 1, 1),
            close_reason="doelen_bereikt",
        )
    found = destruction_propose(municipality=cast.north, today=TODAY)
    assert found is not None
    return found


@pytest.mark.parametrize("persona", ["heidi", "ivan"])
def test_the_privacy_officer_and_the_admin_see_the_rules(as_user, cast: Cast, persona: str) -> None:  # type: ignore[no-untyped-def]
    response = as_user(getattr(cast, persona)).get(reverse("retention:rules"))
    assert response.status_code == 200
    assert "Gemeente Noord" in response.content.decode()
    assert "Gemeente Zuid" not in response.content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol", "dave", "erin", "frank", "grace"])
@pytest.mark.parametrize("name", ["retention:rules", "retention:lists"])
def test_other_roles_get_403(as_user, cast: Cast, persona: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert as_user(getattr(cast, persona)).get(reverse(name)).status_code == 403


def test_only_the_privacy_officer_edits_a_rule(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    rules_ensure_defaults(municipality=cast.north)
    rule = RetentionRule.objects.filter(municipality=cast.north).first()
    assert rule is not None
    url = reverse("retention:rule-edit", args=[rule.pk])
    assert as_user(cast.ivan).get(url).status_code == 403
    assert as_user(cast.oscar).get(url).status_code == 404
    assert as_user(cast.heidi).get(url).status_code == 200


def test_a_shorter_period_without_reason_is_refused_in_dutch(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    rules_ensure_defaults(municipality=cast.north)
    rule = RetentionRule.objects.get(municipality=cast.north, kind=RecordKind.PROCESSING_LOG)
    url = reverse("retention:rule-edit", args=[rule.pk])
    response = as_user(cast.heidi).post(url, {"years": "5", "source": "Bron", "version": "1"})
    assert response.status_code == 200
    assert "leg de reden vast" in response.content.decode()
    rule.refresh_from_db()
    assert rule.period_months is None
    response = as_user(cast.heidi).post(
        url, {"years": "5", "source": "Bron", "version": "1", "reason": "Besluit"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.period_months == 60


def test_the_list_page_is_scoped_and_logged(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    destruction_list = proposed_list(cast)
    url = reverse("retention:list", args=[destruction_list.pk])
    assert as_user(cast.oscar).get(url).status_code == 404
    assert as_user(cast.alice).get(url).status_code == 403
    before = ProcessingLog.objects.count()
    assert as_user(cast.heidi).get(url).status_code == 200
    pseudonyms = {item.household.pseudonym for item in destruction_list.items.all()}
    logged = set(
        ProcessingLog.objects.order_by("id")[before:].values_list("subject_pseudonym", flat=True)
    )
    assert pseudonyms <= logged
    assert as_user(cast.ivan).get(url).status_code == 200


def test_approve_and_remove_are_for_the_privacy_officer_of_the_municipality(
    as_user, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    destruction_list = proposed_list(cast)
    item = destruction_list.items.first()
    assert item is not None
    approve = reverse("retention:list-approve", args=[destruction_list.pk])
    remove = reverse("retention:item-remove", args=[item.pk])
    assert as_user(cast.oscar).post(approve).status_code == 404
    assert as_user(cast.oscar).post(remove, {"reason": "x"}).status_code == 404
    assert as_user(cast.ivan).post(approve).status_code == 403
    assert as_user(cast.ivan).post(remove, {"reason": "x"}).status_code == 403
    response = as_user(cast.heidi).post(remove, {"reason": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at is None
    as_user(cast.heidi).post(remove, {"reason": "Lopend bezwaar"})
    item.refresh_from_db()
    assert item.removal_reason == "Lopend bezwaar"
    assert as_user(cast.heidi).post(approve).status_code == 302
    assert DestructionItem.objects.filter(destroyed_at__isnull=False).count() == 1


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_pages_cost_the_same_at_any_size(  # type: ignore[no-untyped-def]
    as_user, cast: Cast, size: int, django_assert_max_num_queries
) -> None:
    destruction_list = proposed_list(cast, households=size)
    client = as_user(cast.heidi)
    client.get(reverse("retention:rules"))  # the defaults exist from here on
    with django_assert_max_num_queries(12):
        assert client.get(reverse("retention:rules")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("retention:lists")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("retention:list", args=[destruction_list.pk])).status_code == 200
