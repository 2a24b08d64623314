"""Input and output serializers of the households API.

Input serializers check the shape of a request only; the rules live in the services,
whose Dutch messages reach the client as ``invalidParams``. Output never contains a BSN,
only ``hasBsn``; households and members are known by their ``publicId``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.models import Organisation
from doorbraak.accounts.selectors import organisation_list
from doorbraak.accounts.serializers import UserRefSerializer, user_name
from doorbraak.households import selectors
from doorbraak.households.models import (
    CloseReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    EventKind,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    InvolvedProfessional,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    ReferralStatus,
    Representation,
    Urgency,
)
from doorbraak.lib import limits
from doorbraak.lib.bounds import MAX_CENTS, MAX_ID, bounded_int, id_field
from doorbraak.lib.serializers import EnumField, NameRefSerializer


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class OrganisationField(serializers.PrimaryKeyRelatedField[Organisation]):
    """An organisation the user may see (national ones and those of their municipalities)."""

    def get_queryset(self) -> Any:
        return organisation_list(user=self.context["request"].user)


# --- referrals ---------------------------------------------------------------------------------


class ReferralSerializer(serializers.Serializer[Referral]):
    """A referral as the team sees it."""

    id = serializers.IntegerField()
    status = EnumField(ReferralStatus)
    source = serializers.ChoiceField(choices=ReferralSource.choices)  # type: ignore[assignment]
    sourceOrganisation = NameRefSerializer(source="source_organisation")
    referredBy = UserRefSerializer(source="referred_by")
    referredAt = serializers.DateTimeField(source="referred_at")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    reason = serializers.CharField()
    residentName = serializers.CharField(source="resident_name")
    hasFixedAddress = serializers.BooleanField(source="has_fixed_address")
    postcode = serializers.CharField()
    houseNumber = serializers.IntegerField(source="house_number", allow_null=True)
    houseNumberAddition = serializers.CharField(source="house_number_addition")
    postalAddress = serializers.CharField(source="postal_address")
    phone = serializers.CharField()
    district = NameRefSerializer(allow_null=True)
    team = NameRefSerializer(allow_null=True)
    decidedAt = serializers.DateTimeField(source="decided_at", allow_null=True)
    declineReason = serializers.CharField(source="decline_reason")
    household = serializers.UUIDField(source="household.public_id", allow_null=True, default=None)


class ReferralMineSerializer(serializers.Serializer[Referral]):
    """A referral as its referrer sees it: the status, nothing of the household's file."""

    id = serializers.IntegerField()
    status = EnumField(ReferralStatus)
    referredAt = serializers.DateTimeField(source="referred_at")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    residentName = serializers.CharField(source="resident_name")
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    decidedAt = serializers.DateTimeField(source="decided_at", allow_null=True)
    declineReason = serializers.CharField(source="decline_reason")


class ReferralListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=ReferralStatus.choices,
        default=ReferralStatus.SUBMITTED,
        allow_blank=True,
        help_text=_("Submitted when left out; empty for every status."),
    )


class ReferralInputSerializer(serializers.Serializer[dict[str, Any]]):
    municipality = id_field(
        required=False, help_text=_("Required when you refer for more than one municipality.")
    )
    source = serializers.ChoiceField(choices=ReferralSource.choices)  # type: ignore[assignment]
    sourceOrganisation = OrganisationField(
        required=False, help_text=_("By default the organisation of the referrer.")
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    reason = serializers.CharField(allow_blank=True, max_length=limits.TEXT)
    residentName = serializers.CharField(allow_blank=True, max_length=150)
    hasFixedAddress = serializers.BooleanField(
        default=True,
        help_text=_(
            "False for a household without a fixed address: leave postcode and house number "
            "out and give the district."
        ),
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    houseNumber = bounded_int(1, 99999, required=False, allow_null=True)
    houseNumberAddition = serializers.CharField(required=False, allow_blank=True, max_length=10)
    postalAddress = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Without a fixed address: a briefadres or shelter where post arrives."),
    )
    district = id_field(
        required=False,
        allow_null=True,
        help_text=_("Without a fixed address: the district whose team will help."),
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class ReasonInputSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True, max_length=limits.SHORT_TEXT)


# --- members and intake --------------------------------------------------------------------


class MemberInputSerializer(serializers.Serializer[dict[str, Any]]):
    """A member; ``bsn`` may be sent but is never returned."""

    firstName = serializers.CharField(allow_blank=True, max_length=100)
    infix = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Tussenvoegsel, e.g. 'van der'."
    )
    lastName = serializers.CharField(allow_blank=True, max_length=150)
    birthDate = serializers.DateField()
    role = EnumField(MemberRole)
    bsn = serializers.CharField(required=False, allow_blank=True, max_length=20, write_only=True)
    representation = serializers.ChoiceField(
        choices=Representation.choices, required=False, allow_blank=True
    )
    representative = serializers.CharField(required=False, allow_blank=True, max_length=150)


