"""Forms of the fund pages: they only parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.funds.models import Fund, FundPurpose, FundRequestStatus, PayeeKind
from doorbraak.households.models import Household
from doorbraak.lib import limits
from doorbraak.lib.forms import (
    DateInput,
    EuroField,
    QuickRadioSelect,
    QuickSelect,
    QuickTextarea,
    QuickTextInput,
    StyledFormMixin,
    offer,
    posted_choice,
    text_area,
)
from doorbraak.lib.forms import add_service_errors as put_service_errors

#: Service keys that are called differently on the forms.
FIELD_ALIASES = {"amount_cents": "amount"}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, with this app's field names."""
    put_service_errors(form, error, rename=FIELD_ALIASES)


def _text(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    # Every free text of a fund request (summary, reasons, notes) is short: SHORT_TEXT.
    return text_area(
        label,
        limit=limits.SHORT_TEXT,
        required=required,
        help_text=help_text,
        rows=3,
        widget=QuickTextarea,
    )


class HouseholdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class BreakthroughChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class FundFilterForm(StyledFormMixin, forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            ("", _("All years")),
            *[(y, str(y)) for y in years],
        ]


class RequestFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *FundRequestStatus.choices],
    )


class FundRequestForm(StyledFormMixin, forms.Form):
    """Draft or change a request. ``fund`` and ``household`` only when drafting."""

    # The household and its breakthrough first: right under the page's household search,
    # whose hits the household select lists.
    field_order = ["household", "breakthrough"]

    # Every widget written in Python (lib.forms' Quick*): through the widget templates the
    # form's widgets took 8-10 ms of the page (issue 20).
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none(), widget=QuickSelect)
    summary = _text(
        _("What the money is for"),
        help_text=_("No names or other personal data: the team may discuss it anonymously."),
    )
    amount = EuroField(
        label=_("Amount in euros"),
        help_text=_("For example 250 or 249,50."),
        widget=QuickTextInput(attrs={"inputmode": "decimal"}),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=FundPurpose.choices, widget=QuickSelect)
    payee_kind = forms.ChoiceField(
        label=_("Payment by"), choices=PayeeKind.choices, widget=QuickRadioSelect
    )
    payee_name = forms.CharField(
        label=_("Payee"),
        required=False,
        max_length=150,
        help_text=_("The account holder, shop or landlord that receives the money."),
        widget=QuickTextInput,
    )
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=40, widget=QuickTextInput)
    household = HouseholdChoiceField(
        label=_("Household"),
        required=False,
        queryset=Household.objects.none(),
        help_text=_("Leave empty to discuss the request anonymously first."),
        widget=QuickSelect,
    )
    breakthrough = BreakthroughChoiceField(
        label=_("Breakthrough"),
        required=False,
        queryset=Breakthrough.objects.none(),
        widget=QuickSelect,
    )
    prevents_cost_item = forms.ModelChoiceField(
        label=_("What it is expected to prevent"),
        required=False,
        queryset=CostItem.objects.none(),
        help_text=_("A cost from the catalogue, such as an eviction."),
        widget=QuickSelect,
    )

    def __init__(
        self,
        *args: Any,
        funds: QuerySet[Fund] | None,
        households: QuerySet[Household] | None,
        breakthroughs: QuerySet[Breakthrough],
        cost_items: QuerySet[CostItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if funds is None:
            del self.fields["fund"]
        else:
            self.fields["fund"].queryset = funds  # type: ignore[attr-defined]
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].queryset = households  # type: ignore[attr-defined]
        self.fields["breakthrough"].queryset = breakthroughs  # type: ignore[attr-defined]
        self.fields["prevents_cost_item"].queryset = cost_items  # type: ignore[attr-defined]

    def offer(
        self, *, households: Iterable[Household] | None, breakthroughs: Iterable[Breakthrough]
    ) -> None:
        """Show only these households and breakthroughs (``offer`` above)."""
        if households is not None and "household" in self.fields:
            offer(self.fields["household"], households)
        offer(self.fields["breakthrough"], breakthroughs)

    def chosen_household(self) -> Household | None:
        """The household of a POST that passed the field's validation, else None."""
        return cast("Household | None", posted_choice(self, "household", Household))

    def amount_cents(self) -> int:
        cents = self.fields["amount"].cents(self.cleaned_data["amount"])  # type: ignore[attr-defined]
        return int(cents or 0)


class AttachHouseholdForm(StyledFormMixin, forms.Form):
    household = HouseholdChoiceField(label=_("Household"), queryset=Household.objects.none())

    def __init__(self, *args: Any, households: QuerySet[Household], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households  # type: ignore[attr-defined]

    def chosen_household(self) -> Household | None:
        """The household of a POST that passed the field's validation, else None."""
        return cast("Household | None", posted_choice(self, "household", Household))


class ApproveForm(StyledFormMixin, forms.Form):
    note = _text(_("Note"), required=False)


class RejectForm(StyledFormMixin, forms.Form):
    reason = _text(_("Why the request is rejected"))


class CancelForm(StyledFormMixin, forms.Form):
    reason = _text(_("Why the request is cancelled"), required=False)


class PayForm(StyledFormMixin, forms.Form):
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The reference of the bank transfer or the voucher number."),
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RepayForm(StyledFormMixin, forms.Form):
    amount = EuroField(
        label=_("Amount repaid in euros"),
        required=False,
        help_text=_("Leave empty when everything was paid back."),
    )
    note = _text(_("Note"), required=False)

    def amount_cents(self) -> int | None:
        return self.fields["amount"].cents(self.cleaned_data.get("amount"))  # type: ignore[attr-defined]


class WriteOffForm(StyledFormMixin, forms.Form):
    note = _text(_("Why the amount is written off"))


class SepaForm(StyledFormMixin, forms.Form):
    debtor_name = forms.CharField(label=_("Name of the paying account"), max_length=70)
    debtor_iban = forms.CharField(label=_("IBAN of the paying account"), max_length=40)
    debtor_bic = forms.CharField(label=_("BIC"), required=False, max_length=11)
    execution_date = forms.DateField(label=_("Execution date"), required=False, widget=DateInput())
