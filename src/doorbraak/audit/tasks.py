"""Background work of the audit app: the processing log as a CSV download, the security
alerts."""

from __future__ import annotations

import io
import logging
from typing import IO

from django.utils import translation
from django.utils.translation import gettext_lazy
from django_tasks import task

from doorbraak.audit.alerts import check_security_alerts
from doorbraak.audit.export import filters_from_parameters, write_processing_log_export
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress, download_build
from doorbraak.lib.messages import Message
from doorbraak.lib.replica import replica_reads


def build_processing_log_export(download: Download, file: IO[bytes], progress: Progress) -> Message:
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
    return Message(gettext_lazy("%(rows)s records"), rows=rows)


@task()
def processing_log_export_task(download_id: int) -> str:
    return download_build(download_id, build=build_processing_log_export)


logger = logging.getLogger(__name__)


@task()
def check_security_alerts_task() -> int:
    """Run hourly (``manage.py check_security_alerts --enqueue``): the new alerts, mailed."""
    with translation.override("nl"):
        created = check_security_alerts()
    logger.info("check_security_alerts", extra={"new_alerts": len(created)})
    return len(created)
