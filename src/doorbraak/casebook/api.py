"""``/api/v1/examples``: the casebook (no personal data, so nothing is logged)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.casebook import exchange, policies, selectors
from doorbraak.casebook.models import Example
from doorbraak.casebook.serializers import (
    ExampleListSerializer,
    ExampleQuerySerializer,
    ExampleSerializer,
    ExchangeSerializer,
)
from doorbraak.lib.access import Lookup, api

TAGS = ["casebook"]
EXAMPLE = Lookup("example", selectors.example_get)


def _many(items: Any) -> Any:
    return ExampleListSerializer(items, many=True).data


@api(policies.can_read_examples)
class ExampleListView(generics.GenericAPIView[Example]):
    serializer_class = ExampleListSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="examples_list",
        parameters=[ExampleQuerySerializer],
        responses=ExampleListSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Published examples you may read; with ``q`` ranked by relevance (Dutch search)."""
        serializer = ExampleQuerySerializer(data=request.query_params)
        if not serializer.is_valid():
            raise exceptions.ValidationError(serializer.errors)
        query = serializer.validated_data
        examples = selectors.example_search(
            user=request.user,
            filters=selectors.ExampleFilter(
                query=query.get("q", ""),
                theme=query.get("theme", ""),
                regulation=query.get("regulation"),
                organisation=query.get("organisation"),
                result=query.get("result", ""),
                municipality=query.get("municipality", ""),
            ),
        )
        page = self.paginate_queryset(examples)
        return self.get_paginated_response(_many(page))


@api(policies.can_read_examples, obj=EXAMPLE)
class ExampleDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="examples_retrieve", responses=ExampleSerializer)
    def get(self, request: Request, example: Example) -> Response:
        """One example in full: bottleneck, solution, amounts per payer and outcome."""
        return Response(ExampleSerializer(example).data)


@api(policies.can_exchange_examples)
class ExampleExportView(APIView):
    @extend_schema(tags=TAGS, operation_id="examples_export", responses=ExchangeSerializer)
    def get(self, request: Request) -> Response:
        """The published national-exchange examples of your municipality, as an exchange file."""
        examples = selectors.exchange_examples(user=request.user)
        return Response(exchange.export_examples(examples))
