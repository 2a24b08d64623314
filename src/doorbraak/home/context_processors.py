from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from doorbraak.home.navigation import nav_items_for
from doorbraak.lib.otp import is_verified


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation for the logged-in, verified user; empty otherwise."""
    user = getattr(request, "user", None)
    if user is None or not is_verified(user):
        return {"nav_items": []}
    return {"nav_items": nav_items_for(user, request.path)}
