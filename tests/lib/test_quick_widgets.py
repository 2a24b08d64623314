"""The widgets written in Python (``lib.forms``: QuickTextInput, QuickTextarea,
QuickRadioSelect) write byte for byte what Django's widget templates write (issue 20), for
unbound and bound forms, chosen and invalid values, text that needs escaping and both
languages. The fund request form, which uses them, is compared as a whole too."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from doorbraak.breakthroughs.models import Breakthrough
from doorbraak.catalogue.models import CostItem
from doorbraak.funds.forms import FundRequestForm
from doorbraak.funds.models import Fund
from doorbraak.lib.forms import (
    QuickRadioSelect,
    QuickSelect,
    QuickTextarea,
    QuickTextInput,
    StyledFormMixin,
)

CHOICES: list[Any] = [
    ("iban", _("Bank transfer")),
    ("a&b", 'Zorg & <welzijn> "x"'),
    (7, 2026),
    ("Groep", [("x", "Binnen een groep"), ("y", "Nog een")]),
]
PLAIN = {
    QuickTextInput: forms.TextInput,
    QuickTextarea: forms.Textarea,
    QuickRadioSelect: forms.RadioSelect,
    QuickSelect: forms.Select,
}


class _Form(StyledFormMixin, forms.Form):
    text = forms.CharField(max_length=20, widget=QuickTextInput(attrs={"inputmode": "x&y"}))
    optional = forms.CharField(required=False, widget=QuickTextInput)
    area = forms.CharField(required=False, widget=QuickTextarea(attrs={"rows": 3}))
    radio = forms.ChoiceField(choices=CHOICES, widget=QuickRadioSelect)
    grouped = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickRadioSelect)


def _templated(form: forms.Form, name: str) -> str:
    """The field as the templates write it: the same widget's plain Django class."""
    field = form.fields[name]
    quick = field.widget
    plain = PLAIN[type(quick)](attrs=quick.attrs)
    if hasattr(quick, "choices"):
        plain.choices = quick.choices  # type: ignore[attr-defined]
    field.widget = plain
    try:
        return str(form[name])
    finally:
        field.widget = quick


def _assert_same(form: forms.Form) -> None:
    for name in form.fields:
        assert str(form[name]) == _templated(form, name), name


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": 'a "b" & <c>', "area": "regel 1\nregel <2> & 3", "radio": "a&b", "grouped": "y"},
        {"text": "x" * 30, "radio": "onbekend", "grouped": "7"},
        {"text": "", "optional": "0", "area": "", "radio": "7"},
    ],
)
def test_the_quick_widgets_write_what_the_templates_write(
    language: str, data: dict[str, str] | None
) -> None:
    with translation.override(language):
        form = _Form(data, initial={"radio": "iban", "area": mark_safe("<b>al veilig</b>")})
        form.is_valid()  # errors give aria-invalid and an extra class
        _assert_same(form)


def test_a_quick_radio_without_id_or_class_writes_what_the_template_writes() -> None:
    quick = QuickRadioSelect(choices=CHOICES).render("r", "x", attrs={})
    assert quick == forms.RadioSelect(choices=CHOICES).render("r", "x", attrs={})
    assert 'value="x" checked' in quick


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_fund_request_form_is_written_as_the_templates_write_it(language: str) -> None:
    data = {"summary": "Huur <maart>", "amount": "12,5", "payee_kind": "natura", "iban": "x"}
    with translation.override(language):
        for bound in (None, data):
            form = FundRequestForm(
                bound,
                funds=Fund.objects.none(),
                households=None,
                breakthroughs=Breakthrough.objects.none(),
                cost_items=CostItem.objects.none(),
                initial={"payee_kind": "iban"},
            )
            form.is_valid()
            _assert_same(form)
