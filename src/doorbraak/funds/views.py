"""Pages of the Voorkom Erger Potje (/potje/): funds, their figures, requests and payments.

Objects are fetched through the selectors: 404 outside the user's scope, and the read of
a request tied to a household is in the processing log. Every change goes through a
service; its ``ValidationError`` is shown on the form with status 200 and nothing changes;
``Refused`` becomes 403. The IBAN is shown only to the fund manager, never in lists.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorbraak.accounts.selectors import AnyUser
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.funds import policies, processing, selectors, services
from doorbraak.funds.forms import (
    ApproveForm,
    AttachHouseholdForm,
    CancelForm,
    FundFilterForm,
    FundRequestForm,
    PayForm,
    RejectForm,
    RepayForm,
    RequestFilterForm,
    SepaForm,
    WriteOffForm,
    add_service_errors,
)
from doorbraak.funds.models import (
    ApproverRole,
    Fund,
    FundPurpose,
    FundRequest,
    FundRequestStatus,
    MandateRule,
)
from doorbraak.households.models import Household
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.forms import offer
from doorbraak.lib.templatetags.money import format_euros
from doorbraak.lib.views import submit

PAGE_SIZE = 25
#: The fund or request of the URL, 404 outside the user's municipality or team.
FUND = Lookup("fund", selectors.fund_get)
FUND_REQUEST = Lookup("fund_request", selectors.fund_request_get)


# --- helpers ----------------------------------------------------------------------------------
def _to_request(fund_request: FundRequest) -> HttpResponse:
    return redirect("funds:request-detail", pk=fund_request.pk)


def _requestable_fund_list(user: AnyUser) -> list[Fund]:
    """The funds the user may ask now, in the order of ``_requestable_funds``."""
    # The policy and the select read the fund's own columns only.
    return [f for f in selectors.open_funds(user=user) if policies.can_request(user, f)]


def _requestable_funds(user: AnyUser, allowed: list[Fund] | None = None) -> QuerySet[Fund]:
    if allowed is None:
        allowed = _requestable_fund_list(user)
    return Fund.objects.filter(pk__in=[f.pk for f in allowed]).order_by("-year", "name")


def _percent_class(part: int, whole: int) -> int:
    """A bar width in steps of 5 (a CSS class each: no inline styles)."""
    if whole <= 0 or part <= 0:
        return 0
    return max(5, min(100, round(part * 20 / whole) * 5))


def _bars(lines: list[selectors.SpendLine]) -> list[dict[str, Any]]:
    biggest = max((line.total_cents for line in lines), default=0)
    return [{"line": line, "width": _percent_class(line.total_cents, biggest)} for line in lines]


def rule_in_words(rule: MandateRule) -> str:
    """A mandate rule as a sentence: "From € 200,01: 2 approvals by the team lead."."""
    who = {
        ApproverRole.PROFESSIONAL: _("a professional of the team"),
        ApproverRole.TEAM_LEAD: _("the team lead"),
        ApproverRole.FUND_MANAGER: _("a fund manager"),
    }.get(ApproverRole(rule.approver_role), rule.approver_role)
    if rule.max_amount_cents is None:
        amounts = _("From %(min)s") % {"min": format_euros(rule.min_amount_cents)}
    else:
        amounts = _("From %(min)s up to and including %(max)s") % {
            "min": format_euros(rule.min_amount_cents),
            "max": format_euros(rule.max_amount_cents),
        }
    if rule.approvals_required == 1:
        approvals = _("one approval by %(who)s") % {"who": who}
    else:
        approvals = _("%(count)s approvals, each by %(who)s") % {
            "count": rule.approvals_required,
            "who": who,
        }
    text = f"{amounts}: {approvals}"
    if rule.needs_table:
        text += _(", after a decision of the breakthrough table")
    return text + "."


# --- funds ------------------------------------------------------------------------------------
@require_GET
@page(policies.can_use_funds)
def fund_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Every fund the user works with, once: the years to filter by come from the same list
    # (a region's list is a few funds a year), and their balances from one grouped query.
    every_fund = list(selectors.fund_list(user=request.user))
    years = sorted({f.year for f in every_fund}, reverse=True)
    form = FundFilterForm(request.GET or None, years=years)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    funds = [f for f in every_fund if year is None or f.year == year]
    balances = selectors.fund_balances_of(funds=funds)
    rows = [{"fund": f, "balances": balances[f.pk]} for f in funds]
    return render(
        request,
        "funds/fund_list.html",
        {
            "form": form,
            "rows": rows,
            "can_request": _requestable_funds(request.user).exists(),
        },
    )


def _fund_page(
    request: AuthenticatedHttpRequest, fund: Fund, sepa_form: SepaForm | None = None
) -> HttpResponse:
    user = request.user
    is_manager = policies.is_fund_manager(user, fund)
    if is_manager and sepa_form is None:
        sepa_form = SepaForm(
            initial={"debtor_name": fund.municipality.name[:70]}, auto_id="id_sepa_%s"
        )
    budget = max(fund.budget_cents, 1)
    # The fund comes from fund_get (the user works with it): its spending figures in one
    # query, and its newest requests with only what their table shows.
    balances = selectors.fund_balances(fund=fund)
    spending = selectors.fund_spending(fund=fund)
    context: dict[str, Any] = {
        "fund": fund,
        "balances": balances,
        "by_purpose": _bars(spending.by_purpose),
        "by_district": _bars(spending.by_district),
        "by_month": _bars(spending.by_month),
        "average": spending.average,
        "prevented": spending.prevented,
        "rules": [
            {"rule": r, "words": rule_in_words(r)} for r in selectors.mandate_rule_list(fund=fund)
        ],
        "requests": selectors.fund_page_requests(user=user, fund=fund, limit=50),
        "is_manager": is_manager,
        "sepa_form": sepa_form if is_manager else None,
        "can_request": policies.can_request(user, fund),
        "width_committed": _percent_class(balances.committed, budget),
        "width_paid": _percent_class(balances.paid, budget),
        "width_available": _percent_class(balances.available, budget),
        "purpose_labels": [
            str(label) for value, label in FundPurpose.choices if value in fund.purposes
        ],
    }
    return render(request, "funds/fund_detail.html", context)


@require_GET
@page(policies.can_use_funds, obj=FUND)
def fund_detail(request: AuthenticatedHttpRequest, fund: Fund) -> HttpResponse:
    return _fund_page(request, fund)


QUEUED = _("The file is being built. It appears under My downloads when it is ready.")


def _queue(request: AuthenticatedHttpRequest, fund: Fund, ask: Any) -> HttpResponse:
    """Ask the worker for one of the fund's files; back to the fund when that cannot be."""
    try:
        ask()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("funds:fund-detail", pk=fund.pk)
    messages.success(request, str(QUEUED))
    return redirect("downloads:list")


