"""``/api/v1/lifedomains``, ``/api/v1/households/{publicId}/assessments`` and friends.

Thin views: households are reached through ``household_open`` (404 outside the team,
the read logged), changes go through ``services.assessment_record``. Its Django
``ValidationError`` is answered as a 400 problem with ``invalidParams``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.selectors import primary_membership
from doorbraak.assessments import selectors, services
from doorbraak.assessments.models import Assessment, FollowUp, LifeDomain
from doorbraak.assessments.serializers import (
    AssessmentCreateSerializer,
    AssessmentSerializer,
    DomainHistorySerializer,
    FollowUpSerializer,
    LifeDomainSerializer,
)
from doorbraak.households import api as households_api
from doorbraak.households.models import Household, Member
from doorbraak.households.policies import can_work_on_households
from doorbraak.households.selectors import household_open
from doorbraak.households.serializers import (
    CloseInputSerializer,
    HouseholdDetailSerializer,
    NoteInputSerializer,
)
from doorbraak.lib.access import Lookup, api
from doorbraak.lib.api import camel_case, valid_input

TAGS = ["assessments"]

HOUSEHOLD_PARAMETER = OpenApiParameter(
    "public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The household's publicId."
)
MEMBER_PARAMETER = OpenApiParameter(
    "member",
    OpenApiTypes.UUID,
    OpenApiParameter.QUERY,
    required=False,
    description="Only this member (publicId).",
)


# --- shared with plans/api.py --------------------------------------------------------------------


def drf_validation_error(
    error: DjangoValidationError, rename: Mapping[str, str] | None = None
) -> exceptions.ValidationError:
    """A service's Django ``ValidationError`` as DRF's, field names in the API's camelCase."""
    if not hasattr(error, "error_dict"):
        return exceptions.ValidationError({"nonFieldErrors": error.messages})
    detail: dict[str, list[str]] = {}
    for field, errors in error.message_dict.items():
        if field == NON_FIELD_ERRORS:
            name = "nonFieldErrors"
        else:
            name = (rename or {}).get(field, camel_case(field))
        detail.setdefault(name, []).extend(errors)
    return exceptions.ValidationError(detail)


#: The household of the URL, 404 outside the user's team; a read record for a GET only.
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads")
ASSESSMENT = Lookup("assessment", selectors.assessment_get, log="reads")


def _member_of(household: Household, public_id: uuid.UUID | str | None) -> Member | None:
    """A member of the (prefetched) household by publicId, or None."""
    if public_id is None:
        return None
    key = str(public_id)
    return next((m for m in household.members.all() if str(m.public_id) == key), None)


# --- the catalogue -------------------------------------------------------------------------------


@api()
@extend_schema_view(get=extend_schema(tags=TAGS, operation_id="lifedomains_list"))
class LifeDomainListView(generics.ListAPIView[LifeDomain]):
    """The life domains of the user's municipality, with what each score 1–5 means."""

    serializer_class = LifeDomainSerializer

    def get_queryset(self) -> QuerySet[LifeDomain]:
        membership = primary_membership(self.request.user)
        if membership is None:
            return LifeDomain.objects.filter(municipality__isnull=True, active=True)
        ids = [d.pk for d in services.domains_for(membership.municipality)]
        return LifeDomain.objects.filter(pk__in=ids).order_by("position", "name")


# --- assessments ---------------------------------------------------------------------------------


