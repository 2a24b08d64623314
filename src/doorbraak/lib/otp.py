"""The second-factor state of a request's user, typed (OTPMiddleware adds it at run time).

A staff member passes the second factor in one of two ways: the TOTP step of the log-in
(django-otp marks the session), or a single sign-on whose identity provider did a second
factor itself (its ``acr``/``amr`` say so): the sign-in then marks the session with
:data:`PROVIDER_MFA_SESSION_KEY` and :class:`ProviderMfaMiddleware` makes
``user.is_verified()`` true for it.

A resident's session (DigiD through the broker) carries :data:`RESIDENT_SESSION_KEY`: it is
never verified as staff; ``accounts.middleware.RequireVerifiedMiddleware`` keeps it to the
residents' own pages instead of asking a second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

#: The session key of a resident's session (the member's id); ``residents.services`` sets it.
RESIDENT_SESSION_KEY = "doorbraak_resident"
#: The session key of a staff sign-in whose provider did the second factor (the user's id).
PROVIDER_MFA_SESSION_KEY = "doorbraak_provider_mfa"


def is_verified(user: Any) -> bool:
    """True when the user passed the second factor in this session."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def is_resident_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(RESIDENT_SESSION_KEY) is not None


def _verified_by_provider(request: HttpRequest, user: Any) -> Any:
    if (
        user.is_authenticated
        and not is_verified(user)
        and not is_resident_session(request)
        and request.session.get(PROVIDER_MFA_SESSION_KEY) == user.pk
    ):
        user.is_verified = lambda: True
    return user


class ProviderMfaMiddleware:
    """After django-otp's middleware: ``is_verified()`` is true for a session the identity
    provider signed in with a second factor (the key names the same user, so a session that
    changes hands keeps nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            lazy: Any = SimpleLazyObject(lambda: _verified_by_provider(request, user))
            request.user = lazy
        return self.get_response(request)
