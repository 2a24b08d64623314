"""Residents sign in with DigiD through the broker ("DigiD via de makelaar"), OpenID Connect.

Configured by ``settings.DOORBRAAK_DIGID`` (the ``DOORBRAAK_DIGID_*`` variables), separate
from the staff sign-on; off when it is not set. The broker's BSN claim (``bsn_claim``) is
looked up through the blind index (``households.selectors.member_for_bsn``); a known member
gets their resident account (``services.resident_user_for``), an unknown BSN gets nobody
and no account. When ``accepted_acr`` is set, the token's ``acr`` (the DigiD assurance
level) must be one of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from doorbraak.accounts.models import User
from doorbraak.households.selectors import member_for_bsn
from doorbraak.lib.oidc import Provider, ProviderBackend, SignInFailed, provider_from_settings
from doorbraak.residents.services import resident_user_for

CALLBACK_URL_NAME = "resident_auth:callback"
#: The broker's ID token, for the log-out at the broker.
ID_TOKEN_SESSION_KEY = "doorbraak_digid_id_token"
#: The reason code of a BSN that is not a member Doorbraak knows.
UNKNOWN_RESIDENT = "unknown_bsn"


def digid_provider() -> Provider | None:
    return provider_from_settings(
        settings.DOORBRAAK_DIGID, name="digid", callback_url_name=CALLBACK_URL_NAME
    )


class ResidentBackend(ProviderBackend):
    """The resident of a DigiD sign-in (called by the callback view only)."""

    def user_for_claims(self, claims: dict[str, Any]) -> User:
        accepted = self.provider.option("accepted_acr", [])
        if accepted and claims.get("acr") not in accepted:
            raise SignInFailed("assurance")
        bsn = claims.get(self.provider.option("bsn_claim", "bsn"))
        if not isinstance(bsn, str | int) or not str(bsn):
            raise SignInFailed("no_bsn")
        member = member_for_bsn(str(bsn).zfill(9))
        if member is None:
            raise SignInFailed(UNKNOWN_RESIDENT)
        return resident_user_for(member)


def resident_from_callback(request: HttpRequest, provider: Provider) -> tuple[User, str]:
    """The resident's user and the broker's ID token (``SignInFailed`` when it fails)."""
    backend = ResidentBackend(provider)
    user: User = backend.sign_in(request)
    return user, backend.id_token
