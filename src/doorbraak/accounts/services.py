"""State changes for users, memberships and second-factor devices.

Each function is one use case: keyword-only, transactional, and writes the processing log
(activity: account management) for changes to someone's account.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import (
    TEAM_ROLES,
    ExternalIdentity,
    GroupRoleMapping,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    User,
)
from doorbraak.accounts.processing import AccountChange, log_account_change
from doorbraak.accounts.selectors import AnyUser

TOTP_DEVICE_NAME = "Authenticator-app"


def membership_validate(
    *, role: str, organisation: Organisation, municipality: Municipality, team: Team | None
) -> None:
    """Raise ``ValidationError`` with Dutch messages when the combination is impossible."""
    errors: dict[str, str] = {}
    if role in TEAM_ROLES and team is None:
        errors["team"] = _("A professional or team lead needs a team.")
    if team is not None:
        if team.municipality_id != municipality.pk:
            errors["team"] = _("The team belongs to another municipality.")
        elif team.organisation_id != organisation.pk:
            errors["team"] = _("The team belongs to another organisation.")
    if organisation.municipality_id not in (None, municipality.pk):
        errors["organisation"] = _("This organisation works in another municipality.")
    if role in TEAM_ROLES and organisation.kind != OrganisationKind.NEIGHBOURHOOD_TEAM:
        errors["organisation"] = _("Professionals and team leads work for a neighbourhood team.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_grant(
    *,
    actor: AnyUser | None,
    user: User,
    role: Role,
    organisation: Organisation,
    municipality: Municipality,
    team: Team | None = None,
    valid_from: datetime.date | None = None,
) -> Membership:
    """Give ``user`` a role; returns the existing membership if it is already in force."""
    membership_validate(role=role, organisation=organisation, municipality=municipality, team=team)
    existing = (
        Membership.objects.active()
        .filter(
            user=user, role=role, organisation=organisation, municipality=municipality, team=team
        )
        .first()
    )
    if existing is not None:
        return existing
    membership = Membership.objects.create(
        user=user,
        role=role,
        organisation=organisation,
        municipality=municipality,
        team=team,
        valid_from=valid_from or timezone.localdate(),
    )
    log_account_change(
        actor=actor,
        change=AccountChange.CREATE,
        user=user,
        object_type="accounts.membership",
        object_id=membership.pk,
        municipality=municipality,
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: AnyUser | None, membership: Membership, on: datetime.date | None = None
) -> Membership:
    """End a role from ``on`` (default today); the record stays for the history."""
    end = on or timezone.localdate()
    if end < membership.valid_from:
        raise ValidationError({"valid_until": _("A role cannot end before it started.")})
    membership.valid_until = end
    membership.save(update_fields=["valid_until"])
    log_account_change(
        actor=actor,
        change=AccountChange.UPDATE,
        user=membership.user,
        object_type="accounts.membership",
        object_id=membership.pk,
        municipality=membership.municipality,
    )
    return membership


@transaction.atomic
def totp_device_enrol(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device; earlier unconfirmed attempts are discarded."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first code from the app; False when the code is wrong."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log_account_change(
        actor=user,
        change=AccountChange.CREATE,
        user=user,
        object_type="otp_totp.totpdevice",
        object_id=device.pk,
    )
    return True


@transaction.atomic
def totp_device_reset(*, actor: AnyUser, user: User) -> int:
    """Remove all of a user's devices (a lost phone); they enrol again at next log-in."""
    deleted, _details = TOTPDevice.objects.filter(user=user).delete()
    log_account_change(
        actor=actor,
        change=AccountChange.DELETE,
        user=user,
        object_type="otp_totp.totpdevice",
        object_id="",
    )
    return deleted


def _free_username(wanted: str) -> str:
    base = "".join(c for c in wanted.strip().lower() if c.isalnum() or c in "._-@")[:120]
    base = base or "sso"
    candidate = base
    while User.objects.filter(username=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


@transaction.atomic
def external_identity_sign_in(
    *,
    issuer: str,
    subject: str,
    username: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """The user of a single sign-on: the one linked to ``(issuer, subject)``, or a new user
    without roles (a functional administrator gives them roles, or a group mapping does).

    Users are matched only by the stable claim, never by e-mail address or name: whoever
    controls an address at the provider does not take over an existing account. A
    functional administrator links an existing account in the admin (external identities).
    """
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = User.objects.create_user(
            username=_free_username(username or email.split("@")[0]),
            first_name=first_name[:150],
            last_name=last_name[:150],
            email=email[:254],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        log_account_change(actor=None, change=AccountChange.CREATE, user=user)
        log_account_change(
            actor=None,
            change=AccountChange.CREATE,
            user=user,
            object_type="accounts.externalidentity",
            object_id=identity.pk,
        )
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    return identity.user


@transaction.atomic
def group_roles_apply(*, user: User, groups: Collection[str]) -> list[Membership]:
    """Grant the roles the municipalities mapped to ``groups``; end those a mapping granted
    before for a group the user no longer has. Returns the memberships granted now."""
    granted: list[Membership] = []
    mappings = GroupRoleMapping.objects.select_related(
        "municipality", "organisation", "team"
    ).order_by("pk")
    for mapping in mappings:
        if mapping.group in groups:
            membership = membership_grant(
                actor=None,
                user=user,
                role=Role(mapping.role),
                organisation=mapping.organisation,
                municipality=mapping.municipality,
                team=mapping.team,
            )
            mapping.memberships.add(membership)
            granted.append(membership)
    for mapping in mappings:
        if mapping.group in groups:
            continue
        for membership in mapping.memberships.active().filter(user=user):
            if membership not in granted:
                _mapped_membership_end(membership)
    return granted


def _mapped_membership_end(membership: Membership) -> None:
    """The group is gone: the role ends at once (yesterday was its last day; a role granted
    today is removed, as it cannot end before it started)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    if membership.valid_from <= yesterday:
        membership_end(actor=None, membership=membership, on=yesterday)
        return
    log_account_change(
        actor=None,
        change=AccountChange.DELETE,
        user=membership.user,
        object_type="accounts.membership",
        object_id=membership.pk,
        municipality=membership.municipality,
    )
    membership.delete()
