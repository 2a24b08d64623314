"""Serializers of the social map API. The social map is not personal data."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from doorbraak.lib.bounds import id_field
from doorbraak.lib.serializers import EnumField, NameRefSerializer
from doorbraak.socialmap.models import Cost, Service


class CodeRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ServiceSerializer(serializers.Serializer[Service]):
    """One service on the social map: who offers what, for whom, where, and how to reach it."""

    id = serializers.IntegerField()
    code = serializers.CharField(help_text="The stable key of the CSV import.")
    municipality = NameRefSerializer()
    organisation = serializers.CharField(source="organisation_name")
    name = serializers.CharField()
    description = serializers.CharField()
    targetGroup = serializers.CharField(source="target_group")
    lifeDomains = CodeRefSerializer(
        source="life_domains.all", many=True, help_text="The needs it helps with."
    )
    districts = NameRefSerializer(
        source="districts.all", many=True, help_text="Empty: the whole municipality."
    )
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    walkIn = serializers.CharField(source="walk_in")
    openingHours = serializers.CharField(source="opening_hours")
    cost = EnumField(Cost)
    costNote = serializers.CharField(source="cost_note")
    waitingWeeks = serializers.IntegerField(source="waiting_weeks", allow_null=True)
    waitingUpdatedOn = serializers.DateField(source="waiting_updated_on", allow_null=True)
    contactName = serializers.CharField(source="contact_name")
    contactRole = serializers.CharField(source="contact_role")
    contactPhone = serializers.CharField(source="contact_phone")
    active = serializers.BooleanField()


class ServiceDetailSerializer(ServiceSerializer):
    usedByHouseholds = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "How many households have a plan action pointing at this service; null when "
            "fewer than k (DOORBRAAK_K_INTERNAL, default 5): small counts are not shown."
        ),
    )


class ServiceListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Search organisation, name, description and target group.",
    )
    lifeDomain = id_field(required=False, help_text="Only services that help with this domain.")
    district = id_field(
        required=False, help_text="Only services for this district (or the whole municipality)."
    )
    free = serializers.BooleanField(required=False, default=False, help_text="Only free ones.")
    shortWait = serializers.BooleanField(
        required=False, default=False, help_text="Only a waiting time of 2 weeks at most."
    )
