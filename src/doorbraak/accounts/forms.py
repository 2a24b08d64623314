from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from doorbraak.accounts.throttle import client_ip, password_wait_seconds
from doorbraak.lib.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    """Step one: user name and password (lock-out is counted by django-axes; a name under
    attack from many addresses waits, see ``doorbraak.accounts.throttle``)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if self.request is not None:
            wait = password_wait_seconds(username, client_ip(self.request))
            if wait:
                # Refused before the password is checked: the attempt is not counted.
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed attempts for this user name. Try again in %(n)d second.",
                        "Too many failed attempts for this user name. Try again in %(n)d seconds.",
                        wait,
                    )
                    % {"n": wait},
                    code="throttled",
                )
        return super().clean()


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
