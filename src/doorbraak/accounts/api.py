"""``/api/v1/me``, ``/api/v1/organisations``, ``/api/v1/teams``: the same selectors as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts import selectors
from doorbraak.accounts.models import Organisation, Team
from doorbraak.accounts.serializers import MeSerializer, OrganisationSerializer, TeamSerializer
from doorbraak.lib.access import Lookup, api

#: The organisation or team of the URL, 404 outside the user's municipalities.
ORGANISATION = Lookup("organisation", selectors.organisation_get)
TEAM = Lookup("team", selectors.team_get)


@api()
class MeView(APIView):
    @extend_schema(responses=MeSerializer, operation_id="me_retrieve", tags=["accounts"])
    def get(self, request: Request) -> Response:
        """The logged-in user with their roles in force today."""
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "firstName": getattr(user, "first_name", ""),
            "lastName": getattr(user, "last_name", ""),
            "email": getattr(user, "email", ""),
            "memberships": selectors.active_memberships(user),
        }
        return Response(MeSerializer(data).data)


@api()
@extend_schema(tags=["accounts"])
class OrganisationListView(generics.ListAPIView[Organisation]):
    """Organisations the user may see: national ones and those of their municipalities."""

    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list(user=self.request.user)


@api(obj=ORGANISATION)
@extend_schema(tags=["accounts"])
class OrganisationDetailView(generics.GenericAPIView[Organisation]):
    serializer_class = OrganisationSerializer

    def get(self, request: Request, organisation: Organisation) -> Response:
        return Response(self.get_serializer(organisation).data)


@api()
@extend_schema(tags=["accounts"])
class TeamListView(generics.ListAPIView[Team]):
    """The user's own teams (and, for administrators, the teams of their municipalities)."""

    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.team_list(user=self.request.user)


@api(obj=TEAM)
@extend_schema(tags=["accounts"])
class TeamDetailView(generics.GenericAPIView[Team]):
    serializer_class = TeamSerializer

    def get(self, request: Request, team: Team) -> Response:
        return Response(self.get_serializer(team).data)
