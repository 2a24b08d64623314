"""``/api/v1/referrals`` and ``/api/v1/households``: the same selectors and services as the pages.

Reads go through ``selectors.household_open`` / ``household_list`` / ``referral_open`` (404
outside the user's team, processing log written); changes go through the services, whose
``ValidationError`` becomes a 400 problem document with ``invalidParams`` and changes
nothing. A possible duplicate at intake is a 409 listing the duplicates; resubmit with
``"duplicatesChecked": true`` to register anyway. A BSN may be sent, never returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import District, Municipality, Organisation, Role, Team, User
from doorbraak.accounts.selectors import active_memberships, primary_membership
from doorbraak.households import policies, selectors, services
from doorbraak.households.models import (
    Consent,
    Household,
    HouseholdEvent,
    InvolvedProfessional,
    Member,
    MemberRole,
    Referral,
    ReferralSource,
    Urgency,
)
from doorbraak.households.probes import ELSEWHERE_ADVICE, report_duplicate_probe
from doorbraak.households.serializers import (
    ConsentInputSerializer,
    ConsentSerializer,
    CoordinatorSerializer,
    DuplicateProblemSerializer,
    EventSerializer,
    HandoverInputSerializer,
    HouseholdCreateSerializer,
    HouseholdDetailSerializer,
    HouseholdListQuerySerializer,
    HouseholdSerializer,
    MemberCreateSerializer,
    MemberLeaveSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    OptionalNoteInputSerializer,
    ProfessionalEndSerializer,
    ProfessionalInputSerializer,
    ProfessionalSerializer,
    ReasonInputSerializer,
    ReferralAcceptSerializer,
    ReferralInputSerializer,
    ReferralListQuerySerializer,
    ReferralMineSerializer,
    ReferralSerializer,
    TimelineQuerySerializer,
)
from doorbraak.lib.access import Lookup, api, refuse_unless
from doorbraak.lib.api import PROBLEM_CONTENT_TYPE, camel_case, problem, valid_input

TAGS = ["households"]
_TEAM_ROLES = {Role.PROFESSIONAL.value, Role.TEAM_LEAD.value}
_REFERRER_ROLES = {*_TEAM_ROLES, Role.PARTNER_CONTACT.value}
_MEMBER_KEYS = {
    "first_name",
    "infix",
    "last_name",
    "birth_date",
    "bsn",
    "role",
    "representation",
    "representative",
}
_CONFLICT = (409, PROBLEM_CONTENT_TYPE)
_DUPLICATE_RESPONSE = OpenApiResponse(
    DuplicateProblemSerializer,
    description="Possible duplicates; resubmit with duplicatesChecked=true to register anyway.",
)


#: The household of the URL, 404 outside the user's team; a read record for a GET only.
HOUSEHOLD = Lookup("household", selectors.household_open, "public_id", log="reads")
REFERRAL = Lookup("referral", selectors.referral_open)


# --- helpers ---------------------------------------------------------------------------------
def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes already demand a login
        raise exceptions.NotAuthenticated
    return user


def _param(key: str, *, prefix: str, member_prefix: str) -> str:
    if key == NON_FIELD_ERRORS:
        return f"{prefix}nonFieldErrors"
    name = ".".join(camel_case(part) for part in key.split("."))
    if member_prefix and key in _MEMBER_KEYS:
        name = f"{member_prefix}{name}"
    return f"{prefix}{name}"


def to_api_error(
    error: DjangoValidationError, *, prefix: str = "", member_prefix: str = ""
) -> exceptions.ValidationError:
    """A service's ``ValidationError`` as DRF's, with camelCase parameter names."""
    if hasattr(error, "error_dict"):
        detail: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            detail.setdefault(_param(key, prefix=prefix, member_prefix=member_prefix), []).extend(
                messages
            )
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError({f"{prefix}nonFieldErrors": error.messages})


@contextmanager
def service_errors(*, prefix: str = "", member_prefix: str = "") -> Iterator[None]:
    """Turn a service's ``ValidationError`` into a 400 problem document."""
    try:
        yield
    except DjangoValidationError as error:
        raise to_api_error(error, prefix=prefix, member_prefix=member_prefix) from error