@require_POST
@page(policies.can_use_funds, obj=FUND)
def fund_export(request: AuthenticatedHttpRequest, fund: Fund) -> HttpResponse:
    """Ask for the fund's figures as CSV: balances and spending (aggregates, no personal
    data), built by the task worker ("Mijn downloads")."""
    return _queue(request, fund, lambda: services.fund_figures_queue(actor=request.user, fund=fund))


@require_POST
@page(policies.can_use_funds, obj=FUND)
def fund_batch_csv(request: AuthenticatedHttpRequest, fund: Fund) -> HttpResponse:
    """Ask for the payment batch for finance: approved (to pay) or paid requests."""
    status = request.POST.get("status") or FundRequestStatus.APPROVED
    if status not in (FundRequestStatus.APPROVED, FundRequestStatus.PAID):
        raise Http404
    return _queue(
        request,
        fund,
        lambda: services.payment_batch_queue(actor=request.user, fund=fund, status=status),
    )


@require_POST
@page(policies.can_use_funds, obj=FUND, allow=policies.is_fund_manager)
def fund_batch_sepa(request: AuthenticatedHttpRequest, fund: Fund) -> HttpResponse:
    """Ask for the approved bank transfers as a SEPA credit-transfer file (pain.001)."""
    form = SepaForm(request.POST, auto_id="id_sepa_%s")
    return submit(
        request,
        form,
        action=lambda data: services.payment_batch_sepa_queue(
            actor=request.user,
            fund=fund,
            debtor_name=data["debtor_name"],
            debtor_iban=data["debtor_iban"],
            debtor_bic=data["debtor_bic"],
            execution_date=data["execution_date"],
        ),
        put_errors=add_service_errors,
        success=str(QUEUED),
        redirect_to="downloads:list",
        page=lambda: _fund_page(request, fund, sepa_form=form),
    )


