"""Need-to-know on every page and endpoint of the accounts app.

The pattern later apps copy: the owner sees the object, another team or another
municipality gets 404 — never someone else's data, never a hint that it exists.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import Cast


def test_it_shows_the_team_to_its_members(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.alice).get(reverse("accounts:team-detail", args=[cast.team_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert cast.carol.get_full_name() in body  # her team lead
    assert cast.bob.get_full_name() not in body  # another team


@pytest.mark.parametrize("persona", ["bob", "mallory", "dave", "heidi"])
def test_another_team_or_municipality_gets_404_for_a_team(
    as_user, cast: Cast, persona: str
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(getattr(cast, persona))
    assert client.get(reverse("accounts:team-detail", args=[cast.team_a.pk])).status_code == 404
    assert client.get(reverse("api:team-detail", args=[cast.team_a.pk])).status_code == 404


def test_an_admin_sees_every_team_of_their_municipality_only(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.ivan)
    assert client.get(reverse("accounts:team-detail", args=[cast.team_b.pk])).status_code == 200
    assert client.get(reverse("accounts:team-detail", args=[cast.team_z.pk])).status_code == 404
    names = {team["name"] for team in client.get(reverse("api:team-list")).json()["results"]}
    assert names == {"Buurtteam A", "Buurtteam B"}


def test_my_team_leads_to_the_own_team(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.alice).get(reverse("accounts:my-team"))
    assert response["Location"] == reverse("accounts:team-detail", args=[cast.team_a.pk])
    response = as_user(cast.grace).get(reverse("accounts:my-team"), follow=True)
    assert "geen lid van een buurtteam" in response.content.decode()


def test_organisations_of_another_municipality_are_404(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    assert (
        client.get(reverse("accounts:organisation-detail", args=[cast.wi_south.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("api:organisation-detail", args=[cast.wi_south.pk])).status_code == 404
    )
    # National agencies and the own municipality's partners are visible.
    assert (
        client.get(reverse("accounts:organisation-detail", args=[cast.uwv.pk])).status_code == 200
    )
    assert (
        client.get(reverse("accounts:organisation-detail", args=[cast.wi_north.pk])).status_code
        == 200
    )


def test_contact_persons_are_limited_to_the_own_municipality(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    from doorbraak.accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    southern_contact = UserFactory(username="zuidcontact")
    MembershipFactory(
        user=southern_contact,
        role=Role.PARTNER_CONTACT,
        organisation=cast.uwv,
        municipality=cast.south,
    )
    response = as_user(cast.alice).get(reverse("accounts:organisation-detail", args=[cast.uwv.pk]))
    body = response.content.decode()
    assert cast.dave.get_full_name() in body
    assert southern_contact.get_full_name() not in body


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "accounts:account",
        "accounts:organisation-list",
        "accounts:my-team",
        "audit:processing-log",
    ],
)
def test_anonymous_visitors_are_sent_to_login(client: Client, db: None, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_roles_sees_no_organisations(client: Client, db: None) -> None:
    from tests.conftest import login_verified
    from tests.factories import UserFactory

    login_verified(client, UserFactory(username="zonderrol"))
    assert client.get(reverse("accounts:organisation-list")).status_code == 403
    home = client.get(reverse("home")).content.decode()
    assert "geen geldende rol" in home


def test_the_organisation_list_uses_a_fixed_number_of_queries(
    as_user,
    cast: Cast,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import OrganisationFactory

    client = as_user(cast.alice)
    OrganisationFactory.create_batch(20, municipality=cast.north)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:organisation-list"))
    assert response.content.decode().count('href="/organisaties/') == 23


def test_the_team_page_uses_a_fixed_number_of_queries(
    as_user,
    cast: Cast,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from doorbraak.accounts.models import Role
    from tests.factories import MembershipFactory

    client = as_user(cast.alice)
    for _ in range(15):
        MembershipFactory(
            role=Role.PROFESSIONAL,
            team=cast.team_a,
            organisation=cast.team_a.organisation,
            municipality=cast.north,
        )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:team-detail", args=[cast.team_a.pk]))
    assert response.status_code == 200
