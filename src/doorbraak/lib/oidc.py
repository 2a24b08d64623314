"""Signing in through OpenID Connect (mozilla-django-oidc), for more than one provider.

mozilla-django-oidc reads one provider from the settings; Doorbraak has two (staff single
sign-on, ``settings.DOORBRAAK_OIDC``, and residents' DigiD through the broker,
``settings.DOORBRAAK_DIGID``). :class:`Provider` is one of them, its endpoints from the
settings or, where not given, from the provider's discovery document (fetched at the first
sign-in and kept). :class:`ProviderBackend` and :class:`AuthRequestView` are the library's
classes reading that provider instead of the settings. The backend checks more than the
library does by itself: the ID token's audience, issuer, expiry and issue time (with a
small leeway), and that the user-info answer is about the same subject.

A sign-in that fails raises :class:`SignInFailed` with a reason code (never personal data),
which the callback views turn into a Dutch page and a security-log record.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

#: Which flow a state in the session belongs to (``oidc_states``, the library's key).
STATES_SESSION_KEY = "oidc_states"


class SignInFailed(Exception):
    """A sign-in the provider or its answer did not bear out; ``reason`` is a short code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect provider and Doorbraak's client there."""

    name: str  # "staff" or "digid": which flow, kept with the state in the session
    callback_url_name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    sign_algo: str
    acr_values: str
    leeway_seconds: int
    timeout_seconds: int
    discovery_url: str = ""
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    userinfo_endpoint: str = ""
    jwks_uri: str = ""
    end_session_endpoint: str = ""
    options: tuple[tuple[str, Any], ...] = ()

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)

    @property
    def library_settings(self) -> dict[str, Any]:
        """The mozilla-django-oidc settings of this provider."""
        return {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "OIDC_OP_TOKEN_ENDPOINT": self.token_endpoint,
            "OIDC_OP_USER_ENDPOINT": self.userinfo_endpoint,
            "OIDC_OP_JWKS_ENDPOINT": self.jwks_uri,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_RP_SIGN_ALGO": self.sign_algo,
            "OIDC_RP_IDP_SIGN_KEY": None,
            "OIDC_RP_SCOPES": self.scopes,
            "OIDC_AUTHENTICATION_CALLBACK_URL": self.callback_url_name,
            "OIDC_AUTH_REQUEST_EXTRA_PARAMS": (
                {"acr_values": self.acr_values} if self.acr_values else {}
            ),
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_TOKEN_USE_BASIC_AUTH": True,
            "OIDC_VERIFY_SSL": True,
            "OIDC_TIMEOUT": self.timeout_seconds,
            "OIDC_PROXY": None,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_REDIRECT_FIELD_NAME": "next",
        }


_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()
_ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "end_session_endpoint",
)


def provider_from_settings(
    configured: dict[str, Any] | None, *, name: str, callback_url_name: str
) -> Provider | None:
    """The provider of a ``DOORBRAAK_OIDC``-like setting (None: not configured), with the
    endpoints the settings leave out taken from discovery.

    Raises ``SignInFailed("discovery")`` when the provider cannot be reached for discovery.
    """
    if not configured:
        return None
    known = {
        "issuer",
        "discovery_url",
        "client_id",
        "client_secret",
        "scopes",
        "sign_algo",
        "acr_values",
        "leeway_seconds",
        "timeout_seconds",
        *_ENDPOINTS,
    }
    provider = Provider(
        name=name,
        callback_url_name=callback_url_name,
        options=tuple(sorted((k, v) for k, v in configured.items() if k not in known)),
        **{k: v for k, v in configured.items() if k in known},
    )
    if all(
        getattr(provider, key) for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
    ):
        return provider
    document = _discovery(provider)
    endpoints: dict[str, Any] = {
        key: getattr(provider, key) or str(document.get(key) or "") for key in _ENDPOINTS
    }
    return replace(provider, **endpoints)


def _discovery(provider: Provider) -> dict[str, Any]:
    url = provider.discovery_url or f"{provider.issuer}/.well-known/openid-configuration"
    with _discovery_lock:
        document = _discovered.get(url)
    if document is not None:
        return document
    try:
        response = requests.get(url, timeout=provider.timeout_seconds)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError):
        raise SignInFailed("discovery") from None
    if not isinstance(document, dict) or document.get("issuer") != provider.issuer:
        raise ImproperlyConfigured(f"The discovery document at {url} is not of {provider.issuer}.")
    with _discovery_lock:
        _discovered[url] = document
    return document


