"""Creating, renewing and revoking API clients, and recognising their credentials.

Every change is recorded in the processing log under account management (the client's
service user is the subject), through ``doorbraak.accounts.processing``.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.apiclients import credentials
from doorbraak.accounts.apiclients.models import ApiClient
from doorbraak.accounts.apiclients.policies import (
    can_manage_api_client,
    can_manage_api_clients_of,
)
from doorbraak.accounts.apiclients.scopes import ApiScope
from doorbraak.accounts.models import Membership, Municipality, Organisation, Role, Team, User
from doorbraak.accounts.processing import AccountChange, log_account_change
from doorbraak.accounts.selectors import AnyUser
from doorbraak.accounts.services import membership_validate
from doorbraak.lib.access import Refused
from doorbraak.lib.replica import write_database

OBJECT_TYPE = "accounts.apiclient"
#: ``last_used_at`` is written at most once in this interval: most calls write nothing.
LAST_USED_INTERVAL = datetime.timedelta(minutes=1)
#: The roles a client may act in: not the administrator's nor the privacy officer's.
CLIENT_ROLES = (
    Role.PROFESSIONAL,
    Role.TEAM_LEAD,
    Role.PARTNER_CONTACT,
    Role.TABLE_CHAIR,
    Role.FUND_MANAGER,
    Role.POLICY_ANALYST,
)


@dataclass(frozen=True)
class Issued:
    """A client with the secret just made for it: show ``secret`` once, then forget it."""

    client: ApiClient
    secret: str


@transaction.atomic
def api_client_create(
    *,
    actor: AnyUser,
    municipality: Municipality,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    role: str,
    team: Team | None = None,
) -> Issued:
    """A new client with its service user, its one membership and a fresh secret."""
    if not can_manage_api_clients_of(actor, municipality):
        raise Refused
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the client a name.")
    elif ApiClient.objects.filter(municipality=municipality, name__iexact=name).exists():
        errors["name"] = _("Another API client of this municipality has this name.")
    if not scopes:
        errors["scopes"] = _("Choose at least one part of the API.")
    elif not set(scopes) <= set(ApiScope.values):
        errors["scopes"] = _("Choose only parts of the API from the list.")
    if role not in CLIENT_ROLES:
        errors["role"] = _("An API client cannot have this role.")
    if errors:
        raise ValidationError(errors)
    membership_validate(role=role, organisation=organisation, municipality=municipality, team=team)

    user = User(username=f"api-{uuid.uuid4().hex[:20]}", first_name=name[:150])
    user.set_unusable_password()
    user.save()
    Membership.objects.create(
        user=user, role=role, organisation=organisation, municipality=municipality, team=team
    )
    new = credentials.new_credential()
    client = ApiClient.objects.create(
        municipality=municipality,
        organisation=organisation,
        name=name,
        scopes=[scope for scope in ApiScope.values if scope in scopes],
        user=user,
        key_id=new.key_id,
        secret_hash=new.hashed,
        created_at=timezone.now(),
        created_by=actor if isinstance(actor, User) else None,
    )
    log_account_change(
        actor=actor,
        change=AccountChange.CREATE,
        user=client.user,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        municipality=client.municipality,
    )
    return Issued(client=client, secret=new.secret)


def _locked(client: ApiClient) -> ApiClient:
    return (
        ApiClient.objects.select_for_update(no_key=True)
        .select_related("municipality", "user")
        .get(pk=client.pk)
    )


@transaction.atomic
def api_client_rotate(*, actor: AnyUser, client: ApiClient) -> Issued:
    """A new secret; the old one stops working at once."""
    if not can_manage_api_client(actor, client):
        raise Refused
    client = _locked(client)
    if client.is_revoked:
        raise ValidationError(_("This API client is revoked: its key cannot be renewed."))
    new = credentials.new_credential()
    client.key_id = new.key_id
    client.secret_hash = new.hashed
    client.rotated_at = timezone.now()
    client.save(update_fields=["key_id", "secret_hash", "rotated_at"])
    log_account_change(
        actor=actor,
        change=AccountChange.UPDATE,
        user=client.user,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        municipality=client.municipality,
    )
    return Issued(client=client, secret=new.secret)


@transaction.atomic
def api_client_revoke(*, actor: User, client: ApiClient) -> ApiClient:
    """Revoke the client for good: its credential stops working, its service user too."""
    if not can_manage_api_client(actor, client):
        raise Refused
    client = _locked(client)
    if client.is_revoked:
        return client
    client.revoked_at = timezone.now()
    client.revoked_by = actor
    client.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=client.user_id).update(is_active=False)
    log_account_change(
        actor=actor,
        change=AccountChange.DELETE,
        user=client.user,
        object_type=OBJECT_TYPE,
        object_id=client.pk,
        municipality=client.municipality,
    )
    return client


def api_client_authenticate(credential: str) -> ApiClient | None:
    """The active client whose credential this is, else None; notes when it was used.

    One indexed read (with the service user and the municipality); the hash is compared
    in constant time. ``last_used_at`` is written only when it is older than
    ``LAST_USED_INTERVAL``, by a conditional UPDATE, so most calls write nothing.
    """
    key_id = credentials.key_id_of(credential)
    if key_id is None:
        return None
    # Always the primary: a view that reads from the replica must not see a revoked or
    # renewed key as still valid while the replica lags.
    client = (
        ApiClient.objects.using(write_database())
        .active()
        .select_related("user", "municipality")
        .filter(key_id=key_id, user__is_active=True)
        .first()
    )
    if client is None or not credentials.matches(credential, client.secret_hash):
        return None
    api_client_touch(client)
    return client


def api_client_touch(client: ApiClient, *, now: datetime.datetime | None = None) -> bool:
    """Record that the client was used, unless that was recorded less than a minute ago.

    Returns whether it wrote. Two calls at once write at most once: the UPDATE itself
    checks the old value.
    """
    now = now or timezone.now()
    threshold = now - LAST_USED_INTERVAL
    if client.last_used_at is not None and client.last_used_at > threshold:
        return False
    stale = ApiClient.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold), pk=client.pk
    )
    written = stale.update(last_used_at=now) > 0
    if written:
        client.last_used_at = now
    return written
