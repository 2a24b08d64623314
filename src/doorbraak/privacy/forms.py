"""Forms of the data-subject request pages. They check shape only; the rules live in the
services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality
from doorbraak.households.forms import BsnInput, date_field
from doorbraak.households.models import Representation
from doorbraak.lib import limits
from doorbraak.lib.forms import StyledFormMixin, text_area
from doorbraak.privacy.models import Decision, RequestKind


class RegisterForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    bsn = forms.CharField(
        label=_("BSN of the person"),
        required=False,
        max_length=11,
        widget=BsnInput(),
        help_text=_("Or leave empty and give the last name and date of birth."),
    )
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    birth_date = date_field(_("Date of birth"), required=False)
    received_on = date_field(_("Received on"))
    description = text_area(
        _("What the person asks"), limit=limits.SHORT_TEXT, required=False, rows=3
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = municipalities  # type: ignore[attr-defined]
        if municipalities.count() == 1:
            field.widget = forms.HiddenInput()
            field.initial = municipalities.first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("bsn") and not (cleaned.get("last_name") and cleaned.get("birth_date")):
            raise forms.ValidationError(
                _("Give the person's BSN, or their last name and date of birth.")
            )
        return cleaned


class ExtendForm(StyledFormMixin, forms.Form):
    months = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=[(1, _("one month")), (2, _("two months"))],
    )
    reason = text_area(_("Reason for the extension"), limit=limits.SHORT_TEXT, rows=3)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = text_area(_("Reasons for the decision"), limit=limits.SHORT_TEXT, rows=4)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = text_area(_("Reason"), limit=limits.SHORT_TEXT, rows=3)


class RectifyForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    birth_date = date_field(_("Date of birth"))
    representation = forms.ChoiceField(
        label=_("Legal representation"), required=False, choices=Representation.choices
    )
    representative = forms.CharField(
        label=_("Name of the representative"), required=False, max_length=150
    )
    bsn = forms.CharField(
        label=_("Corrected BSN"),
        required=False,
        max_length=11,
        widget=BsnInput(),
        help_text=_("Leave empty to keep the stored BSN."),
    )
    reason = text_area(
        _("What was wrong, and on what the correction rests"), limit=limits.SHORT_TEXT, rows=3
    )

    def changes(self) -> dict[str, Any]:
        """The corrected fields only (the BSN when one was typed)."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name != "reason" and (name != "bsn" or self.cleaned_data["bsn"])
        }


class OverviewForm(StyledFormMixin, forms.Form):
    namen = forms.BooleanField(
        label=_("Include the names of employees"),
        required=False,
        help_text=_(
            "Only when the person needs them to exercise their rights (CJEU C-579/21); "
            "otherwise the organisation and role are enough."
        ),
    )
