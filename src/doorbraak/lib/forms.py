"""Form helpers: NL Design System (Utrecht) classes on the standard Django widgets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext

from doorbraak.lib import limits

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    # Before RadioSelect: CheckboxSelectMultiple is a subclass of it.
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.widgets.Input, "utrecht-textbox utrecht-textbox--html-input"),
]


class StyledFormMixin:
    """Adds the Utrecht classes and accessible error attributes to every widget."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for widget_type, css in _WIDGET_CLASSES:
                if isinstance(field.widget, widget_type):
                    existing = field.widget.attrs.get("class", "")
                    field.widget.attrs["class"] = f"{existing} {css}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors: dict[str, Any] = getattr(self, "_errors", None) or {}
        for name in errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} utrecht-textbox--invalid"


def html_attrs(attrs: dict[str, Any]) -> str:
    """As ``django/forms/widgets/attrs.html`` writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(f"{value}")}"')
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select written in Python, byte for byte as the widget templates write it (Django's
    ``select.html`` with the project's ``select_option.html``: "Kies…" for the empty choice).

    Through the template engine every option is a template of its own: the casebook's
    search form (a hundred options) took about 15 ms for its selects, the fund request
    form about 5 ms, the social map's search form's two selects 3-5 ms (issue 20).
    ``tests/casebook/test_quick_select.py`` holds the two renderings equal, so a change of
    the templates shows up there.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(html_attrs(widget["attrs"]) + ">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                label = option["label"]
                text = conditional_escape(
                    gettext("Choose…") if label == "---------" else localize(label)
                )
                value_text = conditional_escape(f"{option['value']}")
                parts.append(
                    f'\n  <option value="{value_text}"{html_attrs(option["attrs"])}>'
                    f"{text}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _shown(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless marked safe."""
    return conditional_escape(value if isinstance(value, SafeData) else f"{value}")


def _input_html(widget: dict[str, Any]) -> str:
    """As ``django/forms/widgets/input.html`` writes it (without its final newline)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_shown(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{html_attrs(widget["attrs"])}>'
    )


class QuickTextInput(forms.TextInput):
    """A text input written in Python, byte for byte as ``input.html`` writes it."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return mark_safe(_input_html(widget))  # noqa: S308 - every value is escaped


class QuickTextarea(forms.Textarea):
    """A textarea written in Python, byte for byte as ``textarea.html`` writes it."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(localize(widget["value"])) if widget["value"] else ""
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<textarea name="{conditional_escape(widget["name"])}"'
            f"{html_attrs(widget['attrs'])}>\n{text}</textarea>"
        )


class QuickRadioSelect(forms.RadioSelect):
    """Radio buttons written in Python, byte for byte as Django's ``radio.html``,
    ``multiple_input.html`` and ``input_option.html`` write them: each option through
    the template engine took about 0.4 ms (issue 20)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        own = widget["attrs"]
        parts = ["<div"]
        if own.get("id"):
            parts.append(f' id="{conditional_escape(own["id"])}"')
        if own.get("class"):
            parts.append(f' class="{conditional_escape(own["class"])}"')
        parts.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
            for option in options:
                parts.append("<div>\n    ")
                if option["wrap_label"]:
                    option_id = option["attrs"].get("id")
                    target = f' for="{conditional_escape(option_id)}"' if option_id else ""
                    parts.append(f"<label{target}>")
                parts.append(_input_html(option) + "\n")
                if option["wrap_label"]:
                    parts.append(f" {conditional_escape(localize(option['label']))}</label>")
                parts.append("\n\n</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


_THOUSANDS_WITH_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class EuroField(forms.DecimalField):
    """An amount in euros as people type it: ``1250``, ``1250,50``, ``1.250,50``, ``€ 1250.50``.

    Dutch users write a decimal comma and group thousands with dots; an English browser
    user may write ``1250.50``. Anything else is refused with the usual "enter a number".
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            text = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            elif _THOUSANDS_WITH_DOTS.match(text):
                text = text.replace(".", "")
            value = text
        return super().to_python(value)

    def cents(self, value: Decimal | None) -> int | None:
        return None if value is None else int((value * 100).to_integral_value(ROUND_HALF_UP))


def text_area(
    label: Any,
    *,
    limit: int,
    required: bool = True,
    help_text: Any = "",
    rows: int = 4,
    attrs: dict[str, Any] | None = None,
    error_messages: dict[str, Any] | None = None,
    widget: type[forms.Textarea] = forms.Textarea,
) -> forms.CharField:
    """A free-text field with its maximum length (``doorbraak.lib.limits``).

    The browser gets ``maxlength``; the hint "Maximaal 2000 tekens." joins the help text
    (so it is read out through the field's ``aria-describedby``); a longer text that gets
    through anyway is refused with the Dutch message that says both numbers.
    """
    hint = limits.hint(limit)
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=format_lazy("{} {}", help_text, hint) if help_text else hint,
        widget=widget(attrs={"rows": rows, **(attrs or {})}),
        error_messages={"max_length": limits.TOO_LONG, **(error_messages or {})},
    )


class DateInput(forms.DateInput):
    """The browser's date picker; it only accepts ISO dates (``2026-11-29``) as its value.

    Django would render the localised ``29-11-2026`` for Dutch users, which a
    ``type="date"`` input silently drops: the field would look empty.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(
    form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None
) -> None:
    """Put a service's ``ValidationError`` on the form: on a field when the key matches."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = rename.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def filter_querystring(request: HttpRequest, *keys: str) -> str:
    """The given filter parameters of the request, as a query string for links and downloads."""
    return urlencode([(key, request.GET[key]) for key in keys if request.GET.get(key)])


def offer(field: forms.Field, objects: Iterable[Any]) -> None:
    """Show only ``objects`` in the select of ``field`` (a ``ModelChoiceField``).

    The field's queryset still validates a POST by primary key, so anything the user may
    choose is accepted (the API and other callers keep working); the page only lists what
    it was asked for, never the whole queryset.
    """
    choice_field = cast("forms.ModelChoiceField[Any]", field)
    empty = [("", choice_field.empty_label)] if choice_field.empty_label is not None else []
    choice_field.choices = [
        *empty,
        *((obj.pk, choice_field.label_from_instance(obj)) for obj in objects),
    ]


def posted_choice(form: forms.Form, name: str, kind: type[Any]) -> Any | None:
    """The ``kind`` object a bound form's field ``name`` holds once it passed the field's
    validation, else None (an unbound form, an invalid or empty choice). Cleans the form
    once; a form already validated is not cleaned again."""
    if not form.is_bound or name not in form.fields:
        return None
    form.is_valid()
    found = form.cleaned_data.get(name)
    return found if isinstance(found, kind) else None
