"""Forms of the breakthrough-table pages: they only parse input; the services decide."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Organisation, User
from doorbraak.breakthroughs.models import Breakthrough, EscalationLevel
from doorbraak.lib import limits
from doorbraak.lib.forms import (
    DateInput,
    EuroField,
    StyledFormMixin,
    offer,
    posted_choice,
    text_area,
)
from doorbraak.lib.forms import add_service_errors as put_service_errors
from doorbraak.tables.models import TableMember, TableOutcome

MAX_ACTIONS = 3

#: Service error keys that have another name on the form.
_FIELD_NAMES = {
    "starts_at": "date",
    "ends_at": "end_time",
    "fund_amount_cents": "fund_amount",
}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, with this app's field names."""
    put_service_errors(form, error, rename=_FIELD_NAMES)


class TimeInput(forms.TimeInput):
    """The browser's time picker (``14:30``)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _user_label(user: User) -> str:
    return user.get_full_name() or user.username


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class BreakthroughChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The chair's picker: no personal data, and no free text of a case not at the table.

    A case that reached the table (level 3 or higher) is named by its id, the bottleneck's
    title and its level, as in the table queue the chair already sees. A case still at
    level 1 or 2 is the team's and the partner's: the chair sees only its id, the theme of
    the bottleneck, its level and the deadline of that level — enough to call up a case
    whose deadline is running out, not what is stuck (docs/need-to-know.md).
    """

    def label_from_instance(self, obj: Any) -> str:
        breakthrough: Breakthrough = obj
        level = str(EscalationLevel(breakthrough.level).label)
        if breakthrough.level >= EscalationLevel.TABLE:
            return f"#{breakthrough.pk} — {breakthrough.bottleneck.title} — {level}"
        deadline = (
            date_format(breakthrough.level_deadline, "SHORT_DATE_FORMAT")
            if breakthrough.level_deadline
            else "–"
        )
        return _("#%(id)s — %(theme)s — %(level)s, deadline %(deadline)s") % {
            "id": breakthrough.pk,
            "theme": breakthrough.bottleneck.get_theme_display(),
            "level": level,
            "deadline": deadline,
        }


# --- meetings ------------------------------------------------------------------------------------
class MeetingForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput())
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("The room and address, or leave empty for an online meeting."),
    )
    online_url = forms.CharField(
        label=_("Online link"),
        max_length=200,
        required=False,
        help_text=_("Starts with https://."),
        widget=forms.URLInput(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=zone)
            data["ends_at"] = datetime.datetime.combine(day, end, tzinfo=zone)
            if end <= start:
                self.add_error("end_time", _("The meeting ends after it starts."))
        return data

    @classmethod
    def initial_for(
        cls, starts_at: datetime.datetime, ends_at: datetime.datetime
    ) -> dict[str, Any]:
        start = timezone.localtime(starts_at)
        end = timezone.localtime(ends_at)
        return {"date": start.date(), "start_time": start.time(), "end_time": end.time()}


# --- agenda --------------------------------------------------------------------------------------
class PostponeForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Why postpone"), max_length=300, required=False)


class MoveForm(forms.Form):
    position = forms.IntegerField(min_value=1, max_value=1000)


class AgendaAddForm(StyledFormMixin, forms.Form):
    breakthrough = BreakthroughChoiceField(
        label=_("Case"), queryset=Breakthrough.objects.none(), empty_label=_("Choose a case")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Breakthrough], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Validates a POST by primary key against every candidate; ``offer`` lists a few.
        self.fields["breakthrough"].queryset = candidates  # type: ignore[attr-defined]

    def offer(self, breakthroughs: Iterable[Breakthrough]) -> None:
        """List only these cases in the picker (never every candidate)."""
        offer(self.fields["breakthrough"], breakthroughs)

    def chosen(self) -> Breakthrough | None:
        """The case of a POST that passed the field's validation, else None."""
        return cast("Breakthrough | None", posted_choice(self, "breakthrough", Breakthrough))


# --- meeting mode ----------------------------------------------------------------------------
PRESENCE_CHOICES = [("1", _("Present")), ("0", _("Absent"))]


class AttendanceForm(StyledFormMixin, forms.Form):
    """Present or absent for every member of the table."""

    def __init__(
        self, *args: Any, members: Iterable[TableMember], present: dict[int, bool], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{_user_label(member.user)} ({member.organisation.name})",
                choices=PRESENCE_CHOICES,
                widget=forms.RadioSelect,
                initial=(
                    None if member.pk not in present else ("1" if present[member.pk] else "0")
                ),
            )

    def presence(self) -> list[tuple[TableMember, bool]]:
        return [(m, self.cleaned_data[f"member_{m.pk}"] == "1") for m in self.members]


class DecisionForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=TableOutcome.choices, widget=forms.RadioSelect
    )
    reason = text_area(
        _("Reason"),
        limit=limits.TEXT,
        rows=3,
        help_text=_("Why the table decided this, in plain words."),
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required when the table approves."),
    )
    responsible_user = UserChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    fund_amount = EuroField(
        label=_("Amount from the fund (euros)"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("Only when money unblocks the case."),
    )
    fund_purpose = forms.CharField(label=_("What the money is for"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        users: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["responsible_user"].queryset = users  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("fund_amount")
        if amount is not None and not data.get("fund_purpose", "").strip():
            self.add_error("fund_purpose", _("Say what the money is for."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        amount = data.get("fund_amount")
        return {
            "outcome": data["outcome"],
            "reason": data["reason"],
            "responsible_organisation": data.get("responsible_organisation"),
            "responsible_user": data.get("responsible_user"),
            "fund_amount_cents": (
                self.fields["fund_amount"].cents(amount)  # type: ignore[attr-defined]
                if amount is not None
                else None
            ),
            "fund_purpose": data.get("fund_purpose") or "",
        }


class ActionForm(StyledFormMixin, forms.Form):
    """One follow-up action; an action without a description is left out."""

    description = forms.CharField(label=_("What"), max_length=300, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    responsible_user = UserChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        users: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["responsible_user"].queryset = users  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("description") or "").strip():
            if data.get("organisation") is None:
                self.add_error("organisation", _("Choose the organisation that acts."))
            if data.get("due_on") is None and "due_on" not in self.errors:
                self.add_error("due_on", _("Give a deadline."))
        return data

    @property
    def is_filled(self) -> bool:
        return bool((self.cleaned_data.get("description") or "").strip())


class BaseActionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def filled(self) -> list[ActionForm]:
        return [f for f in self.forms if f.is_filled]


ActionFormSet = forms.formset_factory(
    ActionForm,
    formset=BaseActionFormSet,
    extra=MAX_ACTIONS,
    max_num=MAX_ACTIONS,
    absolute_max=MAX_ACTIONS,
    validate_max=True,
)


def action_formset(
    data: Any,
    *,
    organisations: QuerySet[Organisation],
    users: QuerySet[User],
    initial: list[dict[str, Any]] | None = None,
) -> BaseActionFormSet:
    return cast(
        BaseActionFormSet,
        ActionFormSet(
            data,
            prefix="actions",
            initial=initial,
            form_kwargs={"organisations": organisations, "users": users},
        ),
    )


# --- follow-up -----------------------------------------------------------------------------------
class FollowUpDoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(label=_("How it was done"), max_length=300, required=False)


class YearForm(forms.Form):
    jaar = forms.IntegerField(min_value=2000, max_value=2100, required=False)