# --- requests: list and create ----------------------------------------------------------------
@require_GET
@page(policies.can_use_requests)
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Own team's requests, or for a fund manager the submitted requests of their funds."""
    form = RequestFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    requests = selectors.fund_request_list(user=request.user, status=status)
    page_obj = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = urlencode(
        [(k, v) for k, values in request.GET.lists() if k != "page" for v in values if v]
    )
    return render(
        request,
        "funds/request_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "can_request": bool(selectors.team_ids_of(request.user)),
        },
    )


def _request_form(
    request: AuthenticatedHttpRequest, *, drafting: bool, **kwargs: Any
) -> FundRequestForm:
    """The request form; its selects of households and breakthroughs validate a POST
    against everything of the user's team, and show only what ``form.offer`` gives."""
    user = request.user
    allowed = _requestable_fund_list(user) if drafting else []
    form = FundRequestForm(
        request.POST if request.method == "POST" else None,
        funds=_requestable_funds(user, allowed) if drafting else None,
        households=selectors.requestable_households(user=user) if drafting else None,
        breakthroughs=selectors.linkable_breakthroughs(user=user),
        cost_items=selectors.cost_items(user=user),
        **kwargs,
    )
    if drafting:
        # The select lists the funds just read (the queryset, read again with a server-side
        # cursor, was one query more); a POST is still validated against the queryset.
        offer(form.fields["fund"], allowed)
    return form


def _search_term(request: AuthenticatedHttpRequest) -> str:
    return request.GET.get("zoek", "").strip()[:100]


def _households_offered(
    user: AnyUser, *, chosen: Household | None, query: str, team_id: int | None = None
) -> tuple[list[Household], list[Household]]:
    """The households a form's select shows, and the search's hits among them: the chosen
    one (opened from its page, or POSTed) and the hits of ``query``. Recorded in the
    processing log as shown, in one INSERT (a search as the household list's search)."""
    hits = selectors.requestable_household_hits(user=user, query=query, team_id=team_id)
    shown = [chosen] if chosen is not None else []
    shown += [h for h in hits if chosen is None or h.pk != chosen.pk]
    processing.log_household_choices(actor=user, households=shown, search_term=query)
    return shown, hits


def _household_search(
    *,
    query: str,
    hits: list[Household],
    chosen: Household | None,
    keep: dict[str, str],
    attach: bool = False,
) -> dict[str, Any]:
    """What the search box above a household select shows (``funds/_household_search.html``)."""
    return {
        "query": query,
        "hits": len(hits),
        "more": len(hits) >= selectors.HOUSEHOLD_HITS,
        "limit": selectors.HOUSEHOLD_HITS,
        "chosen": chosen,
        "keep": keep,
        "attach": attach,
    }


def _form_page(
    request: AuthenticatedHttpRequest,
    *,
    form: Any,
    title: str,
    submit: str,
    back_url: str,
    back_label: str,
    intro: str = "",
    household_search: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "funds/form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back_url": back_url,
            "back_label": back_label,
            "intro": intro,
            "household_search": household_search,
        },
    )


