"""Forms of the insights pages: the period of the spiegel, signals and their steps, the export.

The forms check the shape of the input only; the services and selectors decide the rules
(their ``ValidationError`` is put on the form with ``add_service_errors``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Municipality, Organisation
from doorbraak.breakthroughs.models import (
    Theme,
)
from doorbraak.insights.aggregates import k_external
from doorbraak.insights.models import OwnerKind, SignalStatus
from doorbraak.insights.patterns import DEFAULT_MIN_COUNT
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, StyledFormMixin, add_service_errors, text_area
from doorbraak.library.models import Regulation

__all__ = [
    "AnswerForm",
    "CompareForm",
    "ExportForm",
    "NoteForm",
    "ProposeForm",
    "RaiseForm",
    "SignalCreateForm",
    "SignalFilterForm",
    "SpiegelForm",
    "add_service_errors",
]


class PeriodForm(StyledFormMixin, forms.Form):
    """A period of whole days; the municipality only when the analyst has several."""

    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        queryset = municipalities if municipalities is not None else Municipality.objects.none()
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset
        field.empty_label = None
        if len(queryset) < 2:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("start")
        end: datetime.date | None = data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data


class SpiegelForm(PeriodForm):
    pass


class ProposeForm(PeriodForm):
    """The hidden fields behind the "propose as signals" button of the spiegel."""

    min_count = forms.IntegerField(
        label=_("At least this many bottlenecks"),
        min_value=2,
        max_value=1000,
        initial=DEFAULT_MIN_COUNT,
        required=False,
    )


class ExportForm(PeriodForm):
    k = forms.IntegerField(
        label=_("Smallest group shown (k)"),
        min_value=1,
        max_value=1000,
        help_text=_("Rare combinations that fewer households share are generalised or left out."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["k"].initial = k_external()


class CompareForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return data


class SignalFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All signals")), ("open", _("Open signals")), *SignalStatus.choices],
    )


class SignalCreateForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = text_area(_("What the cases show"), limit=limits.LONG_TEXT, rows=8)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", "---------"), *Theme.choices]
    )
    regulation = forms.ModelChoiceField(
        label=_("Regulation"), queryset=Regulation.objects.none(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    owner_kind = forms.ChoiceField(
        label=_("Owner of the rule"),
        required=False,
        choices=[("", "---------"), *OwnerKind.choices],
    )
    owner_name = forms.CharField(label=_("Name of the owner"), max_length=200, required=False)

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = list(municipalities.values_list("pk", flat=True))
        municipality = self.fields["municipality"]
        regulation = self.fields["regulation"]
        organisation = self.fields["organisation"]
        assert isinstance(municipality, forms.ModelChoiceField)
        assert isinstance(regulation, forms.ModelChoiceField)
        assert isinstance(organisation, forms.ModelChoiceField)
        municipality.queryset = municipalities
        municipality.empty_label = None
        if len(ids) < 2:
            municipality.widget = forms.HiddenInput()
            if ids:
                municipality.initial = ids[0]
        regulation.queryset = Regulation.objects.filter(
            Q(municipality__isnull=True) | Q(municipality_id__in=ids)
        ).order_by("citation")
        regulation.label_from_instance = lambda obj: obj.citation  # type: ignore[method-assign]
        organisation.queryset = Organisation.objects.filter(
            Q(municipality__isnull=True) | Q(municipality_id__in=ids)
        ).order_by("name")


class RaiseForm(StyledFormMixin, forms.Form):
    owner_kind = forms.ChoiceField(label=_("Owner of the rule"), choices=OwnerKind.choices)
    owner_name = forms.CharField(label=_("Name of the owner"), max_length=200)
    note = text_area(_("Note"), limit=limits.SHORT_TEXT, required=False, rows=3)


class AnswerForm(StyledFormMixin, forms.Form):
    answer = text_area(_("Answer of the owner"), limit=limits.TEXT, rows=3)


class NoteForm(StyledFormMixin, forms.Form):
    note = text_area(_("Note"), limit=limits.SHORT_TEXT, rows=3)
