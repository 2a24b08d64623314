"""Input and output serializers of the plans API.

Input serializers check the shape of a request only; the rules (only a draft changes, a
partner action names its organisation, agreeing needs a commitment, goals and actions) live
in the services, whose Dutch messages reach the client as ``invalidParams``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.assessments.serializers import AssessorSerializer, DomainRefSerializer
from doorbraak.lib import limits
from doorbraak.lib.bounds import id_field
from doorbraak.plans.models import Action, ActionOwner, ActionStatus, Goal, Plan, PlanStatus


class OrganisationRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ServiceRefSerializer(serializers.Serializer[Any]):
    """A service of the social map, as a plan action names it."""

    id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation_name")
    name = serializers.CharField()


class GoalSerializer(serializers.Serializer[Goal]):
    id = serializers.IntegerField()
    domain = DomainRefSerializer()
    description = serializers.CharField()
    position = serializers.IntegerField()


class ActionSerializer(serializers.Serializer[Action]):
    """Who does what by when."""

    id = serializers.IntegerField()
    goal = serializers.IntegerField(source="goal_id", allow_null=True)
    description = serializers.CharField()
    owner = serializers.ChoiceField(choices=ActionOwner.choices)
    ownerName = serializers.CharField(source="owner_name")
    ownerOrganisation = OrganisationRefSerializer(source="owner_organisation", allow_null=True)
    service = ServiceRefSerializer(
        allow_null=True, help_text="The service of the social map this action uses, if any."
    )
    dueOn = serializers.DateField(source="due_on")
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    position = serializers.IntegerField()


class PlanSerializer(serializers.Serializer[Plan]):
    """One version of the household's plan with its goals and actions."""

    id = serializers.IntegerField()
    household = serializers.UUIDField(source="household.public_id")
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    commitment = serializers.CharField(help_text="The household's own commitment.")
    agreedOn = serializers.DateField(source="agreed_on", allow_null=True)
    createdBy = AssessorSerializer(source="created_by")
    createdAt = serializers.DateTimeField(source="created_at")
    previous = serializers.IntegerField(
        source="previous_id", allow_null=True, help_text="The version this one replaces."
    )
    goals = GoalSerializer(many=True, source="goals.all")
    actions = ActionSerializer(many=True, source="actions.all")


# --- input ---------------------------------------------------------------------------------------


class CommitmentSerializer(serializers.Serializer[dict[str, Any]]):
    commitment = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=limits.TEXT,
        help_text="In the household's own words: what will they do themselves?",
    )


class GoalCreateSerializer(serializers.Serializer[dict[str, Any]]):
    domain = id_field(help_text="The id of a life domain of the catalogue.")
    description = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=limits.SHORT_TEXT
    )


class ActionCreateSerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=limits.SHORT_TEXT
    )
    owner = serializers.ChoiceField(choices=ActionOwner.choices)
    ownerName = serializers.CharField(allow_blank=True, max_length=150, required=False, default="")
    ownerOrganisation = id_field(
        allow_null=True,
        required=False,
        default=None,
        help_text="The id of the partner organisation (required when owner is 'partner').",
    )
    service = id_field(
        allow_null=True,
        required=False,
        default=None,
        help_text="The id of an active service of the household's social map (optional).",
    )
    dueOn = serializers.DateField()


@extend_schema_field({"$ref": "#/components/schemas/ActionStatusEnum"})
class ActionStatusField(serializers.ChoiceField):
    """An action's status; documented as the same enum component as in the output."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ActionStatus.choices, **kwargs)


class ActionStatusSerializer(serializers.Serializer[dict[str, Any]]):
    status = ActionStatusField()


class AgreeSerializer(serializers.Serializer[dict[str, Any]]):
    agreedOn = serializers.DateField(required=False, help_text="Defaults to today.")
