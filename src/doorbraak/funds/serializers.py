"""Input and output serializers of the funds API (the Voorkom Erger Potje).

Input serializers check the shape of a request only; the rules (caps, mandates, the
balance that never goes below zero, nobody approving their own request) live in the
services, whose Dutch messages reach the client as ``invalidParams``. Money is in integer
cents. Lists never carry an IBAN; a request's detail shows the full IBAN only to the fund
manager (others see it masked).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from doorbraak.accounts.serializers import UserRefSerializer
from doorbraak.funds.models import (
    Approval,
    ApproverRole,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    MandateRule,
    PayeeKind,
)
from doorbraak.lib import limits
from doorbraak.lib.serializers import EnumField, NameRefSerializer

#: Large enough for any real amount, small enough for a 64-bit column (the services check
#: the real maximum and answer with a clear message).
AMOUNT_LIMIT = 10**15


def _amount(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=-AMOUNT_LIMIT, max_value=AMOUNT_LIMIT, **kwargs)


# --- funds -------------------------------------------------------------------------------------
class FundBalancesSerializer(serializers.Serializer[Any]):
    """What the fund holds, from its ledger (cents): available = budget − committed − paid."""

    budgetCents = serializers.IntegerField(source="budget")
    committedCents = serializers.IntegerField(source="committed", help_text="Approved, not paid.")
    paidCents = serializers.IntegerField(source="paid", help_text="Paid out, net of repayments.")
    repaidCents = serializers.IntegerField(source="repaid")
    availableCents = serializers.IntegerField(source="available")


class MandateRuleSerializer(serializers.Serializer[MandateRule]):
    """Who approves which amounts, and how many approvals (or the table) are needed."""

    id = serializers.IntegerField()
    minAmountCents = serializers.IntegerField(source="min_amount_cents")
    maxAmountCents = serializers.IntegerField(
        source="max_amount_cents", allow_null=True, help_text="Empty means no upper limit."
    )
    approvalsRequired = serializers.IntegerField(source="approvals_required")
    approverRole = EnumField(ApproverRole, source="approver_role")
    needsTable = serializers.BooleanField(source="needs_table")
    validFrom = serializers.DateField(source="valid_from")


class MandateRuleInputSerializer(serializers.Serializer[dict[str, Any]]):
    minAmountCents = _amount(default=0)
    maxAmountCents = _amount(required=False, allow_null=True, default=None)
    approvalsRequired = serializers.IntegerField(min_value=-1000, max_value=1000, default=1)
    approverRole = EnumField(ApproverRole)
    needsTable = serializers.BooleanField(default=False)
    validFrom = serializers.DateField(required=False, allow_null=True, default=None)


class FundSerializer(serializers.Serializer[Fund]):
    """A fund with its balances."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    municipality = NameRefSerializer()
    district = NameRefSerializer(allow_null=True, help_text="Only for a fund of one district.")
    team = NameRefSerializer(allow_null=True, help_text="Only for a fund of one team.")
    capPerRequestCents = serializers.IntegerField(source="cap_per_request_cents", allow_null=True)
    capPerHouseholdYearCents = serializers.IntegerField(
        source="cap_per_household_year_cents", allow_null=True
    )
    purposes = serializers.ListField(
        child=EnumField(FundPurpose), help_text="Empty means any purpose."
    )
    active = serializers.BooleanField(help_text="Open for requests.")
    balances = serializers.SerializerMethodField()

    @extend_schema_field(FundBalancesSerializer)
    def get_balances(self, fund: Fund) -> Any:
        found = self.context.get("balances", {}).get(fund.pk)
        return FundBalancesSerializer(found).data if found is not None else None


class FundSpendLineSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    totalCents = serializers.IntegerField(source="total_cents")
    count = serializers.IntegerField()


class FundHouseholdAverageSerializer(serializers.Serializer[Any]):
    households = serializers.IntegerField()
    totalCents = serializers.IntegerField(source="total_cents")
    averageCents = serializers.IntegerField(source="average_cents")


class FundPreventedSerializer(serializers.Serializer[Any]):
    """What the paid requests were expected to prevent, by the cost catalogue's figures."""

    requests = serializers.IntegerField()
    paidCents = serializers.IntegerField(source="paid_cents")
    preventedCents = serializers.IntegerField(source="prevented_cents")


class FundDetailSerializer(FundSerializer):
    """A fund with its balances, mandate rules and spending (aggregates, no personal data)."""

    mandateRules = MandateRuleSerializer(many=True, source="rules")
    spendByPurpose = FundSpendLineSerializer(many=True, source="by_purpose")
    spendByDistrict = FundSpendLineSerializer(many=True, source="by_district")
    spendByMonth = FundSpendLineSerializer(many=True, source="by_month")
    averagePerHousehold = FundHouseholdAverageSerializer(source="average")
    prevented = FundPreventedSerializer()


