"""``/api/v1/``: bottlenecks, breakthroughs, partner requests, time-outs, the law library.

Thin views: everything is reached through ``breakthroughs.selectors`` (404 outside the
user's team or organisation, the read of personal data logged); every change goes through
``breakthroughs.services``, whose Django ``ValidationError`` is answered as a 400 problem
with ``invalidParams`` and changes nothing. Money is in integer cents; no BSN anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import Organisation, Role, User
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of, organisation_list
from doorbraak.assessments.api import HOUSEHOLD_PARAMETER, drf_validation_error
from doorbraak.breakthroughs import policies, selectors, services
from doorbraak.breakthroughs.models import (
    Bottleneck,
    Breakthrough,
    EscalationLevel,
    PartnerRequest,
    TimeOut,
)
from doorbraak.breakthroughs.partner import selectors as partner_selectors
from doorbraak.breakthroughs.selectors import PartnerView
from doorbraak.breakthroughs.serializers import (
    BottleneckInputSerializer,
    BottleneckSerializer,
    BreakthroughListQuerySerializer,
    BreakthroughListSerializer,
    BreakthroughSerializer,
    BreakthroughStartSerializer,
    BreakthroughUpdateSerializer,
    CarryOutSerializer,
    ClarifySerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    DirectoryEntrySerializer,
    EvaluateSerializer,
    PartnerAnswerSerializer,
    PartnerInboxQuerySerializer,
    PartnerInboxSerializer,
    PartnerRequestDetailSerializer,
    PartnerRequestInputSerializer,
    QueueItemSerializer,
    ReasonSerializer,
    ScenarioLineInputSerializer,
    ScenarioLineSerializer,
    TeamPartnerRequestSerializer,
    TimeOutAnswerSerializer,
    TimeOutInputSerializer,
    TimeOutSerializer,
    partner_request_data,
)
from doorbraak.households.models import Household
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, api
from doorbraak.library import selectors as library_selectors
from doorbraak.library.models import Regulation

TAGS = ["breakthroughs"]
PARTNER_TAGS = ["partners"]
LIBRARY_TAGS = ["library"]


#: The objects of the URLs, 404 outside the user's scope; a read record for a GET only
#: (the services log every change).
BREAKTHROUGH = Lookup("breakthrough", selectors.breakthrough_get, log="reads")
BOTTLENECK = Lookup("bottleneck", selectors.bottleneck_get, log="reads")
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads")
TIME_OUT = Lookup("time_out", partner_selectors.partner_time_out_get)
PARTNER_REQUEST = Lookup("partner_request", partner_selectors.partner_request_get)
SHARED_VIEW = Lookup("view", selectors.partner_request_open)


# --- helpers -----------------------------------------------------------------------------------
def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes already demand a login
        raise exceptions.NotAuthenticated
    return user


@contextmanager
def _service() -> Iterator[None]:
    """A service refused the change (and changed nothing): answer 400 in camelCase."""
    try:
        yield
    except DjangoValidationError as error:
        raise drf_validation_error(error) from error


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(serializer.errors)
    return dict(serializer.validated_data)


def _many(serializer_class: type[Any], objects: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return serializer_class(objects, many=True).data


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


def _detail(
    request: Request, breakthrough: Breakthrough, *, code: int = status.HTTP_200_OK
) -> Response:
    """The breakthrough after a change; the service has already logged the processing."""
    fresh = selectors.breakthrough_get(user=request.user, pk=breakthrough.pk, log=False)
    return Response(BreakthroughSerializer(fresh).data, status=code)


def _organisation(request: Request, pk: int) -> Organisation:
    found = organisation_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise _invalid("organisation", _("Choose an organisation in your municipality."))
    return found


def _bottleneck_relations(
    request: Request, data: dict[str, Any]
) -> tuple[list[Regulation], list[Organisation]]:
    regulation_ids = set(data["regulations"])
    regulations = list(
        library_selectors.regulation_list(user=request.user).filter(pk__in=regulation_ids)
    )
    if len(regulations) != len(regulation_ids):
        raise _invalid(
            "regulations", _("Choose regulations from the law library of your municipality.")
        )
    organisation_ids = set(data["organisations"])
    organisations = list(organisation_list(user=request.user).filter(pk__in=organisation_ids))
    if len(organisations) != len(organisation_ids):
        raise _invalid("organisations", _("Choose organisations that work in your municipality."))
    return regulations, organisations


def _bottleneck_data(bottleneck: Bottleneck) -> Any:
    found = (
        Bottleneck.objects.filter(pk=bottleneck.pk)
        .select_related("household", "created_by")
        .prefetch_related("regulations", "organisations", "breakthroughs")
        .get()
    )
    return BottleneckSerializer(found).data


# --- bottlenecks -------------------------------------------------------------------------------
@api(policies.can_work_on_breakthroughs, obj=HOUSEHOLD)
class HouseholdBottleneckListView(generics.GenericAPIView[Bottleneck]):
    serializer_class = BottleneckSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="household_bottlenecks_list",
        parameters=[HOUSEHOLD_PARAMETER],
        responses=BottleneckSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """The household's bottlenecks with their breakthroughs, newest first."""
        bottlenecks = selectors.bottlenecks_of(household=household)
        page = self.paginate_queryset(bottlenecks) or []
        for found in page:
            found.household = household  # already loaded: no query per bottleneck
        return self.get_paginated_response(_many(BottleneckSerializer, page))

    @extend_schema(
        tags=TAGS,
        operation_id="household_bottlenecks_create",
        parameters=[HOUSEHOLD_PARAMETER],
        request=BottleneckInputSerializer,
        responses={201: BottleneckSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Register where rules or practices clash for this household."""
        data = _valid(BottleneckInputSerializer, request.data)
        regulations, organisations = _bottleneck_relations(request, data)
        with _service():
            bottleneck = services.bottleneck_register(
                actor=_user(request),
                household=household,
                title=data["title"],
                description=data["description"],
                theme=data["theme"],
                kind=data["kind"],
                blocked_solution=data["blockedSolution"],
                regulations=regulations,
                organisations=organisations,
            )
        return Response(_bottleneck_data(bottleneck), status=status.HTTP_201_CREATED)


@api(policies.can_work_on_breakthroughs, obj=BOTTLENECK)
class BottleneckDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="bottlenecks_retrieve", responses=BottleneckSerializer)
    def get(self, request: Request, bottleneck: Bottleneck) -> Response:
        """One bottleneck (404 outside the household's team)."""
        return Response(_bottleneck_data(bottleneck))

    @extend_schema(
        tags=TAGS,
        operation_id="bottlenecks_update",
        request=BottleneckInputSerializer,
        responses=BottleneckSerializer,
    )
    def put(self, request: Request, bottleneck: Bottleneck) -> Response:
        """Change the bottleneck (every field; lists replace the current ones)."""
        data = _valid(BottleneckInputSerializer, request.data)
        regulations, organisations = _bottleneck_relations(request, data)
        with _service():
            services.bottleneck_update(
                actor=_user(request),
                bottleneck=bottleneck,
                title=data["title"],
                description=data["description"],
                theme=data["theme"],
                kind=data["kind"],
                blocked_solution=data["blockedSolution"],
                regulations=regulations,
                organisations=organisations,
            )
        return Response(_bottleneck_data(bottleneck))


@api(policies.can_work_on_breakthroughs, obj=BOTTLENECK)
class BottleneckBreakthroughCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="bottlenecks_breakthroughs_create",
        request=BreakthroughStartSerializer,
        responses={201: BreakthroughSerializer},
    )
    def post(self, request: Request, bottleneck: Bottleneck) -> Response:
        """Start a draft proposal for the exception that unblocks the bottleneck."""
        data = _valid(BreakthroughStartSerializer, request.data)
        with _service():
            breakthrough = services.breakthrough_start(
                actor=_user(request),
                bottleneck=bottleneck,
                title=data["title"],
                proposal=data["proposal"],
            )
        return _detail(request, breakthrough, code=status.HTTP_201_CREATED)


# --- breakthroughs -----------------------------------------------------------------------------
@api(policies.can_work_on_breakthroughs)
class BreakthroughListView(generics.GenericAPIView[Breakthrough]):
    serializer_class = BreakthroughListSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_list",
        parameters=[BreakthroughListQuerySerializer],
        responses=BreakthroughListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Your team's breakthroughs, the nearest deadline first."""
        query = _valid(BreakthroughListQuerySerializer, request.query_params)
        breakthroughs = selectors.breakthrough_list(
            user=request.user, status=query.get("status", ""), level=query.get("level")
        )
        page = list(self.paginate_queryset(breakthroughs) or [])
        selectors.log_breakthrough_list(user=request.user, breakthroughs=page)
        return self.get_paginated_response(_many(BreakthroughListSerializer, page))


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughDetailView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="breakthroughs_retrieve", responses=BreakthroughSerializer
    )
    def get(self, request: Request, breakthrough: Breakthrough) -> Response:
        """The breakthrough with its value triangle, return, route, requests and decisions."""
        return Response(BreakthroughSerializer(breakthrough).data)

    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_partial_update",
        request=BreakthroughUpdateSerializer,
        responses=BreakthroughSerializer,
    )
    def patch(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Change the draft's proposal and value triangle; fields left out keep their value."""
        data = _valid(BreakthroughUpdateSerializer, request.data)
        regulation = breakthrough.regulation
        if "regulation" in data:
            regulation = None
            if data["regulation"] is not None:
                regulation = (
                    library_selectors.regulation_list(user=request.user)
                    .filter(pk=data["regulation"])
                    .first()
                )
                if regulation is None:
                    raise _invalid(
                        "regulation",
                        _("Choose a regulation from the law library of your municipality."),
                    )
        with _service():
            services.breakthrough_update(
                actor=_user(request),
                breakthrough=breakthrough,
                title=data.get("title", breakthrough.title),
                proposal=data.get("proposal", breakthrough.proposal),
                regulation=regulation,
                legal_reasoning=data.get("legalReasoning", breakthrough.legal_reasoning),
                horizon_months=data.get("horizonMonths", breakthrough.horizon_months),
                direct_cost_cents=data.get("directCostCents", breakthrough.direct_cost_cents),
                direct_cost_payer=data.get("directCostPayer", breakthrough.direct_cost_payer),
                engagement=data.get("engagement", breakthrough.engagement),
                household_commitment=data.get(
                    "householdCommitment", breakthrough.household_commitment
                ),
            )
        return _detail(request, breakthrough)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class ScenarioLineCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_lines_create",
        request=ScenarioLineInputSerializer,
        responses={201: ScenarioLineSerializer},
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Add cost item × quantity × probability to the status quo or breakthrough scenario."""
        data = _valid(ScenarioLineInputSerializer, request.data)
        cost_item = (
            selectors.cost_item_choices(user=request.user, household=breakthrough.household)
            .filter(pk=data["costItem"])
            .first()
        )
        if cost_item is None:
            raise _invalid(
                "costItem", _("Choose a cost item from the catalogue of your municipality.")
            )
        with _service():
            line = services.scenario_line_add(
                actor=_user(request),
                breakthrough=breakthrough,
                scenario=data["scenario"],
                cost_item=cost_item,
                quantity=data["quantity"],
                probability_pct=data["probabilityPct"],
                note=data["note"],
            )
        line.cost_item = cost_item
        return Response(ScenarioLineSerializer(line).data, status=status.HTTP_201_CREATED)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class ScenarioLineDeleteView(APIView):
    @extend_schema(tags=TAGS, operation_id="breakthroughs_lines_destroy", responses={204: None})
    def delete(self, request: Request, breakthrough: Breakthrough, line_pk: int) -> Response:
        """Remove a line from a draft's calculation."""
        line = next((x for x in breakthrough.scenario_lines.all() if x.pk == line_pk), None)
        if line is None:
            raise Http404
        line.breakthrough = breakthrough
        with _service():
            services.scenario_line_remove(actor=_user(request), line=line)
        return Response(status=status.HTTP_204_NO_CONTENT)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughSubmitView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_submit",
        request=None,
        responses=BreakthroughSerializer,
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Submit the proposal: the value triangle must be complete; the route starts at 1."""
        with _service():
            services.breakthrough_submit(actor=_user(request), breakthrough=breakthrough)
        return _detail(request, breakthrough)


def _decidable(*, user: AnyUser, pk: int) -> Breakthrough:
    """The breakthrough for its team, or for a table chair once it reached the table."""
    if policies.can_work_on_breakthroughs(user):
        try:
            return selectors.breakthrough_get(user=user, pk=pk, log=False)
        except Http404:
            if not policies.can_view_table_queue(user):
                raise
    chairs = municipality_ids_of(user, role=Role.TABLE_CHAIR)
    return get_object_or_404(
        Breakthrough.objects.select_related("household__municipality", "household__team"),
        pk=pk,
        level__gte=EscalationLevel.TABLE,
        municipality_id__in=chairs,
    )


DECIDABLE = Lookup("breakthrough", _decidable)


@api(policies.can_decide_breakthroughs, obj=DECIDABLE)
class BreakthroughDecisionView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_decide",
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer},
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Decide at the current level, with mandate and reason: a record never edited."""
        data = _valid(DecisionInputSerializer, request.data)
        with _service():
            decision = services.breakthrough_decide(
                actor=_user(request),
                breakthrough=breakthrough,
                outcome=data["outcome"],
                mandate=data["mandate"],
                reason=data["reason"],
            )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughEscalateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_escalate",
        request=ReasonSerializer,
        responses=BreakthroughSerializer,
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Move the breakthrough one level up the escalation route, saying why."""
        data = _valid(ReasonSerializer, request.data)
        with _service():
            services.breakthrough_escalate(
                actor=_user(request), breakthrough=breakthrough, reason=data["reason"]
            )
        return _detail(request, breakthrough)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughPartnerRequestView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_partner_requests_create",
        request=PartnerRequestInputSerializer,
        responses={201: TeamPartnerRequestSerializer},
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Ask a partner organisation's fixed contact persons to decide. Needs the
        household's consent to share with that organisation (or a team lead's reason)."""
        data = _valid(PartnerRequestInputSerializer, request.data)
        organisation = _organisation(request, data["organisation"])
        with _service():
            sent = services.partner_request_send(
                actor=_user(request),
                breakthrough=breakthrough,
                organisation=organisation,
                question=data["question"],
                legal_basis=data["legalBasis"],
                override_reason=data["overrideReason"],
            )
        sent = PartnerRequest.objects.select_related("organisation", "asked_by", "answered_by").get(
            pk=sent.pk
        )
        return Response(TeamPartnerRequestSerializer(sent).data, status=status.HTTP_201_CREATED)


def _team_request(*, user: AnyUser, pk: int) -> PartnerRequest:
    """A request to a partner about a breakthrough the user may see (404 otherwise)."""
    return get_object_or_404(
        PartnerRequest.objects.filter(
            breakthrough__in=Breakthrough.objects.visible_to(user)
        ).select_related("breakthrough__household__municipality", "breakthrough__household__team"),
        pk=pk,
    )


TEAM_REQUEST = Lookup("partner_request", _team_request)


@api(policies.can_work_on_breakthroughs, obj=TEAM_REQUEST)
class PartnerRequestClarifyView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="partner_requests_clarify",
        request=ClarifySerializer,
        responses=TeamPartnerRequestSerializer,
    )
    def post(self, request: Request, partner_request: PartnerRequest) -> Response:
        """Give the information the contact person asked for; the request is open again."""
        data = _valid(ClarifySerializer, request.data)
        with _service():
            services.partner_request_clarify(
                actor=_user(request), request=partner_request, information=data["information"]
            )
        found = PartnerRequest.objects.select_related(
            "organisation", "asked_by", "answered_by"
        ).get(pk=partner_request.pk)
        return Response(TeamPartnerRequestSerializer(found).data)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughTimeOutView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_time_outs_create",
        request=TimeOutInputSerializer,
        responses={201: TimeOutSerializer},
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Ask an organisation to pause enforcement while the breakthrough is decided."""
        data = _valid(TimeOutInputSerializer, request.data)
        organisation = _organisation(request, data["organisation"])
        with _service():
            time_out = services.time_out_request(
                actor=_user(request),
                breakthrough=breakthrough,
                organisation=organisation,
                what=data["what"],
                until=data["until"],
                legal_basis=data["legalBasis"],
                override_reason=data["overrideReason"],
            )
        time_out.organisation = organisation
        return Response(TimeOutSerializer(time_out).data, status=status.HTTP_201_CREATED)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughCarryOutView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_carry_out",
        request=CarryOutSerializer,
        responses=BreakthroughSerializer,
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Record that the approved breakthrough was carried out, and how."""
        data = _valid(CarryOutSerializer, request.data)
        with _service():
            services.breakthrough_carry_out(
                actor=_user(request),
                breakthrough=breakthrough,
                carried_out_on=data.get("carriedOutOn") or timezone.localdate(),
                note=data["note"],
            )
        return _detail(request, breakthrough)