def _dump(serializer_class: type[Any], objects: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return serializer_class(objects, many=True).data


def household_detail_data(request: Request, household: Household) -> dict[str, Any]:
    """The household after a change; the service has already logged the processing."""
    household = selectors.household_open(
        user=request.user, public_id=household.public_id, log=False
    )
    return dict(HouseholdDetailSerializer(household, context={"request": request}).data)


def _member(household: Household, public_id: uuid.UUID) -> Member:
    for member in household.members.all():
        if member.public_id == public_id:
            return member
    raise Http404


def _member_data(data: dict[str, Any]) -> services.MemberData:
    return services.MemberData(
        first_name=data["firstName"],
        infix=data.get("infix", ""),
        last_name=data["lastName"],
        birth_date=data["birthDate"],
        role=MemberRole(data["role"]),
        bsn=data.get("bsn", ""),
        representation=data.get("representation", ""),
        representative=data.get("representative", ""),
    )


def _district(data: dict[str, Any]) -> District | None:
    """The district a request names (the service checks that it is of the municipality)."""
    pk = data.get("district")
    if pk is None:
        return None
    district = District.objects.filter(pk=pk).first()
    if district is None:
        raise exceptions.ValidationError({"district": [_("This district does not exist.")]})
    return district


def _intake_data(data: dict[str, Any]) -> services.IntakeData:
    return services.IntakeData(
        name=data["name"],
        postcode=data.get("postcode", ""),
        house_number=data.get("houseNumber"),
        house_number_addition=data.get("houseNumberAddition", ""),
        street=data.get("street", ""),
        city=data.get("city", ""),
        members=[_member_data(m) for m in data["members"]],
        has_fixed_address=data["hasFixedAddress"],
        postal_address=data.get("postalAddress", ""),
        district=_district(data),
    )


def _duplicate_response(
    request: Request, error: DjangoValidationError, duplicates: list[services.PossibleDuplicate]
) -> Response:
    """409 with the possible duplicates the user may see (by publicId and name); of the
    others only that there are any (``duplicateElsewhere``), never which team holds them."""
    elsewhere = any(d.elsewhere for d in duplicates)
    detail = error.messages[0]
    if elsewhere:
        detail = f"{detail} {ELSEWHERE_ADVICE}"
    body = problem(
        status_code=status.HTTP_409_CONFLICT,
        detail=detail,
        instance=request.path,
        code="mogelijk-dubbel",
    )
    body["possibleDuplicates"] = [
        {
            "household": d.household.public_id,
            "name": d.household.name,
            "team": d.team_name,
            "reason": str(d.reason),
        }
        for d in duplicates
        if d.household is not None
    ]
    body["duplicateElsewhere"] = elsewhere
    return Response(
        DuplicateProblemSerializer(body).data,
        status=status.HTTP_409_CONFLICT,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _register(
    request: Request,
    *,
    team: Team,
    intake: dict[str, Any],
    referral: Referral | None = None,
    prefix: str = "",
) -> Household | Response:
    """Register (or accept with an intake); a 409 response on a possible duplicate."""
    actor = _user(request)
    data = _intake_data(intake)
    checked = bool(intake.get("duplicatesChecked"))
    try:
        if referral is not None:
            return services.intake_from_referral(
                actor=actor, referral=referral, intake=data, duplicates_checked=checked
            )
        return services.household_register(
            actor=actor, team=team, intake=data, duplicates_checked=checked
        )
    except DjangoValidationError as error:
        if getattr(error, "code", None) == "possible_duplicate":
            duplicates = services.household_find_duplicates(
                actor=actor, municipality=team.municipality, members=data.members
            )
            report_duplicate_probe(request, duplicates=duplicates, members=data.members)
            return _duplicate_response(request, error, duplicates)
        member_prefix = f"{prefix}members.0." if len(data.members) == 1 else ""
        raise to_api_error(error, prefix=prefix, member_prefix=member_prefix) from error


def _created(request: Request, household: Household) -> Response:
    response = Response(household_detail_data(request, household), status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("api:household-detail", kwargs={"public_id": household.public_id})
    )
    return response


def _own_teams(user: User) -> list[Team]:
    teams: dict[int, Team] = {}
    for membership in active_memberships(user):
        if membership.role in _TEAM_ROLES and membership.team is not None:
            teams.setdefault(membership.team.pk, membership.team)
    return list(teams.values())


def _referring_municipalities(user: User) -> list[Municipality]:
    found: dict[int, Municipality] = {}
    for membership in active_memberships(user):
        if membership.role in _REFERRER_ROLES:
            found.setdefault(membership.municipality.pk, membership.municipality)
    return list(found.values())


def _choose(options: list[Any], pk: int | None, *, field: str, missing: str) -> Any:
    """One of the user's own teams or municipalities: by id, or the only one."""
    if pk is None:
        if len(options) == 1:
            return options[0]
        raise exceptions.ValidationError({field: [missing]})
    for option in options:
        if option.pk == pk:
            return option
    raise exceptions.ValidationError({field: [_("Choose one of your own.")]})


# --- referrals -------------------------------------------------------------------------------
def _decided(pk: int) -> Referral:
    """The referral just decided on (access was checked and the change logged before)."""
    return Referral.objects.select_related(
        "source_organisation", "referred_by", "district", "team", "household"
    ).get(pk=pk)


@api()
class ReferralListView(generics.GenericAPIView[Referral]):
    """GET: the team's inbox. POST: submit a referral (aanmelden)."""

    serializer_class = ReferralSerializer

    @extend_schema(
        operation_id="referrals_list",
        tags=TAGS,
        parameters=[ReferralListQuerySerializer],
        responses=ReferralSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Referrals routed to your team: most urgent first, then the oldest."""
        refuse_unless(policies.can_work_on_households(request.user))
        query = valid_input(ReferralListQuerySerializer, request.query_params)
        referrals = (
            selectors.referral_inbox(user=request.user, status=query.get("status", ""))
            .select_related("referred_by", "household")
            .alias(
                urgency_rank=Case(
                    When(urgency=Urgency.CRISIS, then=Value(0)),
                    When(urgency=Urgency.HIGH, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("urgency_rank", "referred_at", "pk")
        )
        page: list[Referral] = list(self.paginate_queryset(referrals) or [])
        selectors.log_referral_list(user=request.user, referrals=page)
        return self.get_paginated_response(_dump(ReferralSerializer, page))

    @extend_schema(
        operation_id="referrals_create",
        tags=TAGS,
        request=ReferralInputSerializer,
        responses={201: ReferralMineSerializer},
    )
    def post(self, request: Request) -> Response:
        """Submit a referral; it is routed to the neighbourhood team of the postcode."""
        refuse_unless(policies.can_refer(request.user))
        actor = _user(request)
        data = valid_input(ReferralInputSerializer, request.data, context={"request": request})
        municipality: Municipality = _choose(
            _referring_municipalities(actor),
            data.get("municipality"),
            field="municipality",
            missing=_("Choose the municipality."),
        )
        organisation: Organisation | None = data.get("sourceOrganisation")
        if organisation is None:
            membership = primary_membership(actor)
            organisation = membership.organisation if membership is not None else None
        if organisation is None:
            raise exceptions.ValidationError(
                {"sourceOrganisation": [_("Choose the referring organisation.")]}
            )
        with service_errors():
            referral = services.referral_submit(
                actor=actor,
                municipality=municipality,
                source=ReferralSource(data["source"]),
                source_organisation=organisation,
                urgency=Urgency(data["urgency"]),
                reason=data["reason"],
                resident_name=data["residentName"],
                postcode=data.get("postcode", ""),
                house_number=data.get("houseNumber"),
                house_number_addition=data.get("houseNumberAddition", ""),
                phone=data.get("phone", ""),
                has_fixed_address=data["hasFixedAddress"],
                postal_address=data.get("postalAddress", ""),
                district=_district(data),
            )
        return Response(ReferralMineSerializer(referral).data, status=201)


@api(policies.can_refer)
class ReferralMineView(generics.GenericAPIView[Referral]):
    """Your own referrals: status and team, nothing of the household's file."""

    serializer_class = ReferralMineSerializer

    @extend_schema(
        operation_id="referrals_mine_list",
        tags=TAGS,
        responses=ReferralMineSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        referrals: QuerySet[Referral] = selectors.referrals_made_by(user=request.user)
        page = list(self.paginate_queryset(referrals) or [])
        selectors.log_referral_list(user=request.user, referrals=page)
        return self.get_paginated_response(_dump(ReferralMineSerializer, page))


@api(policies.can_work_on_households, obj=REFERRAL)
class ReferralDetailView(APIView):
    @extend_schema(operation_id="referrals_retrieve", tags=TAGS, responses=ReferralSerializer)
    def get(self, request: Request, referral: Referral) -> Response:
        """A referral routed to your team."""
        return Response(ReferralSerializer(referral).data)


@api(policies.can_work_on_households, obj=REFERRAL)
class ReferralDeclineView(APIView):
    @extend_schema(
        operation_id="referrals_decline",
        tags=TAGS,
        request=ReasonInputSerializer,
        responses=ReferralSerializer,
    )
    def post(self, request: Request, referral: Referral) -> Response:
        """Decline a referral with a reason; the referrer sees it."""
        data = valid_input(ReasonInputSerializer, request.data)
        with service_errors():
            referral = services.referral_decline(
                actor=_user(request), referral=referral, reason=data["reason"]
            )
        return Response(ReferralSerializer(_decided(referral.pk)).data)


@api(policies.can_work_on_households, obj=REFERRAL)
class ReferralAcceptView(APIView):
    @extend_schema(
        operation_id="referrals_accept",
        tags=TAGS,
        request=ReferralAcceptSerializer,
        responses={200: ReferralSerializer, _CONFLICT: _DUPLICATE_RESPONSE},
    )
    def post(self, request: Request, referral: Referral) -> Response:
        """Accept a referral: link it to a household of the team, or register one (intake)."""
        data = valid_input(ReferralAcceptSerializer, request.data)
        if ("household" in data) == ("intake" in data):
            raise exceptions.ValidationError(
                {"nonFieldErrors": [_("Send either a household or an intake, not both.")]}
            )
        if "household" in data:
            try:
                household = selectors.household_open(
                    user=request.user, public_id=data["household"], log=False
                )
            except Http404:
                raise exceptions.ValidationError(
                    {"household": [_("This household is not one of your team's.")]}
                ) from None
            with service_errors():
                services.referral_accept(
                    actor=_user(request), referral=referral, household=household
                )
        else:
            if referral.team is None:  # every submitted referral is routed; defensive
                raise Http404
            result = _register(
                request,
                team=referral.team,
                intake=data["intake"],
                referral=referral,
                prefix="intake.",
            )
            if isinstance(result, Response):
                return result
        return Response(ReferralSerializer(_decided(referral.pk)).data)


# --- households -------------------------------------------------------------------------------
@api(policies.can_work_on_households)
class HouseholdListView(generics.GenericAPIView[Household]):
    """GET: your team's households. POST: register a household with its members (intake)."""

    serializer_class = HouseholdSerializer

    @extend_schema(
        operation_id="households_list",
        tags=TAGS,
        parameters=[HouseholdListQuerySerializer],
        responses=HouseholdSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Search by name, street or postcode; filter by status, district and coordinator."""
        query = valid_input(HouseholdListQuerySerializer, request.query_params)
        search = query.get("q") or ""
        households = selectors.household_list(
            user=request.user,
            query=search,
            status=query.get("status") or "",
            district_id=query.get("district"),
            coordinator_is=_user(request) if query.get("mine") else None,
        )
        # Not a queryset: the paginator counts it and slices it (``HouseholdList``).
        page = list(self.paginate_queryset(households) or [])  # type: ignore[arg-type]
        selectors.log_household_list(
            user=request.user, households=page, searched=bool(search), search_term=search
        )
        return self.get_paginated_response(_dump(HouseholdSerializer, page))

    @extend_schema(
        operation_id="households_create",
        tags=TAGS,
        request=HouseholdCreateSerializer,
        responses={
            201: HouseholdDetailSerializer,
            _CONFLICT: _DUPLICATE_RESPONSE,
        },
    )
    def post(self, request: Request) -> Response:
        """Register a household; you become its coordinator."""
        actor = _user(request)
        data = valid_input(HouseholdCreateSerializer, request.data)
        team: Team = _choose(
            _own_teams(actor), data.get("team"), field="team", missing=_("Choose the team.")
        )
        result = _register(request, team=team, intake=data)
        if isinstance(result, Response):
            return result
        return _created(request, result)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class HouseholdDetailView(APIView):
    @extend_schema(
        operation_id="households_retrieve", tags=TAGS, responses=HouseholdDetailSerializer
    )
    def get(self, request: Request, household: Household) -> Response:
        """One household with its members, coordinator, professionals and consents."""
        return Response(HouseholdDetailSerializer(household, context={"request": request}).data)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class HouseholdTimelineView(generics.GenericAPIView[HouseholdEvent]):
    serializer_class = EventSerializer

    @extend_schema(
        operation_id="households_timeline_list",
        tags=TAGS,
        parameters=[TimelineQuerySerializer],
        responses=EventSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """The household's events, newest first, optionally only some kinds."""
        query = valid_input(TimelineQuerySerializer, request.query_params)
        events = selectors.timeline(household=household, kinds=sorted(query.get("kind") or []))
        page = list(self.paginate_queryset(events) or [])
        return self.get_paginated_response(_dump(EventSerializer, page))


# --- members --------------------------------------------------------------------------------
@api(policies.can_work_on_households, obj=HOUSEHOLD)
class MemberListView(APIView):
    @extend_schema(
        operation_id="households_members_list",
        tags=TAGS,
        responses=MemberSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """Current and former members."""
        return Response(_dump(MemberSerializer, household.members.all()))

    @extend_schema(
        operation_id="households_members_create",
        tags=TAGS,
        request=MemberCreateSerializer,
        responses={201: MemberSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Someone joins the household."""
        data = valid_input(MemberCreateSerializer, request.data)
        with service_errors():
            member = services.member_add(
                actor=_user(request),
                household=household,
                data=_member_data(data),
                joined_on=data.get("joinedOn"),
            )
        return Response(MemberSerializer(member).data, status=201)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class MemberDetailView(APIView):
    @extend_schema(
        operation_id="households_members_partial_update",
        tags=TAGS,
        request=MemberUpdateSerializer,
        responses=MemberSerializer,
    )
    def patch(self, request: Request, household: Household, member_id: uuid.UUID) -> Response:
        """Change a member's details; a missing or empty bsn keeps the stored one."""
        member = _member(household, member_id)
        data = valid_input(MemberUpdateSerializer, request.data)
        with service_errors():
            member = services.member_update(
                actor=_user(request),
                member=member,
                first_name=data.get("firstName", member.first_name),
                infix=data.get("infix", member.infix),
                last_name=data.get("lastName", member.last_name),
                birth_date=data.get("birthDate", member.birth_date),
                role=MemberRole(data.get("role", member.role)),
                representation=data.get("representation", member.representation),
                representative=data.get("representative", member.representative),
                bsn=data.get("bsn", ""),
            )
        return Response(MemberSerializer(member).data)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class MemberLeaveView(APIView):
    @extend_schema(
        operation_id="households_members_leave",
        tags=TAGS,
        request=MemberLeaveSerializer,
        responses=MemberSerializer,
    )
    def post(self, request: Request, household: Household, member_id: uuid.UUID) -> Response:
        """Someone moves out; they stay in the history with a leaving date."""
        member = _member(household, member_id)
        data = valid_input(MemberLeaveSerializer, request.data)
        with service_errors():
            member = services.member_leave(
                actor=_user(request),
                member=member,
                left_on=data.get("leftOn") or timezone.localdate(),
                note=data.get("note", ""),
            )
        return Response(MemberSerializer(member).data)


# --- coordinator ------------------------------------------------------------------------------
@api(policies.can_work_on_households, obj=HOUSEHOLD)
class CoordinatorHandoverView(APIView):
    @extend_schema(
        operation_id="households_coordinator_handover",
        tags=TAGS,
        request=HandoverInputSerializer,
        responses={201: CoordinatorSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Hand the household over to a colleague of the team, with a note."""
        data = valid_input(HandoverInputSerializer, request.data)
        to = selectors.team_colleagues(household=household).filter(pk=data["to"]).first()
        if to is None:
            raise exceptions.ValidationError(
                {"to": [_("The new coordinator must work in the household's team.")]}
            )
        with service_errors():
            assignment = services.coordinator_handover(
                actor=_user(request), household=household, to=to, note=data["note"]
            )
        return Response(CoordinatorSerializer(assignment).data, status=201)


# --- professionals -------------------------------------------------------------------------
@api(policies.can_work_on_households, obj=HOUSEHOLD)
class ProfessionalListView(APIView):
    @extend_schema(
        operation_id="households_professionals_list",
        tags=TAGS,
        responses=ProfessionalSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """Professionals involved now and before."""
        return Response(_dump(ProfessionalSerializer, household.involved_professionals.all()))

    @extend_schema(
        operation_id="households_professionals_create",
        tags=TAGS,
        request=ProfessionalInputSerializer,
        responses={201: ProfessionalSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Record a professional involved with the household."""
        data = valid_input(ProfessionalInputSerializer, request.data, context={"request": request})
        with service_errors():
            professional = services.professional_add(
                actor=_user(request),
                household=household,
                person_name=data["personName"],
                role=data["role"],
                since=data["since"],
                organisation=data.get("organisation"),
                organisation_name=data.get("organisationName", ""),
                contact=data.get("contact", ""),
                yearly_cost_cents=data.get("yearlyCostCents"),
            )
        return Response(ProfessionalSerializer(professional).data, status=201)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class ProfessionalEndView(APIView):
    @extend_schema(
        operation_id="households_professionals_end",
        tags=TAGS,
        request=ProfessionalEndSerializer,
        responses=ProfessionalSerializer,
    )
    def post(self, request: Request, household: Household, pk: int) -> Response:
        """The professional is no longer involved."""
        professional: InvolvedProfessional | None = next(
            (p for p in household.involved_professionals.all() if p.pk == pk), None
        )
        if professional is None:
            raise Http404
        data = valid_input(ProfessionalEndSerializer, request.data)
        with service_errors():
            professional = services.professional_end(
                actor=_user(request),
                professional=professional,
                until=data.get("until") or timezone.localdate(),
            )
        return Response(ProfessionalSerializer(professional).data)


# --- consent ----------------------------------------------------------------------------------
@api(policies.can_work_on_households, obj=HOUSEHOLD)
class ConsentListView(APIView):
    @extend_schema(
        operation_id="households_consents_list",
        tags=TAGS,
        responses=ConsentSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """Consents given, withdrawn and expired."""
        return Response(_dump(ConsentSerializer, household.consents.all()))

    @extend_schema(
        operation_id="households_consents_create",
        tags=TAGS,
        request=ConsentInputSerializer,
        responses={201: ConsentSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Record consent given by a member for sharing with an organisation."""
        data = valid_input(ConsentInputSerializer, request.data, context={"request": request})
        given_by = next(
            (m for m in household.members.all() if m.public_id == data["givenBy"]), None
        )
        if given_by is None:
            raise exceptions.ValidationError(
                {"givenBy": [_("Consent is given by a current member of this household.")]}
            )
        with service_errors():
            consent = services.consent_give(
                actor=_user(request),
                household=household,
                given_by=given_by,
                purpose=data["purpose"],
                recipient=data["recipient"],
                method=data["method"],
                given_on=data.get("givenOn"),
                valid_until=data.get("validUntil"),
            )
        return Response(ConsentSerializer(consent).data, status=201)


@api(policies.can_work_on_households, obj=HOUSEHOLD)
class ConsentWithdrawView(APIView):
    @extend_schema(
        operation_id="households_consents_withdraw",
        tags=TAGS,
        request=OptionalNoteInputSerializer,
        responses=ConsentSerializer,
    )
    def post(self, request: Request, household: Household, pk: int) -> Response:
        """Withdraw consent; it takes effect immediately."""
        consent: Consent | None = next((c for c in household.consents.all() if c.pk == pk), None)
        if consent is None:
            raise Http404
        data = valid_input(OptionalNoteInputSerializer, request.data)
        with service_errors():
            consent = services.consent_withdraw(
                actor=_user(request), consent=consent, note=data.get("note", "")
            )
        return Response(ConsentSerializer(consent).data)
