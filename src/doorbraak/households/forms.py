"""Forms of the household pages. They check shape only; the rules live in the services.

A BSN is typed into a password-like field that is never rendered back with its value,
so it cannot end up in the HTML of a re-rendered form.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import District, Municipality, Organisation, Team, User
from doorbraak.households.models import (
    ConsentMethod,
    ConsentPurpose,
    EventKind,
    HouseholdStatus,
    Member,
    MemberRole,
    ReferralSource,
    ReferralStatus,
    Representation,
    Urgency,
)
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, EuroField, StyledFormMixin, text_area
from doorbraak.lib.fragments import searched_form_html

# Browsers send ISO dates from <input type="date">; people type Dutch dates elsewhere.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Choose…")), *[(value, label) for value, label in choices if value != ""]]


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
    )


class BsnInput(forms.PasswordInput):
    """Typed like a password: not echoed back, not remembered by the browser."""

    def __init__(self) -> None:
        super().__init__(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
            render_value=False,
        )


# --- list and search ----------------------------------------------------------------------
class HouseholdFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, street, postcode or last name of a member."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(list(HouseholdStatus.choices))
    )
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none()
    )
    mine = forms.BooleanField(label=_("Only households I coordinate"), required=False)

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


#: Stands in the cached filter form where the search text goes. Letters and digits only, so
#: escaping leaves it as it is and it cannot be part of any other markup of the form.
SEARCH_MARK = "dbkZoektekst7f3a9c"
#: How long a rendered filter form is kept (the key names everything it shows).
FILTER_FORM_SECONDS = 24 * 60 * 60


def filter_form_html(
    form: HouseholdFilterForm, *, districts: Sequence[tuple[int, str]]
) -> SafeString | None:
    """The household list's filter form as ``includes/form.html`` renders it, from the cache.

    The HTML is the same for every view of a team's list but for the search text: the key
    names what else varies (the language, the district choices ``districts`` as (id, name),
    the chosen status, district and "mine"), and the search text is rendered as
    :data:`SEARCH_MARK` and put in afterwards, escaped as the template would escape it.
    None for a form with errors: the caller renders it as usual (with its messages).
    """
    if form.is_bound and not form.is_valid():
        return None
    search = str(form["q"].value() or "") if form.is_bound else ""
    varying = (
        translation.get_language(),
        tuple(districts),
        form.is_bound,
        *(str(form[name].value()) for name in ("status", "district", "mine")),
    )

    def render(text: str) -> str:
        shown = form
        if text:
            data = dict(form.data.items())  # a QueryDict: the last value of each, as shown
            data["q"] = text
            shown = HouseholdFilterForm(data, districts=form.fields["district"].queryset)  # type: ignore[attr-defined]
        return render_to_string("includes/form.html", {"form": shown})

    return searched_form_html(
        name="households:filter-form",
        varying=varying,
        search=search,
        mark=SEARCH_MARK,
        render=render,
        seconds=FILTER_FORM_SECONDS,
    )


class TimelineFilterForm(StyledFormMixin, forms.Form):
    soort = forms.MultipleChoiceField(
        label=_("Show only"),
        required=False,
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


# --- addresses ------------------------------------------------------------------------------
def no_fixed_address_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("No fixed address"),
        required=False,
        help_text=_(
            "Homeless or staying with others: leave street, house number and postcode empty "
            "and choose the district below."
        ),
    )


def postal_address_field() -> forms.CharField:
    return forms.CharField(
        label=_("Postal address"),
        max_length=200,
        required=False,
        help_text=_("Only without a fixed address: a briefadres or shelter where post arrives."),
    )


def district_field() -> forms.ModelChoiceField[District]:
    return forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Choose…"),
        help_text=_("Only without a fixed address: the district whose team will help."),
    )


class AddressForm(StyledFormMixin, forms.Form):
    """A new address for a household, or that it has none (the timeline keeps the old)."""

    no_fixed_address = no_fixed_address_field()
    street = forms.CharField(label=_("Street"), max_length=150, required=False)
    house_number = forms.IntegerField(
        label=_("House number"), min_value=1, max_value=99999, required=False
    )
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, help_text=_("For example 3553 AB.")
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_address = postal_address_field()
    district = district_field()
    note = text_area(
        _("Note"),
        limit=limits.SHORT_TEXT,
        required=False,
        rows=2,
        help_text=_("For example: moved in with her sister; briefadres at the shelter."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality=municipality
        )


# --- household and members ----------------------------------------------------------------
class IntakeForm(StyledFormMixin, forms.Form):
    """The address part of an intake; the members come in a formset."""

    name = forms.CharField(
        label=_("Household name"),
        max_length=150,
        help_text=_("How the team refers to the household, e.g. 'Family Zwart'."),
    )
    no_fixed_address = no_fixed_address_field()
    street = forms.CharField(label=_("Street"), max_length=150, required=False)
    house_number = forms.IntegerField(
        label=_("House number"), min_value=1, max_value=99999, required=False
    )
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, help_text=_("For example 3553 AB.")
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    postal_address = postal_address_field()
    district = district_field()
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    duplicates_checked = forms.BooleanField(
        label=_("I have checked the possible duplicates: create a new household anyway"),
        required=False,
    )

    def __init__(self, *args: Any, teams: list[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality__in={t.municipality_id for t in teams or []}
        )
        if teams is None or len(teams) <= 1:
            # One team (or the referral's team): nothing to choose.
            del self.fields["team"]
            self.chosen_team: Team | None = teams[0] if teams else None
        else:
            self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
                pk__in=[t.pk for t in teams]
            )
            self.chosen_team = None


class MemberForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    infix = forms.CharField(
        label=_("Infix"),
        max_length=20,
        required=False,
        help_text=_("The tussenvoegsel, such as “de” or “van der”; leave empty if none."),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    birth_date = date_field(_("Date of birth"))
    role = forms.ChoiceField(label=_("Role in the household"), choices=_blank(MemberRole.choices))
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=11,
        widget=BsnInput(),
        help_text=_("Optional. Never shown again: pages only say whether a BSN is known."),
    )
    representation = forms.ChoiceField(
        label=_("Legal representation"),
        required=False,
        choices=[("", _("None")), *Representation.choices[1:]],
    )
    representative = forms.CharField(
        label=_("Name of the representative"), max_length=150, required=False
    )


class MemberAddForm(MemberForm):
    joined_on = date_field(_("Part of the household since"), required=False)


class MemberEditForm(MemberForm):
    def __init__(self, *args: Any, has_bsn: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_bsn:
            self.fields["bsn"].help_text = _(
                "A BSN is known. Leave this empty to keep it; type a new one to replace it."
            )


class BaseMemberFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def filled_forms(self) -> list[MemberForm]:
        """The rows the user filled in; empty extra rows are ignored."""
        return [
            form
            for form in self.forms
            if form.has_changed() and getattr(form, "cleaned_data", None) is not None
        ]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=2, min_num=1, validate_min=True, max_num=20
)


class MemberLeaveForm(StyledFormMixin, forms.Form):
    left_on = date_field(_("Left the household on"))
    # The note goes into the timeline entry (300 characters with its sentence).
    note = text_area(_("Note"), limit=250, required=False, rows=3)


# --- coordinator ------------------------------------------------------------------------------
class HandoverForm(StyledFormMixin, forms.Form):
    to = forms.ModelChoiceField(label=_("New coordinator"), queryset=User.objects.none())
    note = text_area(
        _("Handover note"),
        limit=limits.SHORT_TEXT,
        help_text=_("What your colleague needs to know to take over."),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        field.queryset = colleagues  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.username
        )


# --- involved professionals ------------------------------------------------------------------
class ProfessionalForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none()
    )
    organisation_name = forms.CharField(
        label=_("Organisation (if not in the list)"), max_length=150, required=False
    )
    person_name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.CharField(
        label=_("Role"), max_length=150, help_text=_("For example: debt counsellor, youth worker.")
    )
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=150, required=False)
    since = date_field(_("Involved since"))
    yearly_cost = EuroField(
        label=_("Yearly cost in euros"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("10000000"),
        help_text=_("Optional: what this involvement costs society per year, e.g. 4500."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    @property
    def yearly_cost_cents(self) -> int | None:
        euros = self.cleaned_data.get("yearly_cost")
        return None if euros is None else int((euros * 100).to_integral_value())


class ProfessionalEndForm(StyledFormMixin, forms.Form):
    until = date_field(_("Involved until"))


# --- consent --------------------------------------------------------------------------
class ConsentForm(StyledFormMixin, forms.Form):
    given_by = forms.ModelChoiceField(label=_("Given by"), queryset=Member.objects.none())
    purpose = forms.ChoiceField(label=_("Purpose"), choices=_blank(ConsentPurpose.choices))
    recipient = forms.ModelChoiceField(label=_("Shared with"), queryset=Organisation.objects.none())
    method = forms.ChoiceField(
        label=_("How"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    given_on = date_field(_("Given on"))
    valid_until = date_field(_("Valid until"), required=False)

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Member],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = members  # type: ignore[attr-defined]
        self.fields["recipient"].queryset = organisations  # type: ignore[attr-defined]


class ConsentWithdrawForm(StyledFormMixin, forms.Form):
    note = text_area(_("Note on withdrawal"), limit=limits.SHORT_TEXT, required=False, rows=3)


# --- referrals ---------------------------------------------------------------------------
class ReferralForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    source = forms.ChoiceField(label=_("Source"), choices=_blank(ReferralSource.choices))
    source_organisation = forms.ModelChoiceField(
        label=_("Referring organisation"), queryset=Organisation.objects.none()
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    reason = text_area(
        _("Reason"),
        limit=limits.TEXT,
        rows=5,
        help_text=_("Why does the household need help? The team reads this first."),
    )
    resident_name = forms.CharField(label=_("Name of the resident"), max_length=150)
    no_fixed_address = no_fixed_address_field()
    postcode = forms.CharField(
        label=_("Postcode"), max_length=7, required=False, help_text=_("For example 3553 AB.")
    )
    house_number = forms.IntegerField(
        label=_("House number"), min_value=1, max_value=99999, required=False
    )
    house_number_addition = forms.CharField(label=_("Addition"), max_length=10, required=False)
    postal_address = postal_address_field()
    district = district_field()
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)

    def __init__(
        self,
        *args: Any,
        municipalities: list[Municipality],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["district"].queryset = District.objects.filter(  # type: ignore[attr-defined]
            municipality__in=[m.pk for m in municipalities]
        ).select_related("municipality")
        if len(municipalities) == 1:
            del self.fields["municipality"]
            self.chosen_municipality: Municipality | None = municipalities[0]
        else:
            self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
                pk__in=[m.pk for m in municipalities]
            )
            self.chosen_municipality = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "municipality" in self.fields:
            self.chosen_municipality = cleaned.get("municipality")
        return cleaned


class ReferralStatusFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ReferralStatus.choices],
    )


class DeclineForm(StyledFormMixin, forms.Form):
    reason = text_area(
        _("Reason for declining"),
        limit=limits.SHORT_TEXT,
        help_text=_("The referrer sees this reason."),
    )
