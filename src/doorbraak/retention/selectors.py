"""Reads of the retention app, scoped to the privacy officer's (or admin's) municipalities."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.models import ProcessingAction
from doorbraak.retention.models import (
    DestructionItem,
    DestructionList,
    DestructionRecord,
    RetentionRule,
    RetentionRuleChange,
)
from doorbraak.retention.processing import log_retention


def rules_list(*, user: AnyUser) -> QuerySet[RetentionRule]:
    return (
        RetentionRule.objects.visible_to(user)
        .select_related("municipality")
        .order_by("municipality__name", "kind", "close_reason")
    )


def rule_get(*, user: AnyUser, pk: int) -> RetentionRule:
    rule = RetentionRule.objects.visible_to(user).select_related("municipality").filter(pk=pk)
    found = rule.first()
    if found is None:
        raise Http404
    return found


def rule_changes(*, rule: RetentionRule) -> QuerySet[RetentionRuleChange]:
    return rule.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def destruction_lists(*, user: AnyUser) -> QuerySet[DestructionList]:
    return (
        DestructionList.objects.visible_to(user)
        .select_related("municipality", "prepared_by", "approved_by")
        .annotate(
            pending=Count(
                "items", filter=Q(items__removed_at__isnull=True, items__destroyed_at__isnull=True)
            ),
            destroyed=Count("items", filter=Q(items__destroyed_at__isnull=False)),
        )
        .order_by("-proposed_at", "-pk")
    )


def destruction_records(*, user: AnyUser) -> QuerySet[DestructionRecord]:
    return (
        DestructionRecord.objects.visible_to(user)
        .select_related("approved_by")
        .order_by("-destroyed_at", "-pk")
    )


def destruction_list_get(*, user: AnyUser, pk: int, log: bool = True) -> DestructionList:
    """One list with its items; showing it is a processing of the households on it."""
    found = (
        DestructionList.objects.visible_to(user)
        .select_related("municipality", "prepared_by", "approved_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=DestructionItem.objects.select_related(
                    "household__team", "rule", "removed_by"
                ).order_by("due_on", "pk"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    if log:
        households = [item.household for item in found.items.all() if item.is_pending]
        if households:
            log_retention(
                actor=user,
                action=ProcessingAction.READ,
                object_type="retention.destructionlist",
                object_id=found.pk,
                subjects=[household.pseudonym for household in households],
                municipality=found.municipality_id,
            )
    return found


def destruction_item_get(*, user: AnyUser, pk: int) -> DestructionItem:
    found = (
        DestructionItem.objects.filter(
            destruction_list__in=DestructionList.objects.visible_to(user)
        )
        .select_related("destruction_list")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found
