"""Group-to-role mappings (single sign-on): the admin screen and the service."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from doorbraak.accounts import services
from doorbraak.accounts.models import ExternalIdentity, GroupRoleMapping, Membership, Role
from doorbraak.audit.models import ProcessingLog
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_an_impossible_mapping_is_refused_with_a_message(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.ivan)
    response = client.post(
        reverse("admin:accounts_grouprolemapping_add"),
        {
            "municipality": cast.north.pk,
            "group": "professionals",
            "role": Role.PROFESSIONAL,
            "organisation": cast.wi_north.pk,
            "team": "",
        },
    )
    assert response.status_code == 200
    assert "heeft een team nodig" in response.content.decode()
    assert not GroupRoleMapping.objects.exists()


def test_the_admin_sees_only_the_own_municipality_s_mappings(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    GroupRoleMapping.objects.create(
        municipality=cast.north,
        group="noord-beleid",
        role=Role.POLICY_ANALYST,
        organisation=cast.wi_north,
    )
    GroupRoleMapping.objects.create(
        municipality=cast.south,
        group="zuid-beleid",
        role=Role.POLICY_ANALYST,
        organisation=cast.wi_south,
    )
    body = as_user(cast.ivan).get(reverse("admin:accounts_grouprolemapping_changelist")).content
    assert b"noord-beleid" in body
    assert b"zuid-beleid" not in body


def test_a_new_subject_is_a_new_user_without_roles_and_logged(cast: Cast) -> None:
    user = services.external_identity_sign_in(
        issuer="https://login.example", subject="abc", username="alice", email="a@x.example"
    )
    assert user.username != "alice"  # taken: a new name, never the existing account
    assert user.username.startswith("alice-")
    assert not Membership.objects.filter(user=user).exists()
    assert ExternalIdentity.objects.get(user=user).subject == "abc"
    assert ProcessingLog.objects.filter(object_type="accounts.externalidentity").count() == 1
    again = services.external_identity_sign_in(issuer="https://login.example", subject="abc")
    assert again == user


def test_a_group_that_is_gone_ends_the_role_it_gave_only(cast: Cast) -> None:
    mapping = GroupRoleMapping.objects.create(
        municipality=cast.north,
        group="beleid",
        role=Role.POLICY_ANALYST,
        organisation=cast.wi_north,
    )
    user = services.external_identity_sign_in(issuer="https://login.example", subject="s-1")
    own = services.membership_grant(
        actor=None,
        user=user,
        role=Role.FUND_MANAGER,
        organisation=cast.wi_north,
        municipality=cast.north,
        valid_from=datetime.date(2026, 1, 1),
    )
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)):
        [granted] = services.group_roles_apply(user=user, groups={"beleid"})
        assert mapping.memberships.get() == granted
    with time_machine.travel(datetime.datetime(2026, 3, 9, 12, tzinfo=datetime.UTC)):
        services.group_roles_apply(user=user, groups=set())
        active = set(Membership.objects.active().filter(user=user))
    assert active == {own}
    granted.refresh_from_db()
    assert granted.valid_until == datetime.date(2026, 3, 8)
