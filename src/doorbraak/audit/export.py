"""The processing log as a CSV file for the privacy officer, filtered like the log page.

Built by the task worker into a download (``doorbraak.downloads``): the records are read
with ``.iterator(chunk_size=…)`` and written row by row, so the file may hold millions of
records in constant memory. The export is itself a processing: one ``EXPORT`` record
(privacy supervision) of the person filtered on, if any, written once the rows are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction, ProcessingLog
from doorbraak.audit.policies import can_view_processing_log
from doorbraak.audit.selectors import processing_log_search
from doorbraak.audit.services import processing_log_read
from doorbraak.lib.access import Refused
from doorbraak.lib.spreadsheet import csv_write

CHUNK_SIZE = 2000

HEADER = (
    "record",
    "tijdstip",
    "gebruiker",
    "rol",
    "organisatie",
    "handeling",
    "verwerkingsactiviteit",
    "doel",
    "grondslag",
    "objecttype",
    "object",
    "betrokkene",
    "verzoek",
)


def filters_from_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """The log page's filters from a download's parameters (dates as ISO text)."""
    filters: dict[str, Any] = {
        key: str(parameters.get(key) or "")
        for key in ("person", "username", "action", "search_term_hash")
    }
    for key in ("date_from", "date_to"):
        value = parameters.get(key)
        filters[key] = datetime.date.fromisoformat(value) if value else None
    return filters


def _rows(records: Iterator[ProcessingLog], done: Callable[[], None]) -> Iterator[list[Any]]:
    for number, record in enumerate(records, start=1):
        yield [
            record.pk,
            timezone.localtime(record.occurred_at).isoformat(timespec="seconds"),
            record.actor_name,
            record.actor_role_label,
            record.actor_organisation,
            record.get_action_display(),
            record.get_activity_display(),
            record.purpose,
            record.legal_basis,
            record.object_type,
            record.object_id,
            record.subject_pseudonym,
            record.request_id,
        ]
        if number % CHUNK_SIZE == 0:
            done()


def write_processing_log_export(
    *,
    actor: User,
    filters: dict[str, Any],
    out: TextIO,
    progress: Callable[[int, str], None],
) -> int:
    """Write the records ``actor`` may see, filtered, newest first, into ``out``; how many.

    Raises ``Refused`` unless ``actor`` (still) is a privacy officer.
    """
    if not can_view_processing_log(actor):
        raise Refused(_("Only privacy officers may export the processing log."))
    records = processing_log_search(user=actor, **filters)
    total = records.count() or 1
    written = 0

    def done() -> None:
        nonlocal written
        written += CHUNK_SIZE
        progress(min(99, 100 * written // total), _("Writing records"))

    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in _rows(records.iterator(chunk_size=CHUNK_SIZE), done):
            count += 1
            yield row

    csv_write(out, HEADER, counted(), delimiter=";")
    # After the rows (the file does not list its own record), before the file is stored:
    # a failing write fails the download, so no file leaves without its record.
    processing_log_read(
        actor=actor,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        action=ProcessingAction.EXPORT,
        object_type="audit.processinglog",
        subjects=[filters["person"]] if filters.get("person") else [],
    )
    return count
