"""The filter of the cost catalogue page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.forms import StyledFormMixin


class CostFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
