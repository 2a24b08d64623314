"""The residents' sign-in pages: DigiD through the broker (``residents.oidc``).

Public views: they are the way in. A failed sign-in is a Dutch page and a record in the
security log with the reason code; an unknown BSN is recorded without the BSN.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from doorbraak.lib import refusals
from doorbraak.lib.access import public
from doorbraak.lib.oidc import SignInFailed, end_session_url, start_sign_in
from doorbraak.lib.otp import is_resident_session
from doorbraak.residents import oidc
from doorbraak.residents.services import resident_sign_in

#: The household's own page, where a signed-in resident goes.
RESIDENT_HOME = "/mijn/"
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _failed(request: HttpRequest, reason: str) -> HttpResponse:
    refusals.report(
        refusals.refusal(
            request, status=403, stage="view", object_type="digid_sign_in", object_id=reason
        )
    )
    template = (
        "residents/auth/unknown.html"
        if reason == oidc.UNKNOWN_RESIDENT
        else "residents/auth/failed.html"
    )
    return render(request, template, {"reason": reason}, status=403)


@public
@never_cache
@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    """The residents' log-in page: one button, DigiD (public: the way in)."""
    if request.user.is_authenticated and is_resident_session(request):
        return redirect(RESIDENT_HOME)
    return render(
        request,
        "residents/auth/sign_in.html",
        {
            "enabled": bool(settings.DOORBRAAK_DIGID),
            "minutes": settings.DOORBRAAK_RESIDENT_SESSION_SECONDS // 60,
        },
    )


@public
@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """To the broker (public: the way in)."""
    try:
        provider = oidc.digid_provider()
    except SignInFailed as failed:
        return _failed(request, failed.reason)
    if provider is None:
        return redirect("resident_auth:sign-in")
    return start_sign_in(request, provider)


@public
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The broker sends the browser back with a code (public: the state kept in the session
    before, the nonce and PKCE guard it)."""
    try:
        provider = oidc.digid_provider()
        if provider is None:
            return redirect("resident_auth:sign-in")
        user, id_token = oidc.resident_from_callback(request, provider)
    except SignInFailed as failed:
        return _failed(request, failed.reason)
    auth_login(request, user, backend=_SESSION_BACKEND)
    resident_sign_in(request, user)
    request.session[oidc.ID_TOKEN_SESSION_KEY] = id_token
    return redirect(RESIDENT_HOME)


@public
@csrf_protect
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Log out, here and at the broker (public: a session that already ended may press it)."""
    after = ""
    id_token = request.session.get(oidc.ID_TOKEN_SESSION_KEY)
    if id_token:
        try:
            provider = oidc.digid_provider()
        except SignInFailed:
            provider = None
        if provider is not None:
            after = end_session_url(
                request, provider, id_token=id_token, after_url_name="resident_auth:sign-in"
            )
    auth_logout(request)
    messages.info(request, _("You are logged out."))
    return redirect(after or "resident_auth:sign-in")
