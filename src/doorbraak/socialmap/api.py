"""``/api/v1/social-services``: the social map (not personal data, so nothing is logged)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import District
from doorbraak.assessments.models import LifeDomain
from doorbraak.lib.access import Lookup, api
from doorbraak.socialmap import policies, selectors
from doorbraak.socialmap.models import Service
from doorbraak.socialmap.serializers import (
    ServiceDetailSerializer,
    ServiceListQuerySerializer,
    ServiceSerializer,
)

TAGS = ["socialmap"]
SERVICE = Lookup("service", selectors.service_get)


def _many(services: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return ServiceSerializer(services, many=True).data


@api(policies.can_view_social_map)
class ServiceListView(generics.GenericAPIView[Service]):
    serializer_class = ServiceSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="social_services_list",
        parameters=[ServiceListQuerySerializer],
        responses=ServiceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """Active services of your municipality, searched by need, district, cost and wait."""
        query = ServiceListQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise exceptions.ValidationError(query.errors)
        data = query.validated_data
        domains, districts = selectors.search_choices(user=request.user)
        domain: LifeDomain | None = None
        district: District | None = None
        if "lifeDomain" in data:
            domain = next((d for d in domains if d.pk == data["lifeDomain"]), None)
            if domain is None:
                raise exceptions.ValidationError({"lifeDomain": [_("Unknown life domain.")]})
        if "district" in data:
            district = next((d for d in districts if d.pk == data["district"]), None)
            if district is None:
                raise exceptions.ValidationError({"district": [_("Unknown district.")]})
        found = selectors.service_search(
            user=request.user,
            filters=selectors.SearchFilters(
                query=data.get("q", ""),
                domain=domain,
                district=district,
                free=data["free"],
                short_wait=data["shortWait"],
            ),
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(_many(page))


@api(policies.can_view_social_map, obj=SERVICE)
class ServiceDetailView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="social_services_retrieve", responses=ServiceDetailSerializer
    )
    def get(self, request: Request, service: Service) -> Response:
        """One service, with how many households' plans use it (hidden below k)."""
        service.usedByHouseholds = selectors.usage_shown(service.household_count)  # type: ignore[attr-defined]
        return Response(ServiceDetailSerializer(service).data)
