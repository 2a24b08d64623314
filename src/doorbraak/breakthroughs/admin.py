"""Configuration of the breakthroughs app for functional administrators.

The escalation deadlines and the partner directory are configured per municipality.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.admin import ScopedAdmin, admin_site, administered_municipality_ids
from doorbraak.accounts.models import Membership, Role
from doorbraak.breakthroughs.models import ContactProfile, EscalationSettings


class EscalationSettingsForm(forms.ModelForm[EscalationSettings]):
    """Refuses a deadline of zero working days with a message instead of a database error."""

    DEADLINES = ("own_mandate_days", "partner_days", "table_days", "administrative_days")

    class Meta:
        model = EscalationSettings
        fields = [
            "municipality",
            "own_mandate_days",
            "partner_days",
            "table_days",
            "administrative_days",
            "reminder_days_before",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.DEADLINES:
            days = cleaned.get(name)
            if days is not None and days < 1:
                self.add_error(name, _("A deadline is at least one working day."))
        return cleaned


@admin.register(EscalationSettings, site=admin_site)
class EscalationSettingsAdmin(ScopedAdmin):
    form = EscalationSettingsForm
    list_display = [
        "municipality",
        "own_mandate_days",
        "partner_days",
        "table_days",
        "administrative_days",
        "reminder_days_before",
    ]
    list_select_related = ["municipality"]
    ordering = ["municipality__name"]


class ContactProfileForm(forms.ModelForm[ContactProfile]):
    """A mandate belongs to a fixed contact person of a partner organisation only."""

    class Meta:
        model = ContactProfile
        fields = ["membership", "mandate", "max_amount_cents", "phone"]

    def clean_membership(self) -> Membership:
        membership: Membership = self.cleaned_data["membership"]
        if membership.role != Role.PARTNER_CONTACT:
            raise forms.ValidationError(
                _("Only a partner contact person's membership can have a mandate."),
                code="not_partner_contact",
            )
        return membership


@admin.register(ContactProfile, site=admin_site)
class ContactProfileAdmin(ScopedAdmin):
    form = ContactProfileForm
    municipality_lookup = "membership__municipality"
    list_display = ["membership", "mandate", "max_amount_cents", "phone"]
    list_select_related = [
        "membership__user",
        "membership__organisation",
        "membership__municipality",
    ]
    search_fields = [
        "membership__user__username",
        "membership__user__first_name",
        "membership__user__last_name",
        "membership__organisation__name",
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "membership":
            memberships = Membership.objects.select_related("user", "organisation")
            if not request.user.is_superuser:
                memberships = memberships.filter(
                    municipality__in=administered_municipality_ids(request)
                )
            kwargs["queryset"] = memberships
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
