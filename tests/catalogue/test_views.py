"""The cost catalogue page and its CSV download (/bibliotheek/kosten/)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.catalogue.exports import build_cost_catalogue
from tests.conftest import Cast
from tests.downloads.built import build_queued
from tests.factories import CostItemFactory

SEED_CODE = "huisuitzetting-corporatie"  # seeded by outcomes/migrations/0002


def _urls() -> list[str]:
    return [reverse("catalogue:costs"), reverse("catalogue:costs-csv")]


# --- access -----------------------------------------------------------------------------------
def _ask(client: Any, url: str) -> Any:
    """The page is read (GET); the CSV is asked for (POST): the worker builds it."""
    return client.post(url) if url == reverse("catalogue:costs-csv") else client.get(url)


def test_anonymous_users_are_sent_to_the_login_page(client: Any, cast: Cast) -> None:
    for url in _urls():
        response = _ask(client, url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_everyone_working_in_doorbraak_may_read_the_catalogue(as_user: Any, cast: Cast) -> None:
    for user in (cast.alice, cast.dave, cast.erin, cast.mallory):
        client = as_user(user)
        assert client.get(_urls()[0]).status_code == 200, user
        asked = _ask(client, _urls()[1])
        assert asked["Location"] == reverse("downloads:list"), user
    expected = 200 if can_view_organisations(cast.heidi) else 403
    client = as_user(cast.heidi)
    assert client.get(_urls()[0]).status_code == expected
    assert _ask(client, _urls()[1]).status_code == (302 if expected == 200 else 403)


def test_the_urls_stayed_where_they_were() -> None:
    assert reverse("catalogue:costs") == "/bibliotheek/kosten/"
    assert reverse("catalogue:costs-csv") == "/bibliotheek/kosten/csv/"


# --- costs ------------------------------------------------------------------------------------
def test_the_cost_catalogue_shows_euros_sources_and_filters_by_year(
    as_user: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    CostItemFactory(
        name="Schuldhulp per traject",
        amount_cents=123_456,
        valid_year=2031,
        source="Testbron met link",
        source_url="https://example.org/bron",
        note="Een toelichting",
    )
    for _ in range(20):
        CostItemFactory(valid_year=2030)
    client = as_user(cast.alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalogue:costs"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "€ 1.234,56" in body
    assert 'href="https://example.org/bron"' in body
    assert "Een toelichting" in body
    response = client.get(reverse("catalogue:costs"), {"year": "2031"})
    assert [item.name for item in response.context["items"]] == ["Schuldhulp per traject"]
    assert 'name="year" value="2031"' in response.content.decode()  # the CSV keeps the filter
    response = client.get(reverse("catalogue:costs"), {"q": "schuldhulp per traject"})
    assert [item.name for item in response.context["items"]] == ["Schuldhulp per traject"]
    response = client.get(reverse("catalogue:costs"), {"year": "twintig"})
    assert response.status_code == 200


def _csv(client: Any, data: dict[str, str] | None = None) -> Any:
    asked = client.post(reverse("catalogue:costs-csv"), data or {})
    return build_queued(client, asked, build_cost_catalogue)


def test_the_costs_download_as_csv(as_user: Any, cast: Cast) -> None:
    client = as_user(cast.dave)
    assert client.get(reverse("catalogue:costs-csv")).status_code == 405  # asking is a POST
    built = _csv(client)
    assert built.response["Content-Type"].startswith("text/csv")
    assert built.response["Content-Disposition"] == 'attachment; filename="kostenkengetallen.csv"'
    content = built.content.decode()
    assert SEED_CODE in content
    filtered = _csv(client, {"year": "2099"}).content.decode()
    assert SEED_CODE not in filtered
    assert len(filtered.splitlines()) == 1  # only the header
    assert _csv(client, {"year": "twintig"}).content.decode() == content  # no filter


def test_a_figure_of_another_municipality_is_not_in_the_download(as_user: Any, cast: Cast) -> None:
    CostItemFactory(code="eigen-noord", municipality=cast.north)
    assert "eigen-noord" in _csv(as_user(cast.alice)).content.decode()
    assert "eigen-noord" not in _csv(as_user(cast.mallory)).content.decode()


@pytest.mark.parametrize("field", ["name", "source", "note"])
def test_a_planted_formula_is_downloaded_as_text(as_user: Any, cast: Cast, field: str) -> None:
    formula = "=cmd|' /C calc'!A0"
    CostItemFactory(code="geplant", valid_year=2032, **{field: formula})
    text = _csv(as_user(cast.alice), {"year": "2032"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["code"] for row in rows] == ["geplant"]
    assert rows[0][field] == "'" + formula
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_catalogue_is_read_only(as_user: Any, cast: Cast, method: str) -> None:
    client = as_user(cast.alice)
    response = getattr(client, method)(reverse("catalogue:costs"))
    assert response.status_code == 405
