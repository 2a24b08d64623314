"""Request types for views that only run for a logged-in user (they name the user model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from doorbraak.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` behind ``login_required``: its user is a real ``User``."""

    user: User
