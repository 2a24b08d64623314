"""Output serializer of a download job in the API (``/api/v1/downloads/{id}``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from doorbraak.downloads.models import Download, DownloadKind, DownloadStatus
from doorbraak.lib.serializers import EnumField


class DownloadSerializer(serializers.Serializer[Download]):
    """A file the task worker builds for the client: poll it until ``status`` is ``klaar``
    (then fetch ``fileUrl``) or ``mislukt`` (``summary`` says why)."""

    id = serializers.UUIDField(source="public_id")
    kind = EnumField(DownloadKind)
    title = serializers.CharField()
    status = EnumField(DownloadStatus)
    progress = serializers.IntegerField(help_text="Percentage done, 0 to 100.")
    step = serializers.CharField(help_text="What the worker is doing now (Dutch).")
    summary = serializers.CharField(
        help_text="What the finished file holds, or why it failed (Dutch)."
    )
    filename = serializers.CharField()
    contentType = serializers.CharField(source="content_type")
    size = serializers.IntegerField(help_text="Bytes, once the file is ready.")
    createdAt = serializers.DateTimeField(source="created_at")
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)
    expiresAt = serializers.DateTimeField(source="expires_at")
    fileUrl = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_fileUrl(self, download: Download) -> str | None:
        if download.status != DownloadStatus.DONE:
            return None
        request: Any = self.context.get("request")
        return reverse("api:download-file", args=[download.public_id], request=request)
