"""Download jobs: ask for one, build it in the task worker, hand it over, let it expire.

The app that knows the data decides who may ask and builds the file; this module keeps
the job's life the same for every kind of file:

1. :func:`download_queue` (in the request) records the job and enqueues the producer's
   task once the transaction commits;
2. the producer's task calls :func:`download_build` with a function that writes the file:
   the job is claimed once (a second run of the same task does nothing), the file is
   written to a temporary file, progress goes to the job row as it goes, and only a
   complete file is stored and marked ``done``; any error marks the job ``failed`` and
   leaves no file (nothing half-delivered);
3. :func:`downloads_expire` (``manage.py expire_downloads``, hourly) deletes files and jobs
   past their expiry, and fails jobs whose worker died while building them.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
from collections.abc import Callable
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import Task

from doorbraak.accounts.models import User
from doorbraak.downloads.models import Download, DownloadKind, DownloadStatus, download_storage
from doorbraak.lib.access import Refused
from doorbraak.lib.messages import Message

logger = logging.getLogger(__name__)

#: Parameters are a flat object of short values: what a form posted, not data.
MAX_PARAMETERS_BYTES = 2000
#: Jobs one user may have waiting or running at once.
MAX_PENDING_PER_USER = 3


class Progress(Protocol):
    def __call__(self, percent: int, step: str) -> None: ...


#: Writes the file into the binary file object, reports progress, and returns the
#: summary shown beside the finished download ("1.234 rijen, 5 weggelaten").
Builder = Callable[[Download, IO[bytes], Progress], str | Message]


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.DOORBRAAK_DOWNLOAD_RETENTION_DAYS)


def _check_parameters(parameters: dict[str, Any]) -> None:
    if not isinstance(parameters, dict) or not all(isinstance(key, str) for key in parameters):
        raise ValueError("Download parameters are a JSON object.")
    for value in parameters.values():
        if not isinstance(value, str | int | bool | None) or isinstance(value, float):
            raise ValueError("Download parameters are short scalar values.")
    if len(json.dumps(parameters)) > MAX_PARAMETERS_BYTES:
        raise ValueError("Download parameters are too long.")


def download_queue(
    *,
    requester: User,
    kind: DownloadKind,
    title: str,
    filename: str,
    content_type: str,
    parameters: dict[str, Any],
    task: Task[..., Any],
) -> Download:
    """Record a job for ``requester`` and have the worker run ``task(download_id)``.

    The caller has checked that the requester may ask for this file (and the task checks
    it again when it runs). Raises ``ValidationError`` when the requester already has
    :data:`MAX_PENDING_PER_USER` jobs waiting or running.
    """
    _check_parameters(parameters)
    with transaction.atomic():
        pending = Download.objects.filter(
            requested_by=requester, status__in=[DownloadStatus.QUEUED, DownloadStatus.RUNNING]
        ).count()
        if pending >= MAX_PENDING_PER_USER:
            raise ValidationError(
                _("You already have %(count)s downloads being built. Wait until one is ready.")
                % {"count": pending},
                code="too_many",
            )
        now = timezone.now()
        download = Download.objects.create(
            requested_by=requester,
            kind=kind,
            title=title[:200],
            filename=filename[:150],
            content_type=content_type,
            parameters=parameters,
            created_at=now,
            expires_at=now + retention(),
        )
        transaction.on_commit(lambda: task.enqueue(download.pk))
    logger.info("download_queued", extra={"download_id": download.pk, "kind": kind})
    return download


def _claim(download_id: int) -> Download | None:
    with transaction.atomic():
        download = (
            Download.objects.select_for_update(no_key=True)
            .select_related("requested_by")
            .filter(pk=download_id)
            .first()
        )
        if download is None or download.status != DownloadStatus.QUEUED:
            return None
        download.status = DownloadStatus.RUNNING
        download.started_at = timezone.now()
        download.save(update_fields=["status", "started_at"])
    return download


def _summary(summary: str | Message) -> dict[str, Any]:
    """The columns of a summary: the Dutch text, and the message and its parameters when
    it is one of ours (shown in the reader's language, lib.messages)."""
    if isinstance(summary, Message):
        return {
            "summary": summary.dutch()[:200],
            "message": summary.msgid,
            "params": summary.params,
        }
    return {"summary": summary[:200], "message": "", "params": {}}


def _fail(download: Download, error: BaseException) -> None:
    summary: str | Message
    if isinstance(error, Refused):
        summary = Message(gettext_lazy("You may no longer ask for this file."))
    elif isinstance(error, ValidationError):
        with translation.override("nl"):
            summary = " ".join(error.messages)
    else:
        summary = Message(
            gettext_lazy(
                "Building the file failed. Ask for it again, or tell the functional administrator."
            )
        )
    Download.objects.filter(pk=download.pk).update(
        status=DownloadStatus.FAILED,
        error=type(error).__name__[:100],
        step="",
        finished_at=timezone.now(),
        **_summary(summary),
    )


def download_build(download_id: int, *, build: Builder) -> str:
    """Build the file of a queued job with ``build``; what happened, as a word.

    Run by the producer's task. The job is claimed once: a job that is not waiting
    (already built, running elsewhere, gone) is ``"skipped"``. The file is complete before
    anyone can fetch it: it is written to a temporary file and stored, and the job marked
    ``done``, only when ``build`` returns.
    """
    download = _claim(download_id)
    if download is None:
        return "skipped"

    def progress(percent: int, step: str) -> None:
        Download.objects.filter(pk=download_id).update(
            progress=max(0, min(100, percent)), step=step[:100]
        )

    stored = ""
    try:
        with tempfile.TemporaryFile(dir=scratch_dir()) as scratch:
            with translation.override("nl"):
                summary = build(download, scratch, progress)
            size = scratch.tell()
            scratch.seek(0)
            stored = download_storage().save(
                f"{timezone.now():%Y/%m}/{download.public_id.hex}", File(scratch)
            )
        finished = timezone.now()
        delivered = Download.objects.filter(pk=download_id, status=DownloadStatus.RUNNING).update(
            status=DownloadStatus.DONE,
            progress=100,
            step="",
            file=stored,
            size=size,
            finished_at=finished,
            expires_at=finished + retention(),
            **_summary(summary),
        )
        if not delivered:  # the job was deleted (expired, its user gone) while it ran
            download_storage().delete(stored)
            return "skipped"
    except Exception as error:  # the page must say it failed, not spin forever
        logger.exception("download_failed", extra={"download_id": download_id})
        if stored:
            download_storage().delete(stored)
        _fail(download, error)
        return "failed"
    logger.info("download_done", extra={"download_id": download_id, "bytes": size})
    return "done"


def scratch_dir() -> str:
    """Temporary files beside the stored ones: the same (private) disk, never /tmp of a
    shared host."""
    path = os.path.join(download_storage().path(""), "tmp")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def downloads_expire(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete the jobs (and files) past their expiry, and fail the jobs whose worker
    stopped while building them. Returns (deleted, failed)."""
    now = now or timezone.now()
    deleted = 0
    storage = download_storage()
    for download in Download.objects.expired(now).only("pk", "file").iterator(chunk_size=500):
        if download.file and storage.exists(download.file.name):
            storage.delete(download.file.name)
        Download.objects.filter(pk=download.pk).delete()
        deleted += 1
    stale = now - datetime.timedelta(hours=settings.DOORBRAAK_DOWNLOAD_MAX_RUNNING_HOURS)
    failed = Download.objects.filter(status=DownloadStatus.RUNNING, started_at__lt=stale).update(
        status=DownloadStatus.FAILED,
        error="stopped",
        finished_at=now,
        **_summary(Message(gettext_lazy("Building the file stopped halfway. Ask for it again."))),
    )
    if deleted or failed:
        logger.info("downloads_expired", extra={"deleted": deleted, "failed": failed})
    return deleted, failed
