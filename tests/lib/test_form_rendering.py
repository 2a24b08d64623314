"""Generic form rendering: "Kies…" on every select, the error summary on every form page,
and one date format per language."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.accounts.models import Municipality
from doorbraak.lib.forms import StyledFormMixin
from doorbraak.lib.templatetags.money import format_euros

SRC = Path(__file__).resolve().parents[2] / "src" / "doorbraak"


class _Form(StyledFormMixin, forms.Form):
    name = forms.CharField(label="Naam")
    colour = forms.ChoiceField(label="Kleur", choices=[("", "---------"), ("r", "Rood")])
    size = forms.ChoiceField(
        label="Maat", choices=[("s", "Klein"), ("l", "Groot")], widget=forms.RadioSelect
    )


class _PlainForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Gemeente", queryset=Municipality.objects.none(), required=False
    )


def test_the_empty_choice_reads_kies_in_dutch_and_choose_in_english() -> None:
    with translation.override("nl"):
        html = str(_PlainForm()["municipality"]) + str(_Form()["colour"])
    assert "---------" not in html
    assert html.count(">Kies…</option>") == 2
    with translation.override("en"):
        assert ">Choose…</option>" in str(_PlainForm()["municipality"])


def test_a_failed_form_opens_with_an_error_summary_linking_to_the_fields() -> None:
    form = _Form(data={"name": "", "colour": "", "size": ""})
    form.add_error(None, "Het huishouden is gesloten.")
    with translation.override("nl"):
        html = render_to_string("includes/form.html", {"form": form})
    summary = html.split("data-error-summary", 1)[1].split("</div>", 2)[0]
    assert 'tabindex="-1"' in html.split("data-error-summary")[0][-120:]
    assert "Verbeter het volgende" in summary
    assert "Het huishouden is gesloten." in summary
    assert 'href="#id_name"' in summary
    assert 'href="#id_colour"' in summary
    assert 'href="#id_size_0"' in summary  # a radio group: its first option
    assert 'id="id_size_0"' in html
    # The form itself still shows each error at its field.
    assert 'id="id_name_error"' in html


def test_a_valid_or_unbound_form_has_no_summary() -> None:
    assert "data-error-summary" not in render_to_string("includes/form.html", {"form": _Form()})


def test_the_error_summary_script_focuses_it() -> None:
    script = (SRC / "static" / "js" / "doorbraak.js").read_text()
    assert "[data-error-summary]" in script
    assert ".focus()" in script


@pytest.mark.parametrize(
    ("language", "date", "datetime_"),
    [
        ("nl", "6 december 2026", "6 december 2026, 14:30"),
        ("en", "6 December 2026", "6 December 2026, 14:30"),
    ],
)
def test_one_date_format_per_language(language: str, date: str, datetime_: str) -> None:
    template = Template('{{ day|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}')
    context = Context(
        {"day": datetime.date(2026, 12, 6), "moment": datetime.datetime(2026, 12, 6, 14, 30)}
    )
    with translation.override(language):
        assert template.render(context) == f"{date}|{datetime_}"


# Machine formats (a datetime attribute, an input value), the weekday before a date, and
# the seconds of the processing log: everything else names a format.
_ALLOWED_PATTERNS = {"c", "Y-m-d", "l", "H:i:s"}


def test_templates_name_a_date_format_instead_of_a_pattern() -> None:
    patterns = re.compile(r"\|date:[\"']([^\"']*)[\"']")
    wrong = [
        f"{path.relative_to(SRC)}: {pattern}"
        for path in sorted(SRC.glob("**/templates/**/*.html"))
        for pattern in patterns.findall(path.read_text())
        if not pattern.endswith("_FORMAT") and pattern not in _ALLOWED_PATTERNS
    ]
    assert not wrong, wrong


def test_money_follows_the_language() -> None:
    with translation.override("nl"):
        assert format_euros(123456) == "€ 1.234,56"
    with translation.override("en"):
        assert format_euros(123456) == "€1,234.56"
