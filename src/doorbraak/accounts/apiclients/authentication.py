"""REST framework authentication of API clients: ``Authorization: Bearer <secret>``.

The personal tokens of REST framework's ``authtoken`` keep their own header
(``Authorization: Token …``); a client's secret is a bearer credential. A wrong, revoked
or renewed-away secret is a 401; what the client may call is checked after this, by
``doorbraak.lib.api.IsVerifiedUser`` (its scope: 403) and by every view's own rules (its
municipality and organisation: 404).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.apiclients.services import api_client_authenticate
from doorbraak.accounts.models import User

KEYWORD = "Bearer"


class ApiClientAuthentication(BaseAuthentication):
    """The secret of an API client, sent as a bearer credential."""

    def authenticate(self, request: Request) -> tuple[User, ApiClient] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None  # another scheme (a session, a personal token): not ours
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as: Authorization: Bearer <key>.")
            )
        try:
            credential = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid, or no longer.")
            ) from None
        client = api_client_authenticate(credential)
        if client is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid, or no longer."))
        return client.user, client

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiClientScheme(OpenApiAuthenticationExtension):
    """The security scheme of the OpenAPI document for this authentication."""

    target_class = ApiClientAuthentication
    name = "apiClient"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "De sleutel van een API-koppeling, aangemaakt door de functioneel beheerder "
                "(/api-koppelingen/) en eenmalig getoond."
            ),
        }
