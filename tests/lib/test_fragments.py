"""A filter form's HTML kept per language, choices and values (lib/fragments.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from doorbraak.audit.forms import ProcessingLogFilterForm
from doorbraak.lib import fragments
from doorbraak.lib.forms import StyledFormMixin


class _Colours(StyledFormMixin, forms.Form):
    colour = forms.ChoiceField(
        label="Kleur", required=False, choices=[("", "Alle"), ("rood", "Rood"), ("blauw", "Blauw")]
    )
    size = forms.TypedChoiceField(
        label="Maat", required=False, coerce=int, empty_value=None, choices=[("", "-"), (1, "S")]
    )


@pytest.fixture(autouse=True)
def _empty() -> Iterator[None]:
    fragments.forget_kept()
    yield
    fragments.forget_kept()


def _fresh(form: forms.Form) -> str:
    return render_to_string("includes/form.html", {"form": form})


def _form(query: str | None) -> _Colours:
    form = _Colours(QueryDict(query) if query is not None else None)
    form.is_valid()
    return form


def test_the_html_is_what_the_template_renders_and_is_kept(monkeypatch: Any) -> None:
    for query in (None, "colour=rood", "colour=blauw&size=1", "page=2"):
        assert fragments.filter_form_html(_form(query)) == _fresh(_form(query))
    calls: list[str] = []

    def counting(name: str, context: Any) -> str:
        calls.append(name)
        return _fresh(context["form"])

    monkeypatch.setattr(fragments, "render_to_string", counting)
    html = fragments.filter_form_html(_form("colour=rood"))
    assert calls == []
    assert '<option value="rood" selected>' in html
    assert '<option value="blauw" selected>' not in html


def test_each_language_and_each_value_has_its_own_html() -> None:
    with translation.override("nl"):
        dutch = fragments.filter_form_html(_form(None))
    with translation.override("en"):
        english = fragments.filter_form_html(_form(None))
    assert "(niet verplicht)" in dutch
    assert "(optional)" in english
    assert fragments.filter_form_html(_form("colour=rood")) != fragments.filter_form_html(
        _form("colour=blauw")
    )


def test_a_form_with_errors_is_rendered_each_time_with_its_message() -> None:
    form = _form("colour=groen")
    assert form.errors
    html = fragments.filter_form_html(form)
    assert html == _fresh(_form("colour=groen"))
    assert "groen" in html
    assert fragments.kept_count() == 0


def test_free_text_and_database_choices_are_not_kept() -> None:
    class Search(forms.Form):
        q = forms.CharField(required=False)

    class Pick(forms.Form):
        who: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
            queryset=None,  # type: ignore[arg-type]
            required=False,
        )

    with pytest.raises(TypeError):
        fragments.filter_form_html(Search())
    with pytest.raises(TypeError):
        fragments.filter_form_html(Pick())


class _Reason(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Waarom", max_length=300)
    colour = forms.ChoiceField(label="Kleur", choices=[("rood", "Rood")])


def test_a_blank_form_is_kept_per_language_and_auto_id(monkeypatch: Any) -> None:
    first = fragments.blank_form_html(_Reason(auto_id="id_a_%s"))
    assert first == _fresh(_Reason(auto_id="id_a_%s"))
    other = fragments.blank_form_html(_Reason(auto_id="id_b_%s"))
    assert 'id="id_b_reason"' in other
    assert 'id="id_a_reason"' not in other
    with translation.override("en"):
        assert fragments.blank_form_html(_Reason()) == _fresh(_Reason())
    monkeypatch.setattr(fragments, "render_to_string", lambda *_args: "again")
    assert fragments.blank_form_html(_Reason(auto_id="id_a_%s")) == first


def test_only_a_blank_form_of_fixed_fields_is_kept() -> None:
    class Dated(forms.Form):
        on = forms.DateField(initial=datetime.date.today)

    class Pick(forms.Form):
        who: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
            queryset=None,  # type: ignore[arg-type]
        )

    for form in (
        _Reason({"reason": "x", "colour": "rood"}),
        _Reason(initial={"reason": "van iemand"}),
        Dated(),
        Pick(),
    ):
        with pytest.raises(TypeError):
            fragments.blank_form_html(form)
    assert fragments.kept_count() == 0


def test_a_bound_form_is_rendered_afresh_with_its_errors() -> None:
    bound = _Reason({"reason": "", "colour": "groen"})
    html = fragments.form_html(bound)
    assert html == _fresh(_Reason({"reason": "", "colour": "groen"}))
    assert "utrecht-form-field-error-message" in html
    assert fragments.kept_count() == 0
    assert fragments.form_html(_Reason()) == _fresh(_Reason())
    assert fragments.kept_count() == 1


class _Search(StyledFormMixin, forms.Form):
    q = forms.CharField(label="Zoeken", required=False)


def _search_html(text: str, varying: tuple[Any, ...], rendered: list[str]) -> str:
    def render(shown: str) -> str:
        rendered.append(shown)
        return _fresh(_Search({"q": shown} if shown else None))

    return fragments.searched_form_html(
        name="test:search", varying=varying, search=text, mark="zzMarkeringzz", render=render
    )


def test_a_searched_form_is_kept_without_its_text_and_the_text_put_in_escaped() -> None:
    from django.core.cache import cache

    cache.clear()
    rendered: list[str] = []
    text = 'de <Vries> & "zn"'
    first = _search_html(text, ("nl",), rendered)
    assert first == _fresh(_Search({"q": text}))  # as the template renders and escapes it
    assert "<Vries>" not in first
    again = _search_html("Jansen", ("nl",), rendered)
    assert again == _fresh(_Search({"q": "Jansen"}))
    assert rendered == ["zzMarkeringzz"]  # rendered once, with the mark, never the text
    # A blank form, and another language or choice, are kept apart.
    assert _search_html("", ("nl",), rendered) == _fresh(_Search())
    _search_html("Jansen", ("en",), rendered)
    assert rendered == ["zzMarkeringzz", "", "zzMarkeringzz"]
    cache.clear()


_TYPED_QUERIES = [
    "username=professional",
    "username=%3Cb%3E%20%26%20%22x%22%20%27y%27",
    "username=++professional++&person=50%25_x",
    "date_from=2026-12-01&date_to=2026-12-07&action=read&search_term=de+Groot",
    "date_from=&date_to=&person=",
    "action=search",
    "username=a&username=b",
    "foo=bar",
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_typed_form_is_what_the_template_renders_and_keeps_no_text(language: str) -> None:
    with translation.override(language):
        for query in _TYPED_QUERIES:
            for _ in range(2):  # rendered, then kept
                form = ProcessingLogFilterForm(QueryDict(query))
                assert form.is_valid(), form.errors
                html = fragments.typed_form_html(form)
                assert html == _fresh(ProcessingLogFilterForm(QueryDict(query))), query
        kept = " ".join(fragments.kept_html())
        for typed in ("professional", "Groot", "<b>", "&amp; &quot;x", "50%_x", "2026-12-01"):
            assert typed not in kept
        # Unbound: the blank form, kept as such.
        assert fragments.typed_form_html(ProcessingLogFilterForm()) == _fresh(
            ProcessingLogFilterForm()
        )


def test_a_typed_form_with_errors_is_rendered_afresh() -> None:
    for query in (
        "date_from=2026-13-01",
        "person=12345678",
        "date_from=2026-12-08&date_to=2026-12-01",
    ):
        form = ProcessingLogFilterForm(QueryDict(query))
        assert not form.is_valid()
        count = fragments.kept_count()
        assert fragments.typed_form_html(form) == _fresh(ProcessingLogFilterForm(QueryDict(query)))
        assert fragments.kept_count() == count


class _Checked(forms.Form):
    q = forms.CharField(required=False)
    mine = forms.BooleanField(required=False)


@pytest.mark.parametrize("mine", ["on", "true", "false", "0", ""])
def test_a_typed_form_shows_a_checkbox_as_its_value_means(mine: str) -> None:
    """A checkbox is checked by what its value means ("false" is unchecked), so its value
    chooses the kept HTML as a choice does; it is never a mark (a mark would leave no
    trace in the HTML, and the form would be rendered afresh every time)."""
    fragments.forget_kept()
    for _ in range(2):  # rendered, then kept
        form = _Checked(QueryDict(f"q=Jansen&mine={mine}"))
        assert form.is_valid()
        assert fragments.typed_form_html(form) == _fresh(
            _Checked(QueryDict(f"q=Jansen&mine={mine}"))
        )
    assert fragments.kept_count() == 1
    assert "Jansen" not in " ".join(fragments.kept_html())
