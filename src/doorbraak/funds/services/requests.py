"""The life of a fund request: draft, submit, approve, pay, repay, cancel.

Lock order (docs/locking.md): fund, then request (``lock_request``). Drafting locks
nothing: inserting the request takes only ``FOR KEY SHARE`` on the fund, which does not
conflict with the ``FOR NO KEY UPDATE`` of an approval; submitting checks again under the
locks.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorbraak.accounts.models import User
from doorbraak.audit.models import ProcessingAction
from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.funds import ledger, policies
from doorbraak.funds.models import (
    COUNTING_STATUSES,
    Approval,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    PayeeKind,
)
from doorbraak.funds.processing import log_fund_request
from doorbraak.funds.services.common import (
    check_amount,
    check_household_cap,
    check_payee,
    lock_request,
    record_timeline,
    request_label,
    require_open_household,
    require_status,
)
from doorbraak.funds.services.funds import mandate_rule_in_force
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Euros, Message
from doorbraak.lib.retry import retry_on_deadlock
from doorbraak.lib.templatetags.money import format_euros


# --- requests ---------------------------------------------------------------------------------
def _check_links(
    errors: dict[str, str],
    *,
    actor: User,
    fund: Fund,
    household_id: int | None,
    breakthrough: Breakthrough | None,
    prevents_cost_item: CostItem | None,
    kept_breakthrough_id: int | None = None,
) -> None:
    """The breakthrough must be one of the user's team and of the request's own household
    (a request without a household names none: it would name the household). A draft that
    already names a breakthrough (``kept_breakthrough_id``, from before this rule) may keep
    it when it is changed."""
    if breakthrough is not None and (
        breakthrough.household.municipality_id != fund.municipality_id
        or not Breakthrough.objects.visible_to(actor).filter(pk=breakthrough.pk).exists()
    ):
        errors["breakthrough"] = _("Choose a breakthrough of your own team.")
    elif (
        breakthrough is not None
        and breakthrough.household_id != household_id
        and breakthrough.pk != kept_breakthrough_id
    ):
        errors["breakthrough"] = _("Choose a breakthrough of the chosen household.")
    if prevents_cost_item is not None and prevents_cost_item.municipality_id not in (
        None,
        fund.municipality_id,
    ):
        errors["prevents_cost_item"] = _("Choose a cost item from the catalogue.")


def _check_household(actor: User, fund_request: FundRequest, household: Household) -> None:
    visible = Household.objects.visible_to(actor).filter(pk=household.pk).exists()
    if not visible or household.team_id != fund_request.team_id:
        raise ValidationError({"household": _("Choose a household of your own team.")})
    if household.municipality_id != fund_request.fund.municipality_id:
        raise ValidationError(
            {"household": _("This fund is not for this household's municipality.")}
        )
    require_open_household(household)


@retry_on_deadlock
@transaction.atomic
def fund_request_draft(
    *,
    actor: User,
    fund: Fund,
    summary: str,
    amount_cents: int,
    purpose: str,
    payee_kind: str,
    payee_name: str = "",
    iban: str = "",
    household: Household | None = None,
    breakthrough: Breakthrough | None = None,
    table_decision_ref: str = "",
    prevents_cost_item: CostItem | None = None,
) -> FundRequest:
    """A team member drafts a request, with or without a household (anonymous discussion)."""
    membership = policies.request_membership(actor, fund)
    if membership is None or membership.team is None:
        raise Refused
    errors: dict[str, str] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Describe what the money is for, without names.")
    elif len(summary) > limits.SHORT_TEXT:
        errors["summary"] = limits.too_long_message(limit=limits.SHORT_TEXT, length=len(summary))
    check_amount(errors, "amount_cents", amount_cents)
    if purpose not in FundPurpose.values:
        errors["purpose"] = _("Choose a purpose from the list.")
    payee_name, iban = check_payee(errors, payee_kind=payee_kind, payee_name=payee_name, iban=iban)
    _check_links(
        errors,
        actor=actor,
        fund=fund,
        household_id=household.pk if household is not None else None,
        breakthrough=breakthrough,
        prevents_cost_item=prevents_cost_item,
    )
    if not fund.active:
        errors["fund"] = _("This fund no longer takes requests.")
    if errors:
        raise ValidationError(errors)
    fund_request = FundRequest(
        fund=fund,
        team=membership.team,
        summary=summary,
        amount_cents=amount_cents,
        purpose=purpose,
        payee_kind=payee_kind,
        payee_name=payee_name,
        iban=iban,
        breakthrough=breakthrough,
        table_decision_ref=(table_decision_ref or "").strip()[:64],
        prevents_cost_item=prevents_cost_item,
        requested_by=actor,
    )
    if household is not None:
        _check_household(actor, fund_request, household)
        fund_request.household = household
    fund_request.save()
    log_fund_request(actor=actor, action=ProcessingAction.CREATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request drafted: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_update(
    *,
    actor: User,
    fund_request: FundRequest,
    summary: str,
    amount_cents: int,
    purpose: str,
    payee_kind: str,
    payee_name: str,
    iban: str,
    breakthrough: Breakthrough | None = None,
    prevents_cost_item: CostItem | None = None,
) -> FundRequest:
    """The team changes a draft; once submitted a request is not edited but cancelled."""
    if not policies.works_on_request(actor, fund_request):
        raise Refused
    fund_request = lock_request(fund_request)
    require_status(
        fund_request,
        FundRequestStatus.DRAFT,
        message=_("A submitted request cannot be changed; cancel it and draft a new one."),
    )
    errors: dict[str, str] = {}
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Describe what the money is for, without names.")
    elif len(summary) > limits.SHORT_TEXT:
        errors["summary"] = limits.too_long_message(limit=limits.SHORT_TEXT, length=len(summary))
    check_amount(errors, "amount_cents", amount_cents)
    if purpose not in FundPurpose.values:
        errors["purpose"] = _("Choose a purpose from the list.")
    payee_name, iban = check_payee(errors, payee_kind=payee_kind, payee_name=payee_name, iban=iban)
    _check_links(
        errors,
        actor=actor,
        fund=fund_request.fund,
        household_id=fund_request.household_id,
        breakthrough=breakthrough,
        prevents_cost_item=prevents_cost_item,
        kept_breakthrough_id=fund_request.breakthrough_id,
    )
    if errors:
        raise ValidationError(errors)
    fund_request.summary = summary
    fund_request.amount_cents = amount_cents
    fund_request.purpose = purpose
    fund_request.payee_kind = payee_kind
    fund_request.payee_name = payee_name
    fund_request.iban = iban
    fund_request.breakthrough = breakthrough
    fund_request.prevents_cost_item = prevents_cost_item
    fund_request.save()
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_attach_household(
    *, actor: User, fund_request: FundRequest, household: Household
) -> FundRequest:
    """Tie an anonymously discussed draft to a household of the team."""
    if not policies.works_on_request(actor, fund_request):
        raise Refused
    fund_request = lock_request(fund_request)
    require_status(
        fund_request,
        FundRequestStatus.DRAFT,
        message=_("Only a draft request can be tied to a household."),
    )
    if fund_request.household_id is not None:
        raise ValidationError(_("This request is already tied to a household."))
    _check_household(actor, fund_request, household)
    if fund_request.breakthrough is not None and (
        fund_request.breakthrough.household_id != household.pk
    ):
        raise ValidationError(
            {"household": _("The request names a breakthrough of another household.")}
        )
    fund_request.household = household
    fund_request.save(update_fields=["household"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request tied to this household: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_link_table_decision(
    *, actor: User, fund_request: FundRequest, table_decision_ref: str
) -> FundRequest:
    """Record the breakthrough-table decision a request relies on (used by the tables app)."""
    if not (
        policies.works_on_request(actor, fund_request)
        or policies.is_fund_manager(actor, fund_request.fund)
    ):
        raise Refused
    ref = (table_decision_ref or "").strip()
    if not ref or len(ref) > 64:
        raise ValidationError({"table_decision_ref": _("Enter the reference of the decision.")})
    fund_request = lock_request(fund_request)
    require_status(
        fund_request,
        FundRequestStatus.DRAFT,
        FundRequestStatus.REQUESTED,
        message=_("A decision can only be linked before the request is approved."),
    )
    fund_request.table_decision_ref = ref
    fund_request.save(update_fields=["table_decision_ref"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_submit(*, actor: User, fund_request: FundRequest) -> FundRequest:
    """Ask for approval: caps are checked and the mandate rule in force is copied."""
    if not policies.works_on_request(actor, fund_request):
        raise Refused
    fund_request = lock_request(fund_request)
    fund = fund_request.fund
    require_status(
        fund_request, FundRequestStatus.DRAFT, message=_("This request has already been submitted.")
    )
    errors: dict[str, str] = {}
    if fund_request.household is None:
        errors["household"] = _("Tie the request to a household before submitting it.")
    if not fund.active:
        errors["fund"] = _("This fund no longer takes requests.")
    if not fund.allows_purpose(fund_request.purpose):
        errors["purpose"] = _("This fund is not meant for this purpose.")
    if fund_request.payee_kind == PayeeKind.IBAN:
        if not fund_request.iban:
            errors["iban"] = _("Enter the IBAN the money is paid to.")
        if not fund_request.payee_name:
            errors["payee_name"] = _("Enter the name of the account holder.")
    cap = fund.cap_per_request_cents
    if cap is not None and fund_request.amount_cents > cap:
        errors["amount_cents"] = _("This fund pays at most %(cap)s per request.") % {
            "cap": format_euros(cap)
        }
    if errors:
        raise ValidationError(errors)
    assert fund_request.household is not None
    require_open_household(fund_request.household)
    check_household_cap(fund_request, statuses=COUNTING_STATUSES)
    rule = mandate_rule_in_force(fund=fund, amount_cents=fund_request.amount_cents)
    if rule is None:
        raise ValidationError(
            {
                "amount_cents": _(
                    "No mandate rule of this fund covers this amount; ask the fund manager."
                )
            }
        )
    fund_request.mandate_rule = rule
    fund_request.approvals_required = rule.approvals_required
    fund_request.approver_role = rule.approver_role
    fund_request.needs_table = rule.needs_table
    fund_request.status = FundRequestStatus.REQUESTED
    fund_request.submitted_at = timezone.now()
    fund_request.save()
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request submitted: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_approve(*, actor: User, fund_request: FundRequest, note: str = "") -> FundRequest:
    """Give one approval; the last one required approves the request and commits the money.

    The fund row is locked first, so concurrent approvals queue and each sees the
    commitments of those before it: the available balance never goes below zero.
    """
    note = (note or "").strip()
    limits.check_length(note, limit=limits.SHORT_TEXT, field="note")
    fund_request = lock_request(fund_request)
    fund = fund_request.fund
    require_status(
        fund_request,
        FundRequestStatus.REQUESTED,
        message=_("This request is not waiting for approval."),
    )
    if fund_request.requested_by_id == actor.pk:
        raise ValidationError(_("You cannot approve your own request."))
    if fund_request.approvals.filter(approver=actor).exists():
        raise ValidationError(_("You have already approved this request."))
    if fund_request.needs_table and not fund_request.table_decision_ref:
        raise ValidationError(
            _("This amount needs a decision of the breakthrough table before it can be approved.")
        )
    role = policies.approver_role_of(actor, fund_request)
    if role is None:
        raise Refused
    given = fund_request.approvals.count() + 1
    required = fund_request.approvals_required or 1
    final = given >= required
    if final:
        available = ledger.balances(fund).available
        if available < fund_request.amount_cents:
            raise ValidationError(
                _(
                    "There is not enough money left in this fund: %(available)s available, "
                    "%(amount)s requested."
                )
                % {
                    "available": format_euros(available),
                    "amount": format_euros(fund_request.amount_cents),
                }
            )
        # Requests submitted side by side may together pass the cap: check the committed ones.
        check_household_cap(
            fund_request,
            statuses=[s for s in COUNTING_STATUSES if s != FundRequestStatus.REQUESTED],
        )
    now = timezone.now()
    Approval.objects.create(
        request=fund_request, approver=actor, role=role, decided_at=now, note=note
    )
    if final:
        try:
            ledger.commit(request=fund_request, created_by=actor)
        except ledger.InsufficientFunds as error:
            raise ValidationError(str(error)) from error
        fund_request.status = FundRequestStatus.APPROVED
        fund_request.decided_at = now
        fund_request.save(update_fields=["status", "decided_at"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request approved: %(amount)s for %(purpose)s")
            if final
            else gettext_lazy("Fund request: one more approval given for %(amount)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_reject(*, actor: User, fund_request: FundRequest, reason: str) -> FundRequest:
    """An approver or fund manager turns the request down, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    limits.check_length(reason, limit=limits.SHORT_TEXT, field="reason")
    fund_request = lock_request(fund_request)
    if not policies.can_reject(actor, fund_request):
        if fund_request.status != FundRequestStatus.REQUESTED:
            raise ValidationError(_("This request is not waiting for approval."))
        if fund_request.requested_by_id == actor.pk:
            raise ValidationError(_("You cannot decide on your own request."))
        raise Refused
    fund_request.status = FundRequestStatus.REJECTED
    fund_request.rejection_reason = reason
    fund_request.decided_at = timezone.now()
    fund_request.save(update_fields=["status", "rejection_reason", "decided_at"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request rejected: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_pay(
    *,
    actor: User,
    fund_request: FundRequest,
    payment_reference: str,
    paid_on: datetime.date,
    idempotency_key: str | None = None,
) -> FundRequest:
    """The fund manager records the payment: committed money becomes paid money."""
    errors: dict[str, str] = {}
    payment_reference = (payment_reference or "").strip()
    if not payment_reference or len(payment_reference) > 100:
        errors["payment_reference"] = _("Enter the payment reference of the bank transfer.")
    if not isinstance(paid_on, datetime.date) or paid_on > timezone.localdate():
        errors["paid_on"] = _("Enter the date of payment; it cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    fund_request = lock_request(fund_request)
    if not policies.is_fund_manager(actor, fund_request.fund):
        raise Refused
    require_status(
        fund_request, FundRequestStatus.APPROVED, message=_("Only an approved request can be paid.")
    )
    ledger.pay(request=fund_request, created_by=actor, idempotency_key=idempotency_key)
    fund_request.status = FundRequestStatus.PAID
    fund_request.payment_reference = payment_reference
    fund_request.paid_on = paid_on
    fund_request.paid_by = actor
    fund_request.save(update_fields=["status", "payment_reference", "paid_on", "paid_by"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request paid: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_cancel(*, actor: User, fund_request: FundRequest, reason: str) -> FundRequest:
    """Withdraw a request before payment; an approved one gets its commitment reversed."""
    limits.check_length((reason or "").strip(), limit=limits.SHORT_TEXT, field="reason")
    fund_request = lock_request(fund_request)
    if not policies.can_cancel(actor, fund_request):
        if fund_request.status not in (
            FundRequestStatus.DRAFT,
            FundRequestStatus.REQUESTED,
            FundRequestStatus.APPROVED,
        ):
            raise ValidationError(
                _("This request can no longer be cancelled; record a repayment instead.")
            )
        raise Refused
    reason = (reason or "").strip()
    if not reason and fund_request.status != FundRequestStatus.DRAFT:
        raise ValidationError({"reason": _("Say why the request is cancelled.")})
    if fund_request.status == FundRequestStatus.APPROVED:
        commitment = ledger.open_commitment(fund_request)
        if commitment is None:  # pragma: no cover - an approved request always has one
            raise ledger.LedgerError("Approved request without a commitment.")
        ledger.reverse(original=commitment, created_by=actor, description="cancelled")
    fund_request.status = FundRequestStatus.CANCELLED
    fund_request.cancel_reason = reason
    fund_request.save(update_fields=["status", "cancel_reason"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request cancelled: %(amount)s for %(purpose)s"),
            **request_label(fund_request),
        ),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_repay(
    *,
    actor: User,
    fund_request: FundRequest,
    amount_cents: int | None = None,
    note: str = "",
) -> FundRequest:
    """Money came back (all of it, or ``amount_cents``): it is available again."""
    limits.check_length((note or "").strip(), limit=limits.SHORT_TEXT, field="note")
    fund_request = lock_request(fund_request)
    if not policies.is_fund_manager(actor, fund_request.fund):
        raise Refused
    require_status(
        fund_request,
        FundRequestStatus.PAID,
        message=_("Only a paid request can be repaid or written off."),
    )
    amount = fund_request.amount_cents if amount_cents is None else amount_cents
    errors: dict[str, str] = {}
    check_amount(errors, "amount_cents", amount)
    if not errors and amount > fund_request.amount_cents:
        errors["amount_cents"] = _("More cannot be repaid than was paid (%(amount)s).") % {
            "amount": format_euros(fund_request.amount_cents)
        }
    if errors:
        raise ValidationError(errors)
    ledger.repay(request=fund_request, amount_cents=amount, created_by=actor)
    fund_request.status = FundRequestStatus.REPAID
    fund_request.repaid_cents = amount
    fund_request.closed_note = (note or "").strip()
    fund_request.save(update_fields=["status", "repaid_cents", "closed_note"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(gettext_lazy("Fund request repaid: %(amount)s"), amount=Euros(amount)),
    )
    return fund_request


@retry_on_deadlock
@transaction.atomic
def fund_request_write_off(*, actor: User, fund_request: FundRequest, note: str) -> FundRequest:
    """An expected repayment will not come. No money moves (it was paid already), so no
    ledger transaction: the status records the decision and the note why."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the amount is written off.")})
    limits.check_length(note, limit=limits.SHORT_TEXT, field="note")
    fund_request = lock_request(fund_request)
    if not policies.is_fund_manager(actor, fund_request.fund):
        raise Refused
    require_status(
        fund_request,
        FundRequestStatus.PAID,
        message=_("Only a paid request can be repaid or written off."),
    )
    fund_request.status = FundRequestStatus.WRITTEN_OFF
    fund_request.closed_note = note
    fund_request.save(update_fields=["status", "closed_note"])
    log_fund_request(actor=actor, action=ProcessingAction.UPDATE, fund_request=fund_request)
    record_timeline(
        actor=actor,
        fund_request=fund_request,
        summary=Message(
            gettext_lazy("Fund request written off: %(amount)s"), **request_label(fund_request)
        ),
    )
    return fund_request
