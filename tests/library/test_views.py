"""The law library pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.audit.models import ProcessingLog
from doorbraak.library.models import Deviation, Regulation
from tests.conftest import Cast
from tests.factories import RegulationFactory


def _urls() -> list[str]:
    regulation = Regulation.objects.filter(municipality__isnull=True).first()
    assert regulation is not None
    return [
        reverse("library:regulations"),
        reverse("library:regulation-detail", args=[regulation.pk]),
    ]


# --- access -----------------------------------------------------------------------------------
def test_anonymous_users_are_sent_to_the_login_page(client: Any, cast: Cast) -> None:
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_everyone_working_in_doorbraak_may_read_the_library(as_user: Any, cast: Cast) -> None:
    for user in (cast.alice, cast.dave, cast.erin, cast.mallory):
        client = as_user(user)
        for url in _urls():
            assert client.get(url).status_code == 200, (user, url)
    expected = 200 if can_view_organisations(cast.heidi) else 403
    client = as_user(cast.heidi)
    for url in _urls():
        assert client.get(url).status_code == expected


def test_a_local_regulation_is_only_for_its_own_municipality(as_user: Any, cast: Cast) -> None:
    local = RegulationFactory(municipality=cast.north, citation="Verordening Noord art. 9")
    url = reverse("library:regulation-detail", args=[local.pk])
    assert as_user(cast.alice).get(url).status_code == 200
    assert as_user(cast.mallory).get(url).status_code == 404
    body = as_user(cast.mallory).get(reverse("library:regulations"), {"q": "Noord"})
    assert "Verordening Noord art. 9" not in body.content.decode()


# --- regulations ------------------------------------------------------------------------------
def test_regulations_are_searched_and_filtered_in_few_queries(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    RegulationFactory(
        law="Zoekwet", citation="Zoekwet art. 1", deviation=Deviation.DISCRETION, url=""
    )
    RegulationFactory(law="Zoekwet", citation="Zoekwet art. 2", deviation=Deviation.NONE)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("library:regulations"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25  # the seeded library is larger
    response = client.get(
        reverse("library:regulations"), {"q": "zoekwet", "deviation": Deviation.DISCRETION}
    )
    body = response.content.decode()
    assert "Zoekwet art. 1" in body
    assert "Zoekwet art. 2" not in body
    response = client.get(reverse("library:regulations"), {"deviation": "x", "page": "999"})
    assert response.status_code == 200
    assert not ProcessingLog.objects.exists()


def test_a_regulation_page_links_to_the_official_text(as_user: Any, cast: Cast) -> None:
    regulation = RegulationFactory(
        description="Het college kan afwijken als toepassing onevenredig hard is.",
        url="https://wetten.overheid.nl/BWBR0005537",
    )
    response = as_user(cast.dave).get(reverse("library:regulation-detail", args=[regulation.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "onevenredig hard" in body
    assert 'href="https://wetten.overheid.nl/BWBR0005537"' in body
    assert "noopener" in body
    assert (
        as_user(cast.dave).get(reverse("library:regulation-detail", args=[999_999])).status_code
        == 404
    )


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_library_is_read_only(as_user: Any, cast: Cast, method: str) -> None:
    client = as_user(cast.alice)
    response = getattr(client, method)(reverse("library:regulations"))
    assert response.status_code == 405
