"""Integers from outside are range-checked before they reach the database.

An id or number typed into a form, a query string or a JSON body can be any size. SQLite
stops at 64 bits with an ``OverflowError`` in the driver, PostgreSQL at the column's own
size with a ``DataError``: both would be a 500. So:

- every integer of an API request body is declared with its range (``id_field``,
  ``bounded_int``), which DRF checks with a Dutch message and the OpenAPI schema shows
  (tests/lib/test_bounds.py fails on a request integer without a range);
- a lookup ``pk__in=[…]`` drops values no column can hold, as Django already does for
  ``pk=…``: a form's choice of an id that cannot exist is then "not a valid choice", not
  a crash in the driver (``register_lookups``, from ``AccountsConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from rest_framework import serializers

#: The largest primary key (``BigAutoField``) and the largest value of an ``IntegerField``
#: column on PostgreSQL; SmallIntegerField columns are only written through checked fields.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """The id of a row, as a request body carries it."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def bounded_int(minimum: int, maximum: int, **kwargs: Any) -> serializers.IntegerField:
    """An integer with the range its column (or its meaning) allows."""
    return serializers.IntegerField(min_value=minimum, max_value=maximum, **kwargs)


def _within(field: Field[Any, Any], values: Any, connection: Any) -> Any:
    """``values`` without the integers the column of ``field`` cannot hold."""
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return type(values)(
        value
        for value in values
        if not isinstance(value, int)
        or ((low is None or value >= low) and (high is None or value <= high))
    )


class BoundedIn(In):  # type: ignore[type-arg]
    """``in`` on an integer column that skips values out of the column's range."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set):
            self.rhs = _within(self.lhs.output_field, self.rhs, connection)
        return super().process_rhs(compiler, connection)


class BoundedRelatedIn(RelatedIn):
    """``in`` through a relation (``organisations__in=[…]``), bounded the same way."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        target = getattr(self.lhs.output_field, "target_field", None)
        if (
            isinstance(target, IntegerField)
            and self.rhs_is_direct_value()
            and isinstance(self.rhs, list | tuple | set)
        ):
            self.rhs = _within(target, self.rhs, connection)
        return super().process_rhs(compiler, connection)


def register_lookups() -> None:
    IntegerField.register_lookup(BoundedIn)
    ForeignObject.register_lookup(BoundedRelatedIn)


#: Amounts in cents from a request: up to a hundred million euros.
MAX_CENTS = 100_000_000_00
