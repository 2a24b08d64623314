"""Reads from the cost catalogue. Cost figures are not personal data: no processing log."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from doorbraak.catalogue.models import CostItem

if TYPE_CHECKING:
    from doorbraak.accounts.models import Municipality
    from doorbraak.accounts.selectors import AnyUser


def cost_item_list(
    *, user: AnyUser, year: int | None = None, query: str = ""
) -> QuerySet[CostItem]:
    """National figures and those of the user's municipalities, optionally for one year."""
    items = CostItem.objects.visible_to(user).select_related("municipality")
    if year is not None:
        items = items.filter(valid_year=year)
    query = query.strip()
    if query:
        items = items.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(source__icontains=query)
        )
    return items.order_by("name", "-valid_year", "municipality_id")


def cost_item_for(
    *, code: str, municipality: Municipality | None, on: datetime.date
) -> CostItem | None:
    """The figure that counts for ``code`` in ``municipality`` on date ``on``.

    The figure valid for the year of ``on`` is the newest one with ``valid_year <=
    on.year``. The municipality's own figure wins over the national one; when neither has
    a figure that old, the oldest available one is used (own before national). One query.
    """
    scope = Q(municipality__isnull=True)
    if municipality is not None:
        scope |= Q(municipality=municipality)
    candidates = list(CostItem.objects.filter(scope, code=code))
    own = [item for item in candidates if item.municipality_id is not None]
    national = [item for item in candidates if item.municipality_id is None]
    for group in (own, national):
        valid = [item for item in group if item.valid_year <= on.year]
        if valid:
            return max(valid, key=lambda item: item.valid_year)
    for group in (own, national):
        if group:
            return min(group, key=lambda item: item.valid_year)
    return None
