"""The administrator's form for a new API client."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.apiclients import selectors
from doorbraak.accounts.apiclients.scopes import ApiScope
from doorbraak.accounts.apiclients.services import CLIENT_ROLES
from doorbraak.accounts.models import Municipality, Organisation, Team
from doorbraak.lib.forms import StyledFormMixin


class ApiClientForm(StyledFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("For example the name of the system that calls the API."),
        error_messages={"required": _("Give the client a name.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        choices=[(role.value, role.label) for role in CLIENT_ROLES],
        help_text=_("The client sees exactly what a person in this role of the organisation sees."),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("Only for a professional or team lead."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Parts of the API"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one part of the API.")},
        help_text=_("The client can call only these parts; every other part answers 403."),
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
        if len(municipalities) == 1:
            field.initial = municipalities[0]
            field.widget = forms.HiddenInput()
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = selectors.client_organisations(municipalities=municipalities)
        team = self.fields["team"]
        assert isinstance(team, forms.ModelChoiceField)
        team.queryset = selectors.client_teams(municipalities=municipalities)
