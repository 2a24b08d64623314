"""Helpers for the tests of the limits on free text (``doorbraak.lib.limits``).

A free-text case is the real entry point of one field (a service, a page or an API call)
given a text, and a way to read back what was stored. :func:`check_text_limit` gives it a
text one character too long — refused with the Dutch message, and nothing in the database
changes — and then a text of exactly the limit, which is kept whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation


def text(length: int) -> str:
    """Synthetic Dutch-looking text of exactly ``length`` characters, without edge spaces."""
    words = ("huurachterstand regiehouder maatwerk doorbraak " * (length // 40 + 1))[:length]
    return words[:-1] + "." if length else ""


def database_counts(*, reads: bool = True) -> dict[str, int]:
    """The number of rows of every table of Doorbraak, the processing log included.

    ``reads=False`` leaves out the processing log's records of reads and searches: a page
    that shows the form again with its error reads the household again, and says so.
    """
    from doorbraak.audit.models import ProcessingAction, ProcessingLog

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("doorbraak.")
    }
    if not reads:
        counts["audit.ProcessingLog"] = ProcessingLog.objects.exclude(
            action__in=[ProcessingAction.READ, ProcessingAction.SEARCH]
        ).count()
    return counts


def too_long_message(limit: int) -> str:
    return f"Gebruik maximaal {limit} tekens; u gebruikte er {limit + 1}."


@dataclass
class TextCase:
    """``run(text)`` through the real entry point; ``stored()`` the text as it is stored now."""

    run: Callable[[str], object]
    stored: Callable[[], str]


def check_text_limit(case: TextCase, limit: int) -> None:
    """Over the limit: refused in Dutch, nothing stored. At the limit: stored whole."""
    before, stored = database_counts(), case.stored()
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        case.run(text(limit + 1))
    assert too_long_message(limit) in refused.value.messages, refused.value.messages
    after = database_counts()
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert changed == {}, changed
    assert case.stored() == stored, "the stored text changed"
    with translation.override("nl"):
        case.run(text(limit))
    assert text(limit) in case.stored(), "the text at the limit was not kept"
