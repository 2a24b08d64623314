"""``/api/v1/``: the spiegel, policy signals and municipalities compared, for policy analysts.

Thin views over ``insights.selectors`` (403 for anyone who is no policy analyst, 404 for a
municipality or signal outside the analyst's) and ``insights.services`` (a
``ValidationError`` is a 400 problem with ``invalidParams`` and changes nothing). Every count
is suppressed below the internal k (``null``); cases appear as pseudonyms only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import Municipality, Organisation
from doorbraak.assessments.api import drf_validation_error
from doorbraak.insights import policies, selectors, services
from doorbraak.insights.aggregates import k_internal, suppression_note
from doorbraak.insights.documents import spiegel_tables
from doorbraak.insights.models import Signal
from doorbraak.insights.patterns import Period
from doorbraak.insights.serializers import (
    ComparisonSerializer,
    PeriodQuerySerializer,
    SignalCreateSerializer,
    SignalListQuerySerializer,
    SignalListSerializer,
    SignalSerializer,
    SignalStepSerializer,
    SpiegelQuerySerializer,
    SpiegelSerializer,
)
from doorbraak.insights.views import STEPS, comparison_table, default_period
from doorbraak.lib.access import Lookup, Refused, api
from doorbraak.library.models import Regulation

TAGS = ["insights"]
RENAME = {"owner_kind": "ownerKind", "owner_name": "ownerName", "period_end": "end"}


SIGNAL = Lookup("signal", selectors.signal_get)


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(serializer.errors)
    return dict(serializer.validated_data)


def _period(query: dict[str, Any]) -> tuple[Any, Any]:
    default = default_period()
    return query.get("start") or default.start, query.get("end") or default.end


def _municipality(request: Request, pk: int | None) -> Municipality:
    if pk is not None:
        return selectors.municipality_get(user=request.user, pk=pk)
    first = selectors.insight_municipalities(user=request.user).first()
    if first is None:
        raise Refused
    return first


def _signal_data(request: Request, signal: Signal) -> Any:
    steps = [
        step
        for step, (_form, target) in STEPS.items()
        if policies.can_change_signal(request.user, signal) and signal.can_move_to(target)
    ]
    context = {
        "history": list(selectors.signal_history(signal=signal)),
        "cases": selectors.signal_cases(user=request.user, signal=signal),
        "steps": steps,
    }
    return SignalSerializer(signal, context=context).data


@api(policies.can_view_insights)
class SpiegelView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="insights_spiegel_retrieve",
        parameters=[SpiegelQuerySerializer],
        responses=SpiegelSerializer,
    )
    def get(self, request: Request) -> Response:
        """Bottlenecks by theme, kind, regulation, organisation, district and month, with trends.

        Counts below the internal k are ``null``; recurring combinations are candidates for
        policy signals.
        """
        query = _valid(SpiegelQuerySerializer, request.query_params)
        municipality = _municipality(request, query.get("municipality"))
        start, end = _period(query)
        try:
            mirror = selectors.spiegel(
                user=request.user, municipality=municipality, period_start=start, period_end=end
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error, RENAME) from error
        data = spiegel_tables(mirror, k=k_internal())
        data["municipality"] = {"id": municipality.pk, "name": municipality.name}
        data["by_theme"], data["by_kind"], data["by_regulation"] = (
            data["tables"][0][2],
            data["tables"][1][2],
            data["tables"][2][2],
        )
        data["by_organisation"], data["by_district"] = data["tables"][3][2], data["tables"][4][2]
        return Response(SpiegelSerializer(data).data)


@api(policies.can_view_insights)
class SignalListView(generics.GenericAPIView[Signal]):
    serializer_class = SignalListSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="signals_list",
        parameters=[SignalListQuerySerializer],
        responses=SignalListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The signals of your municipalities, newest first."""
        query = _valid(SignalListQuerySerializer, request.query_params)
        municipality = None
        if query.get("municipality") is not None:
            municipality = selectors.municipality_get(user=request.user, pk=query["municipality"])
        signals = selectors.signal_list(
            user=request.user, municipality=municipality, status=query.get("status", "")
        )
        page = self.paginate_queryset(signals)
        data = SignalListSerializer(page, many=True).data  # type: ignore[arg-type]
        return self.get_paginated_response(data)

    @extend_schema(
        tags=TAGS,
        operation_id="signals_create",
        request=SignalCreateSerializer,
        responses={201: SignalSerializer},
    )
    def post(self, request: Request) -> Response:
        """Propose a signal by hand."""
        data = _valid(SignalCreateSerializer, request.data)
        municipality = _municipality(request, data.get("municipality"))
        regulation = organisation = None
        if data.get("regulation") is not None:
            regulation = Regulation.objects.filter(pk=data["regulation"]).first()
            if regulation is None:
                raise exceptions.ValidationError({"regulation": ["Unknown regulation."]})
        if data.get("organisation") is not None:
            organisation = Organisation.objects.filter(pk=data["organisation"]).first()
            if organisation is None:
                raise exceptions.ValidationError({"organisation": ["Unknown organisation."]})
        try:
            signal = services.signal_create(
                actor=request.user,  # type: ignore[arg-type]
                municipality=municipality,
                title=data["title"],
                description=data["description"],
                theme=data.get("theme") or "",
                regulation=regulation,
                organisation=organisation,
                owner_kind=data.get("ownerKind") or "",
                owner_name=data.get("ownerName") or "",
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error, RENAME) from error
        signal = selectors.signal_get(user=request.user, pk=signal.pk)
        return Response(_signal_data(request, signal), status=status.HTTP_201_CREATED)


