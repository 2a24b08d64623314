"""View decorators: log-in, second factor and a policy question before the view runs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def role_required(policy: Callable[[Any], bool]) -> Callable[[View], View]:
    """Only users for whom ``policy(user)`` holds may open the page; others get 403.

    Object access is not decided here: views fetch objects through selectors that
    answer 404 for anything outside the user's scope.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not policy(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator
