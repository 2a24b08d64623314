"""``/api/v1/``: outcomes, what the work prevented or achieved.

Thin views: outcomes are reached through ``outcomes.selectors`` and households
through ``household_open`` (404 outside the household's team, the read logged); changes go
through ``outcomes.services``, whose Django ``ValidationError`` is answered as a 400 with
the fields in camelCase and changes nothing. Money is in integer cents.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import User
from doorbraak.assessments.api import HOUSEHOLD_PARAMETER, drf_validation_error
from doorbraak.breakthroughs.policies import can_work_on_breakthroughs, works_on
from doorbraak.households.models import Household
from doorbraak.households.selectors import household_open
from doorbraak.lib.access import Lookup, api
from doorbraak.outcomes import services
from doorbraak.outcomes.models import Outcome
from doorbraak.outcomes.policies import works_on_household_of
from doorbraak.outcomes.selectors import (
    breakthrough_choices,
    cost_item_choices,
    outcome_get,
    outcomes_of,
)
from doorbraak.outcomes.serializers import (
    OutcomeInputSerializer,
    OutcomeSerializer,
    OutcomeWithdrawSerializer,
)

TAGS = ["outcomes"]
_RENAME = {"debt_amount_cents": "debtAmountCents", "backdate_reason": "backdateReason"}


def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes already demand a login
        raise exceptions.NotAuthenticated
    return user


@contextmanager
def _service() -> Iterator[None]:
    """A service refused the change (and changed nothing): answer 400 in camelCase."""
    try:
        yield
    except DjangoValidationError as error:
        raise drf_validation_error(error, rename=_RENAME) from error


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(serializer.errors)
    return dict(serializer.validated_data)


#: The household or outcome of the URL, 404 outside the household's own team; a read
#: record for a GET only (the service logs every change).
HOUSEHOLD = Lookup("household", household_open, "public_id", log="reads", hide_unless=works_on)
OUTCOME = Lookup("outcome", outcome_get, log="reads", hide_unless=works_on_household_of)


def _many(outcomes: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return OutcomeSerializer(outcomes, many=True).data


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


@api(can_work_on_breakthroughs, obj=HOUSEHOLD)
class HouseholdOutcomeListView(generics.GenericAPIView[Outcome]):
    serializer_class = OutcomeSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="household_outcomes_list",
        parameters=[HOUSEHOLD_PARAMETER],
        responses=OutcomeSerializer(many=True),
    )
    def get(self, request: Request, household: Household) -> Response:
        """The household's outcomes with their valuation lines, newest first (withdrawn too)."""
        page = self.paginate_queryset(outcomes_of(household=household)) or []
        for outcome in page:
            outcome.household = household  # already loaded: no query per outcome
        return self.get_paginated_response(_many(page))

    @extend_schema(
        tags=TAGS,
        operation_id="household_outcomes_create",
        parameters=[HOUSEHOLD_PARAMETER],
        request=OutcomeInputSerializer,
        responses={201: OutcomeSerializer},
    )
    def post(self, request: Request, household: Household) -> Response:
        """Record what the work prevented or achieved; it is valued with the catalogue."""
        data = _valid(OutcomeInputSerializer, request.data)
        breakthrough = None
        if data["breakthrough"] is not None:
            breakthrough = (
                breakthrough_choices(household=household).filter(pk=data["breakthrough"]).first()
            )
            if breakthrough is None:
                raise _invalid("breakthrough", _("Choose a breakthrough of this household."))
        cost_item = None
        if data["costItem"] is not None:
            cost_item = cost_item_choices(household=household).filter(pk=data["costItem"]).first()
            if cost_item is None:
                raise _invalid(
                    "costItem", _("Choose a cost item of your municipality's catalogue.")
                )
        with _service():
            outcome = services.outcome_record(
                actor=_user(request),
                household=household,
                outcome_type=data["outcomeType"],
                occurred_on=data["occurredOn"],
                evidence=data["evidence"],
                breakthrough=breakthrough,
                debt_amount_cents=data["debtAmountCents"],
                cost_item=cost_item,
                quantity=data["quantity"],
                backdate_reason=data["backdateReason"],
            )
        fresh = OUTCOME.resolve(request, outcome.pk, log=False)
        return Response(OutcomeSerializer(fresh).data, status=status.HTTP_201_CREATED)


@api(can_work_on_breakthroughs, obj=OUTCOME)
class OutcomeDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="outcomes_retrieve", responses=OutcomeSerializer)
    def get(self, request: Request, outcome: Outcome) -> Response:
        """One outcome with its valuation lines (404 outside the household's team)."""
        return Response(OutcomeSerializer(outcome).data)


@api(can_work_on_breakthroughs, obj=OUTCOME)
class OutcomeWithdrawView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="outcomes_withdraw",
        request=OutcomeWithdrawSerializer,
        responses=OutcomeSerializer,
    )
    def post(self, request: Request, outcome: Outcome) -> Response:
        """Withdraw a mistaken outcome with a reason: it stays on record, out of the figures."""
        data = _valid(OutcomeWithdrawSerializer, request.data)
        with _service():
            services.outcome_withdraw(actor=_user(request), outcome=outcome, reason=data["reason"])
        return Response(OutcomeSerializer(OUTCOME.resolve(request, outcome.pk, log=False)).data)
