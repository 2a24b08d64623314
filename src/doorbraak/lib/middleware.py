"""Request-wide middleware that is not tied to one domain app."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from doorbraak.lib.request_context import reset_request_id, set_request_id

# A caller (a load balancer, a partner system) may pass its own correlation id; anything
# else than a short token of safe characters is replaced, so it cannot inject log lines.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: Set on the request by ``residents.middleware.ResidentOnlyMiddleware``: the member id of a
#: resident's session (DigiD through the broker), ``None`` otherwise. Here, so that
#: ``accounts`` can exempt a resident from the staff second factor without importing an app
#: above it.
RESIDENT_ATTRIBUTE = "doorbraak_resident_member"


class RequestIdMiddleware:
    """Give every request an id, echo it as ``X-Request-ID`` and bind it for the log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SessionRefreshMiddleware:
    """Renew the idle time-out of a session at most once every ``SESSION_REFRESH_SECONDS``.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` writes the session row (a write transaction)
    on every request only to push its expiry forward. This writes it when it is older
    than the refresh interval (or was changed anyway): a session still ends after
    ``SESSION_COOKIE_AGE`` seconds without activity, at most ``SESSION_REFRESH_SECONDS``
    earlier, never later. Sits just inside ``SessionMiddleware``.
    """

    KEY = "_doorbraak_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A session nobody touched stays untouched (no Vary: Cookie added); an empty one
        # (anonymous, or just flushed by a log-out) is never created here.
        if session is None or not session.accessed or session.is_empty() or not session.keys():
            return response
        now = int(time.time())
        if (
            session.modified
            or now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS
        ):
            session[self.KEY] = now
        return response
