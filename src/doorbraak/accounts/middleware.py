"""Second factor required: a logged-in user who has not passed TOTP reaches only the
pages that complete the log-in (or log out)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from doorbraak.lib.api import API_PREFIX
from doorbraak.lib.middleware import RESIDENT_ATTRIBUTE
from doorbraak.lib.otp import is_verified

_ALWAYS_OPEN = ("/.well-known/", "/i18n/", "/favicon.ico")


class RequireVerifiedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # A resident signed in with DigiD through the broker (the strong factor) and reaches
        # only /mijn/ (residents.middleware, which stands before this one).
        resident = getattr(request, RESIDENT_ATTRIBUTE, None) is not None
        if user.is_authenticated and not is_verified(user) and not resident:
            response = self._guard(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _guard(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        open_paths = (
            reverse("accounts:verify"),
            reverse("accounts:setup"),
            reverse("accounts:logout"),
            settings.STATIC_URL,
            API_PREFIX,  # the API answers 401/403 as problem+json itself
            *_ALWAYS_OPEN,
        )
        if path.startswith(open_paths):
            return None
        target = reverse("accounts:verify")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
