"""Dutch identifiers: BSN (elfproef, via python-stdnum), postcode and house number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
# Letter pairs the post office does not use (they read as abbreviations).
_EXCLUDED_LETTERS = {"SA", "SD", "SS"}


def normalise_postcode(value: str) -> str:
    """Return ``1234 AB`` for a valid Dutch postcode; raise ``ValidationError`` otherwise."""
    match = _POSTCODE.match(value or "")
    if not match or match.group(2).upper() in _EXCLUDED_LETTERS:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, for example 3553 AB."),
            code="invalid_postcode",
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def postcode_digits(postcode: str) -> int:
    """The four-digit area of a normalised postcode (used for routing to a district)."""
    return int(normalise_postcode(postcode)[:4])


def validate_house_number(value: int | None) -> None:
    if value is None or not 1 <= value <= 99999:
        raise ValidationError(
            _("Enter a house number between 1 and 99999."), code="invalid_house_number"
        )


def normalise_bsn(value: str) -> str:
    """Return the nine-digit BSN; raise a Dutch ``ValidationError`` when it fails the elfproef."""
    try:
        return str(stdnum_bsn.validate(value))
    except StdnumError:
        raise ValidationError(
            _("This is not a valid BSN: check the nine digits (the elfproef fails)."),
            code="invalid_bsn",
        ) from None
