from __future__ import annotations

import datetime
from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts import oidc, selectors, services
from doorbraak.accounts.forms import LoginForm, TokenForm
from doorbraak.accounts.models import Organisation, Team
from doorbraak.accounts.policies import can_view_organisations
from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.lib import refusals
from doorbraak.lib.access import Lookup, page, public
from doorbraak.lib.oidc import SignInFailed, end_session_url, start_sign_in
from doorbraak.lib.otp import PROVIDER_MFA_SESSION_KEY, is_verified
from doorbraak.lib.qrcode import qr_data_uri

_NEXT_SESSION_KEY = "doorbraak_next"
#: The library's session key of the page to return to after single sign-on.
_SSO_NEXT_SESSION_KEY = "oidc_login_next"
#: Sessions made by a sign-in are ordinary Django sessions of this backend.
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
#: The organisation or team of the URL, 404 outside the user's municipalities.
ORGANISATION = Lookup("organisation", selectors.organisation_get)
TEAM = Lookup("team", selectors.team_get)


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _after_password(request: AuthenticatedHttpRequest) -> HttpResponse:
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return redirect("accounts:verify" if has_device else "accounts:setup")


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new id: the id a half-logged-in session had
    (after the password only) must not be the one that opens everything."""
    otp_login(request, device)
    request.session.cycle_key()


def _finish_login(request: HttpRequest) -> HttpResponse:
    target = request.session.pop(_NEXT_SESSION_KEY, None) or settings.LOGIN_REDIRECT_URL
    return redirect(target)


@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one of two: user name and password, or single sign-on (public: the way in).

    With ``DOORBRAAK_LOCAL_LOGIN=false`` the page offers only single sign-on and a posted
    password is refused (403) without being checked.
    """
    if request.user.is_authenticated:
        if is_verified(request.user):
            return redirect(settings.LOGIN_REDIRECT_URL)
        return _after_password(request)  # type: ignore[arg-type]
    local_login = oidc.local_login_enabled()
    password_refused = request.method == "POST" and not local_login
    form = LoginForm(
        request, data=request.POST if request.method == "POST" and local_login else None
    )
    if request.method == "POST" and local_login and form.is_valid():
        next_url = _safe_next(request, request.POST.get("next"))
        auth_login(request, form.get_user())
        if next_url:
            request.session[_NEXT_SESSION_KEY] = next_url
        return _after_password(request)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": _safe_next(request, request.GET.get("next") or request.POST.get("next")),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "local_login": local_login,
            "sso_enabled": oidc.sso_enabled(),
            "password_refused": password_refused,
        },
        status=403 if password_refused else 200,
    )


def _sso_failed(request: HttpRequest, reason: str) -> HttpResponse:
    """A Dutch page, and the refused sign-in in the security log (the reason code only)."""
    refusals.report(
        refusals.refusal(
            request, status=403, stage="view", object_type="sso_sign_in", object_id=reason
        )
    )
    return render(request, "accounts/sso_failed.html", {"reason": reason}, status=403)


@public
@never_cache
@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Single sign-on, step one: to the identity provider (public: the way in)."""
    if request.user.is_authenticated and is_verified(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    try:
        provider = oidc.staff_provider()
    except SignInFailed as failed:
        return _sso_failed(request, failed.reason)
    if provider is None:
        return redirect(settings.LOGIN_URL)
    return start_sign_in(request, provider)


@public
@never_cache
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Single sign-on, step two: the provider sends the browser back with a code (public:
    the state kept in the session before step one, the nonce and PKCE guard it)."""
    try:
        provider = oidc.staff_provider()
        if provider is None:
            return redirect(settings.LOGIN_URL)
        user, backend = oidc.staff_sign_in(request, provider)
    except SignInFailed as failed:
        return _sso_failed(request, failed.reason)
    next_url = _safe_next(request, request.session.pop(_SSO_NEXT_SESSION_KEY, None))
    auth_login(request, user, backend=_SESSION_BACKEND)
    request.session[oidc.ID_TOKEN_SESSION_KEY] = backend.id_token
    if oidc.has_provider_mfa(backend.claims, provider):
        request.session[PROVIDER_MFA_SESSION_KEY] = user.pk
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if next_url:
        request.session[_NEXT_SESSION_KEY] = next_url
    return _after_password(request)  # type: ignore[arg-type]


