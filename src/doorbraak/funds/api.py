"""``/api/v1/``: the Voorkom Erger Potje — funds, mandate rules, requests, payment batches.

Thin views: everything is read through ``funds.selectors`` (404 outside the user's team or
municipality, the read of a request tied to a household logged) and changed through
``funds.services``, whose Django ``ValidationError`` is answered as a 400 problem with
``invalidParams`` and changes nothing. Money is in integer cents. Lists never carry an
IBAN; a request's detail shows it in full only to the fund manager.

``approve`` and ``pay`` move money and require an ``Idempotency-Key`` header: a replay
returns the first result, a concurrent duplicate gets 409, the same key with another body
422; a key left in progress by a dead process is taken over by a retry after
``DOORBRAAK_IDEMPOTENCY_TAKEOVER_MINUTES`` (see ``funds.idempotency``). Their responses
show the IBAN masked, because the response is stored with the key.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from doorbraak.accounts.models import User
from doorbraak.accounts.selectors import AnyUser
from doorbraak.assessments.api import drf_validation_error
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.downloads.api import accepted
from doorbraak.downloads.serializers import DownloadSerializer
from doorbraak.funds import ledger, policies, selectors, services
from doorbraak.funds.idempotency import run_idempotent
from doorbraak.funds.models import (
    Account,
    Fund,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
)
from doorbraak.funds.serializers import (
    FundApproveSerializer,
    FundCancelSerializer,
    FundDetailSerializer,
    FundHouseholdAverageSerializer,
    FundHouseholdInputSerializer,
    FundPaySerializer,
    FundPreventedSerializer,
    FundRejectSerializer,
    FundRepaySerializer,
    FundRequestDraftSerializer,
    FundRequestListQuerySerializer,
    FundRequestListSerializer,
    FundRequestSerializer,
    FundRequestUpdateSerializer,
    FundSerializer,
    FundSpendLineSerializer,
    FundWriteOffSerializer,
    MandateRuleInputSerializer,
    MandateRuleSerializer,
    PaymentBatchInputSerializer,
    SepaInputSerializer,
)
from doorbraak.households.models import Household
from doorbraak.lib.access import Lookup, api
from doorbraak.lib.api import PROBLEM_CONTENT_TYPE, problem

TAGS = ["funds"]
IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "1 to 255 characters, unique per command (e.g. a UUID). A replay returns the first "
        "result; a concurrent duplicate gets 409; the same key with another body gets 422. "
        "A key whose first request never finished (its server process died) is taken over "
        "by a retry after a few minutes; results are kept for a week."
    ),
)
PROBLEM = OpenApiResponse(description="A problem (application/problem+json).")
_REQUEST_RELATIONS = (
    "fund__municipality",
    "team",
    "household__municipality",
    "breakthrough",
    "prevents_cost_item",
    "requested_by",
    "paid_by",
)


# --- helpers -----------------------------------------------------------------------------------
def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # the permission classes already demand a login
        raise exceptions.NotAuthenticated
    return user


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise exceptions.ValidationError(serializer.errors)
    return dict(serializer.validated_data)


def _many(serializer_class: type[Any], objects: Any, **kwargs: Any) -> Any:
    """Serialise a list (the stubs type a serializer's instance as one object)."""
    return serializer_class(objects, many=True, **kwargs).data


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [message]})


def _call(fn: Callable[[], Any]) -> Any:
    """Run a service; its refusal (nothing changed) becomes a 400 in camelCase."""
    try:
        return fn()
    except DjangoValidationError as error:
        raise drf_validation_error(error) from error


