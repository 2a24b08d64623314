"""The cost catalogue as a CSV file, built by the task worker for "Mijn downloads".

The page queues a download with its filters; the builder checks the requester's rights
again, reads the items the requester may see in chunks (``.iterator``) and writes them in
the import format, row by row. Cost figures are not personal data: nothing is logged.
"""

from __future__ import annotations

import io
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorbraak.accounts.policies import can_view_organisations
from doorbraak.catalogue import selectors
from doorbraak.catalogue.services import CSV_COLUMNS, CSV_DELIMITER, cost_item_row
from doorbraak.downloads.models import Download
from doorbraak.downloads.services import Progress
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_write

CHUNK_SIZE = 1000


def build_cost_catalogue(download: Download, file: IO[bytes], progress: Progress) -> str:
    user = download.requested_by
    if not can_view_organisations(user):
        raise Refused
    year = download.parameters.get("year")
    items = selectors.cost_item_list(
        user=user,
        year=year if isinstance(year, int) else None,
        query=str(download.parameters.get("q") or ""),
    )
    progress(10, _("Writing the cost items"))
    count = 0

    def rows() -> object:
        nonlocal count
        for item in items.iterator(chunk_size=CHUNK_SIZE):
            count += 1
            yield cost_item_row(item)

    out = io.TextIOWrapper(file, encoding="utf-8", newline="", write_through=True)
    csv_write(out, CSV_COLUMNS, rows(), delimiter=CSV_DELIMITER)  # type: ignore[arg-type]
    out.detach()
    return ngettext("%(count)s cost item", "%(count)s cost items", count) % {"count": count}
