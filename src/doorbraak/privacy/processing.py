"""The processing log of data-subject requests: the one way the app writes it.

Handling a request, and looking into a person's data to answer it, is processed under the
activity *supervision of the processing of personal data* (``PRIVACY_SUPERVISION``), one
record per person concerned (by pseudonym). Changes the request leads to (a rectification,
a restriction) are logged by the households services that make them.
"""

from __future__ import annotations

from collections.abc import Iterable

from doorbraak.accounts.models import User
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record, processing_log_record_many
from doorbraak.privacy.models import DataSubjectRequest

OBJECT_TYPE = "privacy.datasubjectrequest"


def log_request(*, actor: User, action: ProcessingAction, request: DataSubjectRequest) -> None:
    """One record for the person the request concerns, in the caller's transaction."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.PRIVACY_SUPERVISION,
        object_type=OBJECT_TYPE,
        object_id=request.pk,
        subjects=[request.subject_pseudonym],
        municipality=request.municipality_id,
    )


def log_request_list(
    *, actor: User, requests: Iterable[tuple[int, str, int]], action: ProcessingAction
) -> None:
    """A list of requests shown: one record per (request id, pseudonym, municipality id)."""
    entries = [
        LogEntry(OBJECT_TYPE, pk, (subject,), municipality)
        for pk, subject, municipality in requests
    ]
    if entries:
        processing_log_record_many(
            actor=actor,
            action=action,
            activity=ProcessingActivity.PRIVACY_SUPERVISION,
            entries=entries,
        )