# --- requests ----------------------------------------------------------------------------------
class FundRefSerializer(serializers.Serializer[Fund]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()


class FundCostItemRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    amountCents = serializers.IntegerField(source="amount_cents")


class FundRequestListSerializer(serializers.Serializer[FundRequest]):
    """A request in a list: no IBAN, no payee, the household only by its reference."""

    id = serializers.IntegerField()
    fund = FundRefSerializer()
    team = NameRefSerializer()
    household = serializers.UUIDField(
        source="household.public_id",
        allow_null=True,
        default=None,
        help_text="Empty while the team discusses the request anonymously.",
    )
    summary = serializers.CharField()
    amountCents = serializers.IntegerField(source="amount_cents")
    purpose = EnumField(FundPurpose)
    payeeKind = EnumField(PayeeKind, source="payee_kind")
    status = EnumField(FundRequestStatus)
    needsTable = serializers.BooleanField(source="needs_table")
    createdAt = serializers.DateTimeField(source="created_at")
    submittedAt = serializers.DateTimeField(source="submitted_at", allow_null=True)
    decidedAt = serializers.DateTimeField(source="decided_at", allow_null=True)
    paidOn = serializers.DateField(source="paid_on", allow_null=True)


class FundApprovalSerializer(serializers.Serializer[Approval]):
    approver = UserRefSerializer()
    role = EnumField(ApproverRole)
    decidedAt = serializers.DateTimeField(source="decided_at")
    note = serializers.CharField()


class FundRequestSerializer(FundRequestListSerializer):
    """One request with its payee (the full IBAN only for the fund manager), its approvals
    and what the reader may do with it next."""

    payeeName = serializers.CharField(source="payee_name")
    iban = serializers.SerializerMethodField(
        help_text="In full for the fund manager, masked for others."
    )
    breakthrough = serializers.IntegerField(source="breakthrough_id", allow_null=True)
    tableDecisionRef = serializers.CharField(source="table_decision_ref")
    preventsCostItem = FundCostItemRefSerializer(source="prevents_cost_item", allow_null=True)
    approvalsRequired = serializers.IntegerField(source="approvals_required", allow_null=True)
    approverRole = serializers.CharField(
        source="approver_role", help_text="Who approves (copied from the mandate rule)."
    )
    approvals = serializers.SerializerMethodField()
    requestedBy = UserRefSerializer(source="requested_by")
    rejectionReason = serializers.CharField(source="rejection_reason")
    cancelReason = serializers.CharField(source="cancel_reason")
    paymentReference = serializers.CharField(source="payment_reference")
    paidBy = UserRefSerializer(source="paid_by", allow_null=True)
    repaidCents = serializers.IntegerField(source="repaid_cents")
    closedNote = serializers.CharField(source="closed_note")
    actions = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "boolean"}
                for name in ("approve", "reject", "pay", "cancel", "settle", "edit")
            },
            "required": ["approve", "reject", "pay", "cancel", "settle", "edit"],
        }
    )
    def get_actions(self, fund_request: FundRequest) -> dict[str, bool]:
        return dict(self.context.get("actions", {}))

    @extend_schema_field(OpenApiTypes.STR)
    def get_iban(self, fund_request: FundRequest) -> str:
        return str(self.context.get("iban", fund_request.masked_iban))

    @extend_schema_field(FundApprovalSerializer(many=True))
    def get_approvals(self, fund_request: FundRequest) -> Any:
        return FundApprovalSerializer(self.context.get("approvals", []), many=True).data


# --- input -------------------------------------------------------------------------------------
class FundRequestListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    status = EnumField(FundRequestStatus, required=False, allow_blank=True)


class FundRequestDraftSerializer(serializers.Serializer[dict[str, Any]]):
    fund = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    summary = serializers.CharField(
        max_length=limits.SHORT_TEXT, allow_blank=True, help_text="What the money is for; no names."
    )
    amountCents = _amount()
    purpose = EnumField(FundPurpose)
    payeeKind = EnumField(PayeeKind)
    payeeName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    iban = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    household = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="Leave out to discuss anonymously."
    )
    breakthrough = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="A breakthrough of the request's own household; none without a household.",
    )
    tableDecisionRef = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    preventsCostItem = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )


class FundRequestUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    """Change a draft; fields left out keep their value."""

    summary = serializers.CharField(max_length=limits.SHORT_TEXT, required=False, allow_blank=True)
    amountCents = _amount(required=False)
    purpose = EnumField(FundPurpose, required=False)
    payeeKind = EnumField(PayeeKind, required=False)
    payeeName = serializers.CharField(max_length=150, required=False, allow_blank=True)
    iban = serializers.CharField(max_length=64, required=False, allow_blank=True)
    breakthrough = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="A breakthrough of the request's own household (one it already names is kept).",
    )
    preventsCostItem = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True
    )


class FundHouseholdInputSerializer(serializers.Serializer[dict[str, Any]]):
    household = serializers.UUIDField(help_text="The household's publicId.")


class FundApproveSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(
        max_length=limits.SHORT_TEXT, required=False, allow_blank=True, default=""
    )


class FundRejectSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=limits.SHORT_TEXT, allow_blank=True)


class FundCancelSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(
        max_length=limits.SHORT_TEXT, required=False, allow_blank=True, default=""
    )


class FundPaySerializer(serializers.Serializer[dict[str, Any]]):
    paymentReference = serializers.CharField(max_length=200, allow_blank=True)
    paidOn = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today when left out."
    )


class FundRepaySerializer(serializers.Serializer[dict[str, Any]]):
    amountCents = _amount(
        required=False, allow_null=True, default=None, help_text="Everything when left out."
    )
    note = serializers.CharField(
        max_length=limits.SHORT_TEXT, required=False, allow_blank=True, default=""
    )


class FundWriteOffSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=limits.SHORT_TEXT, allow_blank=True)


class PaymentBatchInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Asking for the payment batch as CSV (built by the task worker)."""

    status = serializers.ChoiceField(
        choices=[FundRequestStatus.APPROVED.value, FundRequestStatus.PAID.value],
        required=False,
        default=FundRequestStatus.APPROVED.value,
        help_text="Approved requests (to pay) or paid ones.",
    )


class SepaInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Asking for the SEPA credit-transfer file (built by the task worker)."""

    debtorName = serializers.CharField(max_length=70, help_text="Name of the paying account.")
    debtorIban = serializers.CharField(max_length=64)
    debtorBic = serializers.CharField(
        max_length=11,
        required=False,
        allow_blank=True,
        default="",
        help_text="BIC of the paying account's bank (optional within the SEPA area).",
    )
    executionDate = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today when left out."
    )
