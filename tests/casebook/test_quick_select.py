"""The casebook's selects are written in Python, byte for byte as the widget templates write
them (issue 20): Django's ``select.html`` with the project's ``select_option.html``."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation

from doorbraak.casebook.forms import ExampleSearchForm, QuickSelect
from doorbraak.lib.forms import StyledFormMixin
from doorbraak.library.models import Regulation

CHOICES: list[Any] = [
    ("", "---------"),
    ("a&b", "Zorg & <welzijn>"),
    (7, 2026),
    ("Groep", [("x", "Binnen een groep"), ("y", 'Met "aanhalingstekens"')]),
]


class _Both(StyledFormMixin, forms.Form):
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)
    plain = forms.ChoiceField(choices=CHOICES, required=False)


def _same(form: forms.Form, quick: str, plain: str) -> None:
    written = str(form[quick]).replace(f'"{quick}"', '"NAME"').replace(f"id_{quick}", "ID")
    templated = str(form[plain]).replace(f'"{plain}"', '"NAME"').replace(f"id_{plain}", "ID")
    assert written == templated


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("value", [None, "a&b", "7", "y"])
def test_it_writes_what_the_templates_write(language: str, value: str | None) -> None:
    data = None if value is None else {"quick": value, "plain": value}
    with translation.override(language):
        form = _Both(data)
        form.is_valid()
        _same(form, "quick", "plain")
        assert "Kies…" in str(form["quick"]) if language == "nl" else True


@pytest.mark.django_db
def test_it_writes_the_search_form_as_the_templates_do() -> None:
    Regulation.objects.create(law="Participatiewet", article="18", citation="Pw art. 18 & 19")
    form = ExampleSearchForm({"regulation": ""}, municipalities=["Noord & Zuid", "Oost"])
    form.is_valid()
    for name in ("theme", "regulation", "organisation", "result", "municipality"):
        field = form.fields[name]
        quick = str(form[name])
        field.widget = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
        assert quick == str(form[name]), name