@api(obj=HOUSEHOLD)
class HouseholdAssessmentListView(generics.GenericAPIView[Assessment]):
    serializer_class = AssessmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="household_assessments_list",
        parameters=[HOUSEHOLD_PARAMETER, MEMBER_PARAMETER],
        responses=AssessmentSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """The household's assessments, newest first (all members unless ``member`` is given)."""
        assessments = (
            Assessment.objects.filter(household=household)
            .select_related("household", "member", "assessed_by")
            .prefetch_related("scores__domain")
            .order_by("-assessed_on", "-pk")
        )
        member_id = request.query_params.get("member")
        if member_id is not None:  # ``member=`` names nobody: a 400, not "everyone"
            member = _member_of(household, member_id)
            if member is None:
                raise exceptions.ValidationError(
                    {"member": [_("This person is not a member of the household.")]}
                )
            assessments = assessments.filter(member=member)
        page = self.paginate_queryset(assessments)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        tags=TAGS,
        operation_id="household_assessments_create",
        parameters=[HOUSEHOLD_PARAMETER],
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Record an assessment: every domain of the catalogue scored 1–5; returns the
        classification (green, orange or red)."""
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = _member_of(household, data["member"])
        if data["member"] is not None and member is None:
            raise exceptions.ValidationError(
                {"member": [_("This person is not a member of the household.")]}
            )
        position = {item["domain"]: index for index, item in enumerate(data["scores"])}
        rename: dict[str, str] = {"assessed_on": "date"}
        for domain_id, index in position.items():
            rename[f"domain_{domain_id}"] = f"scores.{index}"
        try:
            assessment = services.assessment_record(
                actor=request.user,  # type: ignore[arg-type]  # IsVerifiedUser: a User
                household=household,
                member=member,
                kind=data["kind"],
                assessed_on=data.get("date"),
                note=data["note"],
                scores=[
                    services.ScoreData(
                        domain_id=item["domain"],
                        score=item["score"],
                        self_score=item["selfScore"],
                        note=item["note"],
                    )
                    for item in data["scores"]
                ],
            )
        except DjangoValidationError as error:
            raise _scores_error(error, rename) from error
        assessment = selectors.assessment_get(user=request.user, pk=assessment.pk, log=False)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


def _scores_error(error: DjangoValidationError, rename: dict[str, str]) -> exceptions.APIException:
    """Missing domains (``domain_<id>`` not sent) are reported under ``scores``."""
    if hasattr(error, "error_dict"):
        for field in error.error_dict:
            if re.fullmatch(r"domain_\d+", field) and field not in rename:
                rename[field] = "scores"
    return drf_validation_error(error, rename)


@api(obj=ASSESSMENT)
class AssessmentDetailView(generics.GenericAPIView[Assessment]):
    """One assessment with its scores (404 outside the user's team)."""

    serializer_class = AssessmentSerializer

    @extend_schema(tags=TAGS, operation_id="assessments_retrieve")
    def get(self, request: Request, assessment: Assessment) -> Response:
        return Response(self.get_serializer(assessment).data)


# --- history and follow-ups ----------------------------------------------------------------------


@api(obj=HOUSEHOLD)
class DomainHistoryView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="household_domain_history_list",
        parameters=[HOUSEHOLD_PARAMETER, MEMBER_PARAMETER],
        responses=DomainHistorySerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """Per life domain the scores over time, oldest first (the household as a whole
        unless ``member`` is given). One entry per domain, so not paginated."""
        member_id = request.query_params.get("member")
        member = _member_of(household, member_id)
        if member_id is not None and member is None:  # ``member=`` too
            raise exceptions.ValidationError(
                {"member": [_("This person is not a member of the household.")]}
            )
        history = selectors.domain_history(household=household, member=member)
        data = DomainHistorySerializer(history, many=True).data  # type: ignore[arg-type]
        return Response(data)


@api(obj=HOUSEHOLD)
class FollowUpListView(generics.GenericAPIView[FollowUp]):
    """Follow-up assessments planned 3, 6 and 12 months after closing."""

    serializer_class = FollowUpSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="household_follow_ups_list",
        parameters=[HOUSEHOLD_PARAMETER],
        responses=FollowUpSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        page = self.paginate_queryset(selectors.follow_ups_of(household=household))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- closing and reopening: the follow-up measurement starts or stops -----------------------
@api(can_work_on_households, obj=HOUSEHOLD)
class HouseholdCloseView(APIView):
    @extend_schema(
        operation_id="households_close",
        tags=households_api.TAGS,
        request=CloseInputSerializer,
        responses=HouseholdDetailSerializer,
    )
    def post(self, request: Request, household: Household) -> Response:
        """Close the file; follow-up assessments are scheduled."""
        data = valid_input(CloseInputSerializer, request.data)
        with households_api.service_errors():
            services.household_close(
                actor=request.user,  # type: ignore[arg-type]  # IsVerifiedUser: a User
                household=household,
                reason=data["reason"],
                note=data.get("note", ""),
                closed_on=data.get("closedOn"),
            )
        return Response(households_api.household_detail_data(request, household))


@api(can_work_on_households, obj=HOUSEHOLD)
class HouseholdReopenView(APIView):
    @extend_schema(
        operation_id="households_reopen",
        tags=households_api.TAGS,
        request=NoteInputSerializer,
        responses=HouseholdDetailSerializer,
    )
    def post(self, request: Request, household: Household) -> Response:
        """Reopen a closed household; planned follow-ups are cancelled."""
        data = valid_input(NoteInputSerializer, request.data)
        with households_api.service_errors():
            services.household_reopen(
                actor=request.user,  # type: ignore[arg-type]  # IsVerifiedUser: a User
                household=household,
                note=data["note"],
            )
        return Response(households_api.household_detail_data(request, household))
