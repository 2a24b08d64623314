"""Forms of the partner pages: the inbox filter, the answer to a request and to a time-out."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorbraak.breakthroughs.models import RequestStatus
from doorbraak.lib import limits
from doorbraak.lib.forms import StyledFormMixin, text_area

ANSWER_CHOICES = [
    (RequestStatus.ACCEPTED.value, _("Accept: we make the breakthrough happen")),
    (RequestStatus.DECLINED.value, _("Decline, with the reason")),
    (RequestStatus.MORE_INFORMATION.value, _("We need more information first")),
]


class InboxFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All requests")), *RequestStatus.choices],
    )


class RequestAnswerForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Your answer"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )
    answer = text_area(
        _("Explanation"),
        limit=limits.TEXT,
        required=False,
        rows=5,
        help_text=_("Required when you decline or need more information."),
    )


class TimeOutAnswerForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Time-out"),
        choices=[("grant", _("Grant the time-out")), ("refuse", _("Refuse the time-out"))],
        widget=forms.RadioSelect,
    )
    answer = text_area(
        _("Explanation"),
        limit=limits.TEXT,
        required=False,
        rows=3,
        help_text=_("Required when you refuse."),
    )

    @property
    def granted(self) -> bool:
        return bool(self.cleaned_data.get("decision") == "grant")
