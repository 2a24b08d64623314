"""Reads about users, memberships, organisations and teams, scoped to the reader."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.db.models import ForeignKey, Model, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, Team, User
from doorbraak.lib.prepared import Prepared, instance, model_columns

AnyUser = User | AnonymousUser

_CACHE_ATTR = "_doorbraak_active_memberships"

#: The related objects read with each membership, as ``select_related`` would.
_RELATED: tuple[tuple[str, type[Model]], ...] = (
    ("organisation", Organisation),
    ("municipality", Municipality),
    ("team", Team),
)


def _memberships_of(*, user: int, today: datetime.date) -> QuerySet[Any]:
    """The memberships of ``Membership.objects.active()``, each row with its organisation,
    municipality and team (``None`` without a team)."""
    related = [f"{name}__{column}" for name, model in _RELATED for column in model_columns(model)]
    return (
        Membership.objects.active(on=today)
        .filter(user_id=user)
        .order_by("valid_from", "pk")
        .values(*model_columns(Membership), *related)
    )


# Every page reads the memberships for its access check; building and compiling this
# queryset cost about four times what the database takes to answer it, so its SQL is
# compiled once per process (``lib.prepared``: the same queryset, held to Django's SQL).
_MEMBERSHIPS = Prepared(_memberships_of)


def _read_memberships(user: User) -> list[Membership]:
    db = router.db_for_read(Membership)
    memberships = []
    for row in _MEMBERSHIPS.rows(user=user.pk, today=timezone.localdate()):
        membership = instance(Membership, row, model_columns(Membership), db=db)
        for name, model in _RELATED:
            related = None
            if row[f"{name}__id"] is not None:
                related = instance(model, row, model_columns(model), prefix=f"{name}__", db=db)
            # As ``select_related`` puts the related object on its row.
            cast("ForeignKey[Any, Any]", Membership._meta.get_field(name)).set_cached_value(
                membership, related
            )
        memberships.append(membership)
    return memberships


def active_memberships(user: AnyUser) -> list[Membership]:
    """The memberships in force today, with their organisation, municipality and team,
    cached on the user object for one request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _read_memberships(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def primary_membership(user: AnyUser) -> Membership | None:
    """The membership the processing log records when no other is named."""
    memberships = active_memberships(user)
    return memberships[0] if memberships else None


def roles_of(user: AnyUser) -> set[str]:
    return {m.role for m in active_memberships(user)}


def has_role(user: AnyUser, *roles: Role) -> bool:
    return bool(roles_of(user) & {r.value for r in roles})


def municipality_ids_of(user: AnyUser, *, role: Role | None = None) -> set[int]:
    return {m.municipality_id for m in active_memberships(user) if role is None or m.role == role}


def team_ids_of(user: AnyUser) -> set[int]:
    return {m.team_id for m in active_memberships(user) if m.team_id is not None}


def organisation_list(*, user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user).select_related("municipality").order_by("name")


def organisation_get(*, user: AnyUser, pk: int) -> Organisation:
    """The organisation, or 404 when the user may not see it."""
    return get_object_or_404(organisation_list(user=user), pk=pk)


def contact_persons(*, user: AnyUser, organisation: Organisation) -> QuerySet[Membership]:
    """The fixed contact persons of ``organisation`` in the user's municipalities."""
    return (
        Membership.objects.active()
        .filter(
            organisation=organisation,
            role=Role.PARTNER_CONTACT,
            municipality_id__in=municipality_ids_of(user),
            user__is_active=True,
            user__api_client__isnull=True,  # an API client's service user is no contact person
        )
        .select_related("user", "municipality")
        .order_by("user__last_name", "user__first_name")
    )


def team_list(*, user: AnyUser) -> QuerySet[Team]:
    return (
        Team.objects.visible_to(user)
        .select_related("organisation", "municipality")
        .prefetch_related("districts")
        .order_by("municipality__name", "name")
    )


def team_get(*, user: AnyUser, pk: int) -> Team:
    """The team with its current members, or 404 when the user may not see it."""
    members = (
        Membership.objects.active()
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    queryset = team_list(user=user).prefetch_related(
        Prefetch("memberships", queryset=members, to_attr="current_memberships")
    )
    return get_object_or_404(queryset, pk=pk)


def user_list_for_admin(*, user: AnyUser) -> QuerySet[User]:
    """Users with a membership in a municipality the reader administers."""
    municipalities = municipality_ids_of(user, role=Role.ADMIN)
    return User.objects.filter(memberships__municipality_id__in=municipalities).distinct()
