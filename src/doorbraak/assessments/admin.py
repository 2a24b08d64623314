"""The municipality's catalogue of life domains and its classification thresholds.

Functional administrators configure their own municipalities. The default catalogue
(no municipality) is shown to them as an example but only the operator changes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from doorbraak.accounts.admin import ScopedAdmin, admin_site
from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.assessments.models import ClassificationRule, LifeDomain


@admin.register(LifeDomain, site=admin_site)
class LifeDomainAdmin(ScopedAdmin):
    list_display = ["name", "code", "position", "active", "municipality"]
    list_filter = ["municipality", "active"]
    list_select_related = ["municipality"]
    ordering = ["municipality__name", "position", "name"]
    search_fields = ["name", "code"]
    fields = [
        "municipality",
        "code",
        "name",
        "position",
        "active",
        "level_1",
        "level_2",
        "level_3",
        "level_4",
        "level_5",
    ]

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(municipality__isnull=True)
            | Q(municipality__in=municipality_ids_of(request.user, role=Role.ADMIN))
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # The default catalogue is shared by every municipality: only the operator edits it.
        if isinstance(obj, LifeDomain) and obj.municipality_id is None:
            return bool(request.user.is_superuser)
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # An administrator adds domains to a municipality, never to the default catalogue.
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ClassificationRule, site=admin_site)
class ClassificationRuleAdmin(ScopedAdmin):
    list_display = ["municipality", "problem_threshold", "green_max", "orange_max"]
    list_select_related = ["municipality"]
    ordering = ["municipality__name"]
