"""Serializers of the law library API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from doorbraak.lib.serializers import EnumField, NameRefSerializer
from doorbraak.library.models import Deviation, Regulation, RegulationKind


class RegulationSerializer(serializers.Serializer[Regulation]):
    """One article of a law or policy rule, in our own words."""

    id = serializers.IntegerField()
    law = serializers.CharField()
    article = serializers.CharField()
    citation = serializers.CharField()
    kind = EnumField(RegulationKind)
    description = serializers.CharField()
    deviation = EnumField(Deviation, help_text="Does the article leave room to deviate?")
    allowsDeviation = serializers.BooleanField(source="allows_deviation")
    url = serializers.CharField()
    municipality = NameRefSerializer(allow_null=True, help_text="Empty for national rules.")


class RegulationRefSerializer(serializers.Serializer[Regulation]):
    id = serializers.IntegerField()
    citation = serializers.CharField()
    deviation = EnumField(Deviation)


class RegulationListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Search citation, law, text."
    )
    deviation = EnumField(Deviation, required=False, help_text="Only this room to deviate.")
