"""Forms of the team's breakthrough pages: they only parse input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Organisation
from doorbraak.breakthroughs.models import (
    CONSENT_LEGAL_BASIS,
    BottleneckKind,
    BreakthroughStatus,
    DecisionOutcome,
    EscalationLevel,
    Scenario,
    Theme,
)
from doorbraak.breakthroughs.services import parse_quantity
from doorbraak.catalogue.models import CostItem, CostUnit, Payer
from doorbraak.households.models import ConsentMethod, Member
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, EuroField, StyledFormMixin, text_area
from doorbraak.lib.templatetags.money import format_euros
from doorbraak.library.models import Regulation

__all__ = ["CONSENT_LEGAL_BASIS"]  # re-exported: it lived here before models.py


def _text(label: Any, *, limit: int, required: bool = True, help_text: Any = "") -> forms.CharField:
    return text_area(label, limit=limit, required=required, help_text=help_text, rows=4)


class BreakthroughFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *BreakthroughStatus.choices],
    )
    level = forms.TypedChoiceField(
        label=_("Escalation level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All levels")), *EscalationLevel.choices],
    )


class BottleneckForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("What is stuck"), max_length=200)
    description = _text(_("Description"), limit=limits.TEXT)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=BottleneckKind.choices)
    blocked_solution = _text(_("The solution it blocks"), limit=limits.TEXT)
    regulations = forms.ModelMultipleChoiceField(
        label=_("Regulations"),
        required=False,
        queryset=Regulation.objects.none(),
        help_text=_("The rules that cause it, from the law library. Hold Ctrl to choose more."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("The organisations involved. Hold Ctrl to choose more."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self,
        *args: Any,
        regulations: QuerySet[Regulation],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulations"].queryset = regulations  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = organisations  # type: ignore[attr-defined]


class BreakthroughStartForm(StyledFormMixin, forms.Form):
    """The proposal with what is known of its value triangle already.

    Only the title and the proposal are needed to start the draft; the legal basis, the
    direct cost and the engagement side can be given at once (no edit page afterwards),
    or later. The household's commitment is offered from its agreed plan.
    """

    title = forms.CharField(label=_("The breakthrough in one line"), max_length=200)
    proposal = _text(_("What exactly should happen"), limit=limits.LONG_TEXT)
    regulation = forms.ModelChoiceField(
        label=_("Legal basis"),
        required=False,
        queryset=Regulation.objects.none(),
        help_text=_("The regulation that allows the exception, from the law library."),
    )
    legal_reasoning = _text(_("Why this basis allows it"), limit=limits.LONG_TEXT, required=False)
    direct_cost = EuroField(
        label=_("Direct cost of the breakthrough (euros)"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("For example 250 or 1.250,50."),
    )
    direct_cost_payer = forms.ChoiceField(
        label=_("Who pays the direct cost"),
        choices=Payer.choices,
        initial=Payer.MUNICIPALITY,
        required=False,
    )
    engagement = _text(_("How the household regains control"), limit=limits.TEXT, required=False)
    household_commitment = _text(
        _("The household's own commitment"), limit=limits.TEXT, required=False
    )

    def __init__(self, *args: Any, regulations: QuerySet[Regulation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulation"].queryset = regulations  # type: ignore[attr-defined]

    def clean_direct_cost_payer(self) -> str:
        """The municipality unless another payer is chosen (as on the draft)."""
        return str(self.cleaned_data.get("direct_cost_payer") or Payer.MUNICIPALITY)

    def direct_cost_cents(self) -> int:
        """The direct cost in cents (0 when left empty); call after ``is_valid``."""
        return self.fields["direct_cost"].cents(self.cleaned_data.get("direct_cost")) or 0  # type: ignore[attr-defined]


class BreakthroughEditForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("The breakthrough in one line"), max_length=200)
    proposal = _text(_("What exactly should happen"), limit=limits.LONG_TEXT)
    regulation = forms.ModelChoiceField(
        label=_("Legal basis"),
        required=False,
        queryset=Regulation.objects.none(),
        help_text=_("The regulation that allows the exception, from the law library."),
    )
    legal_reasoning = _text(_("Why this basis allows it"), limit=limits.LONG_TEXT, required=False)
    horizon_months = forms.IntegerField(
        label=_("Horizon in months"), min_value=1, max_value=120, initial=12
    )
    direct_cost = EuroField(
        label=_("Direct cost of the breakthrough (euros)"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("For example 250 or 1.250,50."),
    )
    direct_cost_payer = forms.ChoiceField(
        label=_("Who pays the direct cost"), choices=Payer.choices
    )
    engagement = _text(_("How the household regains control"), limit=limits.TEXT, required=False)
    household_commitment = _text(
        _("The household's own commitment"), limit=limits.TEXT, required=False
    )

    def __init__(self, *args: Any, regulations: QuerySet[Regulation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulation"].queryset = regulations  # type: ignore[attr-defined]


class CostItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # The unit's label already reads "per month": no "per per maand".
        return _("%(name)s (%(year)s) — %(amount)s %(unit)s — %(payer)s") % {
            "name": obj.name,
            "year": obj.valid_year,
            "amount": format_euros(obj.amount_cents),
            "unit": obj.get_unit_display().lower(),
            "payer": obj.get_payer_display(),
        }


class ScenarioLineForm(StyledFormMixin, forms.Form):
    scenario = forms.ChoiceField(
        label=_("Scenario"), choices=Scenario.choices, widget=forms.RadioSelect
    )
    cost_item = CostItemChoiceField(label=_("Cost item"), queryset=CostItem.objects.none())
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=20,
        help_text=_("In the item's unit, within the horizon. For example 1 or 1,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    probability_pct = forms.IntegerField(
        label=_("Probability (%)"), min_value=1, max_value=100, initial=100
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, cost_items: QuerySet[CostItem], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"scenario": Scenario.STATUS_QUO, "probability_pct": 100})
        super().__init__(*args, **kwargs)
        self.fields["cost_item"].queryset = cost_items  # type: ignore[attr-defined]

    def clean_quantity(self) -> Any:
        try:
            return parse_quantity(self.cleaned_data["quantity"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["quantity"]) from None


class OwnScenarioLineForm(StyledFormMixin, forms.Form):
    """A household-specific line: an amount the cost catalogue does not hold."""

    scenario = forms.ChoiceField(
        label=_("Scenario"), choices=Scenario.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=150,
        help_text=_("What the cost is, for example 'Bus fare to work'."),
    )
    amount = EuroField(
        label=_("Price per unit (euros)"),
        min_value=Decimal("0.01"),
        max_value=100_000,
        help_text=_("For example 12,50."),
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=CostUnit.choices)
    payer = forms.ChoiceField(label=_("Who pays"), choices=Payer.choices)
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=20,
        help_text=_("In the unit, within the horizon. For example 1 or 1,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    probability_pct = forms.IntegerField(
        label=_("Probability (%)"), min_value=1, max_value=100, initial=100
    )
    source = forms.CharField(
        label=_("Source of the amount"),
        max_length=400,
        required=False,
        help_text=_("Where the amount comes from: a receipt, a fare, a letter."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "scenario": Scenario.STATUS_QUO,
                "probability_pct": 100,
                "unit": CostUnit.MONTH,
                "payer": Payer.HOUSEHOLD,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_quantity(self) -> Any:
        try:
            return parse_quantity(self.cleaned_data["quantity"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["quantity"]) from None

    def amount_cents(self) -> int | None:
        return self.fields["amount"].cents(self.cleaned_data.get("amount"))  # type: ignore[attr-defined]


class DecideForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    mandate = forms.CharField(
        label=_("Mandate"),
        max_length=300,
        help_text=_("Under which mandate you decide, e.g. 'doe wat nodig is' of the team."),
    )
    reason = _text(_("Reason"), limit=limits.TEXT)


class EscalateForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why to the next level"), max_length=300)
    #: Straight to the breakthrough table (a request nobody could answer), skipping levels.
    to_table = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OrganisationChoiceField(forms.ModelChoiceField[Organisation]):
    """Organisations, marked when nobody answers for them (no fixed contact person)."""

    without_contact: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Organisation) -> str:
        if obj.pk in self.without_contact:
            return str(_("%(name)s (no fixed contact person)") % {"name": obj.name})
        return obj.name


class _SharingForm(StyledFormMixin, forms.Form):
    """Sharing with a partner: the legal basis, and the team lead's override if no consent."""

    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    legal_basis = forms.CharField(
        label=_("Legal basis for sharing"),
        max_length=300,
        required=False,
        help_text=_(
            "Leave empty when the household consented to sharing with this organisation: the "
            "consent is then the legal basis. Without consent, name the basis that does hold."
        ),
    )
    override_reason = _text(
        _("Reason for sharing without consent"),
        limit=limits.SHORT_TEXT,
        required=False,
        help_text=_(
            "Only for team leads, when the household has not consented and sharing is "
            "necessary anyway. Leave empty when the household consented; the reason is on record."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        can_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if not can_override:
            del self.fields["override_reason"]
        self.order_fields(["organisation", *self.field_order_extra, "legal_basis"])

    field_order_extra: tuple[str, ...] = ()


class PartnerRequestForm(_SharingForm):
    """The request, with the household's consent recorded on the spot when it is missing."""

    question = _text(_("What you ask of the organisation"), limit=limits.TEXT)
    consent_now = forms.BooleanField(
        label=_("The household gives consent now to share with this organisation"),
        required=False,
        help_text=_(
            "Tick this when there is no consent on record yet and the household agrees now; "
            "the consent is recorded with the request."
        ),
    )
    consent_given_by = forms.ModelChoiceField(
        label=_("Consent given by"), queryset=Member.objects.none(), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=ConsentMethod.choices,
        required=False,
        initial=ConsentMethod.VERBAL,
        widget=forms.RadioSelect,
    )
    field_order_extra = ("question",)

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Member] | None = None,
        without_contact: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, OrganisationChoiceField)
        organisation.without_contact = without_contact
        if members is None:
            for name in ("consent_now", "consent_given_by", "consent_method"):
                del self.fields[name]
        else:
            given_by = self.fields["consent_given_by"]
            assert isinstance(given_by, forms.ModelChoiceField)
            given_by.queryset = members
        self.order_fields(
            [
                "organisation",
                "question",
                "consent_now",
                "consent_given_by",
                "consent_method",
                "legal_basis",
            ]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("consent_now"):
            if not cleaned.get("consent_given_by"):
                self.add_error("consent_given_by", _("Choose who in the household consents."))
            if not cleaned.get("consent_method"):
                self.add_error("consent_method", _("Say how the consent was given."))
        return cleaned


class ClarifyForm(StyledFormMixin, forms.Form):
    information = _text(_("The information that was asked for"), limit=limits.SHORT_TEXT)


class TimeOutForm(_SharingForm):
    what = forms.CharField(label=_("What should pause"), max_length=200)
    until = forms.DateField(label=_("Until"), widget=DateInput())
    field_order_extra = ("what", "until")


class CarryOutForm(StyledFormMixin, forms.Form):
    carried_out_on = forms.DateField(label=_("Carried out on"), widget=DateInput())
    note = _text(_("How it was carried out"), limit=limits.TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"carried_out_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EvaluateForm(StyledFormMixin, forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())
    evaluation = _text(_("What did the breakthrough do?"), limit=limits.LONG_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"evaluated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
