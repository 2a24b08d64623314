"""For tests of pages that queue a download: run the worker's builder as the task would,
then fetch the file as the requester does from "Mijn downloads"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponseBase
from django.urls import reverse

from doorbraak.downloads.models import Download, DownloadStatus
from doorbraak.downloads.services import Builder, download_build


@dataclass(frozen=True)
class Built:
    download: Download
    response: Any  # the FileResponse of downloads:file
    content: bytes


def build_queued(client: Any, asked: HttpResponseBase, build: Builder) -> Built:
    """``asked`` is the page's answer to the POST that queued the job: a redirect to "Mijn
    downloads". Builds the requester's newest job with ``build`` (what the task does) and
    fetches the file through the download page."""
    assert asked.status_code == 302, asked.status_code
    assert asked["Location"] == reverse("downloads:list")
    download = Download.objects.order_by("-pk").first()
    assert download is not None
    assert download.status == DownloadStatus.QUEUED
    assert download_build(download.pk, build=build) == "done", Download.objects.get(
        pk=download.pk
    ).summary
    download.refresh_from_db()
    response = client.get(reverse("downloads:file", args=[download.public_id]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return Built(download=download, response=response, content=content)
