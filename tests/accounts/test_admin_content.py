"""The admin shows configuration, not case content, and only the own municipality.

The functional administrator's role is configuration. Django's admin lists every row a
deletion would take with it by name, and offers every row of a related table in its
choices and filters; these tests walk every admin page with case content planted under
unique tokens and fail on any token, and on another municipality's staff or name.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse

from doorbraak.accounts.admin import admin_site, deletion_summary, is_configuration
from doorbraak.accounts.models import Team, User
from doorbraak.breakthroughs.models import Bottleneck, Breakthrough
from doorbraak.households.models import EventKind, Household, HouseholdEvent, Member
from tests.conftest import Cast
from tests.factories import HouseholdFactory, MemberFactory, TeamFactory

TOKENS = ("TOKHH7q", "TOKMEM7q", "TOKEVT7q", "TOKBN7q", "TOKBT7q")
OTHER_MUNICIPALITY = ("Gemeente Zuid", "mallory", "Buurtteam Z", "W&amp;I Zuid")


@pytest.fixture
def planted(cast: Cast) -> Household:
    """One dossier of Buurtteam A with every kind of case text carrying a token."""
    household = HouseholdFactory(
        team=cast.team_a, name="Huishouden TOKHH7q", coordinator=cast.alice
    )
    MemberFactory(household=household, first_name="TOKMEM7q")
    HouseholdEvent.objects.create(
        household=household, kind=EventKind.INTAKE, summary="Gesprek met TOKEVT7q", actor=cast.alice
    )
    bottleneck = Bottleneck.objects.create(
        household=household,
        title="Knelpunt TOKBN7q",
        description="",
        theme="inkomen",
        kind="regels_botsen",
        blocked_solution="",
        created_by=cast.alice,
    )
    Breakthrough.objects.create(
        bottleneck=bottleneck,
        household=household,
        team_id=household.team_id,
        municipality_id=household.municipality_id,
        title="Doorbraak TOKBT7q",
        proposal="",
        created_by=cast.alice,
    )
    return household


def _admin_pages() -> list[str]:
    """Every page of every registered model: list, add, and change, delete, history per row."""
    urls = [reverse("admin:index")]
    for model in admin_site._registry:
        meta = model._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse(f"{prefix}_add"))
        for obj in model._default_manager.all()[:5]:
            for view in ("change", "delete", "history"):
                urls.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
    return urls


def _assert_clean(body: str, url: str) -> None:
    for token in (*TOKENS, *OTHER_MUNICIPALITY):
        assert token not in body, f"{token} on {url}"


def test_no_admin_page_shows_case_content_or_another_municipality(
    as_user: Any, cast: Cast, planted: Household
) -> None:
    client = as_user(cast.ivan)
    pages = _admin_pages()
    assert len(pages) > 40
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), url
        body = response.content.decode()
        _assert_clean(body, url)
        assert str(cast.mallory) not in body, url


def test_the_bulk_delete_confirmation_shows_no_case_content(
    as_user: Any, cast: Cast, planted: Household
) -> None:
    client = as_user(cast.ivan)
    for model, pk in ((Team, cast.team_a.pk), (User, cast.alice.pk)):
        url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
        response = client.post(url, {"action": "delete_selected", "_selected_action": [pk]})
        assert response.status_code == 200
        _assert_clean(response.content.decode(), url)
    assert Team.objects.filter(pk=cast.team_a.pk).exists()
    assert User.objects.filter(pk=cast.alice.pk).exists()


def test_a_team_with_dossiers_is_not_deleted_and_the_page_counts_them(
    as_user: Any, cast: Cast, planted: Household
) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:accounts_team_delete", args=[cast.team_a.pk])
    body = client.get(url).content.decode()
    assert "1 huishouden" in body
    assert "Huishouden TOKHH7q" not in body
    assert "lidmaatschappen" in body or "inactief" in body
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Team.objects.filter(pk=cast.team_a.pk).exists()
    assert Household.objects.filter(pk=planted.pk).exists()


def test_a_professional_who_coordinates_a_dossier_is_not_deleted(
    as_user: Any, cast: Cast, planted: Household
) -> None:
    client = as_user(cast.ivan)
    url = reverse("admin:accounts_user_delete", args=[cast.alice.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "inactief" in response.content.decode()
    assert User.objects.filter(pk=cast.alice.pk).exists()


def test_a_team_without_dossiers_is_deleted_after_a_counted_confirmation(
    as_user: Any, cast: Cast
) -> None:
    spare = TeamFactory(name="Buurtteam Leeg", municipality=cast.north)
    client = as_user(cast.ivan)
    url = reverse("admin:accounts_team_delete", args=[spare.pk])
    body = client.get(url).content.decode()
    assert "1 team" in body
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Team.objects.filter(pk=spare.pk).exists()


def test_choices_and_filters_offer_only_the_own_municipality(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.ivan)
    add_rule = client.get(reverse("admin:funds_mandaterule_add")).content.decode()
    assert str(cast.alice) in add_rule
    assert str(cast.mallory) not in add_rule
    for name in ("team", "membership"):
        page = client.get(reverse(f"admin:accounts_{name}_changelist")).content.decode()
        assert "Gemeente Noord" in page
        assert "Gemeente Zuid" not in page


def test_case_models_are_not_configuration(db: None) -> None:
    case_models: list[type[Model]] = [Household, Member, HouseholdEvent, Bottleneck, Breakthrough]
    assert not any(is_configuration(model) for model in case_models)
    assert is_configuration(Team)
    assert all(is_configuration(model) for model in admin_site._registry)


def test_the_summary_counts_rows_that_would_lose_their_reference(
    cast: Cast, planted: Household
) -> None:
    configuration, case = deletion_summary([cast.alice], "default")
    assert configuration[User] == 1
    assert case[Bottleneck] == 1
    assert User not in case
