"""A user's memberships in force (``accounts.selectors.active_memberships``), read on every
page by the access check, the menu and the processing log: which ones, at what cost."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorbraak.accounts.models import Membership, Role, User
from doorbraak.accounts.selectors import active_memberships, primary_membership
from tests.conftest import Cast
from tests.factories import MembershipFactory


def test_only_the_memberships_in_force_today(cast: Cast) -> None:
    today = timezone.localdate()
    alice = cast.alice
    # In force: from yesterday, until today, without a team; not in force: ended, to come.
    MembershipFactory(
        user=alice,
        role=Role.TABLE_CHAIR,
        organisation=cast.wi_north,
        municipality=cast.north,
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today,
    )
    MembershipFactory(
        user=alice,
        role=Role.POLICY_ANALYST,
        organisation=cast.wi_south,
        municipality=cast.south,
        valid_from=datetime.date(2019, 1, 1),
        valid_until=today - datetime.timedelta(days=1),
    )
    MembershipFactory(
        user=alice,
        role=Role.FUND_MANAGER,
        organisation=cast.wi_north,
        municipality=cast.north,
        valid_from=today + datetime.timedelta(days=1),
    )
    fresh = User.objects.get(pk=alice.pk)

    found = active_memberships(fresh)

    assert [m.role for m in found] == [Role.PROFESSIONAL, Role.TABLE_CHAIR]
    assert all(isinstance(m.valid_from, datetime.date) for m in found)
    assert primary_membership(fresh) == found[0]


def test_it_costs_one_query_and_the_related_objects_none(cast: Cast) -> None:
    fresh = User.objects.get(pk=cast.alice.pk)
    with CaptureQueriesContext(connection) as queries:
        found = active_memberships(fresh)
        names = [(m.organisation.name, m.municipality.name, m.team and m.team.name) for m in found]
        again = active_memberships(fresh)  # cached on the user for the request

    assert len(queries.captured_queries) == 1
    assert names == [(cast.team_a.organisation.name, "Gemeente Noord", "Buurtteam A")]
    assert again is found


def test_a_membership_without_a_team_has_none(cast: Cast) -> None:
    found = active_memberships(User.objects.get(pk=cast.dave.pk))

    assert found[0].team is None
    assert found[0].organisation == cast.uwv


def test_a_user_without_memberships_has_none(cast: Cast) -> None:
    Membership.objects.filter(user=cast.bob).delete()

    assert active_memberships(User.objects.get(pk=cast.bob.pk)) == []


def _fields(obj: Model | None) -> dict[str, object] | None:
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_it_reads_what_the_select_related_queryset_reads(cast: Cast) -> None:
    """Compiled once per process (``lib.prepared``), the memberships are the same objects,
    with the same related objects, as Django's own queryset gives, for every persona, on
    the first request and on every later one."""
    MembershipFactory(
        user=cast.alice, role=Role.TABLE_CHAIR, organisation=cast.wi_north, municipality=cast.north
    )
    for _ in range(2):
        for user in User.objects.all():
            expected = list(
                Membership.objects.active()
                .filter(user=user)
                .select_related("organisation", "municipality", "team")
                .order_by("valid_from", "pk")
            )

            found = active_memberships(User.objects.get(pk=user.pk))

            assert [_fields(m) for m in found] == [_fields(m) for m in expected]
            for name in ("organisation", "municipality", "team"):
                assert [_fields(getattr(m, name)) for m in found] == [
                    _fields(getattr(m, name)) for m in expected
                ]
            assert all(not m._state.adding and m._state.db == "default" for m in found)
