"""The casebook's search form kept as HTML (issue 20) is byte for byte what the template
renders for the same form: unbound, with each filter, with a search text to escape, in
Dutch and English, and a form with errors is left to the template."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.casebook.forms import SEARCH_MARK, ExampleSearchForm, search_form_html
from doorbraak.library.models import Regulation
from tests.factories import OrganisationFactory

MUNICIPALITIES = ["Noord & Zuid", "Oost"]


@pytest.fixture
def choices(db: None) -> dict[str, str]:
    cache.clear()
    regulation = Regulation.objects.create(
        law="Participatiewet", article="18", citation='Pw art. 18 & <19> "b"'
    )
    Regulation.objects.create(law="Woningwet", article="7", citation="Woningwet art. 7")
    organisation = OrganisationFactory(name="UWV & <SVB>", national=True)
    OrganisationFactory(name="Lokaal")  # of a municipality: not a choice
    return {"regulation": str(regulation.pk), "organisation": str(organisation.pk)}


def _templated(data: dict[str, str] | None) -> str:
    form = ExampleSearchForm(data, municipalities=MUNICIPALITIES)
    return render_to_string("includes/form.html", {"form": form})


def _kept(data: dict[str, str] | None) -> str | None:
    html = search_form_html(ExampleSearchForm(data, municipalities=MUNICIPALITIES))
    return None if html is None else str(html)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"q": ""},
        {"theme": "schulden"},
        {"regulation": "REGULATION"},
        {"organisation": "ORGANISATION"},
        {"result": "opgelost"},
        {"municipality": "Noord & Zuid"},
        {"q": 'huur <b>&amp; "schuld"'},
        {"q": "  ", "result": "opgelost"},
        {"q": "bijstand", "regulation": "REGULATION", "municipality": "Oost"},
    ],
)
def test_the_kept_form_is_what_the_template_renders(
    choices: dict[str, str], language: str, data: dict[str, str] | None
) -> None:
    if data is not None:
        data = {
            name: choices.get(value.lower(), value) if value.isupper() else value
            for name, value in data.items()
        }
    with translation.override(language):
        expected = _templated(data)
        assert _kept(data) == expected  # rendered and kept
        assert _kept(data) == expected  # from the cache
    assert SEARCH_MARK not in expected
    if data and any(value.strip() for name, value in data.items() if name != "q"):
        assert " selected>" in expected


def test_the_search_text_is_not_kept_and_the_choices_are_read_afresh(
    choices: dict[str, str],
) -> None:
    with translation.override("nl"):
        first = _kept({"q": "<eerste>"})
        assert first is not None
        assert "&lt;eerste&gt;" in first
        second = _kept({"q": "tweede"})
        assert second is not None
        assert "tweede" in second
        assert "eerste" not in second
        Regulation.objects.create(law="Nieuwe wet", article="1", citation="Nieuwe wet art. 1")
        assert "Nieuwe wet art. 1" in (_kept(None) or "")
        assert _kept(None) == _templated(None)


@pytest.mark.parametrize(
    "data",
    [{"regulation": "999999"}, {"theme": "onbekend"}, {"q": "x" * 201}],
)
def test_a_form_with_errors_is_rendered_by_the_template(
    choices: dict[str, str], data: dict[str, Any]
) -> None:
    assert _kept(data) is None
