"""Configuration of funds and their mandate rules for functional administrators.

Budgets are booked in the ledger, so a fund's budget is changed through ``fund_update``
(the fund pages), not here: the admin shows it read-only after creation. Ledger rows,
requests and approvals are never edited in the admin.

Idempotency keys are listed read-only, to see which commands ran and which are stuck in
progress: endpoint, user, state, times and response status. The stored response is never
shown, because it may hold personal data (a payee, a household).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from doorbraak.accounts.admin import ScopedAdmin, admin_site
from doorbraak.accounts.models import Membership, Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.funds import ledger
from doorbraak.funds.idempotency import IdempotencyKey
from doorbraak.funds.models import Fund, MandateRule


class MandateRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = MandateRule
    extra = 0
    fields = [
        "min_amount_cents",
        "max_amount_cents",
        "approvals_required",
        "approver_role",
        "needs_table",
        "valid_from",
    ]


@admin.register(Fund, site=admin_site)
class FundAdmin(ScopedAdmin):
    list_display = ["name", "year", "municipality", "district", "team", "budget_cents", "active"]
    list_filter = ["year", "active"]
    list_select_related = ["municipality", "district", "team"]
    search_fields = ["name"]
    inlines = [MandateRuleInline]
    fields = [
        "municipality",
        "district",
        "team",
        "name",
        "year",
        "budget_cents",
        "cap_per_request_cents",
        "cap_per_household_year_cents",
        "purposes",
        "active",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["municipality", "year", "budget_cents"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Fund, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The ledger is the truth for balances: book the budget of a new fund.
            ledger.allocate(fund=obj, amount_cents=obj.budget_cents, created_by=request.user)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MandateRule, site=admin_site)
class MandateRuleAdmin(ScopedAdmin):
    municipality_lookup = "fund__municipality"
    list_display = [
        "fund",
        "min_amount_cents",
        "max_amount_cents",
        "approvals_required",
        "approver_role",
        "needs_table",
        "valid_from",
    ]
    list_filter = ["approver_role", "needs_table"]
    list_select_related = ["fund"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "fund" and not request.user.is_superuser:
            kwargs["queryset"] = Fund.objects.filter(
                municipality__in=municipality_ids_of(request.user, role=Role.ADMIN)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


_KEY_FIELDS = (
    "endpoint",
    "user",
    "state",
    "response_status",
    "created_at",
    "claimed_at",
    "completed_at",
)


@admin.register(IdempotencyKey, site=admin_site)
class IdempotencyKeyAdmin(ScopedAdmin):
    """Read-only; keys of users who work in the administrator's municipalities."""

    list_display = list(_KEY_FIELDS)
    list_filter = ["state"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    # Never the key's response body (personal data) nor the key itself (chosen by a client).
    fields = readonly_fields = _KEY_FIELDS

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        administered = municipality_ids_of(request.user, role=Role.ADMIN)
        users = Membership.objects.filter(municipality__in=administered).values("user")
        return queryset.filter(user__in=users)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
