""" "Mijn downloads": the user's download jobs with their progress, and the finished files.

A job and its file exist only for the user who asked for it: anyone else gets 404 (the
selector filters on the requester). While a job waits or runs, the list polls its own
fragment with htmx every two seconds; without JavaScript a link refreshes the page.

Fetching a file writes no processing-log record of its own: the task that built it wrote
the ``EXPORT`` records for the same user, and only that user can fetch it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doorbraak.accounts.types import AuthenticatedHttpRequest
from doorbraak.downloads import policies, selectors
from doorbraak.downloads.models import Download, DownloadStatus, download_storage
from doorbraak.lib.access import Lookup, fragment, page

DOWNLOAD = Lookup("download", selectors.download_get, "public_id")


def _context(request: AuthenticatedHttpRequest) -> dict[str, object]:
    downloads = list(selectors.download_list(user=request.user))
    return {
        "downloads": downloads,
        "pending": any(d.is_pending for d in downloads),
        "retention_days": settings.DOORBRAAK_DOWNLOAD_RETENTION_DAYS,
    }


@require_GET
@page(policies.can_use_downloads)
def download_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "downloads/list.html", _context(request))


@require_GET
@fragment(policies.can_use_downloads)
def download_list_progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list itself, which htmx swaps in every two seconds while a job is pending."""
    return render(request, "downloads/_list.html", _context(request))


@require_GET
@page(policies.can_use_downloads, obj=DOWNLOAD)
def download_file(request: AuthenticatedHttpRequest, download: Download) -> HttpResponse:
    """The finished file, streamed from the private storage in blocks (never read whole)."""
    storage = download_storage()
    if download.status != DownloadStatus.DONE or not storage.exists(download.file.name):
        raise Http404
    return FileResponse(  # type: ignore[return-value]  # a streaming response, as @page allows
        storage.open(download.file.name, "rb"),
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )
