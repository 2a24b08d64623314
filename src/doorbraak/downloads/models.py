"""A download job (*exportopdracht*): a file that the task worker builds for one user.

Exports and long reports do not run in the request: the page asks for one (a
:class:`Download` in status ``queued``), the task worker builds the file in bounded memory
and reports its progress, and the user who asked fetches the finished file from
"Mijn downloads" until it expires. Nobody else ever sees the job or its file.

The file lives in the private ``downloads`` storage (``DOORBRAAK_DOWNLOADS_DIR``), which
no URL serves: only :func:`doorbraak.downloads.views.download_file` streams it, to the
requester. It is not part of the backup: a download is derived data that expires within
days, and a restored database shows the jobs whose files are gone as expired.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorbraak.lib.messages import StoredText, render_stored


def download_storage() -> Storage:
    """The private storage of the finished files (``STORAGES["downloads"]``)."""
    return storages["downloads"]


class DownloadKind(models.TextChoices):
    """What the file holds; each kind is built by a task of the app that knows its data."""

    EVALUATION_EXPORT = "evaluatie-export", _("Evaluation export")
    PROCESSING_LOG_EXPORT = "logboek-export", _("Processing log export")
    SPIEGEL_PDF = "spiegel-pdf", _("Spiegel report (PDF)")
    VALUE_REPORT_PDF = "waarderapport-pdf", _("Societal value report (PDF)")
    VALUE_REPORT_CSV = "waarderapport-csv", _("Societal value report (CSV)")
    FUND_FIGURES = "potje-cijfers", _("Fund figures (CSV)")
    PAYMENT_BATCH = "betaalbatch", _("Payment batch (CSV)")
    SEPA_TRANSFER = "sepa-bestand", _("SEPA credit transfer file")
    COST_CATALOGUE = "kostenkengetallen", _("Cost catalogue (CSV)")


class DownloadStatus(models.TextChoices):
    QUEUED = "wacht", _("Waiting")
    RUNNING = "bezig", _("Being built")
    DONE = "klaar", _("Ready")
    FAILED = "mislukt", _("Failed")


class DownloadQuerySet(models.QuerySet["Download"]):
    def visible_to(self, user: Any) -> DownloadQuerySet:
        """A user's own downloads, and nobody else's (not even an administrator's)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)

    def expired(self, now: Any = None) -> DownloadQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class Download(models.Model):
    """One file asked for by one user: its parameters, its progress and, once done, the
    file itself, kept until ``expires_at``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="downloads",
        verbose_name=_("asked for by"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DownloadKind.choices)
    #: What the producing task needs to build the file again (a period, a municipality,
    #: filters): a flat JSON object of short values, checked by ``download_queue``.
    parameters = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DownloadStatus.choices, default=DownloadStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    #: What the finished file holds, in words (rows, rows left out), or why it failed: in
    #: Dutch (the record language).
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    #: The summary untranslated and its parameters, shown in the reader's language
    #: (lib.messages); empty when the summary is not a message of ours (a validation error).
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=100, blank=True)
    file = models.FileField(
        _("file"), storage=download_storage, upload_to="%Y/%m/", max_length=200, blank=True
    )
    filename = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), db_index=True)

    objects = DownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="download_user")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="download_progress_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DownloadStatus.DONE) | ~models.Q(file=""),
                name="download_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def is_pending(self) -> bool:
        return self.status in (DownloadStatus.QUEUED, DownloadStatus.RUNNING)

    @property
    def is_running(self) -> bool:
        return self.status == DownloadStatus.RUNNING

    @property
    def is_done(self) -> bool:
        return self.status == DownloadStatus.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == DownloadStatus.FAILED

    @property
    def summary_line(self) -> StoredText:
        """The summary in the active language, or as stored (Dutch, marked as Dutch)."""
        return render_stored(self.message, self.params, self.summary)
