from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    """Step one: user name and password (lock-out is counted by django-axes)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class TokenForm(StyledFormMixin, forms.Form):
    """Step two: the six-digit code from the authenticator app."""

    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*[0-9]{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Enter the six digits shown in your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": "8"}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return token.strip()
