"""A resident's account: the link between a login (DigiD through the broker) and a member.

A resident has a Django user without a password, roles or memberships: the staff pages'
access rules find nothing for it, and the household's own page (``/mijn/``) reads the
member through this link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.households.models import Member


class ResidentAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="resident_account",
        verbose_name=_("user"),
    )
    member = models.OneToOneField(
        Member,
        on_delete=models.CASCADE,
        related_name="resident_account",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")

    def __str__(self) -> str:
        return self.user.username
