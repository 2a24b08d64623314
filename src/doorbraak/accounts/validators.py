"""Password rules beyond Django's own: length alone does not stop 'aaaaaaaaaaaa'."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class LengthValidator(MinimumLengthValidator):
    """Django's length rule with our own message: Django 5.2.19 changed its message id
    and its Dutch catalogue has not caught up, so users would read English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CharacterClassValidator:
    """Require at least three of: lower case, upper case, digit, other character."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _(
                    "Your password must contain at least three of these: lower-case letters, "
                    "capital letters, digits and other characters."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Use at least three of these: lower-case letters, capital letters, digits and "
            "other characters."
        )
