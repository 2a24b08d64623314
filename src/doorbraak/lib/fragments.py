"""Rendered pieces of a page that hold nothing personal, kept per process (issue 20).

A list page's filter form is a few selects of fixed choices: rendering it through the
form renderer (a template per widget and per option) costs about a millisecond on every
request, while its HTML only changes with the language and the values chosen. Its HTML
is kept here, per form class, template, language, choices and values, for the life of the
process. There is nothing to expire: the choices are part of the key, and a form with
errors (whose messages repeat the input) is rendered every time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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


#: What stands for a typed text while a form is rendered to be kept (letters and digits, so
#: no escaping changes it; drawn once per process, so nobody can type it on purpose).
_TEXT_MARK = "dbmark" + secrets.token_hex(8) + "x{}x"


def typed_form_html(form: forms.Form, template_name: str = "includes/form.html") -> SafeString:
    """A GET filter form with free-text (and date) boxes, rendered with ``template_name``
    (given only ``form``), its HTML kept per class, template, language and values chosen,
    with a mark in every box that holds text: each box's own text (escaped as the widget
    escapes it) goes in its mark's place. So what is kept holds nothing anyone typed.

    For a bound form without errors (a ``TypeError`` for one with choices read from the
    database); an unbound one is :func:`blank_form_html`, one with errors is rendered afresh
    (its messages repeat the input). The boxes must show the text as it came (Django's text
    and date inputs do: a bound field shows its raw data).
    """
    if not form.is_bound:
        return blank_form_html(form, template_name)
    if form.errors:
        return render_to_string(template_name, {"form": form})
    marked = QueryDict(mutable=True)
    marked.update(form.data)
    texts: dict[str, str] = {}
    state: list[tuple[Any, ...]] = []
    for index, (name, field) in enumerate(form.fields.items()):
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            raise TypeError(f"{type(form).__name__}.{name}: choices read from the database")
        key = form.add_prefix(name)
        value = form.data.get(key)
        if isinstance(field, forms.ChoiceField):
            state.append((name, _choices(field), value))
        elif isinstance(field, forms.BooleanField):
            # A checkbox shows what its value means ("false" unchecked), not the value.
            state.append((name, type(field), value))
        elif value:
            mark = _TEXT_MARK.format(index)
            marked[key] = mark
            texts[mark] = str(value)
            state.append((name, type(field), "typed"))
        else:
            state.append((name, type(field), value))
    key_ = (
        "typed",
        type(form),
        template_name,
        get_language(),
        form.auto_id,
        form.prefix,
        tuple(state),
    )
    html: str | None = _kept.get(key_)
    if html is None:
        stand_in = type(form)(marked, auto_id=form.auto_id, prefix=form.prefix)
        # Not validated: the marks are no dates; the form it stands for has no errors.
        stand_in._errors = ErrorDict()  # type: ignore[attr-defined]
        html = render_to_string(template_name, {"form": stand_in})
        if any(html.count(mark) != 1 for mark in texts):
            return render_to_string(template_name, {"form": form})
        if len(_kept) < MAX_KEPT:
            _kept[key_] = html
    for mark, text in texts.items():
        html = html.replace(mark, escape(text))
    return mark_safe(html)  # noqa: S308 - the kept HTML came from the template; texts escaped


def kept_count() -> int:
    """How many pieces are kept (for tests)."""
    return len(_kept)


def kept_html() -> list[str]:
    """The pieces kept (for tests: that none holds what someone typed)."""
    return list(_kept.values())


def forget_kept() -> None:
    """Empty the cache (for tests)."""
    _kept.clear()


def searched_form_html(
    *,
    name: str,
    varying: tuple[Any, ...],
    search: str,
    mark: str,
    render: Callable[[str], str],
    seconds: int = 24 * 60 * 60,
) -> SafeString:
    """A search form's HTML from the shared cache, its search text put in afterwards.

    For a form whose HTML depends on more than fixed choices (choices read from the
    database) and that has a free-text search box. ``varying`` names everything else the
    HTML depends on (the language, the choices, the chosen values); ``render(text)`` renders
    the form with ``text`` in the search box. The form is rendered with ``mark`` there (a
    text nobody types) and kept under ``name`` and ``varying`` for ``seconds``; the search
    text replaces the mark, escaped as the template escapes it. So the cache never holds
    what someone searched for. A form with errors is not for here: its messages repeat the
    input, so the caller renders it as usual.
    """
    key = f"{name}:" + hashlib.sha256(repr((varying, bool(search))).encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        html = render(mark if search else "")
        cache.set(key, html, seconds)
    # The rest of the HTML came from the template; the text is escaped as it would have.
    return mark_safe(html.replace(mark, escape(search)) if search else html)  # noqa: S308
