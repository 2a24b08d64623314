"""Serializers of the cost catalogue API (kostenkengetallen). Money is in integer cents."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.lib.serializers import EnumField, NameRefSerializer


class CostItemSerializer(serializers.Serializer[CostItem]):
    """One sourced amount for one kind of event or period, valid for one year."""

    id = serializers.IntegerField()
    code = serializers.CharField(help_text="Stays the same across years.")
    name = serializers.CharField()
    unit = EnumField(CostUnit)
    amountCents = serializers.IntegerField(source="amount_cents")
    payer = EnumField(Payer, help_text="Whose budget the cost falls on.")
    source = serializers.CharField()  # type: ignore[assignment]  # DRF removes declared fields
    sourceUrl = serializers.CharField(source="source_url")
    validYear = serializers.IntegerField(source="valid_year")
    municipality = NameRefSerializer(allow_null=True, help_text="Empty for the national figure.")
    note = serializers.CharField()


class CostItemListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Only figures for this year."
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Search name, code, source."
    )
