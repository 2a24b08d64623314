"""Find stored text longer than its column allows.

SQLite stores any length in a ``varchar(n)``; PostgreSQL refuses it. Tests that build
text from other values (titles, summaries, names) call :func:`overlong_values` so that
such text fails on SQLite too.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models.functions import Length


def overlong_values() -> list[str]:
    """``app.Model.field (max n): m rows, longest k`` for every CharField holding too much."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField) or not field.max_length:
                continue
            lengths = (
                model._base_manager.annotate(_length=Length(field.attname))
                .filter(_length__gt=field.max_length)
                .values_list("_length", flat=True)
            )
            too_long = list(lengths)
            if too_long:
                found.append(
                    f"{model._meta.label}.{field.name} (max {field.max_length}): "
                    f"{len(too_long)} rows, longest {max(too_long)}"
                )
    return found