def balances_of(fund_ids: Iterable[int]) -> dict[int, ledger.Balances]:
    """The ledger balances of several funds in one query (as ``ledger.balances`` per fund)."""
    ids = list(fund_ids)
    accounts: dict[int, dict[str, int]] = {pk: {a.value: 0 for a in Account} for pk in ids}
    rows = (
        LedgerEntry.objects.filter(transaction__fund_id__in=ids)
        .values("transaction__fund_id", "account")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    for row in rows:
        accounts[row["transaction__fund_id"]][row["account"]] = int(row["total"] or 0)
    return {
        pk: ledger.Balances(
            budget=-found[Account.FUNDING],
            committed=found[Account.COMMITTED],
            paid=found[Account.PAID] + found[Account.REPAID],
            repaid=-found[Account.REPAID],
            available=found[Account.AVAILABLE],
        )
        for pk, found in accounts.items()
    }


def _fund_data(fund: Fund, balances: ledger.Balances) -> dict[str, Any]:
    return dict(FundSerializer(fund, context={"balances": {fund.pk: balances}}).data)


def _request_for_change(*, user: AnyUser, pk: int) -> FundRequest:
    """The request to change (404 out of reach); the service logs the processing."""
    return get_object_or_404(
        FundRequest.objects.visible_to(user).select_related(*_REQUEST_RELATIONS), pk=pk
    )


def _request_to_read_or_change(*, user: AnyUser, pk: int, log: bool) -> FundRequest:
    """The request with the read logged, or the request to change."""
    if log:
        return selectors.fund_request_get(user=user, pk=pk)
    return _request_for_change(user=user, pk=pk)


#: The objects of the URLs, 404 out of the user's reach.
FUND = Lookup("fund", selectors.fund_get)
FOR_CHANGE = Lookup("fund_request", _request_for_change)
FUND_REQUEST = Lookup("fund_request", _request_to_read_or_change, log="reads")


def _request_data(user: User, fund_request: FundRequest, *, full_iban: bool = True) -> Any:
    """The request's detail for ``user``: the IBAN in full only for the fund manager (and
    masked in command responses, which are stored with their idempotency key)."""
    details = selectors.fund_request_payment_details(user=user, fund_request=fund_request)
    approvals = list(fund_request.approvals.select_related("approver").order_by("pk"))
    is_draft = fund_request.status == FundRequestStatus.DRAFT
    context = {
        "iban": details.iban if full_iban else fund_request.masked_iban,
        "approvals": approvals,
        "actions": {
            "approve": policies.can_approve(user, fund_request),
            "reject": policies.can_reject(user, fund_request),
            "pay": policies.can_pay(user, fund_request),
            "cancel": policies.can_cancel(user, fund_request),
            "settle": policies.can_settle(user, fund_request),
            "edit": is_draft and policies.works_on_request(user, fund_request),
        },
    }
    return FundRequestSerializer(fund_request, context=context).data


def _changed(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    """The request after a change, re-read (the service already logged the processing)."""
    found = FundRequest.objects.select_related(*_REQUEST_RELATIONS).get(pk=pk)
    return Response(_request_data(_user(request), found), status=code)


def _household(request: Request, public_id: uuid.UUID | None) -> Household | None:
    if public_id is None:
        return None
    found = Household.objects.visible_to(request.user).filter(public_id=public_id).first()
    if found is None:
        raise _invalid("household", _("Choose a household of your own team."))
    return found


def _breakthrough(request: Request, pk: int | None) -> Breakthrough | None:
    if pk is None:
        return None
    found = Breakthrough.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise _invalid("breakthrough", _("Choose a breakthrough of your own team."))
    return found


def _cost_item(request: Request, pk: int | None) -> CostItem | None:
    if pk is None:
        return None
    found = CostItem.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise _invalid("preventsCostItem", _("Choose a cost item from the catalogue."))
    return found


def _problem_response(request: Request, status_code: int, detail: str) -> Response:
    body = problem(status_code=status_code, detail=detail, instance=request.path)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _json_safe(data: Any) -> dict[str, Any]:
    """Serializer output as plain JSON types, to be stored with the idempotency key."""
    result: dict[str, Any] = json.loads(JSONRenderer().render(data))
    return result


def _raw_body(request: Request) -> Any:
    data = request.data
    return data if isinstance(data, dict | list | str | int | float | bool) or data is None else {}


def _idempotent(
    request: Request, *, endpoint: str, body: Any, command: Callable[[], Any]
) -> Response:
    """Run ``command`` (which returns the response data) at most once per Idempotency-Key."""
    key = request.headers.get("Idempotency-Key", "")

    def run() -> tuple[int, dict[str, Any]]:
        return status.HTTP_200_OK, _json_safe(_call(command))

    result = run_idempotent(user=_user(request), key=key, endpoint=endpoint, body=body, fn=run)
    if result.status >= 400:
        return _problem_response(request, result.status, str(result.body.get("title", "")))
    response = Response(result.body, status=result.status)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _ledger_key(command: str, user: User, key: str) -> str:
    """The ledger's own guard against booking a command twice (at most 100 characters).

    A long Idempotency-Key is hashed rather than cut: two keys with the same first
    characters are different commands.
    """
    ledger_key = f"{command}:{user.pk}:{key}"
    if len(ledger_key) <= 100:
        return ledger_key
    return f"{command}:{user.pk}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def _require_key(request: Request) -> Response | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 255:
        return _problem_response(
            request,
            status.HTTP_400_BAD_REQUEST,
            _("The Idempotency-Key header must hold 1 to 255 characters."),
        )
    return None


# --- funds -------------------------------------------------------------------------------------
@api(policies.can_use_funds)
class FundListView(generics.GenericAPIView[Fund]):
    serializer_class = FundSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="funds_list",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                description="Only funds of this year.",
            )
        ],
        responses=FundSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        """The funds you work with, with their budget, committed, paid and available amounts."""
        year_text = request.query_params.get("year", "")
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year_text and year is None:
            raise _invalid("year", _("Enter a year of four digits."))
        page = list(self.paginate_queryset(selectors.fund_list(user=request.user, year=year)) or [])
        context = {"balances": balances_of(f.pk for f in page)}
        return self.get_paginated_response(_many(FundSerializer, page, context=context))