def forget_discovery() -> None:
    """Fetch the discovery documents again at the next sign-in (a test's provider moved)."""
    with _discovery_lock:
        _discovered.clear()


class ProviderBackend(OIDCAuthenticationBackend):
    """The library's code flow for one provider, with stricter token checks.

    A subclass decides who the claims are: :meth:`user_for_claims`. After
    :meth:`authenticate` the backend holds the ID token (for the log-out at the provider)
    and the claims (the ID token's, completed by the user-info answer).
    """

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.id_token = ""
        self.claims: dict[str, Any] = {}
        super().__init__()

    def get_settings(self, attr: str, *args: Any) -> Any:
        values = self.provider.library_settings
        if attr in values:
            return values[attr]
        if args:
            return args[0]
        raise ImproperlyConfigured(f"OpenID Connect setting {attr} is not known.")

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError:
            raise SignInFailed("token") from None
        if header.get("alg") != self.provider.sign_algo:
            raise SignInFailed("algorithm")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.provider.sign_algo],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=self.provider.leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInFailed("expired") from None
        except jwt.InvalidAudienceError:
            raise SignInFailed("audience") from None
        except jwt.InvalidIssuerError:
            raise SignInFailed("issuer") from None
        except jwt.ImmatureSignatureError:
            raise SignInFailed("not_yet_valid") from None
        except jwt.InvalidTokenError:
            raise SignInFailed("token") from None
        audience = claims.get("aud")
        several = isinstance(audience, list) and len(audience) > 1
        if several and claims.get("azp") != self.provider.client_id:
            raise SignInFailed("audience")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The ID token's claims, completed (never overruled) by the user-info answer."""
        if not self.provider.userinfo_endpoint:
            return dict(payload)
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            raise SignInFailed("userinfo")
        return {**userinfo, **payload}

    def store_tokens(self, access_token: str, id_token: str) -> None:
        self.id_token = id_token

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        self.claims = self.get_userinfo(access_token, id_token, payload)
        return self.user_for_claims(self.claims)

    def user_for_claims(self, claims: dict[str, Any]) -> Any:
        raise NotImplementedError

    def sign_in(self, request: HttpRequest) -> Any:
        """The code flow's second half: the state checked, the code exchanged, the token
        verified, the user found. Raises :class:`SignInFailed`."""
        if request.GET.get("error"):
            raise SignInFailed("provider_error")
        state = request.GET.get("state", "")
        states = request.session.get(STATES_SESSION_KEY)
        if not state or not request.GET.get("code") or not isinstance(states, dict):
            raise SignInFailed("state")
        entry = states.pop(state, None)
        request.session.modified = True
        if not isinstance(entry, dict) or entry.get("flow") != self.provider.name:
            raise SignInFailed("state")
        try:
            user = self.authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except requests.RequestException:
            raise SignInFailed("provider") from None
        except SuspiciousOperation:
            raise SignInFailed("token") from None
        if user is None or not user.is_active:
            raise SignInFailed("inactive")
        return user


class AuthRequestView(OIDCAuthenticationRequestView):
    """The library's redirect to the provider, for one provider; the state in the session
    remembers which flow it belongs to, so one flow's callback cannot finish the other's."""

    provider: Provider

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        super().__init__()

    def get_settings(self, attr: str, *args: Any) -> Any:
        values = self.provider.library_settings
        if attr in values:
            return values[attr]
        if args:
            return args[0]
        raise ImproperlyConfigured(f"OpenID Connect setting {attr} is not known.")

    def redirect(self, request: HttpRequest) -> HttpResponse:
        self.request = request
        response: HttpResponse = self.get(request)
        state = parse_qs(urlsplit(response["Location"]).query).get("state", [""])[0]
        request.session[STATES_SESSION_KEY][state]["flow"] = self.provider.name
        request.session.modified = True
        return response


def start_sign_in(request: HttpRequest, provider: Provider) -> HttpResponse:
    """The redirect to the provider's authorisation endpoint."""
    return AuthRequestView(provider).redirect(request)


def end_session_url(
    request: HttpRequest, provider: Provider, *, id_token: str, after_url_name: str
) -> str:
    """Where to send the browser to end the session at the provider too (RP-initiated
    log-out), or "" when the provider has no end-session endpoint."""
    if not provider.end_session_endpoint:
        return ""
    query = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(after_url_name)),
    }
    if id_token:
        query["id_token_hint"] = id_token
    separator = "&" if "?" in provider.end_session_endpoint else "?"
    return f"{provider.end_session_endpoint}{separator}{urlencode(query)}"
