"""The processing log's filter form uses the widgets written in Python (issue 20): the form
renders byte for byte as it did with Django's widget templates, unbound, bound, with text
to escape, with errors and in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.audit.forms import ProcessingLogFilterForm
from doorbraak.lib.forms import QuickSelect, QuickTextInput

PLAIN: dict[type[Any], type[forms.Widget]] = {
    QuickTextInput: forms.TextInput,
    QuickSelect: forms.Select,
}


def _rendered(data: dict[str, str] | None, *, plain: bool) -> str:
    form = ProcessingLogFilterForm(data)
    if plain:
        for field in form.fields.values():
            quick = field.widget
            if type(quick) in PLAIN:
                widget = PLAIN[type(quick)](attrs=quick.attrs)
                if hasattr(quick, "choices"):
                    widget.choices = quick.choices  # type: ignore[attr-defined]
                field.widget = widget
    return render_to_string("includes/form.html", {"form": form})


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"person": 'p<&>"1', "username": "jan & <piet>", "action": "read"},
        {"search_term": 'Dorpsstraat 1 & "2"', "date_from": "2026-01-01"},
        {"person": "123456789", "action": "onbekend", "date_from": "2026-02-01", "date_to": "1"},
        {"username": "x" * 200},
    ],
)
def test_the_filter_form_is_written_as_the_templates_write_it(
    language: str, data: dict[str, str] | None
) -> None:
    with translation.override(language):
        assert _rendered(data, plain=False) == _rendered(data, plain=True)
