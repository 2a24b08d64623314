"""Serializers of the outcomes API: what the work prevented or achieved. Money in cents."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.serializers import UserRefSerializer
from doorbraak.breakthroughs.serializers import BreakthroughRefSerializer
from doorbraak.catalogue.models import Payer
from doorbraak.lib import limits
from doorbraak.lib.bounds import MAX_CENTS, bounded_int, id_field
from doorbraak.lib.serializers import EnumField
from doorbraak.outcomes.models import Outcome, OutcomeType, OutcomeValue


class OutcomeCostItemRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    validYear = serializers.IntegerField(source="valid_year")


class OutcomeValueSerializer(serializers.Serializer[OutcomeValue]):
    """One cost that was (probably) avoided, for whom, with its catalogue source."""

    description = serializers.CharField()
    costItem = serializers.IntegerField(source="cost_item_id", allow_null=True)
    payer = EnumField(Payer, help_text="Who would have paid.")
    unitAmountCents = serializers.IntegerField(source="unit_amount_cents")
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2)
    weightPct = serializers.IntegerField(
        source="weight_pct", help_text="Conservative probability weight (1–100)."
    )
    valueCents = serializers.IntegerField(source="value_cents")
    lowCents = serializers.IntegerField(source="low_cents")
    highCents = serializers.IntegerField(source="high_cents")
    source = serializers.CharField()  # type: ignore[assignment]  # DRF removes declared fields


class OutcomeSerializer(serializers.Serializer[Outcome]):
    """What the work prevented or achieved, valued with the catalogue of its date."""

    id = serializers.IntegerField()
    household = serializers.UUIDField(source="household.public_id")
    breakthrough = BreakthroughRefSerializer(allow_null=True)
    outcomeType = EnumField(OutcomeType, source="outcome_type")
    occurredOn = serializers.DateField(source="occurred_on")
    backdateReason = serializers.CharField(
        source="backdate_reason",
        help_text="Why the outcome is dated before the household's registration; else empty.",
    )
    evidence = serializers.CharField()
    debtAmountCents = serializers.IntegerField(source="debt_amount_cents", allow_null=True)
    costItem = OutcomeCostItemRefSerializer(source="cost_item", allow_null=True)
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    valueCents = serializers.IntegerField(
        source="value_cents", help_text="The estimated value (the weighted lines summed)."
    )
    lowCents = serializers.SerializerMethodField(help_text="Low end of the range.")
    highCents = serializers.SerializerMethodField(help_text="High end of the range.")
    valueNote = serializers.CharField(source="value_note")
    values = OutcomeValueSerializer(many=True, source="values.all")
    recordedBy = UserRefSerializer(source="recorded_by")
    recordedAt = serializers.DateTimeField(source="recorded_at")
    withdrawnAt = serializers.DateTimeField(source="withdrawn_at", allow_null=True)
    withdrawnReason = serializers.CharField(source="withdrawn_reason")

    @extend_schema_field(OpenApiTypes.INT)
    def get_lowCents(self, outcome: Outcome) -> int:
        return sum(line.low_cents for line in outcome.values.all())

    @extend_schema_field(OpenApiTypes.INT)
    def get_highCents(self, outcome: Outcome) -> int:
        return sum(line.high_cents for line in outcome.values.all())


class OutcomeInputSerializer(serializers.Serializer[dict[str, Any]]):
    outcomeType = EnumField(OutcomeType)
    occurredOn = serializers.DateField()
    backdateReason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Required when occurredOn is before the household was registered: why.",
    )
    evidence = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    breakthrough = id_field(
        required=False, allow_null=True, default=None, help_text="A breakthrough of the household."
    )
    debtAmountCents = bounded_int(
        0,
        MAX_CENTS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Only for 'schuld_voorkomen': the debt that did not arise, in cents.",
    )
    costItem = id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only for 'overig': the id of the cost item that was prevented.",
    )
    quantity = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Only for 'overig': how many units of the cost item.",
    )


class OutcomeWithdrawSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True, max_length=300)
