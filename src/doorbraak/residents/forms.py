"""The household's own scores: per life domain a level from 1 to 5, or skipped."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doorbraak.assessments.models import LifeDomain

SCORES = range(1, 6)
SKIPPED = ""


class OwnScoresForm(forms.Form):
    """One optional choice per domain (``domain_<pk>``); at least one must be chosen."""

    def __init__(
        self,
        data: Any = None,
        *,
        domains: list[LifeDomain],
        scores: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.domains = domains
        for domain in domains:
            self.fields[f"domain_{domain.pk}"] = forms.TypedChoiceField(
                label=domain.name,
                coerce=int,
                empty_value=None,
                required=False,
                choices=[
                    *((s, f"{s}: {domain.level(s)}") for s in SCORES),
                    (SKIPPED, _("I do not know, or I skip this one")),
                ],
                widget=forms.RadioSelect(attrs={"class": "utrecht-radio-button"}),
                error_messages={"invalid_choice": _("Choose a number from 1 to 5.")},
            )
            if not self.is_bound:
                self.initial[f"domain_{domain.pk}"] = (scores or {}).get(domain.pk, SKIPPED)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(v is not None for v in data.values()):
            raise ValidationError(_("Choose a number for at least one part of your life."))
        return data

    def scores(self) -> dict[int, int]:
        """Domain id -> score of the domains chosen; call after ``is_valid``."""
        return {
            d.pk: self.cleaned_data[f"domain_{d.pk}"]
            for d in self.domains
            if self.cleaned_data.get(f"domain_{d.pk}") is not None
        }
