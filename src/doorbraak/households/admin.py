"""The postcode → district routing table, kept by functional administrators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.admin import ScopedAdmin, admin_site
from doorbraak.households.models import PostcodeArea


class PostcodeAreaForm(forms.ModelForm[PostcodeArea]):
    """Refuses a district of another municipality and ranges that overlap another one."""

    class Meta:
        model = PostcodeArea
        fields = ["municipality", "district", "first", "last"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        municipality, district = cleaned.get("municipality"), cleaned.get("district")
        first, last = cleaned.get("first"), cleaned.get("last")
        if municipality and district and district.municipality_id != municipality.pk:
            self.add_error("district", _("This district belongs to another municipality."))
        if first is not None and not 1000 <= first <= 9999:
            self.add_error("first", _("A postcode area has four digits, from 1000 to 9999."))
        if last is not None and not 1000 <= last <= 9999:
            self.add_error("last", _("A postcode area has four digits, from 1000 to 9999."))
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The last postcode area cannot be before the first."))
        elif municipality and first is not None and last is not None:
            overlapping = (
                PostcodeArea.objects.filter(municipality=municipality, first__lte=last)
                .filter(last__gte=first)
                .exclude(pk=self.instance.pk)
                .select_related("district")
                .first()
            )
            if overlapping is not None:
                self.add_error(
                    None,
                    _("These postcode areas overlap with %(area)s.") % {"area": overlapping},
                )
        return cleaned


@admin.register(PostcodeArea, site=admin_site)
class PostcodeAreaAdmin(ScopedAdmin):
    form = PostcodeAreaForm
    list_display = ["first", "last", "district", "municipality"]
    list_filter = ["municipality", ("district", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["district", "municipality"]
    ordering = ["municipality__name", "first"]
    search_fields = ["district__name", "first", "last"]
