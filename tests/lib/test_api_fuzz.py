"""The Schemathesis checks of ``make api-fuzz`` go red on a planted fault.

``scripts/api-fuzz`` runs the Schemathesis CLI against gunicorn; here the same checks run
in-process (through Django's WSGI handler) against the committed docs/openapi.yaml, on an
operation whose view is replaced for the test: a 500, a status code the schema does not
document, a body that does not match the schema. The unchanged view passes, so a red run
is the planted fault and not the harness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doorbraak.accounts.api import MeView, OrganisationListView
from tests.conftest import Cast

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz(cast: Cast) -> Iterator[Callable[[str, str], list[str]]]:
    """``fuzz(path, method)``: generated requests as Alice (token); the failed checks.

    Like Django's test client, the WSGI handler must not close the test's database
    connection at the end of each request (on PostgreSQL that ends the test transaction).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_path(SCHEMA)
    schema.app = WSGIHandler()
    headers = {"Authorization": f"Token {Token.objects.create(user=cast.alice).key}"}

    def run(path: str, method: str) -> list[str]:
        failed: list[str] = []

        @given(case=schema[path][method].as_strategy())
        @settings(
            max_examples=8,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def one(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                failed.extend(type(failure).__name__ for failure in group.exceptions)

        one()
        return sorted(set(failed))

    try:
        yield run
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_unchanged_operations_pass(fuzz: Callable[[str, str], list[str]]) -> None:
    assert fuzz("/api/v1/me", "GET") == []
    assert fuzz("/api/v1/organisations", "GET") == []


def _plant(monkeypatch: pytest.MonkeyPatch, view: type, answer: Callable[[], Any]) -> None:
    def get(self: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        return answer()

    monkeypatch.setattr(view, "get", get)


def test_a_planted_500_is_caught(
    fuzz: Callable[[str, str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash() -> Response:
        raise RuntimeError("planted")

    _plant(monkeypatch, MeView, crash)
    assert "ServerError" in fuzz("/api/v1/me", "GET")


def test_an_undocumented_status_code_is_caught(
    fuzz: Callable[[str, str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant(monkeypatch, OrganisationListView, lambda: Response({}, status=409))
    assert fuzz("/api/v1/organisations", "GET") == ["UndefinedStatusCode"]


def test_a_body_that_does_not_match_the_schema_is_caught(
    fuzz: Callable[[str, str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _plant(monkeypatch, MeView, lambda: Response({"id": "not a number", "username": 5}))
    assert fuzz("/api/v1/me", "GET") == ["JsonSchemaError"]
