"""Reads for the privacy officer's handling of data-subject requests.

Scoped to the municipalities where the user is privacy officer. A privacy officer does not
see case content; to register a request they may look up a person among *all* members of
their municipality's households (``members_for_requests``), for that purpose only, and
every page that shows a request records the read in the processing log.
"""

from __future__ import annotations

import datetime
from contextlib import suppress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When, Window
from django.http import Http404
from django.utils import timezone

from doorbraak.accounts.models import Municipality, Role
from doorbraak.accounts.selectors import AnyUser, municipality_ids_of
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Member
from doorbraak.lib.crypto import blind_indexes
from doorbraak.lib.validators import normalise_bsn
from doorbraak.privacy.models import DataSubjectRequest, DataSubjectRequestQuerySet, RequestStep
from doorbraak.privacy.processing import log_request, log_request_list


def request_municipalities(user: AnyUser) -> QuerySet[Municipality]:
    """The municipalities where the user registers data-subject requests (privacy officer)."""
    ids = municipality_ids_of(user, role=Role.PRIVACY_OFFICER)
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def request_member(request: DataSubjectRequest) -> Member:
    """The person of a request the caller has already found through :func:`request_get`."""
    if request.member_id is None:
        raise Http404
    return Member.objects.select_related("household__team").get(pk=request.member_id)


def members_for_requests(user: AnyUser) -> QuerySet[Member]:
    """Every member of a household in the municipalities where the user is privacy officer.

    Only for finding the person a data-subject request is about: the privacy officer sees
    no case content otherwise (households' own ``visible_to`` does not include them).
    """
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(
        household__municipality_id__in=municipality_ids_of(user, role=Role.PRIVACY_OFFICER)
    )


def member_find(
    *,
    user: AnyUser,
    municipality_id: int,
    bsn: str = "",
    last_name: str = "",
    birth_date: datetime.date | None = None,
) -> list[Member]:
    """The members of the municipality with this BSN (by the blind index, every key) or,
    without a BSN, this last name and date of birth. At most 10."""
    members = members_for_requests(user).filter(household__municipality_id=municipality_id)
    if bsn:
        try:
            indexes = blind_indexes(normalise_bsn(bsn))
        except ValidationError:
            return []
        members = members.filter(bsn_index__in=indexes)
    elif last_name.strip() and birth_date is not None:
        members = members.filter(last_name__iexact=last_name.strip(), birth_date=birth_date)
    else:
        return []
    return list(members.select_related("household").order_by("pk")[:10])


def requests_for(user: AnyUser) -> DataSubjectRequestQuerySet:
    return DataSubjectRequest.objects.visible_to(user)


def open_requests(*, user: AnyUser, limit: int, offset: int = 0) -> list[DataSubjectRequest]:
    """The open requests, nearest deadline first, one page: one query, plus one to log."""
    rows = list(
        requests_for(user)
        .open()
        .select_related("member")
        .order_by("deadline", "pk")[offset : offset + limit]
    )
    if rows and user.is_authenticated:
        log_request_list(
            actor=user,
            action=ProcessingAction.READ,
            requests=[(r.pk, r.subject_pseudonym, r.municipality_id) for r in rows],
        )
    return rows


def request_get(*, user: AnyUser, pk: int | str, log: bool = True) -> DataSubjectRequest:
    """The request, or 404 outside the user's municipalities; the read is logged."""
    with suppress(TypeError, ValueError):
        request = (
            requests_for(user)
            .select_related("member__household", "municipality", "registered_by", "handled_by")
            .filter(pk=int(pk))
            .first()
        )
        if request is not None:
            if log:
                log_request(actor=user, action=ProcessingAction.READ, request=request)  # type: ignore[arg-type]
            return request
    raise Http404


def request_steps(request: DataSubjectRequest) -> list[RequestStep]:
    return list(request.steps.select_related("actor").order_by("occurred_at", "pk"))


@dataclass(frozen=True)
class OpenRequests:
    """For the privacy officer's home page: how many are open and overdue, and the nearest."""

    open: int
    overdue: int
    nearest: list[DataSubjectRequest]


def open_requests_for(user: AnyUser, *, nearest: int = 5) -> OpenRequests:
    """The counts and the ``nearest`` deadlines in one query (window aggregates)."""
    today = timezone.localdate()
    rows = list(
        requests_for(user)
        .open()
        .annotate(
            open_count=Window(Count("id")),
            overdue_count=Window(
                Sum(
                    Case(
                        When(deadline__lt=today, then=Value(1)),
                        default=Value(0),
                        output_field=IntegerField(),
                    )
                )
            ),
        )
        .order_by("deadline", "pk")[:nearest]
    )
    if not rows:
        return OpenRequests(open=0, overdue=0, nearest=[])
    first = rows[0]
    return OpenRequests(
        open=first.open_count,  # type: ignore[attr-defined]
        overdue=first.overdue_count or 0,  # type: ignore[attr-defined]
        nearest=rows,
    )
