"""Signing residents in and out (called by the DigiD-through-the-broker sign-in)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from doorbraak.accounts.models import User
from doorbraak.audit.models import ProcessingAction
from doorbraak.households.models import Member
from doorbraak.residents.models import ResidentAccount
from doorbraak.residents.processing import log_resident

#: The session key that marks a resident's session (staff sessions never carry it).
SESSION_KEY = "doorbraak_resident"
#: When the resident's session ends for good (Unix time, seconds), whatever the activity:
#: the sign-in time plus ``DOORBRAAK_RESIDENT_SESSION_SECONDS`` (``ResidentOnlyMiddleware``).
SESSION_ENDS_KEY = "doorbraak_resident_ends_at"


@transaction.atomic
def resident_user_for(member: Member) -> User:
    """The resident account's user of this member, made on the first sign-in.

    The user has no usable password, no roles and no memberships: it can only sign in
    through the broker and only reach the household's own page.
    """
    account = ResidentAccount.objects.select_related("user").filter(member=member).first()
    if account is not None:
        return account.user
    user = get_user_model().objects.create_user(username=f"inwoner-{secrets.token_hex(8)}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ResidentAccount.objects.create(user=user, member=member)
    return user


@transaction.atomic
def resident_sign_in(request: HttpRequest, user: User) -> ResidentAccount:
    """After ``django.contrib.auth.login``: a short session, and the sign-in in the log.

    The session ends after ``DOORBRAAK_RESIDENT_SESSION_SECONDS`` without activity (its
    expiry, renewed by ``SessionRefreshMiddleware``) and at the latest that long after the
    sign-in (``SESSION_ENDS_KEY``, which nothing renews).
    """
    account = ResidentAccount.objects.select_related("member__household").get(user=user)
    now = timezone.now()
    request.session[SESSION_KEY] = account.member_id
    request.session[SESSION_ENDS_KEY] = int(now.timestamp()) + (
        settings.DOORBRAAK_RESIDENT_SESSION_SECONDS
    )
    request.session.set_expiry(settings.DOORBRAAK_RESIDENT_SESSION_SECONDS)
    account.last_sign_in_at = now
    account.save(update_fields=["last_sign_in_at"])
    log_resident(
        actor=user,
        action=ProcessingAction.READ,
        object_type="resident_sign_in",
        member=account.member,
    )
    return account


def resident_session_ended(request: HttpRequest) -> bool:
    """Whether this resident's session is past its fixed end (one without an end, made
    before the end was kept, counts as ended)."""
    ends_at = request.session.get(SESSION_ENDS_KEY)
    return not isinstance(ends_at, int) or timezone.now().timestamp() >= ends_at
