"""``/api/v1/regulations``: the law library (not personal data, so nothing is logged)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.lib.access import Lookup, api
from doorbraak.library import selectors
from doorbraak.library.models import Regulation
from doorbraak.library.serializers import RegulationListQuerySerializer, RegulationSerializer

TAGS = ["library"]
REGULATION = Lookup("regulation", selectors.regulation_get)


def _many(items: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return RegulationSerializer(items, many=True).data


@api()
class RegulationListView(generics.GenericAPIView[Regulation]):
    serializer_class = RegulationSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="regulations_list",
        parameters=[RegulationListQuerySerializer],
        responses=RegulationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """National laws and rules and those of your municipality, searchable."""
        serializer = RegulationListQuerySerializer(data=request.query_params)
        if not serializer.is_valid():
            raise exceptions.ValidationError(serializer.errors)
        query = serializer.validated_data
        regulations = selectors.regulation_list(
            user=request.user, query=query.get("q", ""), deviation=query.get("deviation", "")
        ).select_related("municipality")
        page = self.paginate_queryset(regulations)
        return self.get_paginated_response(_many(page))


@api(obj=REGULATION)
class RegulationDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="regulations_retrieve", responses=RegulationSerializer)
    def get(self, request: Request, regulation: Regulation) -> Response:
        """One article with what it says and whether it leaves room to deviate."""
        return Response(RegulationSerializer(regulation).data)
