"""The ``euros`` template filter: cents shown as Dutch euros."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Engine

from doorbraak.lib.templatetags.money import euros


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (0, "€ 0,00"),
        (5, "€ 0,05"),
        (123456, "€ 1.234,56"),
        (100_000_000, "€ 1.000.000,00"),
        (-500, "\u2212 € 5,00"),
        (-123456, "\u2212 € 1.234,56"),
        (-34920, "− € 349,20"),
        (Decimal("1999.6"), "€ 20,00"),
        ("2500", "€ 25,00"),
        (None, "–"),
        ("", "–"),
        ("abc", "–"),
        (True, "–"),
    ],
)
def test_it_shows_cents_as_dutch_euros(cents: Any, shown: str) -> None:
    assert euros(cents) == shown


def test_it_works_as_a_template_filter() -> None:
    engine = Engine(libraries={"money": "doorbraak.lib.templatetags.money"})
    template = engine.from_string("{% load money %}{{ amount|euros }}")
    assert template.render(Context({"amount": 98765})) == "€ 987,65"
