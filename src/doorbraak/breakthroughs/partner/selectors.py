"""Extra reads for the pages of fixed contact persons: requests to answer and time-outs.

Scoped like ``PartnerRequest.objects.for_partner``: only what is addressed to an
organisation the user is a fixed contact person of, in the household's municipality.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import AnyUser, active_memberships
from doorbraak.breakthroughs.models import PartnerRequest, TimeOut, TimeOutStatus


def _partner_scope(user: AnyUser) -> Q:
    """Organisation × municipality pairs the user answers for; matches nothing otherwise."""
    scope = Q(pk__in=[])
    for membership in active_memberships(user):
        if membership.role == Role.PARTNER_CONTACT:
            scope |= Q(
                organisation_id=membership.organisation_id,
                breakthrough__household__municipality_id=membership.municipality_id,
            )
    return scope


def partner_time_outs(*, user: AnyUser, open_only: bool = True) -> QuerySet[TimeOut]:
    """Time-outs asked from the user's organisations; the list shows no personal data."""
    time_outs = TimeOut.objects.filter(_partner_scope(user)).select_related("organisation")
    if open_only:
        time_outs = time_outs.filter(status=TimeOutStatus.REQUESTED)
    return time_outs.order_by("until", "requested_at", "pk")


def partner_time_out_get(*, user: AnyUser, pk: int) -> TimeOut:
    """One time-out for a fixed contact person: 404 for other organisations or municipalities."""
    return get_object_or_404(
        TimeOut.objects.filter(_partner_scope(user)).select_related(
            "organisation", "answered_by", "breakthrough__household"
        ),
        pk=pk,
    )


def partner_request_get(*, user: AnyUser, pk: int) -> PartnerRequest:
    """The request to answer, without reading household data (no log); 404 for others."""
    return get_object_or_404(
        PartnerRequest.objects.for_partner(user).select_related(
            "organisation", "breakthrough__household"
        ),
        pk=pk,
    )
