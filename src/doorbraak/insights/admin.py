"""Policy signals for functional administrators: look up, correct a title, never change a step.

The lifecycle (raise, answer, resolve, structural) goes through the services so that every
step is in the history; here an administrator can only correct the wording. The underlying
cases are not shown: administrators never see case content, not even pseudonymised.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from doorbraak.accounts.admin import ScopedAdmin, admin_site
from doorbraak.insights.models import Signal, SignalEvent


class SignalEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SignalEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "from_status", "to_status", "by", "note")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


_SIGNAL_FIELDS: tuple[str, ...] = (
    "municipality",
    "title",
    "description",
    "theme",
    "regulation",
    "organisation",
    "status",
    "owner_kind",
    "owner_name",
    "created_by",
    "created_at",
    "raised_at",
    "answered_at",
    "answer",
    "closed_at",
    "closing_note",
    "period_start",
    "period_end",
    "case_count",
)
#: Only the wording can be corrected here; every other field changes through the services.
_EDITABLE = ("title", "description")


@admin.register(Signal, site=admin_site)
class SignalAdmin(ScopedAdmin):
    list_display = ["title", "municipality", "status", "owner_kind", "case_count", "created_at"]
    list_filter = ["status", "owner_kind", "theme"]
    search_fields = ["title", "owner_name"]
    list_select_related = ["municipality"]
    fields = _SIGNAL_FIELDS
    readonly_fields = tuple(f for f in _SIGNAL_FIELDS if f not in _EDITABLE)
    inlines = [SignalEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Signals come from the pattern detection or an analyst, through the services.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
