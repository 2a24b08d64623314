"""OpenAPI: every operation documents its ``application/problem+json`` error answers.

Which problems an operation can answer is derived from the operation itself, in one place
(``problem_responses``, a drf-spectacular postprocessing hook), so a new endpoint documents
them without anyone remembering to:

- 401 and 403 on every operation: no credentials, or a user whose role (or missing second
  factor) does not allow it;
- 400 when the client sends something to check: a request body, query or header
  parameters, or a command (every method but GET), which a service may refuse in the
  object's current state (a submitted breakthrough, a closed meeting);
- 404 when a path parameter names an object (unknown, or outside the user's scope) and on
  every paginated list (a page past the last one);
- 409 and 422 where an ``Idempotency-Key`` is required (the same key still running; the
  same key with another body); the duplicate warning of an intake declares its own 409.

Problem responses that an operation declares without a body schema get the Problem schema.
``schemathesis`` (scripts/api-fuzz) fails on any status code the schema does not list.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

from doorbraak.lib.api import PROBLEM_CONTENT_TYPE

IDEMPOTENCY_HEADER = "Idempotency-Key"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class InvalidParamSerializer(serializers.Serializer[dict[str, str]]):
    name = serializers.CharField(help_text="Het veld (pad) met de fout.")
    code = serializers.CharField(help_text="Een vaste foutcode.")
    reason = serializers.CharField(help_text="De foutmelding in het Nederlands.")


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as answered by ``problem_exception_handler``."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    # DRF removes declared fields from the class, so this does not shadow .instance.
    instance = serializers.CharField(required=False)  # type: ignore[assignment]
    invalidParams = InvalidParamSerializer(many=True, required=False)


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        """401 and 403 everywhere (which also registers the Problem component)."""
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in ("401", "403"):
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE]
                ),
            )
        return responses


def problem_codes(method: str, operation: dict[str, Any]) -> list[str]:
    """The problem status codes an operation can answer, derived from its shape."""
    parameters = operation.get("parameters", [])
    locations = {parameter["in"] for parameter in parameters}
    names = {parameter["name"] for parameter in parameters}
    codes = ["401", "403"]
    if method != "get" or "requestBody" in operation or locations & {"query", "header"}:
        codes.append("400")
    if "path" in locations or "page" in names:
        codes.append("404")
    if IDEMPOTENCY_HEADER in names:
        codes.extend(["409", "422"])
    return codes


def problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the problem responses of every operation."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for code in problem_codes(method, operation):
                responses.setdefault(code, {"description": ""})
            for code, response in responses.items():
                if not code.startswith(("4", "5")):
                    continue
                content = response.setdefault("content", {})
                if not content:
                    content[PROBLEM_CONTENT_TYPE] = {}
                for media_type, body in content.items():
                    if media_type == PROBLEM_CONTENT_TYPE and "schema" not in body:
                        body["schema"] = dict(_PROBLEM_REF)
            operation["responses"] = dict(sorted(responses.items()))
    return result