class MemberCreateSerializer(MemberInputSerializer):
    joinedOn = serializers.DateField(required=False, help_text=_("Today when left out."))


class MemberUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    """Partial update; a missing or empty ``bsn`` keeps the stored one."""

    firstName = serializers.CharField(required=False, allow_blank=True, max_length=100)
    infix = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Tussenvoegsel, e.g. 'van der'."
    )
    lastName = serializers.CharField(required=False, allow_blank=True, max_length=150)
    birthDate = serializers.DateField(required=False)
    role = EnumField(MemberRole, required=False)
    bsn = serializers.CharField(required=False, allow_blank=True, max_length=20, write_only=True)
    representation = serializers.ChoiceField(
        choices=Representation.choices, required=False, allow_blank=True
    )
    representative = serializers.CharField(required=False, allow_blank=True, max_length=150)


class MemberLeaveSerializer(serializers.Serializer[dict[str, Any]]):
    leftOn = serializers.DateField(required=False, help_text=_("Today when left out."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=250)


class IntakeInputSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(allow_blank=True, max_length=150)
    hasFixedAddress = serializers.BooleanField(
        default=True,
        help_text=_(
            "False for a household without a fixed address: leave postcode and house number "
            "out and give the district."
        ),
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    houseNumber = bounded_int(1, 99999, required=False, allow_null=True)
    houseNumberAddition = serializers.CharField(required=False, allow_blank=True, max_length=10)
    postalAddress = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Without a fixed address: a briefadres or shelter where post arrives."),
    )
    district = id_field(
        required=False,
        allow_null=True,
        help_text=_("Without a fixed address: the district whose team will help."),
    )
    street = serializers.CharField(required=False, allow_blank=True, max_length=150)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    members = MemberInputSerializer(many=True, allow_empty=True)
    duplicatesChecked = serializers.BooleanField(
        default=False,
        help_text=_("Set to true once you have checked the possible duplicates."),
    )


class HouseholdCreateSerializer(IntakeInputSerializer):
    team = id_field(required=False, help_text=_("Required when you work in more than one team."))


class ReferralAcceptSerializer(serializers.Serializer[dict[str, Any]]):
    """Either ``household`` (an existing household of the team) or an intake."""

    household = serializers.UUIDField(required=False)
    intake = IntakeInputSerializer(required=False)


class PossibleDuplicateSerializer(serializers.Serializer[Any]):
    """A possible duplicate the user may see: the household's publicId, name and team."""

    household = serializers.UUIDField()
    name = serializers.CharField()
    team = serializers.CharField()
    reason = serializers.CharField()


class DuplicateProblemSerializer(serializers.Serializer[Any]):
    """409: a problem document with the possible duplicates."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    possibleDuplicates = PossibleDuplicateSerializer(
        many=True, help_text=_("The possible duplicates you may see.")
    )
    duplicateElsewhere = serializers.BooleanField(
        help_text=_(
            "True when a possible duplicate exists that you may not see (another team): "
            "ask your team lead or the privacy officer. Which team is never said."
        )
    )


class MemberSerializer(serializers.Serializer[Member]):
    publicId = serializers.UUIDField(source="public_id")
    firstName = serializers.CharField(source="first_name")
    infix = serializers.CharField(help_text="Tussenvoegsel ('de', 'van der'); empty if none.")
    lastName = serializers.CharField(source="last_name")
    fullName = serializers.CharField(source="full_name")
    birthDate = serializers.DateField(source="birth_date")
    role = EnumField(MemberRole)
    hasBsn = serializers.BooleanField(source="has_bsn")
    representation = serializers.CharField()
    representative = serializers.CharField()
    joinedOn = serializers.DateField(source="joined_on")
    leftOn = serializers.DateField(source="left_on", allow_null=True)


# --- coordinator, professionals, consent ------------------------------------------------------


class CoordinatorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="coordinator_id")
    name = serializers.SerializerMethodField()
    since = serializers.DateTimeField(source="started_at")

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, assignment: Any) -> str:
        return user_name(assignment.coordinator)


class HandoverInputSerializer(serializers.Serializer[dict[str, Any]]):
    to = id_field(help_text=_("The id of the new coordinator (a colleague in the team)."))
    note = serializers.CharField(allow_blank=True, max_length=limits.SHORT_TEXT)


class CloseInputSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.ChoiceField(choices=CloseReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=limits.SHORT_TEXT)
    closedOn = serializers.DateField(required=False, help_text=_("Today when left out."))


class NoteInputSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(allow_blank=True, max_length=limits.SHORT_TEXT)


class OptionalNoteInputSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=limits.SHORT_TEXT)


class ProfessionalSerializer(serializers.Serializer[InvolvedProfessional]):
    id = serializers.IntegerField()
    organisation = NameRefSerializer(allow_null=True)
    organisationName = serializers.CharField(source="organisation_label")
    personName = serializers.CharField(source="person_name")
    role = serializers.CharField()
    contact = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    yearlyCostCents = serializers.IntegerField(source="yearly_cost_cents", allow_null=True)


class ProfessionalInputSerializer(serializers.Serializer[dict[str, Any]]):
    organisation = OrganisationField(required=False, allow_null=True)
    organisationName = serializers.CharField(required=False, allow_blank=True, max_length=150)
    personName = serializers.CharField(allow_blank=True, max_length=150)
    role = serializers.CharField(allow_blank=True, max_length=150)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=150)
    since = serializers.DateField()
    yearlyCostCents = bounded_int(0, MAX_CENTS, required=False, allow_null=True)


class ProfessionalEndSerializer(serializers.Serializer[dict[str, Any]]):
    until = serializers.DateField(required=False, help_text=_("Today when left out."))


class ConsentSerializer(serializers.Serializer[Consent]):
    id = serializers.IntegerField()
    givenBy = serializers.UUIDField(source="given_by.public_id")
    givenByName = serializers.CharField(source="given_by.full_name")
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    recipient = NameRefSerializer()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    givenOn = serializers.DateField(source="given_on")
    validUntil = serializers.DateField(source="valid_until", allow_null=True)
    withdrawnAt = serializers.DateTimeField(source="withdrawn_at", allow_null=True)
    active = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_active(self, consent: Consent) -> bool:
        return consent.is_active()


class ConsentInputSerializer(serializers.Serializer[dict[str, Any]]):
    givenBy = serializers.UUIDField(help_text=_("The publicId of the member."))
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    recipient = OrganisationField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    givenOn = serializers.DateField(required=False, help_text=_("Today when left out."))
    validUntil = serializers.DateField(required=False, allow_null=True)


# --- households ---------------------------------------------------------------------------


class HouseholdListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Name, street, postcode or last name of a member."),
    )
    status = serializers.ChoiceField(
        choices=HouseholdStatus.choices, required=False, allow_blank=True
    )
    district = id_field(required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text=_("Only households you coordinate.")
    )


class HouseholdSerializer(serializers.Serializer[Household]):
    """A household in a list."""

    publicId = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    hasFixedAddress = serializers.BooleanField(source="has_fixed_address")
    street = serializers.CharField()
    houseNumber = serializers.IntegerField(source="house_number", allow_null=True)
    houseNumberAddition = serializers.CharField(source="house_number_addition")
    postcode = serializers.CharField()
    city = serializers.CharField()
    postalAddress = serializers.CharField(source="postal_address")
    district = NameRefSerializer(allow_null=True)
    team = NameRefSerializer()
    status = EnumField(HouseholdStatus)
    openedOn = serializers.DateField(source="opened_on")
    closedOn = serializers.DateField(source="closed_on", allow_null=True)
    memberCount = serializers.IntegerField(source="current_member_count")
    classification = serializers.CharField(
        source="latest_classification",
        allow_null=True,
        help_text=_("Outcome of the latest assessment of the household: groen, oranje or rood."),
    )
    coordinatorId = serializers.IntegerField(source="current_coordinator_id", allow_null=True)


class InvolvementSerializer(serializers.Serializer[Any]):
    professionals = serializers.IntegerField()
    organisations = serializers.IntegerField()
    yearlyCostCents = serializers.IntegerField(source="yearly_cost_cents")


class HouseholdDetailSerializer(HouseholdSerializer):
    """One household with its members, coordinator, professionals and consents."""

    closeReason = serializers.CharField(source="close_reason")
    closeNote = serializers.CharField(source="close_note")
    coordinator = serializers.SerializerMethodField()
    members = MemberSerializer(many=True, source="members.all")
    involvement = serializers.SerializerMethodField()
    professionals = ProfessionalSerializer(many=True, source="involved_professionals.all")
    consents = ConsentSerializer(many=True, source="consents.all")

    @extend_schema_field(CoordinatorSerializer(allow_null=True))
    def get_coordinator(self, household: Household) -> dict[str, Any] | None:
        assignment = selectors.current_coordinator(household)
        return None if assignment is None else dict(CoordinatorSerializer(assignment).data)

    @extend_schema_field(InvolvementSerializer)
    def get_involvement(self, household: Household) -> dict[str, Any]:
        summary = selectors.involvement_summary(household, on=timezone.localdate())
        return dict(InvolvementSerializer(summary).data)


class EventSerializer(serializers.Serializer[HouseholdEvent]):
    id = serializers.IntegerField()
    occurredAt = serializers.DateTimeField(source="occurred_at")
    kind = EnumField(EventKind)
    summary = serializers.CharField()
    actor = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event: HouseholdEvent) -> str:
        return user_name(event.actor)


class TimelineQuerySerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.MultipleChoiceField(
        choices=EventKind.choices, required=False, help_text=_("One or more kinds of event.")
    )
