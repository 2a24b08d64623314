"""Administrators set up the breakthrough tables of their own municipality."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorbraak.accounts.models import Role, User
from doorbraak.tables.models import BreakthroughTable, TableMember
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory

AsUser = Callable[[User], Client]
ADD = "admin:tables_breakthroughtable_add"
LIST = "admin:tables_breakthroughtable_changelist"


def data(
    cast: Cast, *, chair: User | None = None, members: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    members = members or []
    body: dict[str, Any] = {
        "municipality": cast.north.pk,
        "district": "",
        "name": "Doorbraaktafel Noord",
        "chair": (chair or cast.erin).pk,
        "active": "on",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for number, member in enumerate(members):
        for key, value in member.items():
            body[f"members-{number}-{key}"] = value
    return body


def dave_for_uwv(cast: Cast) -> dict[str, Any]:
    return {
        "user": cast.dave.pk,
        "organisation": cast.uwv.pk,
        "may_decide": "Een terugvordering zes maanden stilzetten.",
        "max_amount_cents": "50000",
        "active": "on",
    }


def test_the_administrator_sets_up_a_table_with_members(as_user: AsUser, cast: Cast) -> None:
    client = as_user(cast.ivan)
    response = client.post(reverse(ADD), data(cast, members=[dave_for_uwv(cast)]))
    assert response.status_code == 302, response.context and response.context["errors"]
    table = BreakthroughTable.objects.get()
    assert (table.municipality, table.chair) == (cast.north, cast.erin)
    member = TableMember.objects.get()
    assert (member.user, member.organisation, member.max_amount_cents) == (
        cast.dave,
        cast.uwv,
        50_000,
    )
    body = client.get(reverse(LIST)).content.decode()
    assert "Doorbraaktafel Noord" in body
    change = reverse("admin:tables_breakthroughtable_change", args=[table.pk])
    assert client.get(change).status_code == 200


def test_a_chair_without_the_chair_role_is_refused(as_user: AsUser, cast: Cast) -> None:
    client = as_user(cast.ivan)
    for chair in (cast.alice, cast.dave):
        response = client.post(reverse(ADD), data(cast, chair=chair))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    # A chair of another municipality is refused as well.
    south_chair = UserFactory(username="zara")
    MembershipFactory(
        user=south_chair, role=Role.TABLE_CHAIR, organisation=cast.wi_south, municipality=cast.south
    )
    response = client.post(reverse(ADD), data(cast, chair=south_chair))
    assert response.status_code == 200
    assert not BreakthroughTable.objects.exists()


def test_a_member_must_represent_the_organisation(as_user: AsUser, cast: Cast) -> None:
    client = as_user(cast.ivan)
    wrong = {**dave_for_uwv(cast), "organisation": cast.wi_north.pk}
    response = client.post(reverse(ADD), data(cast, members=[wrong]))
    assert response.status_code == 200
    formsets = response.context["inline_admin_formsets"]
    errors = [form.errors for formset in formsets for form in formset.formset]
    assert any("organisation" in e for e in errors), errors
    assert not BreakthroughTable.objects.exists()
    assert not TableMember.objects.exists()
    # Someone of a neighbourhood team's organisation may sit at the table for it.
    team_lead = {
        **dave_for_uwv(cast),
        "user": cast.carol.pk,
        "organisation": cast.team_a.organisation.pk,
        "max_amount_cents": "",
    }
    response = client.post(reverse(ADD), data(cast, members=[team_lead]))
    assert response.status_code == 302
    assert TableMember.objects.get().user == cast.carol


def test_other_municipalities_tables_are_invisible(as_user: AsUser, cast: Cast) -> None:
    south_chair = UserFactory(username="zara")
    MembershipFactory(
        user=south_chair, role=Role.TABLE_CHAIR, organisation=cast.wi_south, municipality=cast.south
    )
    south = BreakthroughTable.objects.create(
        municipality=cast.south, name="Doorbraaktafel Zuid", chair=south_chair
    )
    BreakthroughTable.objects.create(municipality=cast.north, name="Tafel Noord", chair=cast.erin)
    client = as_user(cast.ivan)
    body = client.get(reverse(LIST)).content.decode()
    assert "Tafel Noord" in body
    assert "Doorbraaktafel Zuid" not in body
    change = reverse("admin:tables_breakthroughtable_change", args=[south.pk])
    assert client.get(change).status_code == 302
    response = client.post(reverse(ADD), {**data(cast), "municipality": cast.south.pk})
    assert response.status_code == 200
    assert BreakthroughTable.objects.count() == 2


@pytest.mark.parametrize("persona", ["alice", "dave", "erin", "heidi", "mallory"])
def test_only_administrators_get_in(as_user: AsUser, cast: Cast, persona: str) -> None:
    client = as_user(getattr(cast, persona))
    assert client.get(reverse(LIST)).status_code == 302
    assert client.post(reverse(ADD), data(cast)).status_code == 302
    assert not BreakthroughTable.objects.exists()
