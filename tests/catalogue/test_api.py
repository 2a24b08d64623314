"""The cost catalogue API: list with filters, detail, scoped to the user's municipality."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from doorbraak.accounts.models import User
from tests.conftest import Cast
from tests.factories import CostItemFactory

AsUser = Callable[[User], Client]


def test_the_list_filters_by_year_and_search(as_user: AsUser, cast: Cast) -> None:
    CostItemFactory(name="Apitest uitzetting", code="apitest-uitzetting", amount_cents=800_000)
    CostItemFactory(name="Apitest uitzetting", code="apitest-uitzetting", valid_year=2025)
    CostItemFactory(name="Apitest schuldhulp", code="apitest-schuldhulp")
    client = as_user(cast.alice)
    url = reverse("api:cost-item-list")
    body = client.get(url, {"q": "apitest"}).json()
    assert body["count"] == 3
    body = client.get(url, {"year": 2026, "q": "apitest-uitzet"}).json()
    assert [(item["code"], item["validYear"]) for item in body["results"]] == [
        ("apitest-uitzetting", 2026)
    ]
    item = body["results"][0]
    assert item["amountCents"] == 800_000
    assert item["payer"] == "gemeente"
    assert item["municipality"] is None


def test_a_bad_year_is_a_400(as_user: AsUser, cast: Cast) -> None:
    response = as_user(cast.alice).get(reverse("api:cost-item-list"), {"year": "abc"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["year"]


def test_figures_of_another_municipality_are_not_found(as_user: AsUser, cast: Cast) -> None:
    own = CostItemFactory(municipality=cast.north)
    other = CostItemFactory(municipality=cast.south)
    client = as_user(cast.alice)
    assert client.get(reverse("api:cost-item-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("api:cost-item-detail", args=[other.pk])).status_code == 404
    codes = [i["code"] for i in client.get(reverse("api:cost-item-list")).json()["results"]]
    assert own.code in codes
    assert other.code not in codes
    mallory = as_user(cast.mallory)
    assert mallory.get(reverse("api:cost-item-detail", args=[own.pk])).status_code == 404
    assert mallory.get(reverse("api:cost-item-detail", args=[other.pk])).status_code == 200


def test_anonymous_users_are_refused(client: Client, cast: Cast) -> None:
    assert client.get(reverse("api:cost-item-list")).status_code == 401


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_takes_a_fixed_number_of_queries(
    as_user: AsUser, cast: Cast, count: int, django_assert_max_num_queries: Callable[..., object]
) -> None:
    for _ in range(count):
        CostItemFactory(municipality=cast.north)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("api:cost-item-list"))
    assert len(response.json()["results"]) >= count
