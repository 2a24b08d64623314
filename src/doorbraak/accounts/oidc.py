"""Staff single sign-on: the municipality's identity provider through OpenID Connect.

Configured by ``settings.DOORBRAAK_OIDC`` (the ``DOORBRAAK_OIDC_*`` variables); off when it
is not set. A sign-in finds its user by the stable claim (``user_claim``, by default
``sub``) through :class:`~doorbraak.accounts.models.ExternalIdentity`, or makes one without
roles; roles come from Doorbraak, or from a group the municipality mapped to one
(:class:`~doorbraak.accounts.models.GroupRoleMapping`). When the token shows a second factor
at the provider (``acr`` in ``mfa_acr``, or an ``amr`` value in ``mfa_amr``) the session
counts as verified; otherwise the local TOTP step follows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from doorbraak.accounts import services
from doorbraak.accounts.models import User
from doorbraak.lib.oidc import Provider, ProviderBackend, SignInFailed, provider_from_settings

CALLBACK_URL_NAME = "accounts:sso-callback"
#: The ID token of the single sign-on, for the log-out at the provider.
ID_TOKEN_SESSION_KEY = "doorbraak_sso_id_token"


def sso_enabled() -> bool:
    return bool(settings.DOORBRAAK_OIDC)


def local_login_enabled() -> bool:
    return bool(settings.DOORBRAAK_LOCAL_LOGIN) or not sso_enabled()


def staff_provider() -> Provider | None:
    """The staff provider, or None when single sign-on is off (``SignInFailed`` when its
    discovery document cannot be fetched)."""
    return provider_from_settings(
        settings.DOORBRAAK_OIDC, name="staff", callback_url_name=CALLBACK_URL_NAME
    )


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value if isinstance(value, str) else ""


def claimed_groups(claims: dict[str, Any], claim: str) -> set[str]:
    if not claim:
        return set()
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


def has_provider_mfa(claims: dict[str, Any], provider: Provider) -> bool:
    """True when the provider says it did a second factor: an accepted ``acr``, or an
    accepted method in ``amr``."""
    accepted_acr = set(provider.option("mfa_acr", []))
    accepted_amr = set(provider.option("mfa_amr", []))
    acr = claims.get("acr")
    if isinstance(acr, str) and acr in accepted_acr:
        return True
    amr = claims.get("amr")
    methods = {amr} if isinstance(amr, str) else set(amr) if isinstance(amr, list) else set()
    return bool(accepted_amr & {m for m in methods if isinstance(m, str)})


class StaffBackend(ProviderBackend):
    """The user of a staff sign-in (never listed in AUTHENTICATION_BACKENDS: the callback
    view calls it, and the session is then a normal ModelBackend session)."""

    def user_for_claims(self, claims: dict[str, Any]) -> User:
        subject = claims.get(self.provider.option("user_claim", "sub"))
        if not isinstance(subject, str | int) or not str(subject):
            raise SignInFailed("no_subject")
        user = services.external_identity_sign_in(
            issuer=self.provider.issuer,
            subject=str(subject),
            username=_text(claims, "preferred_username"),
            first_name=_text(claims, "given_name"),
            last_name=_text(claims, "family_name"),
            email=_text(claims, "email"),
        )
        groups_claim = self.provider.option("groups_claim", "")
        if groups_claim and user.is_active:
            services.group_roles_apply(user=user, groups=claimed_groups(claims, groups_claim))
        return user


def staff_sign_in(request: HttpRequest, provider: Provider) -> tuple[User, StaffBackend]:
    """The user of the callback request (``SignInFailed`` when it does not hold)."""
    backend = StaffBackend(provider)
    user: User = backend.sign_in(request)
    return user, backend
