"""Reads of API clients, scoped to the administrator who asks.

API clients are configuration, not personal data of households: no read is logged.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.models import Municipality, Organisation, Role, Team
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of


def administered_municipalities(*, user: AnyUser) -> list[Municipality]:
    """The municipalities whose API clients ``user`` manages."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Municipality.objects.order_by("name"))
    ids = municipality_ids_of(user, role=Role.ADMIN)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def api_client_list(*, user: AnyUser) -> QuerySet[ApiClient]:
    """The clients of the municipalities ``user`` administers, newest name order."""
    if not user.is_authenticated:
        return ApiClient.objects.none()
    found = ApiClient.objects.select_related("organisation", "municipality")
    if not user.is_superuser:
        found = found.filter(municipality__in=municipality_ids_of(user, role=Role.ADMIN))
    return found.order_by("municipality__name", "name", "pk")


def api_client_get(*, user: AnyUser, pk: int) -> ApiClient:
    """The client, or 404 when ``user`` does not administer its municipality."""
    return get_object_or_404(
        api_client_list(user=user).select_related("created_by", "revoked_by", "user"),
        pk=pk,
    )


def client_organisations(*, municipalities: list[Municipality]) -> QuerySet[Organisation]:
    """The organisations a client may be made for: national ones and local ones there."""
    return Organisation.objects.filter(
        Q(municipality__isnull=True) | Q(municipality__in=municipalities)
    ).order_by("name")


def client_teams(*, municipalities: list[Municipality]) -> QuerySet[Team]:
    return Team.objects.filter(municipality__in=municipalities).order_by("name")