def _provider_logout_url(request: HttpRequest) -> str:
    """Where the log-out continues at the identity provider ("" for a local log-in)."""
    id_token = request.session.get(oidc.ID_TOKEN_SESSION_KEY)
    if not id_token:
        return ""
    try:
        provider = oidc.staff_provider()
    except SignInFailed:
        return ""
    if provider is None:
        return ""
    return end_session_url(request, provider, id_token=id_token, after_url_name=settings.LOGIN_URL)


def _credentials(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}


def _lockout_response(request: HttpRequest) -> HttpResponse:
    credentials = _credentials(request)
    auth_logout(request)
    return lockout(request, None, credentials)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@page()
def verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Step two of two: the code from the authenticator app."""
    if is_verified(request.user):
        return _finish_login(request)
    next_url = _safe_next(request, request.GET.get("next"))
    if next_url:
        request.session[_NEXT_SESSION_KEY] = next_url
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("accounts:setup")
    if AxesProxyHandler.is_locked(request, _credentials(request)):
        return _lockout_response(request)

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        if not allowed:
            form.add_error(
                "token", _("Too many wrong codes in a row. Wait a moment and try again.")
            )
        else:
            for device in allowed:
                if device.verify_token(form.cleaned_data["token"]):
                    _second_factor_passed(request, device)
                    return _finish_login(request)
            # A wrong code counts towards the same lock-out as a wrong password.
            user_login_failed.send(
                sender=__name__, credentials=_credentials(request), request=request
            )
            if AxesProxyHandler.is_locked(request, _credentials(request)):
                return _lockout_response(request)
            form.add_error("token", _("This code is not correct. Check the app and try again."))
    return render(request, "accounts/verify.html", {"form": form})


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@page()
def setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """First log-in: link an authenticator app by scanning a QR code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_enrol(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            _second_factor_passed(request, device)
            messages.success(request, _("Two-step verification is set up."))
            return _finish_login(request)
        form.add_error("token", _("This code is not correct. Scan the QR code again and retry."))
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_data_uri": qr_data_uri(device.config_url),
            "secret": _grouped_secret(device),
        },
    )


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out whoever sends it (public: a session that already ended may press it too).

    After single sign-on the browser goes on to the provider's end-session endpoint, which
    sends it back to the log-in page."""
    provider_logout = _provider_logout_url(request)
    auth_logout(request)
    messages.info(request, _("You are logged out."))
    return redirect(provider_logout or settings.LOGOUT_REDIRECT_URL)


def lockout(
    request: HttpRequest,
    response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes calls this when an account is locked: a Dutch page, status 429."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    until = timezone.localtime() + datetime.timedelta(minutes=minutes)
    return render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes, "until": until},
        status=429,
    )


@page()
@require_GET
def account_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": selectors.active_memberships(request.user),
            "devices": TOTPDevice.objects.filter(user=request.user, confirmed=True),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


@page(can_view_organisations)
@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": selectors.organisation_list(user=request.user)},
    )


@page(can_view_organisations, obj=ORGANISATION)
@require_GET
def organisation_detail(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": selectors.contact_persons(user=request.user, organisation=organisation),
        },
    )


@page()
@require_GET
def my_team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shortcut to the user's own team (the first, if they work in more than one)."""
    teams = list(
        selectors.team_list(user=request.user).filter(pk__in=selectors.team_ids_of(request.user))
    )
    if not teams:
        messages.info(request, _("You are not a member of a neighbourhood team."))
        return redirect("home")
    if len(teams) == 1:
        return redirect("accounts:team-detail", pk=teams[0].pk)
    return render(request, "accounts/team_list.html", {"teams": teams})


@page(obj=TEAM)
@require_GET
def team_detail(request: AuthenticatedHttpRequest, team: Team) -> HttpResponse:
    return render(request, "accounts/team_detail.html", {"team": team})


@public
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for by themselves: the SVG icon in static."""
    response = HttpResponseRedirect(static("img/favicon.svg"))
    response["Cache-Control"] = "max-age=86400"
    return response


@public
@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability (public, by the RFC). Expires is always
    within a year."""
    expires = (timezone.now() + datetime.timedelta(days=180)).replace(microsecond=0)
    base = f"{request.scheme}://{request.get_host()}"
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {base}/.well-known/security.txt",
        "Policy: https://www.ncsc.nl/contact/kwetsbaarheid-melden",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def redirect_to_login(request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
    """The admin's own login page is replaced by ours (with the second factor)."""
    return redirect(settings.LOGIN_URL)
