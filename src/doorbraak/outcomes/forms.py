"""Forms of the outcome pages: they only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, EuroField, StyledFormMixin, text_area
from doorbraak.lib.forms import add_service_errors as put_service_errors
from doorbraak.outcomes.models import OutcomeType


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, with this app's field names."""
    put_service_errors(form, error, rename={"debt_amount_cents": "debt_amount"})


class BreakthroughChoiceField(forms.ModelChoiceField[Breakthrough]):
    def label_from_instance(self, obj: Breakthrough) -> str:
        return obj.title


class CostItemChoiceField(forms.ModelChoiceField[CostItem]):
    def label_from_instance(self, obj: CostItem) -> str:
        return f"{obj.name} ({obj.valid_year}, {obj.get_unit_display()})"


class OutcomeForm(StyledFormMixin, forms.Form):
    outcome_type = forms.ChoiceField(
        label=_("What did the work prevent or achieve?"),
        choices=OutcomeType.choices,
        widget=forms.RadioSelect,
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    backdate_reason = forms.CharField(
        label=_("Why the date is before the registration"),
        required=False,
        max_length=300,
        help_text=_(
            "Only when the outcome is dated before the household was registered, for example "
            "when you enter an earlier year afterwards."
        ),
    )
    evidence = text_area(
        _("Evidence"),
        limit=limits.TEXT,
        help_text=_("How do you know? For example a letter from the creditor or the landlord."),
    )
    breakthrough = BreakthroughChoiceField(
        label=_("Breakthrough"),
        required=False,
        queryset=Breakthrough.objects.none(),
        empty_label=_("No breakthrough"),
        help_text=_("The breakthrough that led to this outcome, if any."),
    )
    debt_amount = EuroField(
        label=_("Debt prevented (euros)"),
        required=False,
        min_value=0,
        help_text=_("Only for 'Higher debt prevented': the amount that did not arise."),
    )
    cost_item = CostItemChoiceField(
        label=_("Cost item"),
        required=False,
        queryset=CostItem.objects.none(),
        empty_label=_("No cost item"),
        help_text=_("Only for 'Other': the cost from the catalogue that was prevented."),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        required=False,
        max_length=10,
        help_text=_("Only for 'Other': how many units of the cost item, e.g. 2 or 1,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(
        self,
        *args: Any,
        breakthroughs: QuerySet[Breakthrough],
        cost_items: QuerySet[CostItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        breakthrough_field = self.fields["breakthrough"]
        cost_item_field = self.fields["cost_item"]
        assert isinstance(breakthrough_field, forms.ModelChoiceField)
        assert isinstance(cost_item_field, forms.ModelChoiceField)
        breakthrough_field.queryset = breakthroughs
        cost_item_field.queryset = cost_items

    def debt_amount_cents(self) -> int | None:
        field = self.fields["debt_amount"]
        assert isinstance(field, EuroField)
        return field.cents(self.cleaned_data.get("debt_amount")) or None


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the outcome withdrawn?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
