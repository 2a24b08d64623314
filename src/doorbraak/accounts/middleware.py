"""Second factor required: a logged-in user who has not passed TOTP reaches only the
pages that complete the log-in (or log out).

A resident's session (DigiD through the broker, ``lib.otp.RESIDENT_SESSION_KEY``) is not
asked for a second factor (its assurance comes from DigiD) and reaches only the residents'
own pages (``/mijn/``): every other page answers 404 for it, the home page sends it to
``/mijn/``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from doorbraak.lib.api import API_PREFIX
from doorbraak.lib.otp import is_resident_session, is_verified

_ALWAYS_OPEN = ("/.well-known/", "/i18n/", "/favicon.ico")
#: The residents' own pages, the only ones a resident's session reaches.
RESIDENT_PREFIX = "/mijn/"


class RequireVerifiedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and is_resident_session(request):
            # The pages outside /mijn/ answer 404 (residents.middleware, before this one).
            if request.path == "/":
                return HttpResponseRedirect(RESIDENT_PREFIX)
        elif user.is_authenticated and not is_verified(user):
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