@page(policies.is_in_a_team)
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Draft a request. The household select shows only the household the form was opened
    from (``?huishouden=``, 404 outside the user's team's open households), the one POSTed,
    and the hits of the search box (``?zoek=``); the breakthrough select only the chosen
    household's breakthroughs."""
    user = request.user
    initial: dict[str, Any] = {"payee_kind": "iban"}
    fund_pk = request.GET.get("fonds", "")
    if fund_pk.isdigit():
        initial["fund"] = int(fund_pk)
    try:
        public_id = uuid.UUID(request.GET.get("huishouden", ""))
    except ValueError:
        public_id = None
    opened_from = None
    if public_id is not None:
        opened_from = selectors.requestable_household(user=user, public_id=public_id)
        if opened_from is None:
            raise Http404
        initial["household"] = opened_from
    form = _request_form(request, drafting=True, initial=initial)

    def request_page() -> HttpResponse:
        chosen = form.chosen_household() if form.is_bound else opened_from
        query = _search_term(request)
        shown, hits = _households_offered(user, chosen=chosen, query=query)
        form.offer(
            households=shown,
            breakthroughs=selectors.breakthroughs_of_household(
                user=user, household_id=chosen.pk if chosen else None
            ),
        )
        # The cost items read with an ordinary query (the select would read its queryset
        # through a server-side cursor: DECLARE, FETCH, CLOSE, three round trips), compiled
        # once per number of the user's municipalities.
        offer(form.fields["prevents_cost_item"], selectors.cost_item_choices(user=user))
        keep = {"fonds": fund_pk} if fund_pk.isdigit() else {}
        return _form_page(
            request,
            form=form,
            title=_("Ask the fund for money"),
            submit=_("Save as draft"),
            back_url=reverse("funds:request-list"),
            back_label=_("Back to the requests"),
            intro=_(
                "The request is saved as a draft. The team may discuss it without a name; tie "
                "it to a household before you submit it."
            ),
            household_search=_household_search(query=query, hits=hits, chosen=chosen, keep=keep),
        )

    return submit(
        request,
        form,
        action=lambda data: services.fund_request_draft(
            actor=request.user,
            fund=data["fund"],
            summary=data["summary"],
            amount_cents=form.amount_cents(),
            purpose=data["purpose"],
            payee_kind=data["payee_kind"],
            payee_name=data["payee_name"],
            iban=data["iban"],
            household=data["household"],
            breakthrough=data["breakthrough"],
            prevents_cost_item=data["prevents_cost_item"],
        ),
        put_errors=add_service_errors,
        success=_("The request is saved as a draft."),
        redirect_to=lambda fund_request: reverse("funds:request-detail", args=[fund_request.pk]),
        page=request_page,
    )


# --- request detail and its steps -------------------------------------------------------------
def _timeline(fund_request: FundRequest, approvals: list[Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"at": fund_request.created_at, "text": _("Drafted")}]
    if fund_request.submitted_at:
        steps.append({"at": fund_request.submitted_at, "text": _("Submitted for approval")})
    for approval in approvals:
        steps.append(
            {
                "at": approval.decided_at,
                "text": _("Approved by %(name)s (%(role)s)")
                % {
                    "name": approval.approver.get_full_name() or approval.approver.username,
                    "role": approval.get_role_display(),
                },
                "note": approval.note,
            }
        )
    status = fund_request.status
    if status == FundRequestStatus.REJECTED and fund_request.decided_at:
        steps.append(
            {
                "at": fund_request.decided_at,
                "text": _("Rejected"),
                "note": fund_request.rejection_reason,
            }
        )
    elif fund_request.decided_at and status != FundRequestStatus.REJECTED:
        steps.append({"at": fund_request.decided_at, "text": _("Approved: the money is reserved")})
    if fund_request.paid_on:
        steps.append(
            {
                "at": fund_request.paid_on,
                "text": _("Paid, reference %(reference)s")
                % {"reference": fund_request.payment_reference},
            }
        )
    if status == FundRequestStatus.REPAID:
        steps.append(
            {
                "at": None,
                "text": _("Repaid: %(amount)s")
                % {"amount": format_euros(fund_request.repaid_cents)},
                "note": fund_request.closed_note,
            }
        )
    elif status == FundRequestStatus.WRITTEN_OFF:
        steps.append({"at": None, "text": _("Written off"), "note": fund_request.closed_note})
    elif status == FundRequestStatus.CANCELLED:
        steps.append({"at": None, "text": _("Cancelled"), "note": fund_request.cancel_reason})
    return steps


