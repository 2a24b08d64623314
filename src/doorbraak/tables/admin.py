"""Breakthrough tables for functional administrators: who chairs, who sits at the table.

An administrator sets up the tables of their own municipality: the chair holds a table
chair role there, and each member represents an organisation they work for — as a fixed
contact person of a partner organisation, or for a neighbourhood team's organisation.
Meetings, agendas and decisions are the chair's work in the application, not here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.admin import ScopedAdmin, admin_site, administered_municipality_ids
from doorbraak.accounts.models import Membership, Organisation, Role, User
from doorbraak.accounts.policies import can_administer
from doorbraak.tables import policies
from doorbraak.tables.models import BreakthroughTable, TableMember


class BreakthroughTableForm(forms.ModelForm[BreakthroughTable]):
    """The chair holds an active table chair role in the table's municipality."""

    class Meta:
        model = BreakthroughTable
        fields = ["municipality", "district", "name", "chair", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        municipality, district = cleaned.get("municipality"), cleaned.get("district")
        chair = cleaned.get("chair")
        if municipality and district and district.municipality_id != municipality.pk:
            self.add_error("district", _("This district belongs to another municipality."))
        if (
            municipality
            and chair
            and not Membership.objects.active()
            .filter(user=chair, role=Role.TABLE_CHAIR, municipality=municipality)
            .exists()
        ):
            self.add_error(
                "chair", _("The chair needs an active table chair role in this municipality.")
            )
        return cleaned


class TableMemberForm(forms.ModelForm[TableMember]):
    """A member represents an organisation they work for in the table's municipality."""

    class Meta:
        model = TableMember
        fields = ["user", "organisation", "may_decide", "max_amount_cents", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, organisation = cleaned.get("user"), cleaned.get("organisation")
        # The inline formset's foreign key field gives the (possibly unsaved) table.
        table = cleaned.get("table")
        if table is None and self.instance.table_id is not None:
            table = self.instance.table
        municipality_id = getattr(table, "municipality_id", None)
        if (
            user
            and organisation
            and municipality_id
            and not policies.can_represent(user, organisation.pk, municipality_id)
        ):
            self.add_error(
                "organisation",
                _(
                    "This person does not represent this organisation here: they need an active "
                    "partner contact role for it, or to work for a neighbourhood team's "
                    "organisation, in the table's municipality."
                ),
            )
        max_amount = cleaned.get("max_amount_cents")
        if max_amount is not None and max_amount <= 0:
            self.add_error("max_amount_cents", _("Leave the amount empty, or give more than 0."))
        return cleaned


class TableMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TableMember
    form = TableMemberForm
    extra = 1
    fields = ["user", "organisation", "may_decide", "max_amount_cents", "active"]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_administer(request.user)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("user", "organisation")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            users = User.objects.filter(is_active=True)
            if not request.user.is_superuser:
                users = users.filter(
                    memberships__municipality__in=administered_municipality_ids(request)
                )
            kwargs["queryset"] = users.distinct().order_by("last_name", "first_name")
        elif db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                Q(municipality__isnull=True)
                | Q(municipality__in=administered_municipality_ids(request))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BreakthroughTable, site=admin_site)
class BreakthroughTableAdmin(ScopedAdmin):
    form = BreakthroughTableForm
    inlines = [TableMemberInline]
    list_display = ["name", "municipality", "district", "chair", "active"]
    list_filter = ["active"]
    list_select_related = ["municipality", "district", "chair"]
    search_fields = ["name", "chair__first_name", "chair__last_name"]
    ordering = ["municipality__name", "name"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "chair":
            chairs = Membership.objects.active().filter(role=Role.TABLE_CHAIR)
            if not request.user.is_superuser:
                chairs = chairs.filter(municipality__in=administered_municipality_ids(request))
            kwargs["queryset"] = User.objects.filter(
                pk__in=chairs.values("user_id"), is_active=True
            ).order_by("last_name", "first_name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
