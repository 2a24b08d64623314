"""The filter of the law library page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.forms import StyledFormMixin
from doorbraak.library.models import Deviation


class RegulationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    deviation = forms.ChoiceField(
        label=_("Room to deviate"),
        required=False,
        choices=[
            ("", _("All")),
            (Deviation.HARDSHIP.value, Deviation.HARDSHIP.label),
            (Deviation.DISCRETION.value, Deviation.DISCRETION.label),
            (Deviation.NONE.value, Deviation.NONE.label),
        ],
    )
