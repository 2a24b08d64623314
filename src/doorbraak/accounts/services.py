"""State changes for users, memberships and second-factor devices.

Each function is one use case: keyword-only, transactional, and writes the processing log
(activity: account management) for changes to someone's account.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorbraak.accounts.models import (
    TEAM_ROLES,
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
