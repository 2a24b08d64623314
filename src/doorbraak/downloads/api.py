"""``/api/v1/downloads/{id}``: a file the task worker builds for an API client.

Endpoints that produce a file that grows with the data (the fund's payment batch and
SEPA file) answer ``202 Accepted`` with a ``Location`` here instead of the file. The
client polls this resource for the status and progress and fetches the finished file
from ``…/file``. As on "Mijn downloads", a job exists only for the user who asked for it:
anyone else gets 404. Fetching the file writes no processing-log record of its own: the
task that built it recorded the export, for the same user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import FileResponse, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from doorbraak.downloads import policies, selectors
from doorbraak.downloads.models import Download, DownloadStatus, download_storage
from doorbraak.downloads.serializers import DownloadSerializer
from doorbraak.lib.access import Lookup, api
from doorbraak.lib.api import PROBLEM_CONTENT_TYPE, problem

TAGS = ["downloads"]
DOWNLOAD = Lookup("download", selectors.download_get, "public_id")
PROBLEM = OpenApiResponse(description="A problem (application/problem+json).")


class AnyFileRenderer(BaseRenderer):
    """Lets a client ask for the file with its own media type (``Accept: text/csv``); the
    file is streamed as it is, a problem is written as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return JSONRenderer().render(data)


def _problem(request: Request, status_code: int, detail: str) -> Response:
    body = problem(status_code=status_code, detail=detail, instance=request.path)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def accepted(request: Request, download: Download) -> Response:
    """``202 Accepted``: the job is queued; ``Location`` is where to follow it."""
    response = Response(DownloadSerializer(download, context={"request": request}).data, status=202)
    response["Location"] = reverse(
        "api:download-detail", args=[download.public_id], request=request
    )
    return response


@api(policies.can_use_downloads, obj=DOWNLOAD)
class DownloadDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="downloads_retrieve",
        responses={
            200: DownloadSerializer,
            (404, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
    )
    def get(self, request: Request, download: Download) -> Response:
        """The status and progress of a file being built for you, and where to fetch it
        once it is ready (``fileUrl``)."""
        return Response(DownloadSerializer(download, context={"request": request}).data)


@api(policies.can_use_downloads, obj=DOWNLOAD)
class DownloadFileView(APIView):
    renderer_classes = [JSONRenderer, AnyFileRenderer]

    @extend_schema(
        tags=TAGS,
        operation_id="downloads_file",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (404, PROBLEM_CONTENT_TYPE): PROBLEM,
            (409, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
    )
    def get(self, request: Request, download: Download) -> HttpResponseBase:
        """The finished file, streamed (its own media type: CSV, XML, …). 409 while it is
        still being built or when building it failed."""
        storage = download_storage()
        if download.status != DownloadStatus.DONE:
            return _problem(request, 409, _("The file is not ready."))
        if not storage.exists(download.file.name):  # expired, or lost in a restore
            return _problem(request, 404, _("The file is no longer available."))
        return FileResponse(
            storage.open(download.file.name, "rb"),
            as_attachment=True,
            filename=download.filename,
            content_type=download.content_type,
        )
