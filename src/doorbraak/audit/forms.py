from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.audit.models import ProcessingAction
from doorbraak.lib.forms import DateInput, StyledFormMixin


class ProcessingLogFilterForm(StyledFormMixin, forms.Form):
    """Filters of the privacy officer's log page; every field is optional."""

    person = forms.CharField(
        label=_("Person concerned (pseudonym)"),
        required=False,
        max_length=64,
        help_text=_("The pseudonymous id of the person, as shown in their file. Never a BSN."),
    )
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=DateInput(),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *ProcessingAction.choices],
    )

    def clean_person(self) -> str:
        person: str = self.cleaned_data["person"].strip()
        if person.isdigit() and len(person) in (8, 9):
            raise forms.ValidationError(
                _("Search by pseudonym, not by BSN: the processing log never contains a BSN.")
            )
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned
