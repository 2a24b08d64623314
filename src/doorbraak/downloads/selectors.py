"""Reads of download jobs, already limited to the user's own (``visible_to``)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from doorbraak.accounts.selectors import AnyUser
from doorbraak.downloads.models import Download

#: How many jobs "Mijn downloads" shows (they expire within days: a user has few).
LIST_SIZE = 50


def download_list(*, user: AnyUser) -> QuerySet[Download]:
    """The user's downloads, newest first; expired ones are left out."""
    return Download.objects.visible_to(user).filter(expires_at__gt=timezone.now())[:LIST_SIZE]


def download_get(*, user: AnyUser, public_id: uuid.UUID | str) -> Download:
    """One of the user's own downloads; anyone else's is a 404."""
    return get_object_or_404(Download.objects.visible_to(user), public_id=public_id)
