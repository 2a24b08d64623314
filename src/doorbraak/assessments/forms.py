"""Forms of the assessment pages: who and when, and a score 1–5 per life domain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.assessments.models import AssessmentKind, LifeDomain
from doorbraak.households.forms import date_field
from doorbraak.households.models import CloseReason, Member
from doorbraak.lib import limits
from doorbraak.lib.forms import DateInput, StyledFormMixin, text_area

SCORES = range(1, 6)
NOT_ASKED = ""


class AssessmentForm(forms.Form):
    """The date, the kind and the person (or the household as a whole) assessed."""

    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        widget=DateInput(attrs={"class": "utrecht-textbox"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of assessment"),
        widget=forms.RadioSelect(attrs={"class": "utrecht-radio-button"}),
    )
    member = forms.ChoiceField(
        label=_("For whom"),
        required=False,
        help_text=_("The household as a whole, or one of its current members."),
        widget=forms.Select(attrs={"class": "utrecht-select"}),
    )
    note = text_area(
        _("Note on the whole assessment"),
        limit=limits.SHORT_TEXT,
        required=False,
        rows=3,
        attrs={"class": "utrecht-textarea"},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        members: list[Member],
        kinds: list[AssessmentKind],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate(), "kind": kinds[0]})
        super().__init__(data, **kwargs)
        self.members = {str(m.public_id): m for m in members}
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            (NOT_ASKED, _("The household as a whole")),
            *((key, m.full_name) for key, m in self.members.items()),
        ]
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]  # type: ignore[attr-defined]

    def clean_member(self) -> Member | None:
        key = self.cleaned_data.get("member") or ""
        return self.members.get(key) if key else None


class DomainScoresForm(forms.Form):
    """Per domain: the professional's score, optionally the household's own, and a note.

    Field names follow the service's error keys: ``domain_<pk>`` is the score.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        domains: list[LifeDomain],
        own_scores: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.domains = domains
        own_scores = own_scores or {}
        for domain in domains:
            self.fields[f"domain_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.name,
                coerce=int,
                choices=[(s, f"{s}: {domain.level(s)}") for s in SCORES],
                widget=forms.RadioSelect(
                    attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
                ),
                error_messages={
                    "required": _("Score %(domain)s.") % {"domain": domain.name},
                    "invalid_choice": _("A score is a whole number from 1 to 5."),
                },
            )
            self.fields[f"self_{domain.pk}"] = forms.TypedChoiceField(
                label=_("The household's own score"),
                coerce=int,
                empty_value=None,
                required=False,
                choices=[(NOT_ASKED, _("Not asked")), *((s, str(s)) for s in SCORES)],
                # A select beside the scores keeps the matrix one row per domain.
                widget=forms.Select(attrs={"class": "utrecht-select za-self-select"}),
                error_messages={"invalid_choice": _("A score is a whole number from 1 to 5.")},
            )
            self.fields[f"note_{domain.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "utrecht-textbox"}),
            )
            if not self.is_bound:
                # The household's own scores from its page (``/mijn/``), where it filled them in.
                self.initial[f"self_{domain.pk}"] = own_scores.get(domain.pk, NOT_ASKED)

    def rows(self) -> list[dict[str, Any]]:
        """One entry per domain with its three bound fields, for the template.

        ``options`` pairs each score's radio with its number and level text, so the matrix
        shows the number on the button and the level text of the chosen score beside it.
        """
        rows = []
        for d in self.domains:
            score = self[f"domain_{d.pk}"]
            rows.append(
                {
                    "domain": d,
                    "score": score,
                    "options": [
                        {"radio": radio, "value": value, "level": d.level(value)}
                        for radio, value in zip(score, SCORES, strict=True)
                    ],
                    "self_score": self[f"self_{d.pk}"],
                    "note": self[f"note_{d.pk}"],
                }
            )
        return rows

    def scores(self) -> list[tuple[int, int, int | None, str]]:
        """(domain id, score, self score, note) for every domain; call after ``is_valid``."""
        data = self.cleaned_data
        return [
            (d.pk, data[f"domain_{d.pk}"], data.get(f"self_{d.pk}"), data.get(f"note_{d.pk}", ""))
            for d in self.domains
        ]


def add_errors(error: ValidationError, header: AssessmentForm, scores: DomainScoresForm) -> None:
    """Put the service's errors on the field they concern, others at the top of the page."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            header.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        for message in messages:
            if key in header.fields:
                header.add_error(key, message)
            elif key in scores.fields:
                scores.add_error(key, message)
            else:
                header.add_error(None, message)


# --- closing and reopening a household ------------------------------------------------------
class CloseForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", _("Choose…")), *CloseReason.choices]
    )
    note = text_area(_("Closing note"), limit=limits.SHORT_TEXT, required=False)
    closed_on = date_field(_("Closed on"))


class ReopenForm(StyledFormMixin, forms.Form):
    note = text_area(_("Why is the household reopened?"), limit=limits.SHORT_TEXT)
