"""``/api/v1/households/{publicId}/plans`` and ``/api/v1/plans/{id}``: one plan, in versions.

Thin views: plans are reached through the selectors (404 outside the user's team), every
change goes through ``plans.services`` (which writes the processing log); their Django
``ValidationError`` is answered as a 400 problem with ``invalidParams``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import Organisation, User
from doorbraak.accounts.selectors import organisation_list
from doorbraak.assessments.api import HOUSEHOLD_PARAMETER, drf_validation_error
from doorbraak.assessments.models import LifeDomain
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Household
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, api
from doorbraak.plans import selectors, services
from doorbraak.plans.models import Action, Goal, Plan
from doorbraak.plans.processing import log_plan
from doorbraak.plans.serializers import (
    ActionCreateSerializer,
    ActionSerializer,
    ActionStatusSerializer,
    AgreeSerializer,
    CommitmentSerializer,
    GoalCreateSerializer,
    GoalSerializer,
    PlanSerializer,
)
from doorbraak.socialmap.models import Service
from doorbraak.socialmap.selectors import service_search

TAGS = ["plans"]


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsVerifiedUser lets only real users through
    return user


#: The plan of the URL with its goals and actions, 404 outside the household's team; the
#: selector writes no read record (changes are logged by the service, reads by the view).
PLAN = Lookup("plan", selectors.plan_get)
#: The household of the URL; a read record for a GET only.
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads")


def _plan(request: Request, plan: Plan) -> Plan:
    """The plan again after a change (the service has logged the processing)."""
    return selectors.plan_get(user=request.user, pk=plan.pk)


def _goal(plan: Plan, goal_pk: int) -> Goal:
    goal = next((g for g in plan.goals.all() if g.pk == goal_pk), None)
    if goal is None:
        raise Http404
    goal.plan = plan
    return goal


def _action(plan: Plan, action_pk: int) -> Action:
    action = next((a for a in plan.actions.all() if a.pk == action_pk), None)
    if action is None:
        raise Http404
    action.plan = plan
    return action


def _invalid(error: DjangoValidationError) -> exceptions.ValidationError:
    return drf_validation_error(error)


# --- plans ---------------------------------------------------------------------------------------


@api(obj=HOUSEHOLD)
class HouseholdPlanListView(generics.GenericAPIView[Plan]):
    serializer_class = PlanSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="household_plans_list",
        parameters=[HOUSEHOLD_PARAMETER],
        responses=PlanSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """Every version of the household's plan, newest first."""
        page = self.paginate_queryset(selectors.plans_of(household=household))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="household_plans_create",
        parameters=[HOUSEHOLD_PARAMETER],
        request=None,
        responses={201: PlanSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Start a draft: the first version, or a new version copied from the agreed plan."""
        try:
            plan = services.plan_start(actor=_actor(request), household=household)
        except DjangoValidationError as error:
            raise _invalid(error) from error
        plan = _plan(request, plan)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


@api(obj=PLAN)
class PlanDetailView(generics.GenericAPIView[Plan]):
    """One version of a plan with its goals and actions (404 outside the user's team)."""

    serializer_class = PlanSerializer

    @extend_schema(tags=TAGS, operation_id="plans_retrieve")
    def get(self, request: Request, plan: Plan) -> Response:
        log_plan(actor=request.user, plan=plan, action=ProcessingAction.READ)
        return Response(self.get_serializer(plan).data)


@api(obj=PLAN)
class PlanCommitmentView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="plans_commitment_update",
        request=CommitmentSerializer,
        responses=PlanSerializer,
    )
    def put(self, request: Request, plan: Plan) -> Response:
        """Write down the household's own commitment (a draft only)."""
        serializer = CommitmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.plan_set_commitment(
                actor=_actor(request),
                plan=plan,
                commitment=serializer.validated_data["commitment"],
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(PlanSerializer(_plan(request, plan)).data)


@api(obj=PLAN)
class PlanAgreeView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="plans_agree", request=AgreeSerializer, responses=PlanSerializer
    )
    def post(self, request: Request, plan: Plan) -> Response:
        """Agree the draft with the household; the previous agreed version is superseded."""
        serializer = AgreeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.plan_agree(
                actor=_actor(request),
                plan=plan,
                agreed_on=serializer.validated_data.get("agreedOn"),
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(PlanSerializer(_plan(request, plan)).data)


# --- goals ---------------------------------------------------------------------------------------


@api(obj=PLAN)
class GoalCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="plans_goals_create",
        request=GoalCreateSerializer,
        responses={201: GoalSerializer},
    )
    def post(self, request: Request, plan: Plan) -> Response:
        """Add a goal for one life domain to a draft."""
        serializer = GoalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        domain = LifeDomain.objects.filter(pk=data["domain"], active=True).first()
        if domain is None:
            raise exceptions.ValidationError(
                {"domain": [_("Choose a life domain of this municipality's catalogue.")]}
            )
        try:
            goal = services.goal_add(
                actor=_actor(request), plan=plan, domain=domain, description=data["description"]
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)


@api(obj=PLAN)
class GoalDeleteView(APIView):
    @extend_schema(tags=TAGS, operation_id="plans_goals_destroy", responses={204: None})
    def delete(self, request: Request, plan: Plan, goal_pk: int) -> Response:
        """Remove a goal (and its actions) from a draft."""
        goal = _goal(plan, goal_pk)
        try:
            services.goal_remove(actor=_actor(request), goal=goal)
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- actions -------------------------------------------------------------------------------------


@api(obj=PLAN)
class ActionCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="plans_goals_actions_create",
        request=ActionCreateSerializer,
        responses={201: ActionSerializer},
    )
    def post(self, request: Request, plan: Plan, goal_pk: int) -> Response:
        """Add an action to a goal of a draft: who does what by when."""
        goal = _goal(plan, goal_pk)
        serializer = ActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation: Organisation | None = None
        if data["ownerOrganisation"] is not None:
            organisation = (
                organisation_list(user=request.user).filter(pk=data["ownerOrganisation"]).first()
            )
            if organisation is None:
                raise exceptions.ValidationError(
                    {"ownerOrganisation": [_("Choose the partner organisation that does this.")]}
                )
        service: Service | None = None
        if data["service"] is not None:
            service = service_search(user=request.user).filter(pk=data["service"]).first()
            if service is None:
                raise exceptions.ValidationError(
                    {"service": [_("Choose an active service of this municipality's social map.")]}
                )
        try:
            action = services.action_add(
                actor=_actor(request),
                plan=plan,
                goal=goal,
                description=data["description"],
                owner=data["owner"],
                owner_name=data["ownerName"],
                owner_organisation=organisation,
                service=service,
                due_on=data["dueOn"],
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        action = Action.objects.select_related("owner_organisation", "service").get(pk=action.pk)
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


@api(obj=PLAN)
class ActionDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="plans_actions_partial_update",
        request=ActionStatusSerializer,
        responses=ActionSerializer,
    )
    def patch(self, request: Request, plan: Plan, action_pk: int) -> Response:
        """Record progress on an action (also on the agreed plan: it does not change the plan)."""
        action = _action(plan, action_pk)
        serializer = ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            action = services.action_set_status(
                actor=_actor(request), action=action, status=serializer.validated_data["status"]
            )
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(ActionSerializer(action).data)

    @extend_schema(tags=TAGS, operation_id="plans_actions_destroy", responses={204: None})
    def delete(self, request: Request, plan: Plan, action_pk: int) -> Response:
        """Remove an action from a draft."""
        action = _action(plan, action_pk)
        try:
            services.action_remove(actor=_actor(request), action=action)
        except DjangoValidationError as error:
            raise _invalid(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