@api(policies.can_work_on_breakthroughs, obj=BREAKTHROUGH)
class BreakthroughEvaluateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="breakthroughs_evaluate",
        request=EvaluateSerializer,
        responses=BreakthroughSerializer,
    )
    def post(self, request: Request, breakthrough: Breakthrough) -> Response:
        """Write down what the breakthrough did, after it was carried out."""
        data = _valid(EvaluateSerializer, request.data)
        with _service():
            services.breakthrough_evaluate(
                actor=_user(request),
                breakthrough=breakthrough,
                evaluated_on=data.get("evaluatedOn") or timezone.localdate(),
                evaluation=data["evaluation"],
            )
        return _detail(request, breakthrough)


# --- partner side ------------------------------------------------------------------------------
@api(policies.can_answer_partner_requests)
class PartnerInboxView(generics.GenericAPIView[PartnerRequest]):
    serializer_class = PartnerInboxSerializer

    @extend_schema(
        tags=PARTNER_TAGS,
        operation_id="partner_requests_list",
        parameters=[PartnerInboxQuerySerializer],
        responses=PartnerInboxSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Requests to your organisation, the nearest deadline first (no household data)."""
        query = _valid(PartnerInboxQuerySerializer, request.query_params)
        requests = selectors.partner_inbox(user=request.user, status=query.get("status", ""))
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(_many(PartnerInboxSerializer, page))


def _partner_detail(request: Request, view: PartnerView) -> Any:
    breakthrough = (
        selectors.partner_breakthrough(user=request.user, request=view.request)
        if view.shared
        else None
    )
    return partner_request_data(
        view,
        can_answer=policies.can_answer(request.user, view.request),
        breakthrough=breakthrough,
    )


@api(policies.can_answer_partner_requests, obj=SHARED_VIEW)
class PartnerRequestDetailView(APIView):
    @extend_schema(
        tags=PARTNER_TAGS,
        operation_id="partner_requests_retrieve",
        responses=PartnerRequestDetailSerializer,
    )
    def get(self, request: Request, view: PartnerView) -> Response:
        """One request to your organisation (404 for other organisations). The household's
        data only while sharing is allowed; every such read is logged."""
        return Response(_partner_detail(request, view))


@api(policies.can_answer_partner_requests, obj=PARTNER_REQUEST)
class PartnerRequestAnswerView(APIView):
    @extend_schema(
        tags=PARTNER_TAGS,
        operation_id="partner_requests_answer",
        request=PartnerAnswerSerializer,
        responses=PartnerRequestDetailSerializer,
    )
    def post(self, request: Request, partner_request: PartnerRequest) -> Response:
        """Accept (decides the breakthrough under your mandate), decline with a reason (it
        goes to the breakthrough table) or ask for more information."""
        data = _valid(PartnerAnswerSerializer, request.data)
        with _service():
            services.partner_request_answer(
                actor=_user(request),
                request=partner_request,
                status=data["status"],
                answer=data["answer"],
            )
        return Response(_partner_detail(request, SHARED_VIEW.resolve(request, partner_request.pk)))


@api(policies.can_answer_partner_requests, obj=TIME_OUT)
class TimeOutAnswerView(APIView):
    @extend_schema(
        tags=PARTNER_TAGS,
        operation_id="time_outs_answer",
        request=TimeOutAnswerSerializer,
        responses=TimeOutSerializer,
    )
    def post(self, request: Request, time_out: TimeOut) -> Response:
        """Grant or refuse (with a reason) a pause of enforcement."""
        data = _valid(TimeOutAnswerSerializer, request.data)
        with _service():
            answered = services.time_out_answer(
                actor=_user(request),
                time_out=time_out,
                granted=data["granted"],
                answer=data["answer"],
            )
        return Response(TimeOutSerializer(answered).data)


# --- table queue and partner directory ---------------------------------------------------------
@api(policies.can_view_table_queue)
class TableQueueView(generics.GenericAPIView[Any]):
    serializer_class = QueueItemSerializer

    @extend_schema(
        tags=TAGS, operation_id="table_queue_list", responses=QueueItemSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        """Breakthroughs that reached the breakthrough table: minimised (initials, district,
        age band), the nearest deadline first, paginated; every item read is logged."""
        queue = selectors.table_queue_breakthroughs(user=request.user).values_list("pk", flat=True)
        page = list(self.paginate_queryset(queue) or [])
        items = selectors.table_queue(user=request.user, page=page)
        return self.get_paginated_response(_many(QueueItemSerializer, items))


@api(policies.can_use_partner_directory)
class PartnerDirectoryView(APIView):
    @extend_schema(
        tags=PARTNER_TAGS,
        operation_id="partner_directory_list",
        responses=DirectoryEntrySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Per organisation: its fixed contact persons, their mandate and response times."""
        entries = selectors.partner_directory(user=request.user)
        return Response(_many(DirectoryEntrySerializer, entries))
