"""Rendered pieces of a page that hold nothing personal, kept per process (issue 20).

A list page's filter form is a few selects of fixed choices: rendering it through the
form renderer (a template per widget and per option) costs about a millisecond on every
request, while its HTML only changes with the language and the values chosen. Its HTML
is kept here, per form class, template, language, choices and values, for the life of the
process. There is nothing to expire: the choices are part of the key, and a form with
errors (whose messages repeat the input) is rendered every time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

#: More than the valid values of any filter form of the site can make; past it a form is
#: rendered each time instead of kept (the cache never grows without bound).
MAX_KEPT = 1000
_kept: dict[tuple[Any, ...], SafeString] = {}


def _choices(field: forms.ChoiceField) -> tuple[tuple[str, str], ...]:
    """The field's choices as text, in the active language (part of the key)."""
    choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
    return tuple((str(value), str(label)) for value, label in choices)


def _key(form: forms.Form, template_name: str) -> tuple[Any, ...]:
    fields = []
    for name, field in form.fields.items():
        if not isinstance(field, forms.ChoiceField) or isinstance(
            field, forms.ModelChoiceField | forms.ModelMultipleChoiceField
        ):
            raise TypeError(
                f"{type(form).__name__}.{name}: only fixed choices can be kept, "
                "not free text or choices read from the database"
            )
        choices = _choices(field)
        value = form.data.get(form.add_prefix(name)) if form.is_bound else None
        fields.append((name, choices, value))
    return (type(form), template_name, get_language(), form.is_bound, form.prefix, tuple(fields))


def filter_form_html(form: forms.Form, template_name: str = "includes/form.html") -> SafeString:
    """``form`` rendered with ``template_name`` (given only ``form``), kept for the next
    request with the same language, choices and values.

    For a GET filter form whose fields are all choice fields of fixed choices (a
    ``TypeError`` otherwise: free text could be a name, and database choices change). A
    bound form with errors is rendered afresh each time.
    """
    if form.is_bound and form.errors:
        return render_to_string(template_name, {"form": form})
    key = _key(form, template_name)
    html = _kept.get(key)
    if html is None:
        html = render_to_string(template_name, {"form": form})
        if len(_kept) < MAX_KEPT:
            _kept[key] = html
    return html


def _blank_key(form: forms.Form, template_name: str) -> tuple[Any, ...]:
    if form.is_bound or form.initial:
        raise TypeError(f"{type(form).__name__}: only a blank form can be kept")
    fields = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            raise TypeError(f"{type(form).__name__}.{name}: choices read from the database")
        if callable(field.initial):
            raise TypeError(f"{type(form).__name__}.{name}: an initial value that changes")
        choices = _choices(field) if isinstance(field, forms.ChoiceField) else ()
        fields.append((name, type(field), repr(field.initial), choices))
    return (
        type(form),
        template_name,
        get_language(),
        form.auto_id,
        form.prefix,
        tuple(fields),
    )


def blank_form_html(form: forms.Form, template_name: str = "includes/form.html") -> SafeString:
    """A blank form (unbound, no ``initial=``) rendered with ``template_name``, kept per
    class, template, language, ``auto_id``, prefix and its fields' choices and initial
    values: a blank form holds nothing of anyone.

    A ``TypeError`` for a bound form, one with initial values of its own, choices read from
    the database or an initial value computed on each use (a date). The form's fields must
    be the ones its class declares, not changed for the user at hand.
    """
    key = _blank_key(form, template_name)
    html = _kept.get(key)
    if html is None:
        html = render_to_string(template_name, {"form": form})
        if len(_kept) < MAX_KEPT:
            _kept[key] = html
    return html


def form_html(form: forms.Form, template_name: str = "includes/form.html") -> SafeString:
    """A form of a page's step as ``template_name`` writes it: a bound one (with its
    errors) rendered afresh, a blank one kept (:func:`blank_form_html`)."""
    if form.is_bound:
        return render_to_string(template_name, {"form": form})
    return blank_form_html(form, template_name)


def kept_count() -> int:
    """How many pieces are kept (for tests)."""
    return len(_kept)


def forget_kept() -> None:
    """Empty the cache (for tests)."""
    _kept.clear()