@api(policies.can_use_funds, obj=FUND)
class FundDetailView(APIView):
    @extend_schema(tags=TAGS, operation_id="funds_retrieve", responses=FundDetailSerializer)
    def get(self, request: Request, fund: Fund) -> Response:
        """A fund with its balances, mandate rules, spend by purpose, district and month,
        the average per household and what the payments were expected to prevent."""
        user = request.user
        data = _fund_data(fund, selectors.fund_balances(fund=fund))
        data["mandateRules"] = _many(MandateRuleSerializer, selectors.mandate_rule_list(fund=fund))
        for name, lines in (
            ("spendByPurpose", selectors.spend_by_purpose(user=user, fund=fund)),
            ("spendByDistrict", selectors.spend_by_district(user=user, fund=fund)),
            ("spendByMonth", selectors.spend_by_month(user=user, fund=fund)),
        ):
            data[name] = _many(FundSpendLineSerializer, lines)
        data["averagePerHousehold"] = FundHouseholdAverageSerializer(
            selectors.average_per_household(user=user, fund=fund)
        ).data
        data["prevented"] = FundPreventedSerializer(selectors.prevented(user=user, fund=fund)).data
        return Response(data)


@api(policies.can_use_funds, obj=FUND)
class FundMandateRuleListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="funds_mandate_rules_list",
        responses=MandateRuleSerializer(many=True),
    )
    def get(self, request: Request, fund: Fund) -> Response:
        """The fund's mandate rules, every version (the one that started last applies)."""
        return Response(_many(MandateRuleSerializer, selectors.mandate_rule_list(fund=fund)))

    @extend_schema(
        tags=TAGS,
        operation_id="funds_mandate_rules_create",
        request=MandateRuleInputSerializer,
        responses={201: MandateRuleSerializer},
    )
    def post(self, request: Request, fund: Fund) -> Response:
        """Add a rule (fund manager). It applies to requests submitted from its start date;
        requests already submitted keep the rule they were submitted under."""
        data = _valid(MandateRuleInputSerializer, request.data)
        rule = _call(
            lambda: services.mandate_rule_add(
                actor=_user(request),
                fund=fund,
                min_amount_cents=data["minAmountCents"],
                max_amount_cents=data["maxAmountCents"],
                approvals_required=data["approvalsRequired"],
                approver_role=data["approverRole"],
                needs_table=data["needsTable"],
                valid_from=data["validFrom"],
            )
        )
        return Response(MandateRuleSerializer(rule).data, status=status.HTTP_201_CREATED)


