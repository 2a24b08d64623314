"""Forms of the plan pages: the household's commitment, goals, actions and their progress."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Organisation
from doorbraak.assessments.models import LifeDomain
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, text_area
from doorbraak.plans.models import ActionOwner, ActionStatus


class CommitmentForm(forms.Form):
    commitment = text_area(
        _("The household's own commitment"),
        limit=limits.TEXT,
        help_text=_("In their own words: if we make this exception for you, what will you do?"),
        attrs={"class": "utrecht-textarea"},
        required=False,
    )


class GoalForm(forms.Form):
    domain = forms.TypedChoiceField(
        label=_("Life domain"),
        coerce=int,
        error_messages={
            "required": _("Choose a life domain."),
            "invalid_choice": _("Choose a life domain of the list."),
        },
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    description = text_area(
        _("Goal"),
        limit=limits.SHORT_TEXT,
        help_text=_("In words the household understands."),
        error_messages={"required": _("Describe the goal.")},
        rows=2,
        attrs={"class": "utrecht-textarea"},
    )

    def __init__(self, *args: Any, domains: list[LifeDomain], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._domains = {d.pk: d for d in domains}
        field = self.fields["domain"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a life domain")), *((d.pk, d.name) for d in domains)]

    def clean_domain(self) -> LifeDomain:
        return self._domains[self.cleaned_data["domain"]]


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("What"),
        max_length=limits.SHORT_TEXT,
        error_messages={"required": _("Describe the action."), "max_length": limits.TOO_LONG},
        widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
    )
    owner = forms.ChoiceField(
        label=_("Who"),
        choices=ActionOwner.choices,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    owner_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
    )
    owner_organisation = forms.TypedChoiceField(
        label=_("Partner organisation"),
        help_text=_("Only when a partner organisation does this."),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose an organisation of the list.")},
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    due_on = forms.DateField(
        label=_("Done by"),
        widget=DateInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in organisations}
        field = self.fields["owner_organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "–"), *((o.pk, o.name) for o in organisations)]

    def clean_owner_organisation(self) -> Organisation | None:
        pk = self.cleaned_data.get("owner_organisation")
        return None if pk is None else self._organisations[pk]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