@api(policies.can_view_insights, obj=SIGNAL)
class SignalDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="signals_retrieve", responses=SignalSerializer)
    def get(self, request: Request, signal: Signal) -> Response:
        """The signal with its history and the pseudonymised cases behind it."""
        return Response(_signal_data(request, signal))


@api(policies.can_view_insights, obj=SIGNAL)
class SignalStepView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="signals_step_create",
        parameters=[
            OpenApiParameter(
                "step",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(STEPS),
                description="raise (ownerKind, ownerName, note), answer (answer), "
                "resolve (note) or structural (note).",
            )
        ],
        request=SignalStepSerializer,
        responses=SignalSerializer,
    )
    def post(self, request: Request, signal: Signal, step: str) -> Response:
        """Move the signal one step: raised, answered, resolved or structural."""
        if step not in STEPS:
            raise Http404
        data = _valid(SignalStepSerializer, request.data)
        actor = request.user
        try:
            if step == "raise":
                services.signal_raise(
                    actor=actor,  # type: ignore[arg-type]
                    signal=signal,
                    owner_kind=data.get("ownerKind", ""),
                    owner_name=data.get("ownerName", ""),
                    note=data.get("note", ""),
                )
            elif step == "answer":
                services.signal_answer(
                    actor=actor,  # type: ignore[arg-type]
                    signal=signal,
                    answer=data.get("answer", ""),
                )
            elif step == "resolve":
                services.signal_resolve(
                    actor=actor,  # type: ignore[arg-type]
                    signal=signal,
                    note=data.get("note", ""),
                )
            else:
                services.signal_mark_structural(
                    actor=actor,  # type: ignore[arg-type]
                    signal=signal,
                    note=data.get("note", ""),
                )
        except DjangoValidationError as error:
            raise drf_validation_error(error, RENAME) from error
        signal = SIGNAL.resolve(request, signal.pk)
        return Response(_signal_data(request, signal))


@api(policies.can_compare_municipalities)
class ComparisonView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="insights_municipalities_comparison_retrieve",
        parameters=[PeriodQuerySerializer],
        responses=ComparisonSerializer,
    )
    def get(self, request: Request) -> Response:
        """Aggregated figures per municipality where you are a policy analyst."""
        query = _valid(PeriodQuerySerializer, request.query_params)
        start, end = _period(query)
        try:
            figures = selectors.compare_municipalities(
                user=request.user, period_start=start, period_end=end
            )
        except DjangoValidationError as error:
            raise drf_validation_error(error, RENAME) from error
        k = k_internal()
        data = {
            "period": Period(start=start, end=end),
            "k": k,
            "note": suppression_note(k),
            "rows": comparison_table(figures, k=k),
        }
        return Response(ComparisonSerializer(data).data)
