"""Output serializers of the accounts API (input comes in later issues)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.models import District, Membership, Municipality, Organisation, Team, User


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = ["id", "name", "code"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    municipality = MunicipalitySerializer(allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "shortName", "kind", "municipality"]

    shortName = serializers.CharField(source="short_name")


class DistrictSerializer(serializers.ModelSerializer[District]):
    class Meta:
        model = District
        fields = ["id", "name"]


class TeamSerializer(serializers.ModelSerializer[Team]):
    organisation: serializers.PrimaryKeyRelatedField[Organisation] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    municipality = MunicipalitySerializer()
    districts = DistrictSerializer(many=True)

    class Meta:
        model = Team
        fields = ["id", "name", "organisation", "municipality", "districts"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    organisation = OrganisationSerializer()
    municipality = MunicipalitySerializer()
    team: serializers.PrimaryKeyRelatedField[Team] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    validFrom = serializers.DateField(source="valid_from")
    validUntil = serializers.DateField(source="valid_until", allow_null=True)

    class Meta:
        model = Membership
        fields = ["role", "organisation", "municipality", "team", "validFrom", "validUntil"]


class MeSerializer(serializers.Serializer[dict[str, object]]):
    """The logged-in user and the roles in force today (built by ``MeView``)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    firstName = serializers.CharField()
    lastName = serializers.CharField()
    email = serializers.EmailField()
    memberships = MembershipSerializer(many=True)


def user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class UserRefSerializer(serializers.Serializer[User]):
    """A colleague: id and display name, nothing else."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, user: User) -> str:
        return user_name(user)
