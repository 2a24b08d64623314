"""The processing log of the insights: the one way the app writes it.

Signals keep pseudonymised cases, the evaluation export and the value report leave the
application: all of it is processed for policy research (``POLICY_RESEARCH``).
"""

from __future__ import annotations

from collections.abc import Iterable

from doorbraak.accounts.models import Municipality
from doorbraak.accounts.selectors import AnyUser
from doorbraak.audit.activities import ProcessingActivity
from doorbraak.audit.models import ProcessingAction
from doorbraak.audit.services import LogEntry, processing_log_record, processing_log_record_many
from doorbraak.insights.models import ValueReport


def log_policy_research(
    *,
    actor: AnyUser | None,
    action: ProcessingAction,
    object_type: str,
    object_id: int | str,
    subjects: Iterable[str] = (),
    municipality: Municipality | int | None,
) -> None:
    """One record per person in ``subjects`` (at least one)."""
    processing_log_record(
        actor=actor,
        action=action,
        activity=ProcessingActivity.POLICY_RESEARCH,
        object_type=object_type,
        object_id=object_id,
        subjects=subjects,
        municipality=municipality,
    )


def log_policy_research_many(
    *, actor: AnyUser | None, action: ProcessingAction, entries: Iterable[LogEntry]
) -> None:
    """The records of several objects at once, in one INSERT."""
    processing_log_record_many(
        actor=actor, action=action, activity=ProcessingActivity.POLICY_RESEARCH, entries=entries
    )


def log_value_report_export(*, actor: AnyUser, report: ValueReport) -> None:
    """The value report left the application as a file: one record, for the requester
    (its figures are aggregates: no person is named)."""
    log_policy_research(
        actor=actor,
        action=ProcessingAction.EXPORT,
        object_type="insights.valuereport",
        object_id=report.pk,
        municipality=report.municipality_id,
    )
