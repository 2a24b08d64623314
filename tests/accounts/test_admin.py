"""Functional administrators manage configuration of their own municipality, in Dutch."""

from __future__ import annotations

from django.urls import reverse

from doorbraak.accounts.models import Membership, Role
from doorbraak.audit.models import ProcessingLog
from tests.conftest import Cast


def test_the_admin_opens_the_dutch_admin_screens(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.ivan).get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Doorbraak-beheer" in body
    assert "Teams" in body


def test_other_roles_do_not_get_into_the_admin(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    for persona in (cast.alice, cast.heidi, cast.grace):
        response = as_user(persona).get(reverse("admin:accounts_team_changelist"))
        assert response.status_code == 302


def test_the_admin_sees_only_the_own_municipality(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.ivan)
    body = client.get(reverse("admin:accounts_team_changelist")).content.decode()
    assert "Buurtteam A" in body
    assert "Buurtteam Z" not in body
    other = client.get(reverse("admin:accounts_team_change", args=[cast.team_z.pk]))
    assert other.status_code == 302  # Django admin: "does not exist", back to the index
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "alice" in users
    assert "mallory" not in users


def test_an_impossible_membership_is_refused_with_a_message(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.ivan)
    before = Membership.objects.count()
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": cast.grace.pk,
            "role": Role.PROFESSIONAL,
            "organisation": cast.wi_north.pk,
            "municipality": cast.north.pk,
            "team": "",
            "valid_from": "2026-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 200
    assert "heeft een team nodig" in response.content.decode()
    assert Membership.objects.count() == before


def test_an_admin_change_to_an_account_is_in_the_processing_log(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.ivan)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": cast.grace.pk,
            "role": Role.FUND_MANAGER,
            "organisation": cast.wi_north.pk,
            "municipality": cast.north.pk,
            "team": "",
            "valid_from": "2026-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    entry = ProcessingLog.objects.get()
    assert entry.actor == cast.ivan
    assert entry.subject_pseudonym == f"gebruiker-{cast.grace.pk}"
