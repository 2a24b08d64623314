"""Background work of the audit app: the processing log as a CSV download."""

from __future__ import annotations

import io
from typing import IO

from django.utils.translation import gettext as _
from django_tasks import task

from doorbraak.audit.export import filters_from_parameters, write_processing_log_export
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress, download_build
from doorbraak.lib.replica import replica_reads


def build_processing_log_export(download: Download, file: IO[bytes], progress: Progress) -> str:
    # UTF-8 with a byte-order mark: Dutch spreadsheets open it with the accents intact.
    out = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        with replica_reads():
            rows = write_processing_log_export(
                actor=download.requested_by,
                filters=filters_from_parameters(download.parameters),
                out=out,
                progress=progress,
            )
    finally:
        out.flush()
        out.detach()  # the file belongs to download_build, which stores it
    return _("%(rows)s records") % {"rows": rows}


@task()
def processing_log_export_task(download_id: int) -> str:
    return download_build(download_id, build=build_processing_log_export)
