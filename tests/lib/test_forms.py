"""Amounts are read the way Dutch users type them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms

from doorbraak.lib.forms import EuroField


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1250", Decimal("1250")),
        ("1250,50", Decimal("1250.50")),
        ("1.250,50", Decimal("1250.50")),
        ("1.250", Decimal("1250")),
        ("€ 1250.5", Decimal("1250.5")),
        ("12.5", Decimal("12.5")),
    ],
)
def test_it_reads_amounts_as_people_type_them(typed: str, expected: Decimal) -> None:
    assert EuroField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["twaalf", "1,2,3", "1.2.3,4,5", "12,345", "-"])
def test_it_refuses_what_is_not_an_amount(typed: str) -> None:
    with pytest.raises(forms.ValidationError):
        EuroField().clean(typed)


def test_it_converts_to_cents() -> None:
    assert EuroField().cents(Decimal("1250.505")) == 125051
    assert EuroField().cents(None) is None


def test_the_date_picker_gets_an_iso_date_also_in_dutch() -> None:
    import datetime

    from django.utils import translation

    from doorbraak.lib.forms import DateInput

    with translation.override("nl"):
        html = DateInput().render("day", datetime.date(2026, 11, 29))
    assert 'type="date"' in html
    assert 'value="2026-11-29"' in html
