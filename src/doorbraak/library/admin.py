"""The law library in the admin.

National articles are shared by every municipality and kept by the operator (superuser);
local by-laws and policy rules of one municipality are kept by its administrators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from doorbraak.accounts.admin import ScopedAdmin, admin_site, administered_municipality_ids
from doorbraak.library.models import Regulation


@admin.register(Regulation, site=admin_site)
class RegulationAdmin(ScopedAdmin):
    """National articles are read-only for municipal administrators; local ones are theirs."""

    list_display = ["citation", "law", "deviation", "municipality"]
    list_filter = ["kind", "deviation"]
    list_select_related = ["municipality"]
    search_fields = ["citation", "law", "article", "description"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "law",
        "article",
        "citation",
        "kind",
        "description",
        "deviation",
        "url",
        "municipality",
    ]

    def scope(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(municipality__isnull=True)
            | Q(municipality__in=administered_municipality_ids(request))
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if isinstance(obj, Regulation) and obj.municipality_id is None:
            return bool(request.user.is_superuser)
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality" and not request.user.is_superuser:
            # A municipal administrator adds local rules only: national ones are the operator's.
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
