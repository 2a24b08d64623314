"""Stored messages: sentences the software writes for later (a timeline line), kept as the
untranslated message and its parameters so each reader sees them in their own language.

A service builds a :class:`Message` from a msgid (``gettext_lazy("Plan version
%(version)d agreed on %(date)s.")`` or ``gettext_noop(...)``) and its parameters; the model
stores ``message.msgid`` and ``message.params`` (JSON) beside the Dutch rendering (the
record language, kept for search, exports, PDFs and rows written before messages were
stored). Reading translates the msgid in the active language and renders each parameter
there too:

* text and numbers (names, free text typed by a user, a version number) stay as they are;
* a choice (``MemberRole.HEAD``, or ``Label(status, lower=True)`` inside a sentence) is
  stored as its class and value and shown with its translated label;
* a date (``datetime.date``) is shown with the language's ``DATE_FORMAT``, a moment (an
  aware ``datetime``) in local time with ``DATETIME_FORMAT``;
* an amount (``Euros(cents)``) is formatted by locale, like the ``euros`` filter;
* a message inside a message (``Message(gettext_lazy("No fixed address"))``) is rendered;
* a list of any of these is joined with commas.

A message whose parameters no longer fit its msgid (a parameter missing after erasure, an
edited msgid) never breaks a page: :func:`render_stored` then gives the stored Dutch text.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from doorbraak.lib.templatetags.money import format_euros

logger = logging.getLogger(__name__)

#: A parameter as stored in JSON: a plain value or one of the tagged objects below.
Stored = str | int | float | bool | None | dict[str, Any]


@dataclass(frozen=True)
class Label:
    """A choice shown with its translated label, lower-cased when it sits inside a sentence."""

    choice: models.Choices
    lower: bool = False


@dataclass(frozen=True)
class Euros:
    """An amount in cents, formatted by locale when read."""

    cents: int


def msgid_of(message: str | Promise) -> str:
    """The source string of a (lazy) translatable message: what the code wrote."""
    if isinstance(message, Promise):
        with translation.override(None):  # no catalogue: gettext gives the msgid back
            return str(message)
    return message


def _encode(value: Param) -> Stored:
    if isinstance(value, Label):
        choice = type(value.choice)
        path = f"{choice.__module__}.{choice.__qualname__}"
        return {"choice": path, "value": value.choice.value, "lower": value.lower}
    if isinstance(value, models.Choices):  # before str and int: TextChoices are both
        return _encode(Label(value))
    if isinstance(value, Euros):
        return {"cents": int(value.cents)}
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            raise TypeError("A moment in a message must be aware.")
        return {"moment": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        return {"text": msgid_of(value)}
    if isinstance(value, Message):
        return {"msgid": value.msgid, "params": value.params}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Sequence):
        return {"list": [_encode(item) for item in value]}
    raise TypeError(f"A message parameter cannot be {type(value).__name__}.")


def _choice_label(path: str, value: Any) -> str:
    # Only our own choice classes: the path comes from our own rows, but never import more.
    if not path.startswith("doorbraak."):
        return str(value)
    try:
        choice = import_string(path)
        return str(choice(value).label)
    except (ImportError, AttributeError, ValueError, TypeError):
        return str(value)  # a value a later version removed: shown as stored


def _decode(value: Any) -> Any:
    """A stored parameter as the active language shows it."""
    if not isinstance(value, dict):
        return value
    if "choice" in value:
        label = _choice_label(str(value["choice"]), value.get("value"))
        return label.lower() if value.get("lower") else label
    if "cents" in value:
        return format_euros(value["cents"])
    if "date" in value:
        day = datetime.date.fromisoformat(str(value["date"]))
        return formats.date_format(day, "DATE_FORMAT")
    if "moment" in value:
        moment = timezone.localtime(datetime.datetime.fromisoformat(str(value["moment"])))
        return formats.date_format(moment, "DATETIME_FORMAT")
    if "text" in value:
        return gettext(str(value["text"]))
    if "msgid" in value:
        return render(str(value["msgid"]), value.get("params") or {})
    if "list" in value:
        return ", ".join(str(_decode(item)) for item in value["list"])
    raise ValueError("unknown parameter")


class Message:
    """A sentence to store untranslated: ``Message(gettext_lazy("… %(name)s …"), name=…)``."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str | Promise, /, **params: Param) -> None:
        self.msgid: str = msgid_of(msgid)
        self.params: dict[str, Stored] = {name: _encode(value) for name, value in params.items()}

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"

    def render(self) -> str:
        """The sentence in the active language (raises when the parameters do not fit)."""
        return render(self.msgid, self.params)

    def dutch(self) -> str:
        """The sentence in the record language (Dutch), as stored beside the msgid."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.render()


#: What a message parameter may be (see the module docstring).
Param = (
    str
    | int
    | float
    | bool
    | None
    | datetime.date
    | models.Choices
    | Label
    | Euros
    | Message
    | Sequence[Any]
)


def render(msgid: str, params: Mapping[str, Any]) -> str:
    """``msgid`` translated in the active language with ``params`` filled in."""
    text = gettext(msgid)
    if not params and "%(" not in text:
        return text
    return text % {name: _decode(value) for name, value in params.items()}


class StoredText(NamedTuple):
    """A stored sentence as shown: the text, and its language when it is not the page's."""

    text: str
    lang: str


def render_stored(msgid: str, params: Mapping[str, Any] | None, fallback: str) -> StoredText:
    """A stored message in the active language; the stored Dutch ``fallback`` (marked as
    Dutch) for rows without a msgid or whose parameters do not fit it."""
    if msgid:
        try:
            return StoredText(render(msgid, params or {}), "")
        except (KeyError, TypeError, ValueError):
            logger.warning("stored_message_unrenderable", extra={"msgid": msgid})
    lang = "" if (translation.get_language() or "").startswith(settings.LANGUAGE_CODE) else "nl"
    return StoredText(fallback, lang)
