"""Who may see the household's own page, and when it stays closed.

A resident reaches ``/mijn/`` only through their own resident session (DigiD through the
broker, :func:`doorbraak.residents.services.resident_sign_in`); staff users never do. The
page then shows nothing but a kind explanation while the person's access is withdrawn.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.households.models import HouseholdStatus, Member


class Closed(TextChoices):
    """Why the page shows nothing of the household (the kind page says so in B1 Dutch)."""

    CONSENT = "toestemming", _("You withdrew your consent")
    RESTRICTED = "beperkt", _("The use of your data is restricted")
    LEFT = "vertrokken", _("You are no longer part of the household")
    HOUSEHOLD_CLOSED = "afgesloten", _("The support has ended")


def closed_reason(member: Member, *, consents_withdrawn: bool) -> Closed | None:
    """Why ``member`` may not see the household's page now, or ``None`` when they may.

    ``consents_withdrawn``: the member gave consent and withdrew all of it (none is in
    force any more); the caller reads it with one query.
    """
    household = member.household
    if household.destroyed_on is not None or household.status != HouseholdStatus.ACTIVE:
        return Closed.HOUSEHOLD_CLOSED
    if member.left_on is not None and member.left_on <= timezone.localdate():
        return Closed.LEFT
    if member.processing_restricted_at is not None:
        return Closed.RESTRICTED
    if consents_withdrawn:
        return Closed.CONSENT
    return None
