from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from doorbraak.audit.models import AlertSettings, ProcessingAction, SecurityOutcome, SecurityStage
from doorbraak.lib.crypto import search_hash
from doorbraak.lib.forms import DateInput, QuickSelect, QuickTextInput, StyledFormMixin


class ProcessingLogFilterForm(StyledFormMixin, forms.Form):
    """Filters of the privacy officer's log page; every field is optional."""

    person = forms.CharField(
        label=_("Person concerned (pseudonym)"),
        required=False,
        max_length=64,
        widget=QuickTextInput,
        help_text=_("The pseudonymous id of the person, as shown in their file. Never a BSN."),
    )
    username = forms.CharField(
        label=_("User name"), required=False, max_length=150, widget=QuickTextInput
    )
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
        widget=QuickSelect,
    )
    search_term = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=150,
        widget=QuickTextInput,
        help_text=_(
            "Finds the searches for this name or address. The term is not kept: it is "
            "compared by its keyed hash."
        ),
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
        # Only the hash goes on: into the search and into an export's stored parameters.
        term = cleaned.pop("search_term", "") or ""
        cleaned["search_term_hash"] = search_hash(term) if term.strip() else ""
        return cleaned


class SecurityLogFilterForm(StyledFormMixin, forms.Form):
    """Filters of the security log page; every field is optional."""

    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    outcome = forms.TypedChoiceField(
        label=_("Answer"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All answers")), *SecurityOutcome.choices],
    )
    stage = forms.ChoiceField(
        label=_("Refused by"),
        required=False,
        choices=[("", _("All checks")), *SecurityStage.choices],
    )
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=60,
        help_text=_("For example household, referral or fund_request."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Up to and including"), required=False, widget=DateInput())
    search_term = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=150,
        help_text=_(
            "Finds the duplicate checks for this last name. The term is not kept: it is "
            "compared by its keyed hash."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned


class WeekdaysField(forms.MultipleChoiceField):
    """ISO weekdays as checkboxes, stored as a string of digits ("12345")."""

    def prepare_value(self, value: Any) -> Any:
        return list(value) if isinstance(value, str) else value


WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class AlertSettingsForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The privacy officer's thresholds of the security alerts."""

    office_weekdays = WeekdaysField(
        label=_("Office days"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Reads on other days count as outside office hours."),
    )

    class Meta:
        model = AlertSettings
        fields = [
            "refusals_per_hour",
            "reads_factor",
            "reads_minimum",
            "office_start",
            "office_end",
            "office_weekdays",
        ]
        widgets = {
            "office_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "office_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("refusals_per_hour", "reads_factor", "reads_minimum"):
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.min_value = 1
            field.max_value = 10_000
            field.validators.extend([MinValueValidator(1), MaxValueValidator(10_000)])
            field.widget.attrs.update({"min": 1, "max": 10_000})

    def clean_office_weekdays(self) -> str:
        days: list[str] = self.cleaned_data.get("office_weekdays") or []
        return "".join(sorted(set(days)))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("office_start"), cleaned.get("office_end")
        if start is not None and end is not None and start >= end:
            self.add_error(
                "office_end", _("Office hours must end after they start, on the same day.")
            )
        return cleaned
