"""Bewaartermijnen en vernietiging: the privacy officer's pages (the admin may look)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.lib.access import Lookup, page
from doorbraak.lib.views import submit
from doorbraak.retention import policies, selectors, services
from doorbraak.retention.forms import RemoveItemForm, RuleForm
from doorbraak.retention.models import DestructionItem, DestructionList, RetentionRule

RULE = Lookup("rule", selectors.rule_get, "pk")
DESTRUCTION_LIST = Lookup("destruction_list", selectors.destruction_list_get, "pk", log="reads")
ITEM = Lookup("item", selectors.destruction_item_get, "pk")


@page(policies.can_view_retention)
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    for municipality_id in sorted(municipality_ids_of(request.user)):
        services.rules_ensure_defaults(municipality=municipality_id)
    return render(
        request,
        "retention/rule_list.html",
        {
            "rules": selectors.rules_list(user=request.user),
            "may_edit": policies.can_manage_retention(request.user),
        },
    )


@page(policies.can_manage_retention, obj=RULE, allow=policies.can_edit_rule)
def rule_edit(request: AuthenticatedHttpRequest, rule: RetentionRule) -> HttpResponse:
    initial: dict[str, object] = {"source": rule.source, "version": rule.version}
    if rule.period_months is not None:
        initial |= {"years": rule.period_months // 12, "months": rule.period_months % 12}
    form = RuleForm(request.POST or None, initial=initial)
    return submit(
        request,
        form,
        action=lambda data: services.rule_change(
            actor=request.user,
            rule=rule,
            period_months=data["period_months"],
            source=data["source"],
            version=data["version"],
            reason=data["reason"],
        ),
        success=_("The retention rule has been changed."),
        redirect_to=reverse("retention:rules"),
        template="retention/rule_edit.html",
        context={"form": form, "rule": rule, "changes": selectors.rule_changes(rule=rule)},
    )


@page(policies.can_view_retention)
def list_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "retention/list_index.html",
        {
            "lists": selectors.destruction_lists(user=request.user)[:100],
            "records": selectors.destruction_records(user=request.user)[:100],
        },
    )


@page(policies.can_view_retention, obj=DESTRUCTION_LIST)
def list_detail(
    request: AuthenticatedHttpRequest, destruction_list: DestructionList
) -> HttpResponse:
    may_review = policies.can_manage_retention(request.user) and policies.can_review_list(
        request.user, destruction_list
    )
    return render(
        request,
        "retention/list_detail.html",
        {
            "destruction_list": destruction_list,
            "items": destruction_list.items.all(),
            "may_review": may_review and destruction_list.is_open,
            "four_eyes": destruction_list.prepared_by_id == request.user.pk,
            "remove_form": RemoveItemForm(),
        },
    )


@require_POST
@page(policies.can_manage_retention, obj=DESTRUCTION_LIST, allow=policies.can_review_list)
def list_approve(
    request: AuthenticatedHttpRequest, destruction_list: DestructionList
) -> HttpResponse:
    try:
        records = services.destruction_list_approve(
            actor=request.user, destruction_list=destruction_list
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The list has been approved; %(count)s households were destroyed.")
            % {"count": len(records)},
        )
    return redirect("retention:list", pk=destruction_list.pk)


@require_POST
@page(policies.can_manage_retention, obj=ITEM, allow=policies.can_review_item)
def item_remove(request: AuthenticatedHttpRequest, item: DestructionItem) -> HttpResponse:
    form = RemoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State why this household is kept."))
        return redirect("retention:list", pk=item.destruction_list_id)
    try:
        services.destruction_item_remove(
            actor=request.user, item=item, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The household has been taken off the list."))
    return redirect("retention:list", pk=item.destruction_list_id)
