"""``/api/v1/cost-items``: the cost catalogue (not personal data, so nothing is logged)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.selectors import AnyUser
from doorbraak.catalogue.models import CostItem
from doorbraak.catalogue.selectors import cost_item_list
from doorbraak.catalogue.serializers import CostItemListQuerySerializer, CostItemSerializer
from doorbraak.lib.access import Lookup, api

TAGS = ["library"]


def _cost_item(*, user: AnyUser, pk: int) -> CostItem:
    """A cost figure of the catalogue the user may see (404 otherwise)."""
    return get_object_or_404(cost_item_list(user=user), pk=pk)


COST_ITEM = Lookup("item", _cost_item)


def _many(items: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return CostItemSerializer(items, many=True).data


@api()
class CostItemListView(generics.GenericAPIView[CostItem]):
    serializer_class = CostItemSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="cost_items_list",
        parameters=[CostItemListQuerySerializer],
        responses=CostItemSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """National cost figures and those of your municipality, optionally for one year."""
        query = CostItemListQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise exceptions.ValidationError(query.errors)
        data = query.validated_data
        items = cost_item_list(user=request.user, year=data.get("year"), query=data.get("q", ""))
        page = self.paginate_queryset(items)
        return self.get_paginated_response(_many(page))


@api(obj=COST_ITEM)
class CostItemDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="cost_items_retrieve", responses=CostItemSerializer)
    def get(self, request: Request, item: CostItem) -> Response:
        """One cost figure with its source."""
        return Response(CostItemSerializer(item).data)
