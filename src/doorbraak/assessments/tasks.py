"""Background work: remind the coordinator when a follow-up assessment is due."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from doorbraak.assessments.models import FollowUp, FollowUpStatus
from doorbraak.households.models import CoordinatorAssignment, EventKind
from doorbraak.households.services import lock_household, record_event
from doorbraak.lib.messages import Message

logger = logging.getLogger(__name__)


@task()
def follow_up_remind(follow_up_id: int) -> str:
    """Send the coordinator a reminder; idempotent (a second run sends nothing)."""
    with transaction.atomic():
        # Household first, then its follow-up (docs/locking.md): reopening the household
        # cancels follow-ups under the same household lock.
        household_id = (
            FollowUp.objects.filter(pk=follow_up_id).values_list("household_id", flat=True).first()
        )
        if household_id is None:
            return "skipped"
        lock_household(household_id)
        follow_up = (
            FollowUp.objects.select_for_update(no_key=True, of=("self",))
            .select_related("household")
            .filter(pk=follow_up_id)
            .first()
        )
        if follow_up is None or follow_up.status != FollowUpStatus.SCHEDULED:
            return "skipped"
        if follow_up.due_on > timezone.localdate():
            return "not-due"
        household = follow_up.household
        assignment = (
            CoordinatorAssignment.objects.filter(household=household)
            .select_related("coordinator")
            .order_by("-started_at")
            .first()
        )
        follow_up.status = FollowUpStatus.REMINDED
        follow_up.reminded_at = timezone.now()
        follow_up.save(update_fields=["status", "reminded_at"])
        with translation.override("nl"):
            record_event(
                household=household,
                kind=EventKind.FOLLOW_UP,
                actor=None,
                summary=Message(
                    gettext_lazy(
                        "Reminder sent: follow-up assessment %(months)d months after closing"
                        " is due."
                    ),
                    months=follow_up.months_after_closing,
                ),
            )
            if assignment is not None and assignment.coordinator.email:
                url = settings.SITE_URL + reverse("households:detail", args=[household.public_id])
                # No names in the e-mail: it leaves the application. The link needs a log-in.
                send_mail(
                    subject=_("Doorbraak: follow-up assessment due"),
                    message=_(
                        "A follow-up assessment (%(months)d months after closing) is due for a "
                        "household you coordinated. Open it in Doorbraak: %(url)s"
                    )
                    % {"months": follow_up.months_after_closing, "url": url},
                    from_email=None,
                    recipient_list=[assignment.coordinator.email],
                )
    logger.info("follow_up_reminded", extra={"follow_up_id": follow_up_id})
    return "reminded"
