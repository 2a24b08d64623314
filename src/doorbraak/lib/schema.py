"""OpenAPI: every operation documents its ``application/problem+json`` error answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


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
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")  # an unknown object, or a page number past the end
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ProblemSerializer, code, media_types=["application/problem+json"]
                ),
            )
        return responses