def _detail_page(
    request: AuthenticatedHttpRequest, fund_request: FundRequest, **forms: Any
) -> HttpResponse:
    """The request page; ``forms`` replaces an action's form with a bound one with errors."""
    user = request.user
    approvals = list(fund_request.approvals.select_related("approver").order_by("pk"))
    is_draft = fund_request.status == FundRequestStatus.DRAFT
    works_on = policies.works_on_request(user, fund_request)
    is_manager = policies.is_fund_manager(user, fund_request.fund)
    can = {
        "edit": is_draft and works_on,
        "attach": is_draft and works_on and fund_request.household_id is None,
        "submit": is_draft and works_on,
        "approve": policies.can_approve(user, fund_request),
        "reject": policies.can_reject(user, fund_request),
        "pay": policies.can_pay(user, fund_request),
        "cancel": policies.can_cancel(user, fund_request),
        "settle": policies.can_settle(user, fund_request),
    }
    for name in ("approve", "reject", "pay", "cancel", "attach"):
        can[name] = can[name] or f"{name}_form" in forms
    can["settle"] = can["settle"] or "repay_form" in forms or "write_off_form" in forms
    context: dict[str, Any] = {
        "fund_request": fund_request,
        "fund": fund_request.fund,
        "approvals": approvals,
        "approvals_needed": fund_request.approvals_required,
        "approvals_left": max((fund_request.approvals_required or 0) - len(approvals), 0),
        "timeline": _timeline(fund_request, approvals),
        "can": can,
        "is_manager": is_manager,
        "works_on": works_on,
        "payment": selectors.fund_request_payment_details(user=user, fund_request=fund_request),
        "submit_errors": forms.get("submit_errors", []),
        "approve_form": forms.get("approve_form") or ApproveForm(auto_id="id_approve_%s"),
        "reject_form": forms.get("reject_form") or RejectForm(auto_id="id_reject_%s"),
        "pay_form": forms.get("pay_form") or PayForm(auto_id="id_pay_%s"),
        "cancel_form": forms.get("cancel_form") or CancelForm(auto_id="id_cancel_%s"),
        "repay_form": forms.get("repay_form") or RepayForm(auto_id="id_repay_%s"),
        "write_off_form": forms.get("write_off_form") or WriteOffForm(auto_id="id_writeoff_%s"),
    }
    if can["attach"]:
        attach_form = forms.get("attach_form") or AttachHouseholdForm(
            households=selectors.requestable_households(user=user, team_id=fund_request.team_id),
            auto_id="id_attach_%s",
        )
        chosen = attach_form.chosen_household()
        query = _search_term(request)
        shown, hits = _households_offered(
            user, chosen=chosen, query=query, team_id=fund_request.team_id
        )
        offer(attach_form.fields["household"], shown)
        context["attach_form"] = attach_form
        context["attach_action"] = reverse("funds:request-attach", args=[fund_request.pk]) + (
            f"?{urlencode({'zoek': query})}" if query else ""
        )
        context["household_search"] = _household_search(
            query=query, hits=hits, chosen=chosen, keep={}, attach=True
        )
    return render(request, "funds/request_detail.html", context)


