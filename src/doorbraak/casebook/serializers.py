"""Serializers of the casebook API: explicit, camelCase, no personal data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from doorbraak.breakthroughs.models import Theme
from doorbraak.casebook.models import (
    Example,
    ExampleAmount,
    ExampleResult,
    ExampleScope,
    ExampleStatus,
)
from doorbraak.catalogue.models import Payer
from doorbraak.lib.serializers import EnumField, NameRefSerializer


class ExampleRegulationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    citation = serializers.CharField()


class ExampleAmountSerializer(serializers.Serializer[ExampleAmount]):
    payer = EnumField(Payer)
    statusQuoCents = serializers.IntegerField(
        source="status_quo_cents", help_text="Rounded cost without the breakthrough."
    )
    breakthroughCents = serializers.IntegerField(
        source="breakthrough_cents", help_text="Rounded cost with the breakthrough."
    )


class ExampleListSerializer(serializers.Serializer[Example]):
    """An example in a list: what it is about and where it comes from."""

    id = serializers.IntegerField()
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    theme = EnumField(Theme)
    result = EnumField(ExampleResult)
    scope = EnumField(ExampleScope)
    sourceMunicipality = serializers.CharField(source="source_municipality")
    regulations = ExampleRegulationSerializer(many=True)
    organisations = NameRefSerializer(many=True)
    publishedAt = serializers.DateTimeField(source="published_at", allow_null=True)


class ExampleSerializer(ExampleListSerializer):
    """One example in full."""

    status = EnumField(ExampleStatus)
    bottleneck = serializers.CharField()
    solution = serializers.CharField()
    outcome = serializers.CharField()
    commitment = serializers.CharField()
    horizonMonths = serializers.IntegerField(source="horizon_months")
    imported = serializers.BooleanField()
    amounts = ExampleAmountSerializer(many=True)


class ExampleQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words to search for (Dutch)."
    )
    theme = EnumField(Theme, required=False)
    result = EnumField(ExampleResult, required=False)
    regulation = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    municipality = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Source municipality."
    )


class ExchangeAmountSerializer(serializers.Serializer[Any]):
    payer = EnumField(Payer)
    statusQuoCents = serializers.IntegerField()
    breakthroughCents = serializers.IntegerField()


class ExchangeExampleSerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField()
    sourceMunicipality = serializers.CharField()
    title = serializers.CharField()
    theme = EnumField(Theme)
    bottleneck = serializers.CharField()
    solution = serializers.CharField()
    result = EnumField(ExampleResult)
    outcome = serializers.CharField()
    commitment = serializers.CharField()
    horizonMonths = serializers.IntegerField()
    regulations = serializers.ListField(child=serializers.CharField())
    regulationText = serializers.CharField()
    organisations = serializers.ListField(child=serializers.CharField())
    amounts = ExchangeAmountSerializer(many=True)
    publishedAt = serializers.DateTimeField(allow_null=True)


class ExchangeSerializer(serializers.Serializer[Any]):
    """The national-exchange file: import it with ``manage.py casebook_import``."""

    format = serializers.CharField()
    version = serializers.IntegerField()
    exportedAt = serializers.DateTimeField()
    examples = ExchangeExampleSerializer(many=True)