@api(policies.can_use_funds, obj=FUND)
class FundRequestListView(generics.GenericAPIView[FundRequest]):
    serializer_class = FundRequestListSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="funds_requests_list",
        parameters=[FundRequestListQuerySerializer],
        responses=FundRequestListSerializer(many=True),
    )
    def get(self, request: Request, fund: Fund) -> Response:
        """The fund's requests you may see, newest first (no IBAN, no payee)."""
        query = _valid(FundRequestListQuerySerializer, request.query_params)
        requests: QuerySet[FundRequest] = selectors.fund_request_list(
            user=request.user, fund=fund, status=query.get("status", "")
        )
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(_many(FundRequestListSerializer, page))


# --- payment batches ---------------------------------------------------------------------------
# The files grow with the fund's requests: they are built by the task worker, as on the
# fund page. A POST records the job (the rights and the input are checked now: 403 or a
# 400 problem, nothing queued) and answers 202 with the job's ``Location``
# (``/api/v1/downloads/{id}``), which the client polls until the file is ready.
LOCATION = OpenApiParameter(
    name="Location",
    type=OpenApiTypes.URI,
    location=OpenApiParameter.HEADER,
    response=[202],
    description="The download: poll it until its status is klaar, then fetch its fileUrl.",
)
DOWNLOAD_ACCEPTED = {
    202: DownloadSerializer,
    (400, PROBLEM_CONTENT_TYPE): PROBLEM,
    (403, PROBLEM_CONTENT_TYPE): PROBLEM,
    (404, PROBLEM_CONTENT_TYPE): PROBLEM,
}


@api(policies.can_use_funds, obj=FUND)
class PaymentBatchCsvView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="funds_payment_batch_csv",
        request=PaymentBatchInputSerializer,
        parameters=[LOCATION],
        responses=DOWNLOAD_ACCEPTED,
    )
    def post(self, request: Request, fund: Fund) -> Response:
        """Ask for the approved (or paid) requests as a semicolon-separated file for the
        finance department (fund manager only; the export is logged when it is built).
        Answers 202 with the ``Location`` of the download."""
        data = _valid(PaymentBatchInputSerializer, request.data)
        download = _call(
            lambda: services.payment_batch_queue(
                actor=_user(request), fund=fund, status=data["status"]
            )
        )
        return accepted(request, download)


@api(policies.can_use_funds, obj=FUND)
class PaymentBatchSepaView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="funds_payment_batch_sepa",
        request=SepaInputSerializer,
        parameters=[LOCATION],
        responses=DOWNLOAD_ACCEPTED,
    )
    def post(self, request: Request, fund: Fund) -> Response:
        """Ask for the approved bank transfers as a SEPA credit-transfer file
        (pain.001.001.03) from the paying account given (fund manager only; the export is
        logged when it is built). Answers 202 with the ``Location`` of the download."""
        data = _valid(SepaInputSerializer, request.data)
        download = _call(
            lambda: services.payment_batch_sepa_queue(
                actor=_user(request),
                fund=fund,
                debtor_name=data["debtorName"],
                debtor_iban=data["debtorIban"],
                debtor_bic=data["debtorBic"],
                execution_date=data["executionDate"],
            )
        )
        return accepted(request, download)