@require_GET
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_detail(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    return _detail_page(request, fund_request)


@page(policies.can_use_requests, obj=FUND_REQUEST, allow=policies.works_on_request)
def request_edit(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    if fund_request.status != FundRequestStatus.DRAFT:
        messages.error(
            request, _("A submitted request cannot be changed; cancel it and draft a new one.")
        )
        return _to_request(fund_request)
    initial = {
        "summary": fund_request.summary,
        "amount": fund_request.amount_cents / 100,
        "purpose": fund_request.purpose,
        "payee_kind": fund_request.payee_kind,
        "payee_name": fund_request.payee_name,
        "iban": fund_request.iban,
        "breakthrough": fund_request.breakthrough_id,
        "prevents_cost_item": fund_request.prevents_cost_item_id,
    }
    form = _request_form(request, drafting=False, initial=initial)

    def edit_page() -> HttpResponse:
        # The request's household's breakthroughs; a draft without a household offers only
        # the breakthrough it already names (from before the rule), so saving keeps it.
        if fund_request.household_id is not None:
            breakthroughs = selectors.breakthroughs_of_household(
                user=request.user, household_id=fund_request.household_id
            )
        else:
            breakthroughs = [fund_request.breakthrough] if fund_request.breakthrough else []
        form.offer(households=None, breakthroughs=breakthroughs)
        return _form_page(
            request,
            form=form,
            title=_("Change the request"),
            submit=_("Save"),
            back_url=reverse("funds:request-detail", args=[fund_request.pk]),
            back_label=_("Back to the request"),
        )

    return submit(
        request,
        form,
        action=lambda data: services.fund_request_update(
            actor=request.user,
            fund_request=fund_request,
            summary=data["summary"],
            amount_cents=form.amount_cents(),
            purpose=data["purpose"],
            payee_kind=data["payee_kind"],
            payee_name=data["payee_name"],
            iban=data["iban"],
            breakthrough=data["breakthrough"],
            prevents_cost_item=data["prevents_cost_item"],
        ),
        put_errors=add_service_errors,
        success=_("The request is saved."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=edit_page,
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_attach(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = AttachHouseholdForm(
        request.POST,
        households=selectors.requestable_households(
            user=request.user, team_id=fund_request.team_id
        ),
        auto_id="id_attach_%s",
    )
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_attach_household(
            actor=request.user, fund_request=fund_request, household=data["household"]
        ),
        put_errors=add_service_errors,
        success=_("The request is tied to the household."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, attach_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_submit(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    try:
        services.fund_request_submit(actor=request.user, fund_request=fund_request)
    except ValidationError as error:
        return _detail_page(request, fund_request, submit_errors=error.messages)
    messages.success(request, _("The request is submitted for approval."))
    return _to_request(fund_request)


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_approve(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = ApproveForm(request.POST, auto_id="id_approve_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_approve(
            actor=request.user, fund_request=fund_request, note=data["note"]
        ),
        put_errors=add_service_errors,
        success=lambda updated: (
            _("The request is approved; the money is reserved.")
            if updated.status == FundRequestStatus.APPROVED
            else _("Your approval is recorded.")
        ),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, approve_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_reject(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = RejectForm(request.POST, auto_id="id_reject_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_reject(
            actor=request.user, fund_request=fund_request, reason=data["reason"]
        ),
        put_errors=add_service_errors,
        success=_("The request is rejected."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, reject_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_pay(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = PayForm(request.POST, auto_id="id_pay_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_pay(
            actor=request.user,
            fund_request=fund_request,
            payment_reference=data["payment_reference"],
            paid_on=data["paid_on"],
        ),
        put_errors=add_service_errors,
        success=_("The payment is recorded."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, pay_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_cancel(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = CancelForm(request.POST, auto_id="id_cancel_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_cancel(
            actor=request.user, fund_request=fund_request, reason=data["reason"]
        ),
        put_errors=add_service_errors,
        success=_("The request is cancelled."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, cancel_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_repay(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = RepayForm(request.POST, auto_id="id_repay_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_repay(
            actor=request.user,
            fund_request=fund_request,
            amount_cents=form.amount_cents(),
            note=data["note"],
        ),
        put_errors=add_service_errors,
        success=_("The repayment is recorded."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, repay_form=form),
    )


@require_POST
@page(policies.can_use_requests, obj=FUND_REQUEST)
def request_write_off(request: AuthenticatedHttpRequest, fund_request: FundRequest) -> HttpResponse:
    form = WriteOffForm(request.POST, auto_id="id_writeoff_%s")
    return submit(
        request,
        form,
        action=lambda data: services.fund_request_write_off(
            actor=request.user, fund_request=fund_request, note=data["note"]
        ),
        put_errors=add_service_errors,
        success=_("The amount is written off."),
        redirect_to=reverse("funds:request-detail", args=[fund_request.pk]),
        page=lambda: _detail_page(request, fund_request, write_off_form=form),
    )
