"""The API client: who it is, what it may call, and the hash of its credential.

Imported at the end of ``doorbraak.accounts.models``, so the model belongs to the accounts
app (migration ``accounts.0002_api_client``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.apiclients.scopes import ApiScope, permits


class ApiClientQuerySet(models.QuerySet["ApiClient"]):
    def active(self) -> ApiClientQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """A system integration of one organisation, in one municipality, with a scope."""

    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("municipality"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scope"), default=list)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("service user"),
    )
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    rotated_at = models.DateTimeField(_("secret renewed at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="apiclient_unique_name"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="apiclient_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def scope_labels(self) -> list[str]:
        """The groups of the scope, as people read them, in the order of ``ApiScope``."""
        return [str(scope.label) for scope in ApiScope if scope.value in self.scopes]

    def permits(self, request: object) -> bool:
        """Whether the scope covers the ``api:`` endpoint of ``request`` (REST framework's
        permission check asks this, ``doorbraak.lib.api.ScopedCredential``)."""
        match = getattr(request, "resolver_match", None)
        if match is None or "api" not in match.namespaces:
            return False
        return permits(list(self.scopes), match.url_name)
