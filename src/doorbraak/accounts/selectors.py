"""Reads about users, memberships, organisations and teams, scoped to the reader."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, Team, User

AnyUser = User | AnonymousUser

_CACHE_ATTR = "_doorbraak_active_memberships"


def active_memberships(user: AnyUser) -> list[Membership]:
    """The memberships in force today, cached on the user object for one request."""
    if not user.is_authenticated:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _active_memberships_of(user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


#: The models of the memberships' query, each with the relation of the membership that
#: holds it (``None`` for the membership itself), in the order of their columns.
_MEMBERSHIP_PARTS: tuple[tuple[type[Model], str | None], ...] = (
    (Membership, None),
    (Organisation, "organisation"),
    (Municipality, "municipality"),
    (Team, "team"),
)


#: The memberships' query by database vendor (its quoting), written once per process.
_MEMBERSHIP_SQL: dict[str, str] = {}


def _membership_sql(connection: BaseDatabaseWrapper) -> str:
    sql = _MEMBERSHIP_SQL.get(connection.vendor)
    if sql is None:
        sql = _MEMBERSHIP_SQL[connection.vendor] = _write_membership_sql(connection.ops.quote_name)
    return sql


def _write_membership_sql(quote: Any) -> str:
    aliases = ("m", "o", "mu", "t")
    columns = ", ".join(
        f"{alias}.{quote(field.column)}"
        for (model, _relation), alias in zip(_MEMBERSHIP_PARTS, aliases, strict=True)
        for field in model._meta.concrete_fields
    )

    def col(name: str) -> str:
        return f"m.{quote(Membership._meta.get_field(name).column)}"  # type: ignore[union-attr]

    joins = " ".join(
        f"{'LEFT OUTER' if relation == 'team' else 'INNER'} JOIN {quote(model._meta.db_table)}"
        f" {alias} ON {alias}.{quote(model._meta.pk.column)} = {col(relation)}"
        for (model, relation), alias in zip(_MEMBERSHIP_PARTS, aliases, strict=True)
        if relation is not None
    )
    return (
        f"SELECT {columns} FROM {quote(Membership._meta.db_table)} m {joins}"  # noqa: S608
        f" WHERE {col('user')} = %s AND {col('valid_from')} <= %s"
        f" AND ({col('valid_until')} IS NULL OR {col('valid_until')} >= %s)"
        f" ORDER BY {col('valid_from')}, {col('id')}"
    )


def _active_memberships_of(user_id: int) -> list[Membership]:
    """``Membership.objects.active().filter(user=…).select_related("organisation",
    "municipality", "team").order_by("valid_from", "pk")``, as one written-out query.

    Every page asks for the user's memberships (the access check, the menu, the log's
    role and organisation), and building and compiling that queryset cost about four times
    what the database takes to answer it; the statement is the same every time, so it
    is written once and only the user and the day change. The rows become the same
    objects the queryset would make, related objects cached
    (``tests/accounts/test_active_memberships.py`` holds the two to the same answer).
    """
    alias = router.db_for_read(Membership) or "default"
    connection = connections[alias]
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(connection), [user_id, today, today])
        rows = cursor.fetchall()
    memberships = []
    for row in rows:
        start = 0
        membership: Membership | None = None
        for model, relation in _MEMBERSHIP_PARTS:
            fields = model._meta.concrete_fields
            values = row[start : start + len(fields)]
            start += len(fields)
            if membership is None:
                membership = _from_row(model, fields, values, alias)  # type: ignore[assignment]
                continue
            related = None if values[0] is None else _from_row(model, fields, values, alias)
            Membership._meta.get_field(relation).set_cached_value(membership, related)  # type: ignore[arg-type, union-attr]
        memberships.append(membership)
    return memberships  # type: ignore[return-value]


def _from_row(model: type[Model], fields: Any, values: Any, alias: str) -> Model:
    """The instance a queryset would make of these values (dates arrive as text on SQLite)."""
    return model.from_db(
        alias,
        [f.attname for f in fields],
        [None if v is None else f.to_python(v) for f, v in zip(fields, values, strict=True)],
    )


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
