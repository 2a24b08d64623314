"""Input and output serializers of the assessments API.

Input serializers check the shape of a request only; the rules (every domain scored, no
future dates, the household's status) live in ``services.assessment_record``, whose Dutch
messages reach the client as ``invalidParams``. Households and members are known by their
``publicId``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.models import User
from doorbraak.assessments.models import (
    Assessment,
    AssessmentKind,
    DomainScore,
    FollowUp,
    FollowUpStatus,
    LifeDomain,
)
from doorbraak.assessments.selectors import DomainHistory
from doorbraak.households.models import Classification
from doorbraak.lib import limits
from doorbraak.lib.bounds import id_field


def user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class AssessorSerializer(serializers.Serializer[User]):
    """A colleague: id and display name, nothing else."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, user: User) -> str:
        return user_name(user)


# --- the catalogue -------------------------------------------------------------------------------


class LevelSerializer(serializers.Serializer[dict[str, Any]]):
    score = serializers.IntegerField(min_value=1, max_value=5)
    description = serializers.CharField()


class LifeDomainSerializer(serializers.Serializer[LifeDomain]):
    """A life domain with what each score 1–5 means."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    levels = serializers.SerializerMethodField()

    @extend_schema_field(LevelSerializer(many=True))
    def get_levels(self, domain: LifeDomain) -> list[dict[str, Any]]:
        return [{"score": n, "description": domain.level(n)} for n in range(1, 6)]


class DomainRefSerializer(serializers.Serializer[LifeDomain]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# --- assessments ---------------------------------------------------------------------------------


class DomainScoreSerializer(serializers.Serializer[DomainScore]):
    domain = DomainRefSerializer()
    score = serializers.IntegerField()
    selfScore = serializers.IntegerField(source="self_score", allow_null=True)
    note = serializers.CharField()


class AssessmentSerializer(serializers.Serializer[Assessment]):
    """One assessment with its scores and the resulting classification."""

    id = serializers.IntegerField()
    household = serializers.UUIDField(source="household.public_id")
    member = serializers.UUIDField(
        source="member.public_id",
        allow_null=True,
        help_text="The member assessed; null for the household as a whole.",
    )
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    date = serializers.DateField(source="assessed_on")
    assessedBy = AssessorSerializer(source="assessed_by")
    problemDomains = serializers.IntegerField(source="problem_domains")
    classification = serializers.ChoiceField(choices=Classification.choices)
    note = serializers.CharField()
    scores = DomainScoreSerializer(many=True, source="scores.all")


class ScoreInputSerializer(serializers.Serializer[dict[str, Any]]):
    domain = id_field(help_text="The id of a life domain of the catalogue.")
    score = serializers.IntegerField(min_value=1, max_value=5)
    selfScore = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, default=None
    )
    note = serializers.CharField(allow_blank=True, max_length=300, required=False, default="")


@extend_schema_field({"$ref": "#/components/schemas/AssessmentKindEnum"})
class AssessmentKindField(serializers.ChoiceField):
    """The kind of assessment; documented as the same enum component as in the output."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AssessmentKind.choices, **kwargs)


class AssessmentCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """Score every domain of the catalogue; the service classifies."""

    date = serializers.DateField(required=False, help_text="Defaults to today.")
    kind = AssessmentKindField(required=False, default=AssessmentKind.INTAKE)
    member = serializers.UUIDField(
        allow_null=True,
        required=False,
        default=None,
        help_text="The publicId of the member assessed; null for the household as a whole.",
    )
    note = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.SHORT_TEXT
    )
    scores = ScoreInputSerializer(many=True, help_text="One score for every domain.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        domains = [item["domain"] for item in attrs["scores"]]
        if not domains:
            raise serializers.ValidationError({"scores": [_("Score every life domain.")]})
        if len(domains) != len(set(domains)):
            raise serializers.ValidationError({"scores": [_("Score each domain once.")]})
        return attrs


# --- history and follow-ups ----------------------------------------------------------------------


class HistoryPointSerializer(serializers.Serializer[tuple[str, int, int | None]]):
    date = serializers.DateField()
    score = serializers.IntegerField()
    selfScore = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance: tuple[str, int, int | None]) -> dict[str, Any]:
        date, score, self_score = instance
        return {"date": date, "score": score, "selfScore": self_score}


class DomainHistorySerializer(serializers.Serializer[DomainHistory]):
    """Per domain, the scores over time (oldest first): the data behind the chart."""

    domain = DomainRefSerializer()
    points = HistoryPointSerializer(many=True)


class FollowUpSerializer(serializers.Serializer[FollowUp]):
    id = serializers.IntegerField()
    monthsAfterClosing = serializers.IntegerField(source="months_after_closing")
    dueOn = serializers.DateField(source="due_on")
    status = serializers.ChoiceField(choices=FollowUpStatus.choices)
    remindedAt = serializers.DateTimeField(source="reminded_at", allow_null=True)
    assessment = serializers.IntegerField(
        source="assessment_id", allow_null=True, help_text="The follow-up assessment, once done."
    )
