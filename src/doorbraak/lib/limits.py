"""Limits on free text, in one place, so the model, the form and the API agree.

Every text a user types has a maximum length, stated to the user in Dutch, and enforced
four times over:

* the **form** field (``doorbraak.lib.forms.text_area``): a ``maxlength`` attribute, a hint
  under the text area and a Dutch message when the browser let more through;
* the **API** input serializer field: ``max_length`` with a Dutch problem+json answer;
* the **model** field (``LimitedTextField``): every ORM save refuses an over-long value with
  a Dutch ``ValidationError`` before anything is written, so every service that stores free
  text outside a form or serializer (an approval note, a cancel reason, a proposed signal)
  refuses it too, and its transaction leaves nothing behind;
* the **database**: a ``CHECK (LENGTH(field) <= limit)`` constraint (``length_check``), so
  no path at all — a raw query, a bulk update, a bug — stores more.

The limits are counted in characters (Python's ``len``, SQL's ``LENGTH`` on SQLite and
PostgreSQL alike). They are generous: the longest realistic texts of the demo and seeds
use a fraction of them; what they stop is a million characters of pasted data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

#: A reason, a note, an answer in a few sentences (decline, cancel, close, approve, hand over).
SHORT_TEXT = 2_000
#: A description: what is stuck, what is asked, what the cases show, a goal or an action.
TEXT = 5_000
#: A long narrative: a breakthrough proposal, its legal reasoning, its evaluation.
LONG_TEXT = 10_000
#: A Fernet token of a nine-digit BSN is 100 characters; this leaves room for a longer key.
ENCRYPTED_BSN = 255


#: The message for a text that is too long; the same words in the form, the API and a service.
TOO_LONG = ngettext_lazy(
    "Use at most %(limit_value)d character; you used %(show_value)d.",
    "Use at most %(limit_value)d characters; you used %(show_value)d.",
    "limit_value",
)


def too_long_message(*, limit: int, length: int) -> str:
    """The Dutch message for a text of ``length`` characters where ``limit`` are allowed."""
    return str(TOO_LONG % {"limit_value": limit, "show_value": length})


def check_length(value: str | None, *, limit: int, field: str | None = None) -> None:
    """Raise a Dutch ``ValidationError`` (on ``field`` when given) when ``value`` is too long."""
    length = len(value or "")
    if length <= limit:
        return
    message = too_long_message(limit=limit, length=length)
    if field is None:
        raise ValidationError(message, code="max_length")
    raise ValidationError({field: ValidationError(message, code="max_length")})


def length_check(field: str, limit: int) -> models.CheckConstraint:
    """The database constraint ``LENGTH(field) <= limit``, named after the model and field."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"%(app_label)s_%(class)s_{field}_max_length",
    )


class LimitedTextField(models.TextField):  # type: ignore[type-arg]
    """A ``TextField`` that must have a ``max_length`` and refuses more on every save.

    Django itself does not check ``max_length`` of a ``TextField`` outside a form; this
    field does, in ``pre_save`` (called for every insert and update through the ORM,
    ``bulk_create`` included), with the Dutch message of the forms, keyed by the field's
    name. ``QuerySet.update`` and raw SQL skip it: the database constraint catches those.

    The refusal comes from inside ``save()``, so Django marks the surrounding transaction
    for rollback: every service runs in its own ``transaction.atomic``, which undoes
    whatever it wrote before and hands the ``ValidationError`` to the view or the API.
    """

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        if not max_length:
            raise TypeError("LimitedTextField needs a max_length (see doorbraak.lib.limits).")
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        """In a model form (the admin): the same Dutch message as the other forms."""
        kwargs["error_messages"] = {"max_length": TOO_LONG, **(kwargs.get("error_messages") or {})}
        return super().formfield(**kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if isinstance(value, str) and self.max_length is not None:
            check_length(value, limit=self.max_length, field=self.name)
        return value


def _hint(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}


#: The hint under a text area, "Maximaal 2000 tekens.", translated when it is shown.
hint = lazy(_hint, str)
