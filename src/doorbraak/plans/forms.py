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
from doorbraak.socialmap.models import Service


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
    service = forms.TypedChoiceField(
        label=_("Service on the social map"),
        help_text=_(
            "The help this action uses. Services for this goal's life domain come first; "
            "type the first letters to jump."
        ),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a service of the list.")},
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    due_on = forms.DateField(
        label=_("Done by"),
        widget=DateInput(attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        services: list[Service] | None = None,
        domain: LifeDomain | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in organisations}
        field = self.fields["owner_organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "–"), *((o.pk, o.name) for o in organisations)]
        services = services or []
        self._services = {s.pk: s for s in services}
        service_field = self.fields["service"]
        assert isinstance(service_field, forms.TypedChoiceField)
        if not services:
            del self.fields["service"]
            return
        # With 60+ services a flat list is long: those for the goal's life domain come first,
        # in their own group, then every other service, each "organisation – service".
        matching = [s for s in services if domain is not None and domain in s.life_domains.all()]
        others = [s for s in services if s not in matching]

        def options(group: list[Service]) -> list[tuple[int, str]]:
            return [(s.pk, f"{s.organisation_name} – {s.name}") for s in group]

        choices: list[Any] = [("", _("No service"))]
        if matching:
            choices.append(
                (_("For %(domain)s") % {"domain": domain.name if domain else ""}, options(matching))
            )
        if others:
            choices.append((_("Other services") if matching else _("Services"), options(others)))
        service_field.choices = choices

    def clean_owner_organisation(self) -> Organisation | None:
        pk = self.cleaned_data.get("owner_organisation")
        return None if pk is None else self._organisations[pk]

    def clean_service(self) -> Service | None:
        pk = self.cleaned_data.get("service")
        return None if pk is None else self._services[pk]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )


class PlanStartForm(forms.Form):
    """The first plan in one form: the household's commitment, the first goal and its action.

    The fields are those of :class:`CommitmentForm`, :class:`GoalForm` and
    :class:`ActionForm`, named ``commitment``, ``goal_*`` and ``action_*``; more goals and
    actions are added on the plan page afterwards.
    """

    def __init__(
        self,
        *args: Any,
        domains: list[LifeDomain],
        organisations: list[Organisation],
        services: list[Service] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        goal = GoalForm(domains=domains)
        action = ActionForm(organisations=organisations, services=services)
        self._domains = {d.pk: d for d in domains}
        self._organisations = {o.pk: o for o in organisations}
        self._services = {s.pk: s for s in services or []}
        self.fields["commitment"] = CommitmentForm().fields["commitment"]
        for name, field in goal.fields.items():
            self.fields[f"goal_{name}"] = field
        for name, field in action.fields.items():
            self.fields[f"action_{name}"] = field
        self.fields["goal_domain"].label = _("Life domain of the first goal")
        self.fields["goal_description"].label = _("First goal")
        self.fields["action_description"].label = _("First action: what")
        self.fields["action_owner"].label = _("First action: who")
        self.fields["action_due_on"].label = _("First action: done by")

    def clean_goal_domain(self) -> LifeDomain:
        return self._domains[self.cleaned_data["goal_domain"]]

    def clean_action_owner_organisation(self) -> Organisation | None:
        pk = self.cleaned_data.get("action_owner_organisation")
        return None if pk is None else self._organisations[pk]

    def clean_action_service(self) -> Service | None:
        pk = self.cleaned_data.get("action_service")
        return None if pk is None else self._services[pk]
