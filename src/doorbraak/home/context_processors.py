from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import SafeString

from doorbraak.home.navigation import language_options, layout_url, nav_html, nav_items_for
from doorbraak.lib.otp import is_verified


def _once(compute: Callable[[], Any]) -> Callable[[], Any]:
    """A value the template computes when it uses it, at most once per request.

    The template language calls a callable it finds in the context, so a page (or an
    htmx fragment) that does not show the menu does not pay for it.
    """
    return functools.cache(compute)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The page layout's menu (for the logged-in, verified user) and its fixed links."""
    user = getattr(request, "user", None)

    def menu() -> SafeString:
        if user is None or not is_verified(user):
            return SafeString()
        return nav_html(nav_items_for(user, request.path))

    return {
        "nav_html": _once(menu),
        "language_options": _once(lambda: language_options(translation.get_language())),
        "home_url": _once(lambda: layout_url("home")),
        "set_language_url": _once(lambda: layout_url("set_language")),
        "logout_url": _once(lambda: layout_url("accounts:logout")),
    }
