"""API conventions: version header, problem+json in Dutch, pagination, authentication."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import Cast
from tests.factories import OrganisationFactory


def test_every_api_response_carries_the_full_version(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"


def test_me_returns_the_user_with_roles_in_force(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    body = as_user(cast.alice).get("/api/v1/me").json()
    assert body["username"] == "alice"
    assert [m["role"] for m in body["memberships"]] == ["professional"]
    assert body["memberships"][0]["team"] == cast.team_a.pk


def test_anonymous_gets_401_as_problem_json_in_dutch(client: Client, db: None) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "U bent niet ingelogd."
    assert body["instance"] == "/api/v1/me"


def test_a_session_without_second_factor_gets_403(client: Client, cast: Cast) -> None:
    client.force_login(cast.alice)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_token_authenticates_a_system_integration(client: Client, cast: Cast) -> None:
    token = Token.objects.create(user=cast.dave)
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_unknown_api_paths_and_trailing_slashes_are_problem_404(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    for path in ("/api/v1/nothing", "/api/v1/organisations/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Niet gevonden."


def test_every_list_is_paginated(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    OrganisationFactory.create_batch(60, municipality=cast.north)
    client = as_user(cast.alice)
    first = client.get("/api/v1/organisations").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 63  # 60 + W&I Noord + the team organisation + UWV
    assert len(first["results"]) == 50
    second = client.get("/api/v1/organisations", {"page": 2, "pageSize": 10}).json()
    assert len(second["results"]) == 10
    bad = client.get("/api/v1/organisations", {"page": 99})
    assert bad.status_code == 404
    assert bad["Content-Type"] == "application/problem+json"


def test_writes_are_refused_as_problem_json(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    response = as_user(cast.ivan).post("/api/v1/organisations", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["title"] == "Deze methode is hier niet toegestaan."


def test_the_schema_is_served_to_authenticated_users_only(
    client: Client, as_user, cast: Cast
) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/schema").status_code in (401, 403)
    response = as_user(cast.alice).get("/api/v1/schema")
    assert response.status_code == 200
    assert b"/api/v1/organisations" in response.content


@pytest.mark.parametrize("persona", ["alice", "mallory"])
def test_the_organisation_list_is_scoped(as_user, cast: Cast, persona: str) -> None:  # type: ignore[no-untyped-def]
    names = {
        o["name"]
        for o in as_user(getattr(cast, persona)).get("/api/v1/organisations").json()["results"]
    }
    own = "W&I Noord" if persona == "alice" else "W&I Zuid"
    other = "W&I Zuid" if persona == "alice" else "W&I Noord"
    assert own in names
    assert "UWV" in names
    assert other not in names


def test_the_committed_openapi_file_matches_the_code(db: None) -> None:
    """The same drift check CI runs, so `make test` catches it first."""
    from pathlib import Path

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    generated = OpenApiYamlRenderer().render(
        SchemaGenerator().get_schema(request=None, public=True)
    )
    committed = (Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_bytes()
    assert generated == committed, "Run `make openapi` and commit docs/openapi.yaml"


def test_the_request_id_is_echoed_and_sanitised(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    assert (
        client.get("/api/v1/me", HTTP_X_REQUEST_ID="abc-12345678")["X-Request-ID"] == "abc-12345678"
    )
    injected = client.get("/api/v1/me", HTTP_X_REQUEST_ID="x\nInjected: yes")["X-Request-ID"]
    assert len(injected) == 32
    assert "\n" not in injected
    assert reverse("api:me") == "/api/v1/me"


def test_a_service_refusal_that_reaches_the_handler_is_a_400_not_a_500() -> None:
    from django.core.exceptions import ValidationError

    from doorbraak.lib.api import problem_exception_handler

    response = problem_exception_handler(
        ValidationError({"birth_date": ["Te vroeg."], "__all__": ["Niet zo."]}), {}
    )
    assert response is not None
    assert response.status_code == 400
    names = {param["name"] for param in response.data["invalidParams"]}
    assert names == {"birthDate", "nonFieldErrors"}
    response = problem_exception_handler(ValidationError("Gesloten."), {})
    assert response is not None
    assert response.data["invalidParams"][0]["reason"] == "Gesloten."


@pytest.mark.parametrize(
    "query",
    [
        {"pageSize": "null"},
        {"pageSize": ""},
        {"pageSize": "0"},
        {"pageSize": "201"},
        {"pageSize": "1.5"},
        {"pageSize": " 5"},
        {"page": ""},
        {"page": "0"},
        {"page": "last"},
        {"page": "-1"},
        {"page": "99999999999999999999999"},
    ],
)
def test_a_page_or_page_size_that_is_not_a_whole_number_in_range_is_a_400(
    as_user,  # type: ignore[no-untyped-def]
    cast: Cast,
    query: dict[str, str],
) -> None:
    """DRF would read these as "the default", "the maximum" or "the first page"."""
    response = as_user(cast.alice).get("/api/v1/organisations", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == list(query)


def test_the_largest_page_size_and_a_page_within_range_are_answered(as_user, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    client = as_user(cast.alice)
    assert client.get("/api/v1/organisations", {"pageSize": "200"}).status_code == 200
    assert client.get("/api/v1/organisations", {"page": "1", "pageSize": "1"}).status_code == 200


def test_a_json_text_field_refuses_a_number_or_a_boolean() -> None:
    from rest_framework import serializers

    class Note(serializers.Serializer[dict[str, str]]):
        reason = serializers.CharField()
        email = serializers.EmailField(required=False)

    for value in (0, 1.5, True, ["a"], {"a": 1}):
        note = Note(data={"reason": value})
        assert not note.is_valid()
        assert list(note.errors) == ["reason"]
    assert not Note(data={"reason": "ok", "email": 5}).is_valid()
    assert Note(data={"reason": "0"}).is_valid()