# --- requests ----------------------------------------------------------------------------------
@api(policies.can_use_funds)
class FundRequestCreateView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_create",
        request=FundRequestDraftSerializer,
        responses={201: FundRequestSerializer},
    )
    def post(self, request: Request) -> Response:
        """Draft a request; leave the household out to discuss it anonymously first."""
        data = _valid(FundRequestDraftSerializer, request.data)
        fund = selectors.fund_list(user=request.user).filter(pk=data["fund"]).first()
        if fund is None:
            raise _invalid("fund", _("Choose a fund you work with."))
        household = _household(request, data["household"])
        breakthrough = _breakthrough(request, data["breakthrough"])
        cost_item = _cost_item(request, data["preventsCostItem"])
        fund_request = _call(
            lambda: services.fund_request_draft(
                actor=_user(request),
                fund=fund,
                summary=data["summary"],
                amount_cents=data["amountCents"],
                purpose=data["purpose"],
                payee_kind=data["payeeKind"],
                payee_name=data["payeeName"],
                iban=data["iban"],
                household=household,
                breakthrough=breakthrough,
                table_decision_ref=data["tableDecisionRef"],
                prevents_cost_item=cost_item,
            )
        )
        return _changed(request, fund_request.pk, code=status.HTTP_201_CREATED)


