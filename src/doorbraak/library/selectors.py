"""Reads from the law library. Regulations are not personal data: no processing log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from doorbraak.library.models import Regulation

if TYPE_CHECKING:
    from doorbraak.accounts.selectors import AnyUser


def regulation_list(*, user: AnyUser, query: str = "", deviation: str = "") -> QuerySet[Regulation]:
    regulations = Regulation.objects.visible_to(user)
    if query:
        regulations = regulations.filter(
            Q(citation__icontains=query) | Q(law__icontains=query) | Q(description__icontains=query)
        )
    if deviation:
        regulations = regulations.filter(deviation=deviation)
    return regulations.order_by("law", "article", "pk")


def regulation_get(*, user: AnyUser, pk: int) -> Regulation:
    return get_object_or_404(Regulation.objects.visible_to(user), pk=pk)
