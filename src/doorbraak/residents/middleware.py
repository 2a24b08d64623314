"""A resident's session reaches the household's own page and nothing else.

A session made by the resident sign-in (``services.resident_sign_in``, which sets
``SESSION_KEY``) gets 404 on every page outside ``/mijn/`` — the staff pages, the API and
the admin — except the static files and the language switch the page needs. The refusal is
reported to the security log like any other 404 of an object the user may not see.

The resident has no second factor in Doorbraak (DigiD through the broker is the strong
sign-in): ``accounts.middleware.RequireVerifiedMiddleware`` lets a request this middleware
marked as a resident's pass (``RESIDENT_ATTRIBUTE``); it stands before that one.

A resident's session also ends at a fixed time, ``DOORBRAAK_RESIDENT_SESSION_SECONDS`` after
the sign-in, however active: the next request after that logs the resident out and sends
them to the sign-in page with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from doorbraak.lib import access, refusals
from doorbraak.lib.middleware import RESIDENT_ATTRIBUTE
from doorbraak.residents.services import SESSION_KEY, resident_session_ended

#: The paths a resident's session may reach.
OWN_PREFIX = "/mijn/"
_ALSO_OPEN = ("/i18n/", "/favicon.ico")
#: Marks a request whose resident session this middleware has just ended.
_ENDED_ATTRIBUTE = "_doorbraak_resident_session_ended"


class ResidentOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member_id = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if member_id is not None and resident_session_ended(request):
            # Past the fixed end: out, before any other middleware or view sees the user.
            logout(request)
            member_id = None
            setattr(request, _ENDED_ATTRIBUTE, True)
        setattr(request, RESIDENT_ATTRIBUTE, member_id)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(request, _ENDED_ATTRIBUTE, False):
            # (Here, not in __call__: the messages are only there once MessageMiddleware ran.)
            messages.info(request, _("Your session has expired. Log in again with DigiD."))
            return redirect("resident_auth:sign-in")
        if getattr(request, RESIDENT_ATTRIBUTE, None) is None:
            if (
                not request.user.is_authenticated
                and request.path.startswith(OWN_PREFIX)
                and getattr(view_func, access.MARK, None) == "page"
            ):
                # A resident who is not signed in goes to the DigiD sign-in, not the staff's.
                return redirect_to_login(request.get_full_path(), reverse("resident_auth:sign-in"))
            return None
        if request.path.startswith((OWN_PREFIX, settings.STATIC_URL, *_ALSO_OPEN)):
            return None
        refusals.report(refusals.refusal(request, status=404, stage="view"))
        raise Http404
