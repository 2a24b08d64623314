from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.lib import limits
from doorbraak.lib.forms import text_area


class RuleForm(forms.Form):
    years = forms.IntegerField(label=_("Years"), min_value=0, max_value=120, required=False)
    months = forms.IntegerField(label=_("Months"), min_value=0, max_value=11, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_(
            "For example: VNG Selectielijst gemeenten en intergemeentelijke organen 2020, "
            "the category."
        ),
    )
    version = forms.CharField(label=_("Version"), max_length=100, required=False)
    reason = text_area(
        _("Reason for the change"),
        limit=limits.SHORT_TEXT,
        required=False,
        help_text=_("Required when records would be destroyed earlier than before."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        years, months = data.get("years"), data.get("months")
        if years is None and months is None:
            data["period_months"] = None
        else:
            data["period_months"] = (years or 0) * 12 + (months or 0)
        return data


class RemoveItemForm(forms.Form):
    reason = text_area(_("Why is this household kept?"), limit=limits.SHORT_TEXT)