@api(policies.can_use_funds, obj=FUND_REQUEST)
class FundRequestDetailView(APIView):
    @extend_schema(
        tags=TAGS, operation_id="fund_requests_retrieve", responses=FundRequestSerializer
    )
    def get(self, request: Request, fund_request: FundRequest) -> Response:
        """One request with its approvals and what you may do next (404 outside your team
        or, for a fund manager, your municipality's submitted requests). The read is logged."""
        return Response(_request_data(_user(request), fund_request))

    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_partial_update",
        request=FundRequestUpdateSerializer,
        responses=FundRequestSerializer,
    )
    def patch(self, request: Request, fund_request: FundRequest) -> Response:
        """Change a draft; fields left out keep their value. A submitted request is not
        changed but cancelled."""
        data = _valid(FundRequestUpdateSerializer, request.data)
        breakthrough = (
            _breakthrough(request, data["breakthrough"])
            if "breakthrough" in data
            else fund_request.breakthrough
        )
        cost_item = (
            _cost_item(request, data["preventsCostItem"])
            if "preventsCostItem" in data
            else fund_request.prevents_cost_item
        )
        _call(
            lambda: services.fund_request_update(
                actor=_user(request),
                fund_request=fund_request,
                summary=data.get("summary", fund_request.summary),
                amount_cents=data.get("amountCents", fund_request.amount_cents),
                purpose=data.get("purpose", fund_request.purpose),
                payee_kind=data.get("payeeKind", fund_request.payee_kind),
                payee_name=data.get("payeeName", fund_request.payee_name),
                iban=data.get("iban", fund_request.iban),
                breakthrough=breakthrough,
                prevents_cost_item=cost_item,
            )
        )
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestHouseholdView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_household",
        request=FundHouseholdInputSerializer,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Tie an anonymously discussed draft to a household of your team."""
        data = _valid(FundHouseholdInputSerializer, request.data)
        household = _household(request, data["household"])
        assert household is not None
        _call(
            lambda: services.fund_request_attach_household(
                actor=_user(request), fund_request=fund_request, household=household
            )
        )
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestSubmitView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_submit",
        request=None,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Ask for approval: the caps are checked and the mandate rule in force is copied."""
        _call(lambda: services.fund_request_submit(actor=_user(request), fund_request=fund_request))
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds)
class FundRequestApproveView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_approve",
        parameters=[IDEMPOTENCY_HEADER],
        request=FundApproveSerializer,
        responses={
            200: FundRequestSerializer,
            (400, PROBLEM_CONTENT_TYPE): PROBLEM,
            (409, PROBLEM_CONTENT_TYPE): PROBLEM,
            (422, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Give one approval; the last one required approves the request and commits the
        money. Nobody approves their own request; the balance never goes below zero."""
        missing = _require_key(request)
        if missing is not None:
            return missing
        fund_request: FundRequest = FOR_CHANGE.resolve(request, pk)
        data = _valid(FundApproveSerializer, request.data)
        user = _user(request)

        def command() -> Any:
            services.fund_request_approve(actor=user, fund_request=fund_request, note=data["note"])
            found = FundRequest.objects.select_related(*_REQUEST_RELATIONS).get(pk=pk)
            return _request_data(user, found, full_iban=False)

        return _idempotent(
            request,
            endpoint=f"fund-requests/{pk}/approve",
            body=_raw_body(request),
            command=command,
        )


@api(policies.can_use_funds)
class FundRequestPayView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_pay",
        parameters=[IDEMPOTENCY_HEADER],
        request=FundPaySerializer,
        responses={
            200: FundRequestSerializer,
            (400, PROBLEM_CONTENT_TYPE): PROBLEM,
            (409, PROBLEM_CONTENT_TYPE): PROBLEM,
            (422, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record the payment of an approved request (fund manager): the committed money
        becomes paid money."""
        missing = _require_key(request)
        if missing is not None:
            return missing
        fund_request: FundRequest = FOR_CHANGE.resolve(request, pk)
        data = _valid(FundPaySerializer, request.data)
        user = _user(request)
        key = request.headers.get("Idempotency-Key", "").strip()

        def command() -> Any:
            services.fund_request_pay(
                actor=user,
                fund_request=fund_request,
                payment_reference=data["paymentReference"],
                paid_on=data["paidOn"] or timezone.localdate(),
                idempotency_key=_ledger_key("pay", user, key),
            )
            found = FundRequest.objects.select_related(*_REQUEST_RELATIONS).get(pk=pk)
            return _request_data(user, found, full_iban=False)

        return _idempotent(
            request, endpoint=f"fund-requests/{pk}/pay", body=_raw_body(request), command=command
        )


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestRejectView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_reject",
        request=FundRejectSerializer,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Turn the request down, with a reason (an approver or the fund manager)."""
        data = _valid(FundRejectSerializer, request.data)
        _call(
            lambda: services.fund_request_reject(
                actor=_user(request), fund_request=fund_request, reason=data["reason"]
            )
        )
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestCancelView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_cancel",
        request=FundCancelSerializer,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Withdraw a request before payment; an approved one gets its commitment reversed."""
        data = _valid(FundCancelSerializer, request.data)
        _call(
            lambda: services.fund_request_cancel(
                actor=_user(request), fund_request=fund_request, reason=data["reason"]
            )
        )
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestRepayView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_repay",
        request=FundRepaySerializer,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Record that money came back (all of it, or ``amountCents``); it is available again."""
        data = _valid(FundRepaySerializer, request.data)
        _call(
            lambda: services.fund_request_repay(
                actor=_user(request),
                fund_request=fund_request,
                amount_cents=data["amountCents"],
                note=data["note"],
            )
        )
        return _changed(request, fund_request.pk)


@api(policies.can_use_funds, obj=FOR_CHANGE)
class FundRequestWriteOffView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="fund_requests_write_off",
        request=FundWriteOffSerializer,
        responses=FundRequestSerializer,
    )
    def post(self, request: Request, fund_request: FundRequest) -> Response:
        """Record that an expected repayment will not come, and why."""
        data = _valid(FundWriteOffSerializer, request.data)
        _call(
            lambda: services.fund_request_write_off(
                actor=_user(request), fund_request=fund_request, note=data["note"]
            )
        )
        return _changed(request, fund_request.pk)
