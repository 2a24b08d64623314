"""Serializers of the insights API: the spiegel, signals and municipalities compared.

Everything here is aggregated (counts after small-cell suppression: ``null`` is a hidden
count) or pseudonymised (household pseudonyms of the cases behind a signal). No names,
addresses, BSNs or free text about households.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.serializers import UserRefSerializer
from doorbraak.breakthroughs.models import Theme
from doorbraak.insights.models import OwnerKind, Signal, SignalEvent, SignalStatus
from doorbraak.lib import limits
from doorbraak.lib.bounds import id_field
from doorbraak.lib.serializers import EnumField, NameRefSerializer

TREND_CHOICES = [("up", "up"), ("down", "down"), ("flat", "flat"), ("", "not shown")]
STEP_CHOICES = [
    ("raise", "raise"),
    ("answer", "answer"),
    ("resolve", "resolve"),
    ("structural", "structural"),
]


# --- queries ------------------------------------------------------------------------------------
class SpiegelQuerySerializer(serializers.Serializer[Any]):
    municipality = id_field(
        required=False, help_text="Municipality id; default: the first of yours."
    )
    start = serializers.DateField(required=False, help_text="Default: two months ago.")
    end = serializers.DateField(required=False)


class PeriodQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(required=False, help_text="Default: two months ago.")
    end = serializers.DateField(required=False)


class SignalListQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        required=False,
        choices=[("open", "open"), *SignalStatus.choices],
        help_text="A status, or `open` for every signal still being worked on.",
    )
    municipality = id_field(required=False)


# --- the spiegel --------------------------------------------------------------------------------
class CountRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    current = serializers.IntegerField(allow_null=True, help_text="null: hidden (fewer than k).")
    previous = serializers.IntegerField(allow_null=True)
    trend = serializers.ChoiceField(choices=TREND_CHOICES)


class MonthCountSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()
    count = serializers.IntegerField(allow_null=True)


class CombinationSerializer(serializers.Serializer[Any]):
    regulationId = serializers.IntegerField(source="combination.regulation_id")
    regulation = serializers.CharField(source="combination.regulation")
    organisationId = serializers.IntegerField(source="combination.organisation_id")
    organisation = serializers.CharField(source="combination.organisation")
    theme = EnumField(Theme, source="combination.theme")
    count = serializers.IntegerField(allow_null=True)
    households = serializers.IntegerField(allow_null=True)


class SpiegelSerializer(serializers.Serializer[Any]):
    municipality = NameRefSerializer()
    periodStart = serializers.DateField(source="period.start")
    periodEnd = serializers.DateField(source="period.end")
    previousPeriodStart = serializers.DateField(source="previous_period.start")
    previousPeriodEnd = serializers.DateField(source="previous_period.end")
    k = serializers.IntegerField()
    suppressionNote = serializers.CharField(source="note")
    total = serializers.IntegerField(allow_null=True)
    previousTotal = serializers.IntegerField(source="previous_total", allow_null=True)
    trend = serializers.ChoiceField(source="total_trend", choices=TREND_CHOICES)
    households = serializers.IntegerField(allow_null=True)
    byTheme = CountRowSerializer(many=True, source="by_theme")
    byKind = CountRowSerializer(many=True, source="by_kind")
    byRegulation = CountRowSerializer(many=True, source="by_regulation")
    byOrganisation = CountRowSerializer(many=True, source="by_organisation")
    byDistrict = CountRowSerializer(many=True, source="by_district")
    byMonth = MonthCountSerializer(many=True, source="months")
    minCount = serializers.IntegerField(source="min_count")
    combinations = CombinationSerializer(many=True)


# --- signals ------------------------------------------------------------------------------------
class CitationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    citation = serializers.CharField()


class SignalListSerializer(serializers.Serializer[Signal]):
    id = serializers.IntegerField()
    municipality = NameRefSerializer()
    title = serializers.CharField()
    status = EnumField(SignalStatus)
    theme = serializers.CharField(help_text="A theme code, or empty.")
    regulation = CitationRefSerializer(allow_null=True)
    organisation = NameRefSerializer(allow_null=True)
    ownerKind = serializers.CharField(source="owner_kind", help_text="An owner kind, or empty.")
    ownerName = serializers.CharField(source="owner_name")
    caseCount = serializers.IntegerField(source="case_count")
    periodStart = serializers.DateField(source="period_start", allow_null=True)
    periodEnd = serializers.DateField(source="period_end", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    proposedAutomatically = serializers.BooleanField(source="proposed_automatically")


class SignalEventSerializer(serializers.Serializer[SignalEvent]):
    fromStatus = serializers.CharField(source="from_status")
    toStatus = EnumField(SignalStatus, source="to_status")
    at = serializers.DateTimeField()
    by = UserRefSerializer(allow_null=True)
    note = serializers.CharField()


class SignalCaseSerializer(serializers.Serializer[Any]):
    pseudonym = serializers.CharField()
    theme = EnumField(Theme)
    month = serializers.DateField()


class SignalSerializer(SignalListSerializer):
    description = serializers.CharField()
    raisedAt = serializers.DateTimeField(source="raised_at", allow_null=True)
    answeredAt = serializers.DateTimeField(source="answered_at", allow_null=True)
    answer = serializers.CharField()
    closedAt = serializers.DateTimeField(source="closed_at", allow_null=True)
    closingNote = serializers.CharField(source="closing_note")
    history = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    allowedSteps = serializers.SerializerMethodField()

    @extend_schema_field(SignalEventSerializer(many=True))
    def get_history(self, signal: Signal) -> Any:
        return SignalEventSerializer(self.context.get("history", []), many=True).data

    @extend_schema_field(SignalCaseSerializer(many=True))
    def get_cases(self, signal: Signal) -> Any:
        return SignalCaseSerializer(self.context.get("cases", []), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=STEP_CHOICES)))
    def get_allowedSteps(self, signal: Signal) -> list[str]:
        return list(self.context.get("steps", []))


class SignalCreateSerializer(serializers.Serializer[Any]):
    municipality = id_field(
        required=False, help_text="Municipality id; default: the first of yours."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=limits.LONG_TEXT)
    theme = serializers.ChoiceField(choices=Theme.choices, required=False, allow_blank=True)
    regulation = id_field(required=False, allow_null=True)
    organisation = id_field(required=False, allow_null=True)
    ownerKind = serializers.ChoiceField(choices=OwnerKind.choices, required=False, allow_blank=True)
    ownerName = serializers.CharField(max_length=200, required=False, allow_blank=True)


class SignalStepSerializer(serializers.Serializer[Any]):
    """The input of a step: ``raise`` needs ownerKind and ownerName; ``answer`` an answer;
    ``resolve`` and ``structural`` a note."""

    ownerKind = serializers.ChoiceField(choices=OwnerKind.choices, required=False)
    ownerName = serializers.CharField(max_length=200, required=False, allow_blank=True)
    answer = serializers.CharField(required=False, allow_blank=True, max_length=limits.TEXT)
    note = serializers.CharField(required=False, allow_blank=True, max_length=limits.SHORT_TEXT)


# --- comparison -------------------------------------------------------------------------------
class ThemeCountSerializer(serializers.Serializer[Any]):
    theme = EnumField(Theme)
    count = serializers.IntegerField(allow_null=True)


class MunicipalityFiguresSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="municipality_id")
    name = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    previousTotal = serializers.IntegerField(source="previous_total", allow_null=True)
    trend = serializers.ChoiceField(choices=TREND_CHOICES)
    households = serializers.IntegerField(allow_null=True)
    byTheme = serializers.SerializerMethodField()
    openSignals = serializers.IntegerField(source="open_signals")
    structuralSignals = serializers.IntegerField(source="structural_signals")

    @extend_schema_field(ThemeCountSerializer(many=True))
    def get_byTheme(self, row: dict[str, Any]) -> Any:
        return [
            {"theme": theme, "count": count}
            for theme, count in zip(Theme.values, row["themes"], strict=True)
        ]


class ComparisonSerializer(serializers.Serializer[Any]):
    periodStart = serializers.DateField(source="period.start")
    periodEnd = serializers.DateField(source="period.end")
    k = serializers.IntegerField()
    suppressionNote = serializers.CharField(source="note")
    municipalities = MunicipalityFiguresSerializer(many=True, source="rows")
