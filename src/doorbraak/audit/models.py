"""Logboek dataverwerkingen: the append-only, tamper-evident processing log.

One ``ProcessingLog`` row records one processing of the personal data of one data subject:
who (user, role, organisation), when, what (action, object), whom it concerned (a
pseudonymous id, never a BSN), why (processing activity, purpose, legal basis) and in
which request.

Tamper evidence (docs/adr/0001-processing-log-sealing.md): every row carries a keyed MAC of
its own content, written in the same single INSERT as the rest of the row, with no lock.
A sealer (``manage.py seal_processing_log``) later chains the committed rows, in id order,
into ``ProcessingLogSeal`` checkpoints: each seal covers an id range, holds a digest of
the (id, MAC) pairs in it and the HMAC of the previous seal. A changed row breaks its MAC;
a removed or inserted row breaks its seal. Rows written before sealing existed carry the
older per-row chain (``previous_hash``), which verification still checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.accounts.models import Role
from doorbraak.accounts.selectors import municipality_ids_of
from doorbraak.audit.activities import ProcessingActivity


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a processing-log record."""


class ProcessingAction(models.TextChoices):
    READ = "read", _("Read")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    SEARCH = "search", _("Search")


class ProcessingLogQuerySet(models.QuerySet["ProcessingLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")

    def visible_to(self, user: Any) -> ProcessingLogQuerySet:
        """Records of the municipalities where the user is privacy officer."""

        if not user.is_authenticated:
            return self.none()
        return self.of_municipalities(municipality_ids_of(user, role=Role.PRIVACY_OFFICER))

    def of_municipalities(self, municipalities: Collection[int]) -> ProcessingLogQuerySet:
        """What :meth:`visible_to` gives a privacy officer of ``municipalities`` (for a
        query compiled once: lib/prepared.py)."""
        return self.filter(municipality_id__in=municipalities)


class ProcessingLog(models.Model):
    """One processing of one data subject's personal data (append-only)."""

    # Every page view inserts records, so the table carries only the indexes its readers
    # need (the privacy officer's search by municipality, user and person) and no foreign
    # key constraints: a constraint check locks the user's and the municipality's row on
    # every insert. PROTECT still applies in the application, and users, municipalities
    # are deactivated, never deleted.
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the (actor, occurred_at) index serves
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
        help_text=_("Empty when the system itself processed, for example a background task."),
    )
    actor_name = models.CharField(_("user name"), max_length=150)
    actor_role = models.CharField(_("role"), max_length=30)
    actor_organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the (municipality, occurred_at) index serves
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    action = models.CharField(_("action"), max_length=10, choices=ProcessingAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject_pseudonym = models.CharField(
        _("person concerned"),
        max_length=64,
        blank=True,
        help_text=_("Pseudonymous id of the data subject; never a BSN or a name."),
    )
    activity = models.CharField(
        _("processing activity"), max_length=40, choices=ProcessingActivity.choices
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    previous_hash = models.CharField(
        _("previous hash"),
        max_length=64,
        blank=True,
        help_text=_("Only on records written before sealing existed (the old per-row chain)."),
    )
    record_hash = models.CharField(_("hash"), max_length=64)

    objects = ProcessingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing log record")
        verbose_name_plural = _("processing log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["municipality", "-occurred_at"], name="processinglog_muni_time"),
            models.Index(fields=["actor", "-occurred_at"], name="processinglog_actor_time"),
            # The log page's user filter: a user's records within the privacy officer's
            # municipalities, newest first, off one index (migration 0012, docs/scale.md).
            models.Index(
                fields=["municipality", "actor", "-occurred_at"],
                name="processinglog_muni_actor_time",
            ),
            # Exact matches only: no second (LIKE) index as db_index=True makes on PostgreSQL.
            # With the time, so the person's newest records are read off the index in order.
            models.Index(
                fields=["subject_pseudonym", "-occurred_at"], name="processinglog_subject_time"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not domain logic: on SQLite there is no trigger to stop an update.
        if not self._state.adding:
            raise AppendOnlyError("The processing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")

    @property
    def actor_role_label(self) -> str:
        if self.actor_role in Role.values:
            return str(Role(self.actor_role).label)
        return str(_("System")) if self.actor_role == "system" else self.actor_role


class ProcessingLogSealQuerySet(models.QuerySet["ProcessingLogSeal"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing-log seals are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The processing-log seals are append-only.")


class ProcessingLogSeal(models.Model):
    """A signed checkpoint over the processing-log records with ids in
    (the previous seal's ``last_record_id``, ``last_record_id``].

    The seals signed with one chain key form a *segment*; the first seal of the next
    segment, signed with the new key, links to the last seal of the previous one
    (docs/adr/0001-processing-log-sealing.md, "Key rotation: segments")."""

    sealed_at = models.DateTimeField(_("sealed at"), default=timezone.now)
    first_record_id = models.BigIntegerField(
        _("first record"), help_text=_("The lowest id in the range that exists.")
    )
    last_record_id = models.BigIntegerField(_("last record"), unique=True)
    record_count = models.PositiveIntegerField(_("number of records"))
    records_digest = models.CharField(_("digest of the records"), max_length=64)
    previous_seal_hash = models.CharField(_("previous seal"), max_length=64)
    seal_hash = models.CharField(_("seal"), max_length=64, unique=True)
    key_id = models.CharField(
        _("chain key"),
        max_length=16,
        blank=True,
        default="",
        help_text=_(
            "Fingerprint of the chain key that signed this seal (never the key); a new key "
            "starts a new segment of the chain. Empty on seals made before segments existed."
        ),
    )

    objects = ProcessingLogSealQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing log seal")
        verbose_name_plural = _("processing log seals")
        ordering = ["-last_record_id"]

    def __str__(self) -> str:
        return f"{self.first_record_id}–{self.last_record_id} ({self.record_count})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The processing-log seals are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing-log seals are append-only.")


class SecurityEventQuerySet(models.QuerySet["SecurityEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The security log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The security log is append-only.")

    def visible_to(self, user: Any) -> SecurityEventQuerySet:
        """Events of the municipalities where the user is privacy officer."""

        if not user.is_authenticated:
            return self.none()
        return self.filter(municipality_id__in=municipality_ids_of(user, role=Role.PRIVACY_OFFICER))


class SecurityOutcome(models.IntegerChoices):
    """The answer the user got."""

    FORBIDDEN = 403, _("Not allowed (403)")
    NOT_FOUND = 404, _("Not found (404)")
    CONFLICT = 409, _("Possible duplicate elsewhere (409)")


class SecurityStage(models.TextChoices):
    """Which access check refused (docs/architecture.md, "Access: one way in")."""

    ROLE = "role", _("Role")
    OBJECT = "object", _("Object not visible")
    RELATION = "relation", _("Relation to the object")
    VIEW = "view", _("Refused by the page itself")
    DUPLICATE_PROBE = "duplicate_probe", _("Duplicate check found a household elsewhere")


class SecurityEvent(models.Model):
    """One refused access to a page or object (append-only): the security log.

    Who asked (account, role, team), what they asked for (the kind of object and its id as
    given in the URL, never any data of the object), where (the URL name and method), when
    and in which request, and the answer (403 or 404). Nobody's personal data was processed,
    so this is not the processing log; the privacy officer reads it for patterns such as a
    user guessing another team's ids.
    """

    # Written on refused requests only, so a plain table: no foreign key constraints (like
    # the processing log, users and municipalities are deactivated, never deleted).
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the (actor, occurred_at) index serves
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_username = models.CharField(_("username"), max_length=150)
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    actor_team = models.CharField(_("team"), max_length=150, blank=True)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the (municipality, occurred_at) index serves
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    outcome = models.PositiveSmallIntegerField(_("outcome"), choices=SecurityOutcome.choices)
    stage = models.CharField(_("refused by"), max_length=20, choices=SecurityStage.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(
        _("object id as given"),
        max_length=64,
        blank=True,
        help_text=_("The id as it was in the URL; the object need not exist."),
    )
    view_name = models.CharField(_("page"), max_length=150)
    method = models.CharField(_("method"), max_length=10)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    search_hash = models.CharField(
        _("search term (keyed hash)"),
        max_length=64,
        blank=True,
        help_text=_(
            "doorbraak.lib.crypto.search_hash of what was searched for (the duplicate check: "
            "the last name); never the term itself."
        ),
    )

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["municipality", "-occurred_at"], name="securityevent_muni_time"),
            models.Index(fields=["actor", "-occurred_at"], name="securityevent_actor_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.outcome} "
            f"{self.object_type} {self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The security log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The security log is append-only.")

    @property
    def actor_role_label(self) -> str:
        if self.actor_role in Role.values:
            return str(Role(self.actor_role).label)
        return self.actor_role


# --- Alerts for the privacy officer ------------------------------------------------------------

ISO_WEEKDAYS = "1234567"


class AlertSettingsQuerySet(models.QuerySet["AlertSettings"]):
    def visible_to(self, user: Any) -> AlertSettingsQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(municipality_id__in=municipality_ids_of(user, role=Role.PRIVACY_OFFICER))


class AlertSettings(models.Model):
    """The thresholds of a municipality's security alerts (``doorbraak.audit.alerts``).

    A municipality without a row uses the defaults of the fields."""

    municipality = models.OneToOneField(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
    )
    refusals_per_hour = models.PositiveSmallIntegerField(
        _("refused requests per user per hour"),
        default=20,
        help_text=_("An alert when one user is refused this often within one clock hour."),
    )
    reads_factor = models.PositiveSmallIntegerField(
        _("household reads: times the usual"),
        default=3,
        help_text=_(
            "An alert when a user opens more households in a day than this many times the "
            "median of their daily number over the 28 days before."
        ),
    )
    reads_minimum = models.PositiveSmallIntegerField(
        _("household reads: at least"),
        default=40,
        help_text=_("…and at least this many households that day."),
    )
    office_start = models.TimeField(_("office hours from"), default=datetime.time(7, 0))
    office_end = models.TimeField(_("office hours until"), default=datetime.time(19, 0))
    office_weekdays = models.CharField(
        _("office days"),
        max_length=7,
        default="12345",
        help_text=_("ISO weekdays, Monday 1 to Sunday 7."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = AlertSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(office_start__lt=models.F("office_end")),
                name="alertsettings_office_hours_order",
                violation_error_message=_(
                    "Office hours must end after they start, on the same day."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(refusals_per_hour__gte=1, reads_factor__gte=1),
                name="alertsettings_thresholds_positive",
                violation_error_message=_("Thresholds must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}"

    def is_office_time(self, moment: datetime.datetime) -> bool:
        """Whether a moment (any time zone) falls in office hours, in Amsterdam time."""
        local = timezone.localtime(moment)
        return (
            str(local.isoweekday()) in self.office_weekdays
            and self.office_start <= local.time() < self.office_end
        )


class AlertKind(models.TextChoices):
    REFUSALS = "refusals", _("Many refused requests in one hour")
    MANY_READS = "many_reads", _("Far more households opened than usual")
    OFF_HOURS = "off_hours", _("Households opened outside office hours")


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        """Alerts of the municipalities where the user is privacy officer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(municipality_id__in=municipality_ids_of(user, role=Role.PRIVACY_OFFICER))

    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    """A pattern in the security or processing log the privacy officer should look at.

    One per kind, user and window: the check runs again without making it twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    count = models.PositiveIntegerField(_("number"))
    usual = models.PositiveIntegerField(
        _("usual number"),
        null=True,
        blank=True,
        help_text=_("The median per day over the 28 days before (household reads only)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    acknowledged_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("security alert")
        verbose_name_plural = _("security alerts")
        ordering = ["-window_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "municipality", "actor", "window_start"],
                name="alert_one_per_window",
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "-created_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="alert_open_muni_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.actor_id} {self.window_start:%Y-%m-%d %H:%M}"


class AlertCheckpoint(models.Model):
    """How far the alert check got: every window ending at or before ``checked_until``
    has been looked at (one row)."""

    checked_until = models.DateTimeField(_("checked until"))

    class Meta:
        verbose_name = _("alert checkpoint")
        verbose_name_plural = _("alert checkpoints")

    def __str__(self) -> str:
        return f"{self.checked_until:%Y-%m-%d %H:%M}"


class ProcessingLogPurgeQuerySet(models.QuerySet["ProcessingLogPurge"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing-log purges are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The processing-log purges are append-only.")


class ProcessingLogPurge(models.Model):
    """The removal of the oldest processing-log records at the end of their retention period.

    A purge removes every record up to and including a seal's ``last_record_id`` (never part
    of a seal) and keeps the seals themselves, which hold no personal data. It is signed like
    a seal and chained to the previous purge, and names the seal at its boundary; the
    verifier accepts a signed purge as the new start of the records: the seals up to the
    boundary are checked as a chain, their records no longer (``audit/purge.py``).
    """

    purged_at = models.DateTimeField(_("purged at"), default=timezone.now)
    older_than = models.DateTimeField(
        _("records older than"), help_text=_("The retention limit the purge applied.")
    )
    first_record_id = models.BigIntegerField(_("first record"))
    last_record_id = models.BigIntegerField(
        _("last record"), unique=True, help_text=_("The last record id of the boundary seal.")
    )
    record_count = models.PositiveIntegerField(_("number of records"))
    boundary_seal_hash = models.CharField(_("seal at the boundary"), max_length=64)
    last_record_hash = models.CharField(
        _("hash of the last record"),
        max_length=64,
        blank=True,
        help_text=_("The MAC of the last removed record: where the older per-row chain resumes."),
    )
    previous_purge_hash = models.CharField(_("previous purge"), max_length=64)
    purge_hash = models.CharField(_("signature"), max_length=64, unique=True)
    key_id = models.CharField(_("chain key"), max_length=16)

    objects = ProcessingLogPurgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing log purge")
        verbose_name_plural = _("processing log purges")
        ordering = ["-last_record_id"]

    def __str__(self) -> str:
        return f"≤ {self.last_record_id} ({self.record_count})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The processing-log purges are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing-log purges are append-only.")
