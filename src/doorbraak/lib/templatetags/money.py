"""Template filters for money: amounts are integer cents, shown the way of the language
(Dutch ``€ 1.234,56``, English ``€1,234.56``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import translation

register = template.Library()


def format_euros(cents: Any) -> str:
    """``123456`` → ``€ 1.234,56``; ``-500`` → ``− € 5,00``; nothing or nonsense → ``–``.

    A negative amount starts with the minus sign (U+2212) before the euro sign, as Dutch
    typography and screen readers expect ("min vijf euro"), never ``€ -5,00``. In English:
    ``€1,234.56`` and ``− €5.00``.
    """
    if cents is None or cents == "" or isinstance(cents, bool):
        return "–"
    try:
        value = Decimal(str(cents))
    except (InvalidOperation, ValueError):
        return "–"
    if not value.is_finite():
        return "–"
    whole_cents = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "\u2212 " if whole_cents < 0 else ""
    euros, rest = divmod(abs(whole_cents), 100)
    if (translation.get_language() or "nl").startswith("en"):
        # English: ``€1,234.56``, as an English reader expects it (the same on every page).
        return f"{sign}€{euros:,}.{rest:02d}"
    grouped = f"{euros:,}".replace(",", ".")
    return f"{sign}€ {grouped},{rest:02d}"


@register.filter
def euros(cents: Any) -> str:
    """Cents as Dutch euros: ``{{ line.cost_cents|euros }}`` → ``€ 1.234,56``."""
    return format_euros(cents)
